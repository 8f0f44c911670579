"""SQLAlchemy models: the METRICS.md entities plus users, scenarios and the audit log.

The data tables mirror DATA_FORMAT.md column for column so that import,
export and storage never translate names. Money is stored as double
precision because every KPI is computed in floating point anyway and the
contract asks for unrounded money.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Territory(Base):
    __tablename__ = "territories"
    territory_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    territory_name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(100))


class Rep(Base):
    __tablename__ = "reps"
    rep_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rep_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    # unique: a territory has at most one owning rep (NULLs do not collide)
    territory_id: Mapped[str | None] = mapped_column(
        ForeignKey("territories.territory_id"), unique=True, nullable=True
    )
    home_lat: Mapped[float | None] = mapped_column(Float)
    home_lon: Mapped[float | None] = mapped_column(Float)


class Alignment(Base):
    """The live alignment: one territory per county."""

    __tablename__ = "alignment"
    county_fips: Mapped[str] = mapped_column(String(5), primary_key=True)
    territory_id: Mapped[str] = mapped_column(ForeignKey("territories.territory_id"), index=True)


class Account(Base):
    __tablename__ = "accounts"
    account_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_name: Mapped[str] = mapped_column(String(300))
    county_fips: Mapped[str] = mapped_column(String(5), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    industry: Mapped[str | None] = mapped_column(String(100))
    segment: Mapped[str | None] = mapped_column(String(100))
    annual_potential: Mapped[float] = mapped_column(Float)
    customer_since: Mapped[date | None] = mapped_column(Date)
    churned_on: Mapped[date | None] = mapped_column(Date)
    territory_override: Mapped[str | None] = mapped_column(
        ForeignKey("territories.territory_id"), nullable=True
    )


class Opportunity(Base):
    __tablename__ = "opportunities"
    opportunity_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.account_id"), index=True)
    amount: Mapped[float] = mapped_column(Float)
    stage: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))
    created_on: Mapped[date] = mapped_column(Date)
    close_on: Mapped[date] = mapped_column(Date)


class Quota(Base):
    __tablename__ = "quotas"
    territory_id: Mapped[str] = mapped_column(
        ForeignKey("territories.territory_id"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(6), primary_key=True)
    amount: Mapped[float] = mapped_column(Float)


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
    #: a rep's rep_id, a manager's region; empty for a leader
    scope: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


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


Index("ix_opportunities_close_on", Opportunity.close_on)
