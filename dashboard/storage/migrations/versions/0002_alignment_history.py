"""alignment history: alignment.effective_from, the overrides table, quotas.segment

The alignment's key becomes (county_fips, effective_from) and the quotas'
(territory_id, period, segment). A key column cannot be NULL, so a blank
effective_from is stored as 0001-01-01 and a blank segment as '' (see
``schema.STORED_BLANK``); the rows already there get those values.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 20:40:00
"""
from alembic import op  # noqa: I001
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _rekey(table: str, columns: list[sa.Column], key: list[str],
           index: str | None = None) -> None:
    """Rebuild ``table`` as ``columns`` (the old ones plus the new key column,
    last, with its blank value as server default) with primary key ``key``.
    PostgreSQL alters the table in place; SQLite cannot change a primary key,
    so the table is copied into a new one (what batch mode does, without
    batch mode's warning about the primary key it reflects)."""
    added = columns[-1]
    if op.get_bind().dialect.name == 'postgresql':
        op.add_column(table, added)
        op.alter_column(table, added.name, server_default=None)
        op.drop_constraint(f'{table}_pkey', table, type_='primary')
        op.create_primary_key(f'{table}_pkey', table, key)
        return
    names = ', '.join(c.name for c in columns[:-1])
    op.create_table(f'_new_{table}', *columns, sa.PrimaryKeyConstraint(*key))
    op.execute(f'INSERT INTO _new_{table} ({names}) SELECT {names} FROM {table}')  # i18n: not shown (SQL)
    if index:
        op.drop_index(index, table_name=table)
    op.drop_table(table)
    op.rename_table(f'_new_{table}', table)
    if index:
        op.create_index(index, table, ['territory_id'], unique=False)
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column(added.name, server_default=None)


def upgrade() -> None:
    def territory() -> sa.Column:
        return sa.Column('territory_id', sa.String(length=64),
                         sa.ForeignKey('territories.territory_id'), nullable=False)

    _rekey('alignment', [
        sa.Column('county_fips', sa.String(length=5), nullable=False), territory(),
        sa.Column('effective_from', sa.Date(), nullable=False, server_default='0001-01-01'),
    ], ['county_fips', 'effective_from'], index='ix_alignment_territory_id')
    _rekey('quotas', [
        territory(),
        sa.Column('period', sa.String(length=6), nullable=False),
        sa.Column('amount', sa.Float(), nullable=False),
        sa.Column('segment', sa.String(length=100), nullable=False, server_default=''),
    ], ['territory_id', 'period', 'segment'])
    op.create_table('overrides',
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('territory_id', sa.String(length=64), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.account_id'], ),
    sa.ForeignKeyConstraint(['territory_id'], ['territories.territory_id'], ),
    sa.PrimaryKeyConstraint('account_id', 'effective_from')
    )


def downgrade() -> None:
    op.drop_table('overrides')
    postgres = op.get_bind().dialect.name == 'postgresql'
    for table, column, key, blank in (
            ('quotas', 'segment', ['territory_id', 'period'], "''"),
            ('alignment', 'effective_from', ['county_fips'], "'0001-01-01'")):
        # history cannot be kept in one row per key: only the blank rows stay
        op.execute(f'DELETE FROM {table} WHERE {column} <> {blank}')  # i18n: not shown (SQL)
        with op.batch_alter_table(table, schema=None) as batch_op:
            if postgres:
                batch_op.drop_constraint(f'{table}_pkey', type_='primary')
            batch_op.drop_column(column)
            batch_op.create_primary_key(f'{table}_pkey', key)
