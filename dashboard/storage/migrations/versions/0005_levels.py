"""levels above the territory: the levels table, territories' parent unit, a manager's level

``levels`` holds the units above the territory (districts, regions, any named
level), each with its parent unit and an optional manager; a territory names
its unit one level up in ``territories.parent_level``/``parent_id`` (both
blank: its region). ``users.scope_level`` is the level of a manager's unit
(blank: a region, as before). Existing rows need nothing: blank is what a
dataset without levels means.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 06:00:00
"""
from alembic import op  # noqa: I001
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('levels',
    sa.Column('level', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('parent_level', sa.String(length=64), nullable=True),
    sa.Column('parent_id', sa.String(length=64), nullable=True),
    sa.Column('manager', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('level', 'unit_id')
    )
    with op.batch_alter_table('territories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_level', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('parent_id', sa.String(length=64), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope_level', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('scope_level')
    with op.batch_alter_table('territories', schema=None) as batch_op:
        batch_op.drop_column('parent_id')
        batch_op.drop_column('parent_level')
    op.drop_table('levels')
