"""Flask extensions, created once and bound to each app in create_app."""

from __future__ import annotations

from flask import request
from flask_limiter import Limiter
from flask_wtf import CSRFProtect


def client_address() -> str:
    """Return the client's address (ProxyFix has already applied the trusted proxy headers)."""
    return request.remote_addr or "unknown"


csrf = CSRFProtect()
limiter = Limiter(key_func=client_address, default_limits=[])
