"""Named mapping profiles: a confirmed :class:`~dashboard.ingest.mapping.Proposal`
saved in the database, applied again by its name, or by itself when an import's
files have the same headers as the files it was saved from (next month's
export of the same report). A profile's file entries are matched to new files
by their headers, so a file may be renamed (``deals-may.csv``)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from dashboard.ingest.mapping import FileMapping, Proposal
from dashboard.storage.models import ImportProfile


def signature(frames: dict[str, pd.DataFrame]) -> list[list[str]]:
    """The headers of an import's files, in an order that ignores file names."""
    return sorted([str(h) for h in frame.columns] for frame in frames.values())


def for_files(proposal: Proposal, frames: dict[str, pd.DataFrame]) -> Proposal:
    """A saved proposal with its file entries renamed to the files of this
    import that have the same headers."""
    files = []
    for name, frame in frames.items():
        headers = [str(h) for h in frame.columns]
        match = next((f for f in proposal.files if list(f.columns) == headers), None)
        if match is not None:
            files.append(FileMapping(name, match.kind, dict(match.columns),
                                     dict(match.date_orders)))
    return Proposal(files, dict(proposal.stage_status))


def save(engine: Engine, name: str, frames: dict[str, pd.DataFrame], proposal: Proposal,
         actor: str) -> None:
    """Save (or replace) the profile ``name``."""
    with engine.begin() as connection:
        table = ImportProfile.__table__
        connection.execute(table.delete().where(table.c.name == name))
        connection.execute(table.insert().values(
            name=name, headers=signature(frames), proposal=proposal.to_dict(),
            updated_by=actor))


def load(engine: Engine, name: str) -> Proposal | None:
    with engine.connect() as connection:
        row = connection.execute(select(ImportProfile.__table__.c.proposal).where(
            ImportProfile.__table__.c.name == name)).first()
    return None if row is None else Proposal.from_dict(row[0])


def matching(engine: Engine, frames: dict[str, pd.DataFrame]) -> tuple[str, Proposal] | None:
    """The profile saved from files with exactly these headers, if any (the
    most recently saved one when several are)."""
    wanted = signature(frames)
    table = ImportProfile.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.name, table.c.headers, table.c.proposal)
                                  .order_by(table.c.updated_at.desc())).all()
    for name, headers, proposal in rows:
        if headers == wanted:
            return name, Proposal.from_dict(proposal)
    return None


def names(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(
            select(ImportProfile.__table__.c.name).order_by(ImportProfile.__table__.c.name))
            .scalars())
