"""SQLAlchemy models: the METRICS.md entities plus users, scenarios and the audit log.

The data tables are built from :mod:`dashboard.storage.schema`, the one
description of DATA_FORMAT.md that the importer and exporter read too, so
names, types, lengths, required columns and references cannot drift apart
(``tests/integration/test_store.py`` checks these models against what the
Alembic migrations build). Money is stored as double precision because every
KPI is computed in floating point anyway and the contract asks for unrounded
money.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dashboard.storage import schema


class Base(DeclarativeBase):
    pass


#: Columns the database indexes beyond the keys (what the queries filter on).
_INDEXED = {("alignment", "territory_id"), ("accounts", "county_fips"),
            ("opportunities", "account_id"), ("opportunities", "close_on")}


def _column(table: schema.Table, column: schema.Column) -> Column:
    """The database column of a DATA_FORMAT.md column, from its one description."""
    if column.kind == schema.FLAG:  # yes or no, never NULL (blank in a file: no)
        return Column(column.name, Boolean(), nullable=False, server_default=false())
    if column.kind == schema.DATE:
        kind = Date()
    elif column.kind in (schema.MONEY, schema.NUMBER):
        kind = Float()
    else:
        kind = String(column.length)
    references = []
    if column.references in schema.TABLES:  # counties live in the map, not the database
        target = schema.TABLES[column.references]
        references.append(ForeignKey(f"{target.name}.{target.key[0]}"))
    key = column.name in table.key
    # an optional key column stores blank as schema.STORED_BLANK: never NULL
    return Column(column.name, kind, *references, primary_key=key,
                  nullable=not (column.required or key), unique=column.unique or None,
                  index=(table.name, column.name) in _INDEXED or None)


def data_table(name: str) -> Table:
    """A DATA_FORMAT.md table as the database holds it, built from ``schema``."""
    spec = schema.TABLES[name]
    return Table(spec.name, Base.metadata, *(_column(spec, c) for c in spec.columns))


class Territory(Base):
    __table__ = data_table("territories")


class Level(Base):
    """The units above the territory (``levels.csv``): a district, a region..."""

    __table__ = data_table("levels")


class Rep(Base):
    __table__ = data_table("reps")


class Alignment(Base):
    """The live alignment and its history: a county's territory from each
    effective date on (the oldest row of a county has no date)."""

    __table__ = data_table("alignment")


class Account(Base):
    __table__ = data_table("accounts")


class Override(Base):
    """Dated named-account overrides (``accounts.territory_override`` is the
    one in force from the beginning)."""

    __table__ = data_table("overrides")


class Opportunity(Base):
    __table__ = data_table("opportunities")


class Quota(Base):
    __table__ = data_table("quotas")


class Meta(Base):
    """Key/value facts about the data: its version (bumped by every write that
    changes what a KPI shows, so caches keyed by it refresh) and its as-of date."""

    __tablename__ = "app_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    #: "leader", "manager" or "rep"
    role: Mapped[str] = mapped_column(String(20))
    #: a rep's rep_id, a manager's unit id (a region by default); empty for a leader
    scope: Mapped[str | None] = mapped_column(String(100))
    #: the level of a manager's unit (levels.csv); NULL or empty: region
    scope_level: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: holds a one-time password: must set their own at the next sign-in
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())


class Scenario(Base):
    """A named set of changes over a base alignment.

    ``revision`` is bumped on every save; a save that names an older revision
    than the stored one is refused (optimistic locking), so nothing is
    silently overwritten.
    """

    __tablename__ = "scenarios"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: "draft", "proposed", "approved", "applied"
    status: Mapped[str] = mapped_column(String(20), default="draft")
    changes: Mapped[dict] = mapped_column(JSON)
    base_data_version: Mapped[int] = mapped_column(Integer, default=0)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    region: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(100))
    updated_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), index=True)
    username: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    detail: Mapped[dict] = mapped_column(JSON)



class ImportProfile(Base):
    """A saved mapping of CRM exports (``dashboard.ingest.mapping.Proposal``):
    applied again by name, or by itself when files with the same headers come."""

    __tablename__ = "import_profiles"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    #: each file's headers, as ``dashboard.ingest.profiles.signature`` writes them
    headers: Mapped[list] = mapped_column(JSON)
    proposal: Mapped[dict] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class ServiceAccount(Base):
    """A machine's account for the import API (``dashboard.access.service_accounts``):
    it may import and nothing else. Only the SHA-256 of its token is stored."""

    __tablename__ = "service_accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: hex SHA-256 of the token (a 32-byte random secret: no salt or slow hash needed)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class UnitLayerRecord(Base):
    """A leader's own unit layer (issue 19 item 2), read from a boundary file: its units'
    ids, names and parents, and their shapes as a TopoJSON with shared arcs
    (``dashboard.runtime.custom_layers``). Kept in the database, beside the data that
    names its units, so a backup or a second host has both."""

    __tablename__ = "unit_layers"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    source_file: Mapped[str] = mapped_column(String(255))
    id_property: Mapped[str] = mapped_column(String(100))
    name_property: Mapped[str | None] = mapped_column(String(100))
    parent_property: Mapped[str | None] = mapped_column(String(100))
    #: TopoJSON, object ``units``: each unit's id, and its name and parent as properties
    topology: Mapped[dict] = mapped_column(JSON)
    #: the warnings the checks gave (repairs, overlaps, gaps), as shown when it was added
    warnings: Mapped[list] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
