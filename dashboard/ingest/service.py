"""One import, start to finish: read the files, validate them against the
stored data, and write the merged result in one transaction — or write
nothing and return every problem. Shared by the CLI and the upload page.

The merged result is built from the stored data of one data version, and the
write is a compare-and-swap on it (:func:`dashboard.storage.store.advance_version`):
when another import or an applied scenario committed in between, nothing is
written and the user is told to import again, rather than the import putting
back the data it read."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine

from dashboard.geo import us_atlas
from dashboard.i18n.translation import _
from dashboard.ingest.parsing import layer_unit_ids
from dashboard.ingest.reading import Problem, ReadFiles, read_files, validate
from dashboard.storage import store, unit_layers
from dashboard.storage.schema import LOAD_ORDER, Dataset

#: The steps of an import as it reports them (the page's progress bar names
#: them): reading, then (through the mapping step) mapping and building, then
#: checking and writing, then done; each told with the share of the work done
#: when it starts.
READING, MAPPING, BUILDING, WRITING, DONE = "reading", "mapping", "building", "writing", "done"
Progress = Callable[[str, float], None]
#: the share of a native import's work done when its checks start, measured on
#: the demo data's eight files (8.4 MB) into an empty database: reading 0.5 s,
#: checking and writing 5.0 s
NATIVE_CHECK_SHARE = 0.1


def no_progress(_step: str, _share: float) -> None:
    return None


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    data_version: int | None = None
    #: True when the files held nothing the store did not already: nothing
    #: was written and the data version (so every cache) stays as it was.
    unchanged: bool = False
    #: True when the stored data changed while the files were checked (another
    #: import or an applied scenario): nothing was written; import again.
    stale: bool = False

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
    engine: Engine, files: list[tuple[str, bytes]], actor: str = "cli",
    stage_probabilities: Mapping[str, float] | None = None, progress: Progress | None = None,
) -> ImportResult:
    """``files`` are (file name, content) pairs; the name picks the table.

    Files that cannot be read do not stop the others from being checked, so
    one bad encoding does not hide the rest of the list. ``stage_probabilities``
    are the configured ones (None: the METRICS.md defaults). ``progress`` is
    told each step as it starts (reading, writing, done) with the share done.
    """
    step = progress or no_progress
    step(READING, 0.0)
    read = read_files(files)
    step(WRITING, NATIVE_CHECK_SHARE)
    result = import_read(engine, read, [n for n, _ in files], actor, stage_probabilities)
    step(DONE, 1.0)
    return result


def import_read(
    engine: Engine, read: ReadFiles, names: list[str], actor: str = "cli",
    stage_probabilities: Mapping[str, float] | None = None,
) -> ImportResult:
    """The import of tables already read (``read_files``, or the mapping step's
    tables built from CRM exports, ``mapping``): every check, all or nothing."""
    result = ImportResult(problems=list(read.problems))
    if not read.tables and not read.problems and read.as_of is None:
        result.problems.append(Problem(_("(import)"), None, None, _("no files to import")))
        return result
    # the version first: data read after it is at least as new, so a write
    # that lands in between makes the swap fail instead of being overwritten
    built_from = store.data_version(engine)
    existing = store.read_dataset(engine)
    layer_ids = unit_layers.active_unit_ids(engine)
    with layer_unit_ids(layer_ids is not None):  # the unit column holds the layer's ids
        merged, validation_problems = validate(
            read.tables, existing,
            set(us_atlas.load_counties().index) if layer_ids is None else layer_ids,
            read.unreadable, stage_probabilities)
    result.problems.extend(validation_problems)
    if result.errors:
        return result
    result.rows = {table: len(frame) for table, frame in read.tables.items()}
    stored_as_of = store.dataset_as_of(engine)
    if same_dataset(merged, existing) and read.as_of in (None, stored_as_of):
        result.unchanged = True
        result.data_version = built_from
        return result
    try:
        result.data_version = store.replace_dataset(
            engine, merged, expected_version=built_from, actor=actor, action="import",
            as_of=read.as_of or stored_as_of, detail={"files": names},
        )
    except store.StaleData:
        result.stale = True
        result.problems.append(Problem(_("(import)"), None, None, _(
            "the stored data changed while these files were being checked (another import "
            "or an applied scenario); nothing was imported: import the files again")))
    return result


def same_dataset(first: Dataset, second: Dataset) -> bool:
    """Whether two datasets hold the same rows in the same order (a re-import
    of unchanged files must not bump the data version and empty every cache)."""
    return all(
        first.table(t).reset_index(drop=True).equals(second.table(t).reset_index(drop=True))
        for t in LOAD_ORDER
    )
