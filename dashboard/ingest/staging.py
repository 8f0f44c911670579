"""Uploaded files kept between the steps of the import page's mapping step.

The page's first step reads the files and shows the proposed mapping; the
user edits it and imports later, in other requests (possibly served by
another worker). The files wait on disk under the instance folder, one
folder per upload named by a random token (the page holds the token, never
the files), with the user who uploaded them: another user's token reads as
unknown. A folder is removed after its successful import, and any folder
older than :data:`MAX_AGE_SECONDS` when the next upload is staged.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from pathlib import Path

FOLDER = "uploads"
MAX_AGE_SECONDS = 6 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
_MANIFEST = "manifest.json"


def _root(instance_path: str) -> Path:
    return Path(instance_path).resolve() / FOLDER


def _folder(instance_path: str, token: object) -> Path | None:
    """The folder of ``token``, or None for anything that is not a token
    (a forged value never names a path outside the uploads folder)."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    return _root(instance_path) / token


def _owned(instance_path: str, token: object, owner: str) -> tuple[Path | None, dict]:
    """The folder of ``token`` and its manifest, when ``owner`` staged it."""
    folder = _folder(instance_path, token)
    if folder is None or not (folder / _MANIFEST).is_file():
        return None, {}
    manifest = json.loads((folder / _MANIFEST).read_text())
    return (folder, manifest) if manifest.get("owner") == owner else (None, {})


def stage(instance_path: str, files: list[tuple[str, bytes]], owner: str) -> str:
    """Keep ``files`` (name, content) for ``owner``; returns their token."""
    sweep(instance_path)
    token = secrets.token_urlsafe(32)
    folder = _root(instance_path) / token
    folder.mkdir(parents=True)
    for position, (_name, data) in enumerate(files):
        (folder / f"{position}.bin").write_bytes(data)
    (folder / _MANIFEST).write_text(json.dumps(
        {"owner": owner, "names": [name for name, _data in files]}))
    return token


def load(instance_path: str, token: object, owner: str) -> list[tuple[str, bytes]] | None:
    """The files staged under ``token`` by ``owner``; None when there are none
    (unknown, another user's, removed)."""
    folder, manifest = _owned(instance_path, token, owner)
    if folder is None:
        return None
    try:
        return [(name, (folder / f"{position}.bin").read_bytes())
                for position, name in enumerate(manifest["names"])]
    except FileNotFoundError:
        return None


def discard(instance_path: str, token: object, owner: str) -> None:
    """Remove the files ``owner`` staged under ``token`` (nothing else)."""
    folder, _manifest = _owned(instance_path, token, owner)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def sweep(instance_path: str, now: float | None = None) -> None:
    """Remove the uploads older than :data:`MAX_AGE_SECONDS`."""
    root = _root(instance_path)
    if not root.is_dir():
        return
    limit = (now if now is not None else time.time()) - MAX_AGE_SECONDS
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)
