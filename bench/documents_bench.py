"""Benchmark document rendering: each shipped template, ours against plain docxtpl.

Run: .venv/bin/python bench/documents_bench.py [--repeat 15]
"Plain" is docxtpl's own render of the same template with the same context, in the same run,
with an ordinary jinja2.Environment(autoescape=True) holding the same filters (the templates
use them); no sandbox, no scan, no per-part XML check. "Ours" is render_docx: the sandboxed
environment, the (cached) safety scan, the context's XML clean-up and the per-part check.
Both save to memory. Times are medians of interleaved runs. Goals are reported, never asserted:
at most 1.5x plain docxtpl, and at most 100 ms for a typical letter.

A second table prices the isolation that documents use in the app: fill_template with the
template filled in a worker process under memory and CPU limits (a warm worker, as after the
first document), against the same fill_template rendering in this process, interleaved in the
same run; and the cost of starting a worker (a fresh interpreter), paid once per server
process and again after a worker is replaced.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docxtpl import DocxTemplate  # noqa: E402
from jinja2 import Environment  # noqa: E402

from cspr import create_app  # noqa: E402
from cspr.demo import run as demo  # noqa: E402
from cspr.documents import isolation, library, operations, sample  # noqa: E402
from cspr.documents.render import render_docx  # noqa: E402
from cspr.storage import close_store, get_store  # noqa: E402

RATIO_GOAL = 1.5
LETTER_GOAL_MS = 100.0
LETTER = "family_decision_letter"


def plain(content: bytes, context: dict[str, Any], filters: dict[str, Any]) -> bytes:
    """Render as docxtpl does out of the box (plus the filters the templates need)."""
    env = Environment(autoescape=True)  # noqa: S701 (the unsandboxed baseline, on purpose)
    env.filters.update(filters)
    template = DocxTemplate(BytesIO(content))
    template.render(context, jinja_env=env)
    out = BytesIO()
    template.save(out)
    return out.getvalue()


def median_ms(samples: list[float]) -> float:
    """Return the median of samples in seconds, in milliseconds."""
    return statistics.median(samples) * 1000


def time_pair(
    repeat: int, first: Callable[[], object], second: Callable[[], object]
) -> tuple[float, float]:
    """Time two calls interleaved, so that both see the same machine; return median ms each."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeat):
        for call, samples in ((first, a), (second, b)):
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
    return median_ms(a), median_ms(b)


def main() -> int:
    """Print one row per shipped template, then the end-to-end time of a letter."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "DATA_DIR": folder})
        with app.app_context():
            rows = []
            filters = operations.filters_now()
            for template in library.list_templates():
                _, version = library.active(template["id"])
                content = library.read(version)
                context, _ = sample.sample_context(
                    operations.settings(), {"id": template["id"], "title": template["title"]}
                )
                started = time.perf_counter()
                render_docx(content, context, filters)  # the first render also scans
                cold = (time.perf_counter() - started) * 1000
                base, ours = time_pair(
                    repeat,
                    lambda c=content, x=context: plain(c, x, filters),
                    lambda c=content, x=context: render_docx(c, x, filters),
                )
                rows.append((template["id"], base, ours, ours / base, cold))
            print(f"Rendering each shipped template ({repeat} interleaved runs, median)")
            print(f"{'template':<28} {'plain ms':>9} {'ours ms':>9} {'ratio':>6} {'first ms':>9}")
            for name, base, ours, ratio, cold in rows:
                flag = "" if ratio <= RATIO_GOAL else "  over 1.5x"
                print(f"{name:<28} {base:>9.1f} {ours:>9.1f} {ratio:>5.2f}x {cold:>9.1f}{flag}")
            worst = max(r[3] for r in rows)
            print(f"Worst ratio {worst:.2f}x (goal at most {RATIO_GOAL}x): "
                  + ("met" if worst <= RATIO_GOAL else "NOT met"))  # fmt: skip
            letter = next(r for r in rows if r[0] == LETTER)
            print(f"Typical letter ({LETTER}) renders in {letter[2]:.1f} ms "
                  f"(goal at most {LETTER_GOAL_MS:.0f} ms): "
                  + ("met" if letter[2] <= LETTER_GOAL_MS else "NOT met"))  # fmt: skip
            isolation_table(app, repeat)
            end_to_end(repeat)
        close_store(app)
    return 0


def isolation_table(app: Any, repeat: int) -> None:
    """Print the cost per render of filling templates in a limited worker process."""
    rows = []
    for template in library.list_templates():
        _, version = library.active(template["id"])
        content = library.read(version)
        context, _ = sample.sample_context(
            operations.settings(), {"id": template["id"], "title": template["title"]}
        )

        def fill(isolated: bool, c: bytes = content, x: dict[str, Any] = context) -> bytes:
            app.config["DOCUMENT_RENDER_ISOLATED"] = isolated
            return operations.fill_template(c, x)

        fill(True)  # warm: a worker is started and kept
        here, there = time_pair(repeat, lambda f=fill: f(False), lambda f=fill: f(True))
        rows.append((template["id"], here, there, there / here))
    app.config["DOCUMENT_RENDER_ISOLATED"] = True
    isolation.drain()
    starts = []
    for _ in range(5):
        started = time.perf_counter()
        worker = isolation._Worker(isolation.Limits(30, 512))
        starts.append(time.perf_counter() - started)
        worker.close()
    print()
    print(f"Filling in a worker process with limits, against in this process ({repeat} runs)")
    print(f"{'template':<28} {'here ms':>9} {'worker ms':>10} {'ratio':>6} {'extra ms':>9}")
    for name, here, there, ratio in rows:
        print(f"{name:<28} {here:>9.1f} {there:>10.1f} {ratio:>5.2f}x {there - here:>9.1f}")
    print(f"Starting a worker (a fresh interpreter, once per server process): "
          f"{median_ms(starts):.0f} ms (median of {len(starts)})")  # fmt: skip


def end_to_end(repeat: int) -> None:
    """Time generate_document for the letter on a demo case: context, render, store, audit."""
    demo.create_demo()
    bu = get_store().find_one("users", {"email": "bu@demo.example.org"})
    case = next(c for c in get_store().find("cases") if c["reference"].endswith("-0006"))
    assert bu is not None
    samples = []
    for _ in range(max(3, repeat // 3)):
        started = time.perf_counter()
        operations.generate_document(bu, case["id"], LETTER, anonymised=False)
        samples.append(time.perf_counter() - started)
    anonymised = []
    for _ in range(max(3, repeat // 3)):
        started = time.perf_counter()
        operations.generate_document(bu, case["id"], LETTER, anonymised=True)
        anonymised.append(time.perf_counter() - started)
    print(
        f"Whole generation of the letter for a demo case (read the case and forms, render, "
        f"write the file, timeline and audit): full {median_ms(samples):.1f} ms, "
        f"anonymised {median_ms(anonymised):.1f} ms (median of {len(samples)})"
    )


if __name__ == "__main__":
    sys.exit(main())
