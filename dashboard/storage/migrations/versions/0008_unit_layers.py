"""unit layers of one's own (issue 19 item 2): unit_layers

A boundary file a leader added as a layer: the properties picked, the units as a
TopoJSON (ids, names, parents, shapes) and the warnings the checks gave.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:10:00
"""
from alembic import op  # noqa: I001
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('unit_layers',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('source_file', sa.String(length=255), nullable=False),
    sa.Column('id_property', sa.String(length=100), nullable=False),
    sa.Column('name_property', sa.String(length=100), nullable=True),
    sa.Column('parent_property', sa.String(length=100), nullable=True),
    sa.Column('topology', sa.JSON(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('unit_layers')
