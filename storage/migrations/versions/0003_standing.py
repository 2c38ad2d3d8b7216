"""partner standing: payments covering several months, waive/reset decisions, tier reviews

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 11:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('months', sa.Integer(), nullable=False, server_default='1'))
    op.create_table('standing_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation'], ['organisation.slug'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('standing_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_standing_decision_organisation'), ['organisation'], unique=False)
    op.create_table('partner_tier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tier', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('badges', sa.JSON(), nullable=False),
    sa.Column('reviewed_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation'], ['organisation.slug'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation', 'period', name='uq_partner_tier_period')
    )


def downgrade() -> None:
    op.drop_table('partner_tier')
    with op.batch_alter_table('standing_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_standing_decision_organisation'))
    op.drop_table('standing_decision')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_column('months')
