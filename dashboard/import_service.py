"""One import, start to finish: read the files, validate them against the
stored data, and write the merged result in one transaction — or write
nothing and return every problem. Shared by the CLI and the upload page."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from dashboard import geo, store
from dashboard.i18n import _
from dashboard.importer import Problem, read_table_file, validate


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    data_version: int | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors and self.data_version is not None


def import_files(
    engine: Engine, files: list[tuple[str, bytes]], actor: str = "cli"
) -> ImportResult:
    """``files`` are (file name, content) pairs; the name picks the table."""
    problems: list[Problem] = []
    raw = {}
    for name, content in files:
        table, frame, file_problems = read_table_file(content, name)
        problems.extend(file_problems)
        if table is not None and frame is not None:
            if table in raw:
                problems.append(Problem(
                    name, None, None,
                    _("a second {table} file in one import").format(table=table)))
                continue
            raw[table] = frame
    result = ImportResult(problems=problems)
    if not raw or any(p.severity == "error" for p in problems):
        if not raw and not problems:
            result.problems.append(Problem(_("(import)"), None, None, _("no files to import")))
        return result
    existing = store.read_dataset(engine)
    merged, validation_problems = validate(raw, existing, set(geo.load_counties().index))
    result.problems.extend(validation_problems)
    if result.errors:
        return result
    result.rows = {table: len(frame) for table, frame in raw.items()}
    result.data_version = store.replace_dataset(
        engine, merged, actor=actor, action="import",
        as_of=store.dataset_as_of(engine), detail={"files": [n for n, _ in files]},
    )
    return result
