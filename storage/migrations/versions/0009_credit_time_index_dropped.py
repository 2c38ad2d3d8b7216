"""the credit table's index on occurred_at alone is dropped: no query needs it since pages and reports read the monthly figures

A time range over every member (the inactivity job's recent credits, the ledger's first
and last moment) reads as fast by a scan or through the (organisation, occurred_at)
index; the index cost every credit write a B-tree update and every large import a
rebuild (``bench/README.md``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 14:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_credit_occurred_at', table_name='credit')


def downgrade() -> None:
    op.create_index('ix_credit_occurred_at', 'credit', ['occurred_at'])
