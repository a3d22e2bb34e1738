"""Flask wiring: one Store per app, and the backup/restore/audit/compact commands."""

from __future__ import annotations

import atexit
import sys
import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .backup import backup, read_manifest, restore
from .errors import StoreError
from .signing import default_key_file, load_key, load_or_create_key
from .store import Store

F = TypeVar("F", bound=Callable[..., Any])
EXTENSION_KEY = "cspr_store"
_open_lock = threading.Lock()
_FLASK_OPTIONS_WITH_VALUE = {"--app", "-A", "--env-file", "-e"}


def command_being_run(argv: list[str]) -> str | None:
    """Return the flask subcommand on the command line (the app loads before click knows it)."""
    args = iter(argv[1:])
    for arg in args:
        if arg in _FLASK_OPTIONS_WITH_VALUE:
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None


def opens_store_at_start(app: Flask) -> bool:
    """Say whether start-up may use the store: not when restoring, which must work on a damaged
    store and leave an empty data directory empty."""
    configured = app.config.get("OPEN_STORE_AT_START")
    if configured is not None:
        return bool(configured)
    return command_being_run(sys.argv) != "restore"


def init_app(app: Flask) -> None:
    """Open the app's store (not when restoring: that must work on a damaged one); add commands."""
    app.extensions.setdefault(EXTENSION_KEY, None)
    if opens_store_at_start(app):
        open_store(app)  # a damaged store stops start-up with StoreCorrupt: never run empty
    _register_commands(app)


def _key_file(app: Flask) -> Path:
    configured = app.config.get("BACKUP_KEY_FILE")
    return Path(configured) if configured else default_key_file()


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


def transactional(verb: F) -> F:
    """Run a verb inside one storage transaction (joining one already open)."""
    # Every read the verb takes is then under the lock, so what it writes cannot rest on a
    # stale read; its writes and audit entries land together as one journal record.

    @wraps(verb)
    def run(*args: Any, **kwargs: Any) -> Any:
        with get_store().transaction():
            return verb(*args, **kwargs)

    return cast(F, run)


def within_transaction(helper: F) -> F:
    """Mark a helper that writes only as part of its caller's open transaction."""

    @wraps(helper)
    def run(*args: Any, **kwargs: Any) -> Any:
        if not get_store().in_transaction():
            raise StoreError(f"{helper.__name__} must be called inside a storage transaction.")
        return helper(*args, **kwargs)

    return cast(F, run)


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
    key_file = _key_file(current_app)
    try:
        key, made = load_or_create_key(key_file, store.data_dir)
        if made:
            click.echo(
                f"A new backup key was made at {key_file}. Keep a copy of it somewhere safe and "
                "apart from the backups: restoring a backup needs it."
            )
        manifest = backup(store, file, key)
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
    data_dir = Path(current_app.config["DATA_DIR"])
    try:
        key = load_key(_key_file(current_app), data_dir)
        result = restore(file, data_dir, key, force=force)
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
@click.option(
    "--backup",
    "backup_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Also check that the trail still holds every entry this backup recorded.",
)
@with_appcontext
def verify_command(backup_file: Path | None) -> None:
    """Check that no audit entry has been changed or removed, the newest included."""
    store = get_store()
    try:
        anchor = None
        if backup_file is not None:
            key = load_key(_key_file(current_app), store.data_dir)
            head = read_manifest(backup_file, key).get("audit_head") or {}
            anchor = (int(head.get("seq", 0)), str(head.get("hash", "")))
        result = store.verify_audit(anchor)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    if result.ok:
        noun = "entry" if result.checked == 1 else "entries"
        click.echo(f"Audit trail is whole: {result.checked} {noun} checked.")
        return
    click.echo(f"Audit trail is broken at entry {result.first_broken}: {result.reason}")
    sys.exit(1)
