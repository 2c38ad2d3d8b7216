"""the credit table's (organisation, occurred_at) index holds only credits that count for an organisation

Every query through it names an organisation (a partner's page, standing, the
Distinguished Contributor programme), which implies the column is not NULL, so the
index need not hold the independent credits (a third of them in the large community of
``bench/``): a smaller index, and less for every large import to build again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTED = sa.text('organisation IS NOT NULL')


def upgrade() -> None:
    op.drop_index('ix_credit_org_occurred', table_name='credit')
    op.create_index(
        'ix_credit_org_occurred',
        'credit',
        ['organisation', 'occurred_at'],
        sqlite_where=_COUNTED,
        postgresql_where=_COUNTED,
    )


def downgrade() -> None:
    op.drop_index('ix_credit_org_occurred', table_name='credit')
    op.create_index('ix_credit_org_occurred', 'credit', ['organisation', 'occurred_at'])
