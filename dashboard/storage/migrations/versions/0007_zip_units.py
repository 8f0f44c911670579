"""ZIP units (issue 19): alignment.zip and accounts.zip

An alignment row may name a ZIP area of its county (``alignment.zip``): on the
accounts of that ZIP it overrides the county's rows, effective-dated like them.
The alignment's key becomes (county_fips, effective_from, zip); a blank zip (a
county row) is stored as '' (``schema.STORED_BLANK``), which the rows already
there get. ``accounts.zip`` is the ZIP area an account lies in (NULL: none known).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:30:00
"""
from alembic import op  # noqa: I001
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_KEY = ['county_fips', 'effective_from', 'zip']


def _alignment_columns(with_zip: bool) -> list[sa.Column]:
    columns = [
        sa.Column('county_fips', sa.String(length=5), nullable=False),
        sa.Column('territory_id', sa.String(length=64),
                  sa.ForeignKey('territories.territory_id'), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
    ]
    if with_zip:
        columns.append(sa.Column('zip', sa.String(length=6), nullable=False, server_default=''))
    return columns


def _copy_alignment(with_zip: bool, key: list[str]) -> None:
    """SQLite cannot change a primary key: copy the table into a new one (the
    old columns only), as migration 0002 does."""
    names = 'county_fips, territory_id, effective_from'
    op.create_table('_new_alignment', *_alignment_columns(with_zip), sa.PrimaryKeyConstraint(*key))
    copy = f'INSERT INTO _new_alignment ({names}) SELECT {names} FROM alignment'  # i18n: not shown
    op.execute(copy)
    op.drop_index('ix_alignment_territory_id', table_name='alignment')
    op.drop_table('alignment')
    op.rename_table('_new_alignment', 'alignment')
    op.create_index('ix_alignment_territory_id', 'alignment', ['territory_id'], unique=False)


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.add_column('alignment', _alignment_columns(True)[-1])
        op.drop_constraint('alignment_pkey', 'alignment', type_='primary')
        op.create_primary_key('alignment_pkey', 'alignment', _KEY)
    else:
        _copy_alignment(True, _KEY)
    with op.batch_alter_table('alignment', schema=None) as batch_op:
        batch_op.alter_column('zip', server_default=None)
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('zip', sa.String(length=6), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+): a batch copy of accounts
    # would drop the table that opportunities and overrides reference
    op.drop_column('accounts', 'zip')
    # a county row per key only: the ZIP rows go
    op.execute("DELETE FROM alignment WHERE zip <> ''")  # i18n: not shown (SQL)
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint('alignment_pkey', 'alignment', type_='primary')
        op.drop_column('alignment', 'zip')
        op.create_primary_key('alignment_pkey', 'alignment', _KEY[:2])
    else:
        _copy_alignment(False, _KEY[:2])
