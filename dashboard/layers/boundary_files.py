"""A leader's own boundary file read into features: GeoJSON, TopoJSON or a zipped Shapefile
(pyshp, pure Python), in any coordinate system, reprojected to WGS84 lon/lat with pyproj.

Nothing is judged here but whether the file can be read at all; which property is the id,
and what is wrong with each feature, is ``boundary_checks``' business. A file that cannot be
read raises :class:`BoundaryFileError` with the reason in the user's language.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import numpy as np
import shapefile
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from dashboard.i18n.translation import _
from dashboard.layers import topojson

WGS84 = CRS.from_epsg(4326)
#: a zipped Shapefile is unpacked in memory: refuse one that would unpack to more
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
#: sides longer than the file's extent / this are split before reprojecting
DENSIFY_PARTS = 2000


class BoundaryFileError(ValueError):
    """The file cannot be read; ``str()`` is the translated reason."""


@dataclass(frozen=True)
class Feature:
    #: 1-based position in the file, as a user counts features
    number: int
    properties: dict[str, Any]
    #: WGS84 lon/lat; None for a null or unreadable geometry (``unreadable`` says why)
    geometry: BaseGeometry | None
    unreadable: str | None = None
    #: why the geometry as written was invalid (GEOS's words); it was repaired before
    #: reprojection with ``shapely.make_valid``
    repaired: str | None = None


@dataclass(frozen=True)
class BoundaryFile:
    name: str
    features: list[Feature]
    #: the coordinate system the file was written in (None: WGS84 assumed, as GeoJSON says)
    source_crs: CRS | None
    #: every property name seen, in first-seen order: what the user picks the id from
    properties: list[str]


def read_boundary_file(name: str, content: bytes) -> BoundaryFile:
    """Read ``content`` (the upload's bytes; ``name`` its file name) as a boundary file."""
    suffix = PurePosixPath(name.lower()).suffix
    if suffix == ".zip" or content[:4] == b"PK\x03\x04":
        properties, geometries, crs = _read_zipped_shapefile(content)
    else:
        try:
            data = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BoundaryFileError(_(
                "not a GeoJSON, TopoJSON or zipped Shapefile ({error})").format(
                    error=error)) from error
        if isinstance(data, dict) and data.get("type") == "Topology":
            properties, geometries, crs = _read_topojson(data)
        else:
            properties, geometries, crs = _read_geojson(data)
    features = _reprojected(properties, geometries, crs)
    seen: dict[str, None] = {}
    for feature in features:
        seen.update(dict.fromkeys(feature.properties))
    return BoundaryFile(name, features, crs, list(seen))


_Parsed = tuple[list[dict[str, Any]], list[BaseGeometry | str | None], CRS | None]


def _named_crs(data: dict[str, Any]) -> CRS | None:
    """The old GeoJSON ``crs`` member (``{"type": "name", "properties": {"name": …}}``)."""
    member = data.get("crs")
    if not member:
        return None
    name = (member.get("properties") or {}).get("name") if isinstance(member, dict) else None
    try:
        return CRS.from_user_input(name)
    except (CRSError, TypeError) as error:
        raise BoundaryFileError(_("unknown coordinate system {crs}").format(
            crs=json.dumps(member)[:200])) from error


def _read_geojson(data: Any) -> _Parsed:
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        listed = data.get("features")
    elif isinstance(data, dict) and data.get("type") == "Feature":
        listed = [data]
    else:
        listed = None
    if not isinstance(listed, list):
        raise BoundaryFileError(_("not a GeoJSON FeatureCollection nor a TopoJSON Topology"))
    properties, geometries = [], []
    for item in listed:
        item = item if isinstance(item, dict) else {}
        properties.append(dict(item.get("properties") or {}))
        raw = item.get("geometry")
        try:
            geometries.append(shape(raw) if raw else None)
        except (AttributeError, KeyError, TypeError, ValueError,
                shapely.errors.GEOSException) as error:
            geometries.append(str(error) or type(error).__name__)
    return properties, geometries, _named_crs(data)


def _read_topojson(data: dict[str, Any]) -> _Parsed:
    try:
        features = topojson.decode(data)
    except topojson.TopologyError as error:
        raise BoundaryFileError(_("unreadable TopoJSON: {error}").format(error=error)) from error
    properties = [dict(f.properties) for f in features]
    for props, feature in zip(properties, features, strict=True):
        if feature.id is not None:  # TopoJSON keeps the id beside the properties
            props.setdefault("id", feature.id)
    return properties, [f.geometry for f in features], _named_crs(data)


def _member(archive: zipfile.ZipFile, suffix: str, names: Sequence[str]) -> bytes | None:
    found = [n for n in names if n.lower().endswith(suffix)]
    return archive.read(found[0]) if found else None


def _read_zipped_shapefile(content: bytes) -> _Parsed:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as error:
        raise BoundaryFileError(_("not a readable ZIP file ({error})").format(
            error=error)) from error
    infos = [i for i in archive.infolist() if not i.is_dir()
             and not PurePosixPath(i.filename).name.startswith(".")
             and "__MACOSX" not in i.filename]
    if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        raise BoundaryFileError(_("the ZIP file unpacks to more than {size} MB").format(
            size=MAX_UNZIPPED_BYTES // 2**20))
    names = [i.filename for i in infos]
    shp = [n for n in names if n.lower().endswith(".shp")]
    if len(shp) != 1:
        raise BoundaryFileError(_(
            "a zipped Shapefile holds exactly one .shp file with its .dbf; this ZIP holds "
            "{count} .shp files").format(count=len(shp)))
    stem = shp[0][:-4]
    siblings = [n for n in names if n[:-4] == stem]
    dbf = _member(archive, ".dbf", siblings)
    if dbf is None:
        raise BoundaryFileError(_("{file} has no .dbf file beside it: the properties are "
                                  "missing").format(file=PurePosixPath(shp[0]).name))
    shx, prj, cpg = (_member(archive, s, siblings) for s in (".shx", ".prj", ".cpg"))
    encoding = cpg.decode("ascii", "ignore").strip() if cpg else "utf-8"
    crs = None
    if prj:
        try:
            crs = CRS.from_user_input(prj.decode("utf-8", "replace"))
        except CRSError as error:
            raise BoundaryFileError(_("unknown coordinate system in {file}").format(
                file=PurePosixPath(stem).name + ".prj")) from error
    try:
        reader = shapefile.Reader(shp=io.BytesIO(archive.read(shp[0])), dbf=io.BytesIO(dbf),
                                  shx=io.BytesIO(shx) if shx else None, encoding=encoding,
                                  encodingErrors="replace")
        records = [(rec.as_dict(), rec_shape) for rec, rec_shape in
                   ((sr.record, sr.shape) for sr in reader.iterShapeRecords())]
    except (shapefile.ShapefileException, LookupError, ValueError, OSError) as error:
        raise BoundaryFileError(_("unreadable Shapefile: {error}").format(
            error=error)) from error
    properties, geometries = [], []
    for props, rec_shape in records:
        properties.append(props)
        if rec_shape.shapeType == shapefile.NULL:
            geometries.append(None)
            continue
        try:
            geometries.append(shape(rec_shape.__geo_interface__))
        except (AttributeError, KeyError, TypeError, ValueError, IndexError,
                shapely.errors.GEOSException) as error:
            geometries.append(str(error) or type(error).__name__)
    return properties, geometries, crs


def _reprojected(properties: list[dict[str, Any]], geometries: list[BaseGeometry | str | None],
                 crs: CRS | None) -> list[Feature]:
    """Features in WGS84; ``crs`` None means lon/lat already, checked on the coordinates."""
    readable = np.array([g for g in geometries if isinstance(g, BaseGeometry)], dtype=object)
    invalid = ~shapely.is_valid(readable) if len(readable) else np.zeros(0, dtype=bool)
    why = np.full(len(readable), None, dtype=object)
    if invalid.any():  # before anything else: GEOS's densifier would "fix" it silently
        why[invalid] = shapely.is_valid_reason(readable[invalid])
        readable[invalid] = shapely.make_valid(readable[invalid])
    if crs is None or crs.equals(WGS84, ignore_axis_order=True):
        if len(readable):
            xmin, ymin, xmax, ymax = shapely.total_bounds(readable)
            if min(xmin, ymin) < -180 or xmax > 360 or ymax > 90 or ymin < -90:
                raise BoundaryFileError(_(
                    "the coordinates are not longitude and latitude and the file names no "
                    "coordinate system (a Shapefile needs its .prj)"))
        moved = readable
    else:
        transformer = Transformer.from_crs(crs, WGS84, always_xy=True)
        # a straight side in the file's plane is a curve in lon/lat: densified first, two
        # neighbours whose corners differ would otherwise part or overlap by a sliver
        xmin, ymin, xmax, ymax = shapely.total_bounds(readable)
        step = max(np.hypot(xmax - xmin, ymax - ymin) / DENSIFY_PARTS, 1e-9)
        moved = shapely.transform(shapely.segmentize(readable, step), lambda xy: np.column_stack(
            transformer.transform(xy[:, 0], xy[:, 1])))
    it = iter(zip(moved, why, strict=True))
    features = []
    for number, (props, geom) in enumerate(zip(properties, geometries, strict=True), start=1):
        if isinstance(geom, BaseGeometry):
            moved_geom, reason = next(it)
            features.append(Feature(number, props, moved_geom, None, reason))
        else:
            features.append(Feature(number, props, None, geom))
    return features
