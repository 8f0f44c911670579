"""import profiles: saved mappings of CRM exports (issue 16)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 01:10:00
"""
from alembic import op  # noqa: I001
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_profiles',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('proposal', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('import_profiles')
