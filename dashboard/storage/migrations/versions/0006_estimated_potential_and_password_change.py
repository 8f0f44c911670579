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
    # ADD COLUMN in place: a batch copy of accounts drops the table the opportunities
    # reference, which a filled SQLite database refuses ('FOREIGN KEY constraint failed')
    op.add_column('accounts', sa.Column('potential_estimated', sa.Boolean(),
                                        server_default=sa.false(), nullable=False))
    op.add_column('users', sa.Column('must_change_password', sa.Boolean(),
                                     server_default=sa.false(), nullable=False))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+), as 0007 does: a batch copy
    # of accounts drops the table that opportunities and overrides reference
    op.drop_column('users', 'must_change_password')
    op.drop_column('accounts', 'potential_estimated')
