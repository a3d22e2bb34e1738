"""Entry point for `flask --app app ...` and `waitress-serve app:app`."""

from cspr.serve import load_app

app = load_app()
