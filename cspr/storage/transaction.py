"""A transaction: what one change stages in memory, and how to take it back if it fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .memory import Doc, MemoryTables

Op = list[Any]  # ["put", table, id, doc] or ["del", table, id]


@dataclass
class _Undo:
    """How to put one document back as it was before the transaction touched it."""

    table: str
    doc_id: str
    old: Doc | None
    position: int | None


@dataclass
class Savepoint:
    """Where a nested transaction began, to roll back to if it fails."""

    ops: int
    undo: int
    audit: int
    after: int


@dataclass
class Transaction:
    """Writes staged under the store's lock; they reach disk together as one journal record."""

    ops: list[Op] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)  # entries still to be chained
    after: list[Callable[[], None]] = field(default_factory=list)  # run once committed
    committed: bool = False
    _undo: list[_Undo] = field(default_factory=list)

    def stage(self, memory: MemoryTables, ops: list[Op]) -> None:
        """Apply ops to memory now, so later reads in the transaction see them."""
        for op in ops:
            table, doc_id = op[1], op[2]
            old = memory.get(table, doc_id)
            position = memory.position(table, doc_id) if old is not None else None
            self._undo.append(_Undo(table, doc_id, old, position))
            if op[0] == "put":
                memory.put(table, doc_id, op[3])
            else:
                memory.delete(table, doc_id)
            self.ops.append(op)

    def savepoint(self) -> Savepoint:
        """Mark where a nested transaction begins."""
        return Savepoint(len(self.ops), len(self._undo), len(self.audit), len(self.after))

    def rollback(self, memory: MemoryTables, point: Savepoint | None = None) -> None:
        """Put memory back as it was at the savepoint (or before the transaction)."""
        point = point or Savepoint(0, 0, 0, 0)
        while len(self._undo) > point.undo:
            undo = self._undo.pop()
            if undo.old is None:
                memory.delete(undo.table, undo.doc_id)
            else:
                memory.restore(undo.table, undo.doc_id, undo.old, undo.position)
        del self.ops[point.ops :]
        del self.audit[point.audit :]
        del self.after[point.after :]

    def is_empty(self) -> bool:
        """Tell whether the transaction has nothing to write."""
        return not self.ops and not self.audit
