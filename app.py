"""Entry point for `flask --app app ...` and `waitress-serve app:app`."""

from cspr import create_app

app = create_app()
