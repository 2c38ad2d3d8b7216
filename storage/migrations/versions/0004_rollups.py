"""maintained monthly figures (rollups) and the public pages' version

The rollups start empty, with no timezone: the first start-up (``sync_organisations``)
sees that and builds them from the ledger.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 11:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rollup_member_month',
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('credits', sa.Integer(), nullable=False),
    sa.Column('last_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('month', 'member_id', 'organisation')
    )
    op.create_index('ix_rollup_member_month_org', 'rollup_member_month', ['month', 'organisation'], unique=False)
    op.create_index('ix_rollup_member_month_member', 'rollup_member_month', ['member_id', 'month'], unique=False)
    op.create_table('rollup_org_month',
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('credits', sa.Integer(), nullable=False),
    sa.Column('contributors', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'organisation')
    )
    state = op.create_table('public_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rollup_timezone', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(state, [{'id': 1, 'version': 0, 'rollup_timezone': None}])


def downgrade() -> None:
    op.drop_table('public_state')
    op.drop_table('rollup_org_month')
    op.drop_index('ix_rollup_member_month_member', table_name='rollup_member_month')
    op.drop_index('ix_rollup_member_month_org', table_name='rollup_member_month')
    op.drop_table('rollup_member_month')
