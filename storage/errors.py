"""The database's errors: what repositories and the unit of work raise, never SQLAlchemy's.

StorageError
├── IdentityTaken     an identity already belongs to another member
└── ConflictingWrite  the database refused a write that breaks a unique or other
                      constraint; most often a concurrent transaction created the same
                      row first, so running the whole transaction again succeeds
└── DatabaseBusy      a write that may only wait a bounded time for its turn (a slash
                      command: storage/write_deadline.py) did not get it; nothing written

Services catch these, never ``sqlalchemy.exc``: the unit of work translates.
"""

from __future__ import annotations

from scoring.models import Identity


class StorageError(Exception):
    """Base of the database's errors."""


class IdentityTaken(StorageError):
    """An identity already belongs to another member."""

    def __init__(self, identity: Identity, owner: int) -> None:
        super().__init__(f"{identity.kind} '{identity.value}' already belongs to member {owner}")
        self.identity = identity
        self.owner = owner


class ConflictingWrite(StorageError):
    """A constraint refused the transaction's writes (SQLAlchemy's ``IntegrityError``)."""


class DatabaseBusy(StorageError):
    """Another writer held the database for longer than a bounded write may wait
    (:func:`storage.write_deadline.bounded_write_wait`): nothing was written."""
