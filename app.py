"""Entry point for `flask --app app ...` and `waitress-serve app:app`."""

import sys

from cspr import create_app
from cspr.storage import StoreCorrupt

try:
    app = create_app()
except StoreCorrupt as damaged:
    # A plain message for the person at the server, not a traceback; never start empty.
    sys.exit(f"The CSPR Toolkit cannot start: {damaged}")
