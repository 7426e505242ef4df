"""Uploaded files kept between attempts at a form, so that an error does not make a person choose the file again.

A browser cannot put a file back into a file input, so the upload stays on the
server in `INSTANCE/uploads/USER_ID/TOKEN/FILENAME` and the form carries only
the random TOKEN in a hidden field. A token is looked up in the folder of the
person who sent it, so one person's token is useless to another. Kept files
older than KEEP_FOR are removed whenever a file is kept.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path
from typing import BinaryIO

from ..core.errors import TranslateAppError
from ..core.segmenter import decode_source

KEEP_FOR = 6 * 3600  # seconds
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _folder(root: Path, user_id: int) -> Path:
    return root / "uploads" / str(int(user_id))


class UploadError(TranslateAppError):
    """An uploaded source that cannot become a release: its name, size or text is refused."""


def checked_source(filename: str, stream: BinaryIO, max_bytes: int) -> tuple[str, bytes]:
    """Return the name to keep an uploaded Markdown source under (STEM.md) and its bytes, or raise UploadError.

    The name must have no control character and a stem that is not hidden; the
    file at most `max_bytes` and readable text (see segmenter.decode_source).
    """
    if any(ord(c) < 32 or ord(c) == 127 for c in filename):
        raise UploadError("the file name contains a control character; rename the file and upload it again")
    name = Path(filename).name
    stem = Path(name).stem
    if not stem or stem.startswith("."):
        raise UploadError(f"{name!r}: choose a Markdown file with a name, such as statement.md")
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadError(f"{name}: larger than {max_bytes} bytes")
    decode_source(data, name)
    return stem + ".md", data  # add_release wants .md


def keep(root: Path, user_id: int, filename: str, data: bytes) -> str:
    """Store an uploaded file for a person and return the token that finds it again."""
    folder = _folder(root, user_id)
    _prune(folder)
    token = secrets.token_urlsafe(18)
    target = folder / token
    target.mkdir(parents=True, mode=0o700)
    (target / filename).write_bytes(data)
    return token


def find(root: Path, user_id: int, token: str | None) -> Path | None:
    """Return the file a person kept under a token, or None if there is none (or it expired)."""
    if not token or not _TOKEN.match(token):
        return None
    folder = _folder(root, user_id) / token
    files = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    return files[0] if len(files) == 1 else None


def discard(root: Path, user_id: int, token: str | None) -> None:
    """Remove a kept file once it has been used."""
    if token and _TOKEN.match(token):
        shutil.rmtree(_folder(root, user_id) / token, ignore_errors=True)


def _prune(folder: Path) -> None:
    if not folder.is_dir():
        return
    cutoff = time.time() - KEEP_FOR
    for entry in folder.iterdir():
        if entry.is_dir() and entry.stat().st_mtime < cutoff:
            shutil.rmtree(entry, ignore_errors=True)
