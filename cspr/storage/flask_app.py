"""Flask wiring: one Store per app, and the backup/restore/audit/compact commands."""

from __future__ import annotations

import atexit
import sys
import threading
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .backup import backup, restore
from .errors import StoreError
from .store import Store

EXTENSION_KEY = "cspr_store"
_open_lock = threading.Lock()
_FLASK_OPTIONS_WITH_VALUE = {"--app", "-A", "--env-file", "-e"}


def _command_being_run(argv: list[str]) -> str | None:
    """Return the flask subcommand on the command line (the app loads before click knows it)."""
    args = iter(argv[1:])
    for arg in args:
        if arg in _FLASK_OPTIONS_WITH_VALUE:
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


def init_app(app: Flask) -> None:
    """Open the app's store (not when restoring: that must work on a damaged one); add commands."""
    app.extensions.setdefault(EXTENSION_KEY, None)
    if _command_being_run(sys.argv) != "restore":
        open_store(app)  # a damaged store stops start-up with StoreCorrupt: never run empty
    _register_commands(app)


def open_store(app: Flask) -> Store:
    """Return the app's store, opening it on first use."""
    store = app.extensions.get(EXTENSION_KEY)
    if store is None:
        with _open_lock:
            store = app.extensions.get(EXTENSION_KEY)
            if store is None:
                store = Store.open(app.config["DATA_DIR"])
                app.extensions[EXTENSION_KEY] = store
                atexit.register(store.close)
    return store


def close_store(app: Flask) -> None:
    """Close the app's store if open (the next get_store() opens it again)."""
    with _open_lock:
        store = app.extensions.get(EXTENSION_KEY)
        app.extensions[EXTENSION_KEY] = None
    if store is not None:
        store.close()


def get_store() -> Store:
    """Return the current app's store."""
    return open_store(current_app._get_current_object())  # type: ignore[attr-defined]


def _register_commands(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(compact_command)
    audit_group = app.cli.commands.get("audit")
    if not isinstance(audit_group, click.Group):
        audit_group = AppGroup("audit", help="Check the audit trail.")
        app.cli.add_command(audit_group)
    audit_group.add_command(verify_command)


def _human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} bytes"


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Save a backup of all data (store, audit trail, documents) to FILE (.tar.gz)."""
    store = get_store()
    try:
        manifest = backup(store, file)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    # Recorded after the archive is taken, so that restore-then-backup stays byte-identical.
    store.audit.append(
        action="export",
        object_type="backup",
        object_id=file.name,
        user="command line",
        client="command line",
        details={"files": manifest["file_count"]},
    )
    size = _human_size(file.stat().st_size)
    click.echo(f"Backup saved to {file} ({manifest['file_count']} files, {size}).")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace existing data (moved aside, not deleted).")
@with_appcontext
def restore_command(file: Path, force: bool) -> None:
    """Restore all data from a backup FILE, after checking it is complete and undamaged."""
    close_store(current_app)  # our own open store would count as "in use"
    try:
        result = restore(file, current_app.config["DATA_DIR"], force=force)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {result['file_count']} files from {file} into {result['restored_to']}.")
    if result["previous_data"]:
        click.echo(f"The data that was there has been moved to {result['previous_data']}.")


@click.command("compact")
@with_appcontext
def compact_command() -> None:
    """Fold the journal into a fresh snapshot so the store opens faster."""
    try:
        get_store().compact()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("The data store has been compacted.")


@click.command("verify")
@with_appcontext
def verify_command() -> None:
    """Check that no audit entry has been changed or removed from the middle of the trail."""
    try:
        result = get_store().audit.verify()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    if result.ok:
        click.echo(f"Audit trail is whole: {result.checked} entries checked.")
        return
    click.echo(f"Audit trail is broken at entry {result.first_broken}: {result.reason}")
    sys.exit(1)
