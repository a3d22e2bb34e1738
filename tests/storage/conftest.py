"""Fixtures for the storage tests: real stores in temporary directories."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cspr.storage import Store

CHILDREN = Path(__file__).parent / "children"
StartChild = Callable[..., subprocess.Popen[str]]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Return a data directory path that does not exist yet."""
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    """Open a fresh store and close it after the test."""
    opened = Store.open(data_dir)
    yield opened
    opened.close()


@pytest.fixture
def start_child() -> Iterator[StartChild]:
    """Return a function that runs a script from children/ as a separate Python process."""
    started: list[subprocess.Popen[str]] = []

    def start(script: str, *args: str) -> subprocess.Popen[str]:
        child = subprocess.Popen(
            [sys.executable, str(CHILDREN / script), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(child)
        return child

    yield start
    for child in started:  # never leave a writer running after a failed test
        if child.poll() is None:
            child.kill()
            child.wait()
