"""Storage: the only code that touches TinyDB; durable, shared, audited, backed up."""

from .audit import AuditLog, AuditVerification
from .backup import backup, restore
from .errors import NotFound, StoreCorrupt, StoreError
from .flask_app import close_store, get_store, init_app, transactional, within_transaction
from .store import Store

__all__ = [
    "AuditLog",
    "AuditVerification",
    "NotFound",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "backup",
    "close_store",
    "get_store",
    "init_app",
    "restore",
    "transactional",
    "within_transaction",
]
