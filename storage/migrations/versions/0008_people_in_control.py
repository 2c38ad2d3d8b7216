"""people in control: credit notices opt-out, erasure mark, an audit of member changes, and an accepted solution's asker on its credit

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-07 11:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision: str = '0008'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('member') as batch:
        batch.add_column(
            sa.Column('credit_notices_off', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column('erased_at', storage.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('credit') as batch:
        batch.add_column(sa.Column('counterpart', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.create_table('member_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('other_member_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('undone_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_member_audit_member', 'member_audit', ['member_id', 'action'])


def downgrade() -> None:
    op.drop_index('ix_member_audit_member', table_name='member_audit')
    op.drop_table('member_audit')
    with op.batch_alter_table('credit') as batch:
        batch.drop_column('counterpart')
    with op.batch_alter_table('member') as batch:
        batch.drop_column('erased_at')
        batch.drop_column('credit_notices_off')
