"""thanks_trigger: the rule and phrase that raised each thank-you question

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 11:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'thanks_trigger',
        sa.Column('suggestion_id', sa.Integer(), nullable=False),
        sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('phrase', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('others', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(['suggestion_id'], ['suggestion.id']),
        sa.PrimaryKeyConstraint('suggestion_id'),
    )


def downgrade() -> None:
    op.drop_table('thanks_trigger')
