"""Filling in administrators' templates in a separate process with limits on time and memory.

Jinja's sandbox stops a template reaching Python, but not every way of using the machine up:
text `replace` on long text builds strings of any size, and a macro may call itself for ever.
So templates are filled in by render_worker.py, a fresh Python interpreter that caps its own
memory and CPU, and that this process times by the wall clock and kills when it overruns.
Whatever goes wrong there becomes a plain-English refusal here, never a crash of the server.

The server runs waitress threads in forked worker processes, and forking a threaded process
is unsafe, so workers are started with subprocess (fork and exec, no Python code in between)
as new interpreters. A few idle workers are kept for the next request; a server process that
was forked drops the ones it inherited without touching them (they belong to its parent).
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cspr.documents.render_worker import FRAME, READY
from cspr.documents.sandbox import Problem, TemplateRefused
from cspr.exceptions import Refused

MB = 1024 * 1024
MAX_IDLE = 2  # idle workers kept per server process
MAX_RENDERS = 200  # then a worker is replaced, so no slow leak builds up
START_SECONDS = 60.0  # a cold start on a busy machine; not counted against the template
TIMED_OUT = (
    "The template could not be used: filling it in took longer than {seconds} seconds, so it "
    "was stopped. It may repeat something a very great number of times. Nothing was saved."
)
STOPPED = (
    "The template could not be used: filling it in stopped unexpectedly, perhaps because it "
    "needed more memory than a document may use. Nothing was saved."
)
UNAVAILABLE = (
    "Documents cannot be made just now: the part of the toolkit that fills in templates did not "
    "start. Try again in a few minutes. If it keeps happening, the server's log says why."
)
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class Limits:
    """How long, and with how much memory, one template may take to fill in."""

    seconds: int
    memory_mb: int


class _Overran(Exception):
    """The worker did not answer in time."""


class _Gone(Exception):
    """The worker stopped, or never started."""


def _plain(value: Any) -> Any:
    """Write dates as ISO text for the worker, as the context's own dates already are."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"A template value of type {type(value).__name__} cannot be sent")


class _Worker:
    """One render worker process and the pipes to it."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.renders = 0
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "PYTHONPATH": _PACKAGE_ROOT,  # the same code as this process, nothing else
        }
        command = [sys.executable, "-B", "-m", "cspr.documents.render_worker",
                   str(limits.memory_mb * MB)]  # fmt: skip
        try:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                bufsize=0,
                env=environment,
                cwd="/",
                start_new_session=True,  # a Ctrl-C at the terminal is for the server
            )
        except OSError as error:
            raise _Gone(str(error)) from error
        if self._read(len(READY), time.monotonic() + START_SECONDS) != READY:
            self.kill()
            raise _Gone("the worker did not say it was ready")

    def _read(self, size: int, deadline: float) -> bytes:
        """Read exactly `size` bytes from the worker before the deadline."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        chunks: list[bytes] = []
        while size:
            left = deadline - time.monotonic()
            if left <= 0 or not poller.poll(left * 1000):
                raise _Overran
            chunk = os.read(fd, min(size, MB))
            if not chunk:
                raise _Gone("the worker stopped")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def render(self, header: dict[str, Any], content: bytes) -> tuple[dict[str, Any], bytes]:
        """Send one template and its values; wait, within the time limit, for the answer."""
        assert self.process.stdin is not None
        encoded = json.dumps(header, default=_plain).encode("utf-8")
        try:
            self.process.stdin.write(FRAME.pack(len(encoded), len(content)) + encoded + content)
        except OSError as error:  # BrokenPipeError: it had stopped
            raise _Gone(str(error)) from error
        self.renders += 1
        deadline = time.monotonic() + self.limits.seconds
        header_size, payload_size = FRAME.unpack(self._read(FRAME.size, deadline))
        answer = json.loads(self._read(header_size, deadline))
        return answer, self._read(payload_size, deadline)

    def alive(self) -> bool:
        """Say whether the process is still running."""
        return self.process.poll() is None

    def kill(self) -> int:
        """Stop the process now and return how it ended."""
        if self.alive():
            self.process.kill()
        code = self.process.wait()
        self.forget()
        return code

    def close(self) -> None:
        """Let the process finish by closing its input."""
        self.forget()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()

    def forget(self) -> None:
        """Close this process's ends of the pipes."""
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


class _Pool:
    """The idle workers of this server process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: list[_Worker] = []

    def take(self, limits: Limits) -> _Worker:
        """Return an idle worker with these limits, or start one."""
        with self.lock:
            while self.idle:
                worker = self.idle.pop()
                if worker.limits == limits and worker.alive():
                    return worker
                worker.close()
        return _Worker(limits)

    def give(self, worker: _Worker) -> None:
        """Keep a worker for the next request, or let it go."""
        if worker.alive() and worker.renders < MAX_RENDERS:
            with self.lock:
                if len(self.idle) < MAX_IDLE:
                    self.idle.append(worker)
                    return
        worker.close()

    def drain(self) -> None:
        """Let every idle worker go (at exit, and in tests)."""
        with self.lock:
            idle, self.idle = self.idle, []
        for worker in idle:
            worker.close()


_pool = _Pool()


def _forked() -> None:
    """In a forked child: forget the parent's workers (their pipes only; they are not ours)."""
    global _pool  # noqa: PLW0603 - one pool per process, replaced at fork
    inherited, _pool = _pool, _Pool()  # a new lock too: the old one may have been held
    for worker in inherited.idle:
        worker.forget()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)


def drain() -> None:
    """Stop this process's idle workers."""
    _pool.drain()


def fill_isolated(
    content: bytes,
    context: dict[str, Any],
    closures: list[date],
    start_is_day_zero: bool,
    limits: Limits,
) -> bytes:
    """Fill a template in a worker process; turn every way it can fail into a refusal."""
    header = {
        "context": context,
        "closures": sorted(d.isoformat() for d in closures),
        "start_is_day_zero": start_is_day_zero,
        "cpu_seconds": limits.seconds,
    }
    try:
        worker = _pool.take(limits)
    except (_Gone, _Overran) as error:
        raise Refused(UNAVAILABLE) from error
    try:
        answer, payload = worker.render(header, content)
    except _Overran:
        worker.kill()
        raise Refused(TIMED_OUT.format(seconds=limits.seconds)) from None
    except _Gone:
        ended = worker.kill()
        if ended == -signal.SIGXCPU:
            raise Refused(TIMED_OUT.format(seconds=limits.seconds)) from None
        raise Refused(STOPPED) from None
    if answer.get("retire"):
        worker.close()
    else:
        _pool.give(worker)
    if "refused" in answer:
        problems = [Problem(*p) for p in answer.get("problems") or []]
        raise TemplateRefused(problems) if problems else Refused(str(answer["refused"]))
    return payload
