"""an account's estimated potential, a user's forced password change (issue 16 item 4)

``accounts.potential_estimated`` is true when ``annual_potential`` was missing
at import and estimated by the stated rule (``dashboard.ingest.mapping``); the
views mark such a potential "estimated". ``users.must_change_password`` is true
for a user holding a one-time password: they set their own at their next
sign-in before any page serves them. Existing rows are neither (false).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00
"""
from alembic import op  # noqa: I001
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('potential_estimated', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('potential_estimated')
