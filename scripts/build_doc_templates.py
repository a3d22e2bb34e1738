"""Build the shipped Word templates in doc_templates/ with python-docx.

Run: .venv/bin/python scripts/build_doc_templates.py [--out DIR]
The generated .docx files and manifest.json are committed, so the app works without running
this; a test checks that running it gives the same text. The templates' wording and layout
are in scripts/doc_templates/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.doc_templates import build  # noqa: E402


def main() -> int:
    """Build the templates into doc_templates/ (or --out)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "doc_templates")
    for path in build(parser.parse_args().out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
