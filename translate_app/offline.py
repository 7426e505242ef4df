"""Offline work: download a language's catalog, translate it in Poedit or any tool, upload it back.

The download is the catalog as it is, with two header fields added:
`X-Translate-App-Download` (release/language and when) and
`X-Translate-App-Versions` (every entry's id:version at that moment). The
upload is merged entry by entry (matched by msgctxt and msgid), each change
made on the version recorded for it, through the normal save and approve
path in one batch (workflow.submit_batch):

- an entry changed on the server since the download is a conflict: nothing is
  written, and both texts come back for the person to resolve in the browser;
- a new text over an approved one becomes a suggestion for a reviewer;
- a fuzzy entry is not taken (it stays a machine suggestion or needs review);
- an empty entry changes nothing;
- nothing is approved unless the uploader may review the language and the
  file's entry is approved for exactly its text (the approval hash matches);
  an approval of one's own text also needs self-review.

A file that cannot be read, or was not downloaded from this release and
language, is refused whole with a clear error, and nothing changes.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polib
from sqlalchemy.orm import Session

from . import proposals, workflow
from .core import segments as seg
from .core.catalog import entry_id, entry_version, find_entry, load, serialise
from .core.errors import MalformedCatalogError, StaleVersionError, TranslateAppError
from .core.pomerge import scrub_emails
from .core.states import State, entry_state, now_iso
from .models import User
from .project import Project

DOWNLOAD_FIELD = "X-Translate-App-Download"
VERSIONS_FIELD = "X-Translate-App-Versions"
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
NOTE = "offline upload"


class OfflineUploadError(TranslateAppError):
    """An uploaded catalog that cannot be merged (a 400); nothing was changed."""


def download(project: Project, release: str, language: str) -> tuple[str, bytes]:
    """Return the file name and bytes of a language's catalog, stamped with every entry's version."""
    po = load(project.catalog_path(release, language))  # a fresh copy: the cached one is shared
    scrub_emails(po)
    po.metadata[DOWNLOAD_FIELD] = f"{release}/{language} {now_iso()}"
    po.metadata[VERSIONS_FIELD] = " ".join(
        f"{entry_id(e)}:{entry_version(e)}" for e in po if not e.obsolete and e.msgid
    )
    return f"{release}.{language}.po", serialise(po).encode("utf-8")


def parse_upload(data: bytes, release: str, language: str) -> tuple[polib.POFile, dict[str, str]]:
    """Read an uploaded catalog and the versions its download recorded; refuse anything else clearly."""
    if not data:
        raise OfflineUploadError("the file is empty; choose the .po file you downloaded")
    if len(data) > MAX_UPLOAD_BYTES:
        raise OfflineUploadError(f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        path = Path(folder) / "upload.po"
        path.write_bytes(data)
        try:
            po = load(path)
        except MalformedCatalogError as exc:
            raise OfflineUploadError(
                "the file is not a readable catalog: " + str(exc).replace(str(path), "line").replace("line:", "line ")
            ) from exc
    stamp = po.metadata.get(DOWNLOAD_FIELD, "")
    if not stamp:
        raise OfflineUploadError(
            "this catalog was not downloaded from here (its header has no "
            f"{DOWNLOAD_FIELD}); download the language again and make your changes in that file"
        )
    if stamp.split(" ")[0] != f"{release}/{language}":
        raise OfflineUploadError(f"this catalog was downloaded for {stamp.split(' ')[0]}, not {release}/{language}")
    versions = dict(pair.split(":", 1) for pair in po.metadata.get(VERSIONS_FIELD, "").split() if ":" in pair)
    if not versions:
        raise OfflineUploadError(f"the header field {VERSIONS_FIELD} is missing or empty; download the language again")
    return po, versions


@dataclass
class UploadReport:
    """What an upload did, entry by entry where a person must look."""

    saved: int = 0
    approved: int = 0
    suggested: int = 0
    unchanged: int = 0
    unknown: int = 0  # entries the release does not have (any more)
    conflicts: list[dict] = field(default_factory=list)  # {"id", "source", "yours", "current": segment}
    skipped: list[dict] = field(default_factory=list)  # {"id", "source", "reason"}
    refused: list[dict] = field(default_factory=list)  # {"id", "source", "message"}

    def as_api(self) -> dict:
        """Return the report as JSON-able data."""
        return dict(vars(self))


def upload(session: Session, *, project: Project, user: User, release: str, language: str, data: bytes) -> UploadReport:
    """Merge an uploaded catalog into the language, entry by entry (see the module docstring)."""
    workflow.require_member(user, language)
    uploaded, versions = parse_upload(data, release, language)
    current = project.load_catalog(release, language)
    extra = project.extra_checks(release)
    may_translate, may_review = user.can_translate(language), user.can_review(language)
    self_review = bool(workflow.release_record(session, project, release).self_review or user.is_coordinator)
    report, edits, suggestions = UploadReport(), [], []
    for mine in uploaded:
        if mine.obsolete or not mine.msgid:
            continue
        sid = entry_id(mine)
        theirs = find_entry(current, sid)
        if theirs is None:
            report.unknown += 1
            continue
        base = versions.get(sid)
        text = mine.msgstr
        approved_in_file = entry_state(mine) == State.APPROVED
        if base is None:
            report.skipped.append({"id": sid, "source": mine.msgid, "reason": "not in the file you downloaded"})
            continue
        if not text.strip():
            continue
        if "fuzzy" in mine.flags:
            if text != theirs.msgstr:
                report.skipped.append(
                    {"id": sid, "source": mine.msgid, "reason": "marked fuzzy in your file: confirm it in the editor"}
                )
            continue
        if text == theirs.msgstr:
            if approved_in_file and may_review and entry_state(theirs) != State.APPROVED:
                edits.append(
                    {
                        "kind": "approve",
                        "segment": sid,
                        "version": base,
                        "by": user.name,
                        "user_id": user.id,
                        "self_review": self_review,
                        "note": NOTE,
                        "source": mine.msgid,
                    }
                )
            else:
                report.unchanged += 1
            continue
        if base != entry_version(theirs):
            report.conflicts.append(
                {"id": sid, "source": mine.msgid, "yours": text, "current": seg.view(theirs, language, extra).as_api()}
            )
            continue
        if entry_state(theirs) == State.APPROVED or not may_translate:
            suggestions.append((seg.view(theirs, language, extra, checks=False), text))
        elif approved_in_file and may_review and self_review:
            edits.append(
                {
                    "kind": "accept",
                    "segment": sid,
                    "text": text,
                    "version": base,
                    "by": user.name,
                    "author": user.name,
                    "user_id": user.id,
                    "note": NOTE,
                    "source": mine.msgid,
                }
            )
        else:
            edits.append(
                {
                    "kind": "save",
                    "segment": sid,
                    "text": text,
                    "version": base,
                    "by": user.name,
                    "user_id": user.id,
                    "propose": not may_review,
                    "note": NOTE,
                    "source": mine.msgid,
                }
            )
    if edits:
        _apply(session, project, user, release, language, edits, report, extra)
    for view, text in suggestions:
        _suggest(session, user, release, language, view, text, report)
    return report


def _apply(
    session: Session,
    project: Project,
    user: User,
    release: str,
    language: str,
    edits: list[dict],
    report: UploadReport,
    extra: list,
) -> None:
    """Send the edits in one batch and sort their outcomes into the report."""
    for edit, outcome in zip(edits, workflow.submit_batch(session, project, release, language, edits), strict=True):
        sid = edit["segment"]
        try:
            before, after = seg.edit_outcome(outcome, language, extra)
        except StaleVersionError as exc:  # changed between the plan and the lock
            current = exc.current.as_api() if exc.current is not None else None
            report.conflicts.append(
                {
                    "id": sid,
                    "source": current["source"] if current else "",
                    "yours": edit.get("text", ""),
                    "current": current,
                }
            )
            continue
        except seg.ProposalNeededError as exc:  # approved between the plan and the lock
            assert exc.current is not None  # the ProposalNeededError of an edit always carries the segment
            _suggest(session, user, release, language, exc.current, edit["text"], report)
            continue
        except TranslateAppError as exc:
            report.refused.append({"id": sid, "source": edit.get("source", ""), "message": str(exc)})
            continue
        if edit["kind"] == "save":
            report.saved += 1
        else:
            report.approved += 1


def _suggest(
    session: Session, user: User, release: str, language: str, view: seg.SegmentView, text: str, report: UploadReport
) -> None:
    try:
        proposals.suggest(session, user=user, release=release, language=language, segment=view, text=text)
    except TranslateAppError as exc:
        report.refused.append({"id": view.id, "source": view.source, "message": str(exc)})
        return
    report.suggested += 1
