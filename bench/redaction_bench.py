"""Benchmark the anonymisation check on the team's fictional corpus (bench/redaction_corpus.py).

Run: .venv/bin/python bench/redaction_bench.py [--repeat 200]
Prints how many labelled identifiers the detector finds (recall), how many things it raises
that are not identifying (false alarms), and the time per document against the plain register
replacement it runs beside, measured in the same run. Goals are reported, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.redaction_corpus import CORPUS, SAFE  # noqa: E402
from cspr.documents.anonymise.detect import CaseWords, Detector  # noqa: E402
from cspr.documents.anonymise.passages import Passage  # noqa: E402
from cspr.documents.pseudonyms import Redactor  # noqa: E402


def _covers(found: str, label: str) -> bool:
    """Say whether a candidate and a labelled identifier are the same thing, or part of it."""
    found, label = found.lower(), label.lower()
    return found in label or label in found


def score() -> tuple[int, int, int, list[str]]:
    """Return labels, labels found, false alarms and what was missed, over the whole corpus."""
    labels = found = alarms = 0
    missed = []
    for entry in CORPUS:
        detector = Detector(CaseWords(names=entry["held"], safe=SAFE))
        candidates = [c.text for c in detector.candidates_in(Passage("body", entry["text"]))]
        for label in entry["labels"]:
            labels += 1
            if any(_covers(c, label) for c in candidates):
                found += 1
            else:
                missed.append(label)
        alarms += sum(1 for c in candidates if not any(_covers(c, lb) for lb in entry["labels"]))
    return labels, found, alarms, missed


def per_document_ms(repeat: int, work: Callable[[dict[str, Any]], object]) -> float:
    """Return the median time of one pass over each document, in milliseconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        for entry in CORPUS:
            work(entry)
        samples.append((time.perf_counter() - started) * 1000 / len(CORPUS))
    return statistics.median(samples)


def main() -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    repeat = parser.parse_known_args()[0].repeat
    labels, found, alarms, missed = score()
    register = [(s, s) for s in SAFE]

    def baseline(entry: dict[str, Any]) -> object:
        """Replace the register's names only: what anonymising did before the check."""
        return Redactor(register).apply(str(entry["text"]))

    def checked(entry: dict[str, Any]) -> object:
        """Replace the register's names, then look for everything else."""
        text = Redactor(register).apply(str(entry["text"]))
        words = CaseWords(names=list(entry["held"]), safe=SAFE)
        return Detector(words).candidates_in(Passage("body", text))

    plain, full = per_document_ms(repeat, baseline), per_document_ms(repeat, checked)
    print(f"Redaction check on {len(CORPUS)} fictional case texts ({repeat} passes)")
    print(f"{'measure':<44}{'value':>12}")
    print(f"{'identifiers labelled':<44}{labels:>12}")
    print(f"{'found (recall)':<44}{f'{found} ({found / labels:.0%})':>12}")
    print(f"{'false alarms (raised, not identifying)':<44}{alarms:>12}")
    print(f"{'ms per document: register replacement only':<44}{plain:>12.3f}")
    print(f"{'ms per document: replacement and check':<44}{full:>12.3f}")
    if missed:
        print("missed: " + "; ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
