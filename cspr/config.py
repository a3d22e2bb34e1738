"""Configuration: safe defaults, then CSPR_* environment variables, then test overrides."""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path
from typing import Any

SECRET_KEY_FILE = "secret_key"


def _env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    """Read a whole-number environment variable, failing loudly on nonsense."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from exc


def from_environment() -> dict[str, Any]:
    """Build the configuration from defaults and CSPR_* environment variables."""
    return {
        "DATA_DIR": os.environ.get("CSPR_DATA_DIR", "./storage"),
        "FORMS_DIR": os.environ.get("CSPR_FORMS_DIR") or None,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or os.environ.get("CSPR_SECRET_KEY") or None,
        "PARTNERSHIP_NAME": os.environ.get(
            "CSPR_PARTNERSHIP_NAME", "Local Safeguarding Children Partnership"
        ),
        "SESSION_IDLE_MINUTES": _env_int("CSPR_SESSION_IDLE_MINUTES", 30),
        "SECURE_COOKIES": _env_bool("CSPR_SECURE_COOKIES", False),
        "PROXY_COUNT": _env_int("CSPR_PROXY_COUNT", 0),
        "MAX_UPLOAD_MB": _env_int("CSPR_MAX_UPLOAD_MB", 20),
        "LOGIN_MAX_FAILURES": _env_int("CSPR_LOGIN_MAX_FAILURES", 5),
        "LOCKOUT_MINUTES": _env_int("CSPR_LOCKOUT_MINUTES", 15),
        "LOGIN_RATE_LIMIT": os.environ.get("CSPR_LOGIN_RATE_LIMIT", "10 per minute"),
        # Counted in the data store, so every worker process sees the same counts.
        "RATELIMIT_STORAGE_URI": os.environ.get("CSPR_RATELIMIT_STORAGE_URI", "cspr://"),
        "MAIL_SERVER": os.environ.get("CSPR_MAIL_SERVER", "localhost"),
        "MAIL_PORT": _env_int("CSPR_MAIL_PORT", 25),
        "MAIL_USE_TLS": _env_bool("CSPR_MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _env_bool("CSPR_MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("CSPR_MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("CSPR_MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("CSPR_MAIL_SENDER", "cspr-toolkit@localhost"),
        # Unset: made from the address the server listens on (cspr.serve passes its own).
        "BASE_URL": os.environ.get("CSPR_BASE_URL") or None,
        "SERVED_HOST": os.environ.get("CSPR_HOST") or "127.0.0.1",
        "SERVED_PORT": _env_int("CSPR_PORT", 5000),
        "BACKUP_KEY_FILE": os.environ.get("CSPR_BACKUP_KEY_FILE") or None,
    }


def served_address(host: str, port: int) -> str:
    """Return the web address of a server listening on host and port."""
    # Listening on every interface: the machine's own name is the best guess (bandit flags the
    # wildcard address, but this only recognises it; nothing binds here).
    if host in ("", "0.0.0.0", "::"):  # nosec B104
        host = socket.getfqdn()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def finalise(config: dict[str, Any]) -> dict[str, Any]:
    """Derive settings that depend on others: paths, cookie flags, size caps."""
    data_dir = Path(config["DATA_DIR"]).resolve()
    config["DATA_DIR"] = str(data_dir)
    config["MAX_CONTENT_LENGTH"] = int(config["MAX_UPLOAD_MB"]) * 1024 * 1024
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_SECURE"] = bool(config["SECURE_COOKIES"])
    config["SESSION_COOKIE_NAME"] = "cspr_session"
    config["PREFERRED_URL_SCHEME"] = "https" if config["SECURE_COOKIES"] else "http"
    config["WTF_CSRF_TIME_LIMIT"] = (
        None  # the token lives as long as the session, which expires when idle
    )
    config["RATELIMIT_HEADERS_ENABLED"] = True
    # Links in emails need the address people use; say where it came from on the Settings page.
    config["BASE_URL_FROM_SERVER"] = not config.get("BASE_URL")
    if not config.get("BASE_URL"):
        config["BASE_URL"] = served_address(str(config["SERVED_HOST"]), int(config["SERVED_PORT"]))
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = load_or_create_secret_key(data_dir)
    return config


def load_or_create_secret_key(data_dir: Path) -> str:
    """Return the secret key kept in the data directory, creating it (mode 0600) the first time."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = data_dir / SECRET_KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
        raise RuntimeError(f"The secret key in {path} is too short; delete it to make a new one.")
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    # Written whole to a private file, then linked into place: a worker process starting at the
    # same moment sees either no key or the complete key, never a half-written one, and if it
    # linked its key first we use that one rather than overwrite it.
    temp = data_dir / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temp, path)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    finally:
        temp.unlink(missing_ok=True)
    return key
