"""unit ids of up to 20 characters (issue 19 item 2): alignment and accounts' county_fips

The unit column held a county's 5-digit FIPS; on a layer of one's own it holds the
layer's unit ids, which are often longer: a UK LSOA (E01000001) and a French IRIS have 9
characters, a German AGS 8, a Canadian postal code 6 or 7. PostgreSQL enforced the old
VARCHAR(5). US data is unchanged. Stepping back refuses while a longer id is stored
(it would not fit), naming how many rows hold one.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 14:50:00
"""
from alembic import op  # noqa: I001
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

#: the tables holding a unit id, all in the column county_fips
_TABLES = ('alignment', 'accounts')
_OLD, _NEW = 5, 20


def _resize(old: int, new: int) -> None:
    # on SQLite a batch copies each table (its keys and index kept); the foreign keys
    # are off meanwhile (``db._migrating``)
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('county_fips', existing_type=sa.String(length=old),
                                  type_=sa.String(length=new), existing_nullable=False)


def upgrade() -> None:
    _resize(_OLD, _NEW)


def downgrade() -> None:
    connection = op.get_bind()
    for table in _TABLES:
        longer = connection.execute(sa.text(
            f'SELECT count(*) FROM {table} WHERE length(county_fips) > {_OLD}')).scalar()
        if longer:
            # i18n: not shown (an operator's migration command)
            raise RuntimeError(f'{longer} {table} rows name a unit id longer than {_OLD} '
                               f'characters: they would not fit below revision 0009')
    _resize(_NEW, _OLD)
