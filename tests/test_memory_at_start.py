"""Libraries for documents, exports and bank holidays load when first used, not at start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LATE = ("openpyxl", "docxtpl", "docx", "lxml", "holidays")
PROBE = """
import sys
from cspr.serve import preload, load_app
preload()
after_preload = sorted(m for m in {late!r} if m in sys.modules)
shipped = "scripts.doc_templates" in sys.modules
forms = "cspr.formengine.routes" in sys.modules
app = load_app()
client = app.test_client()
client.get("/sign-in")
after_start = sorted(m for m in {late!r} if m in sys.modules)
from cspr.casework import clock
import datetime
clock.add_working_days(datetime.date(2026, 12, 24), 1)
print(after_preload, shipped, forms, after_start, "holidays" in sys.modules)
"""


def test_heavy_libraries_wait_until_they_are_needed(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(late=LATE)], cwd=ROOT, capture_output=True,
        text=True, timeout=120, env={"CSPR_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "False", "True", "[]", "True"]
