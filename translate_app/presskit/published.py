"""What has been published of a release: the latest Publication row of each language, as the press sees it.

The press pages and the press kit on the web are made from these texts, i.e.
exactly what a coordinator published, never from the catalogs as they are
now. A republication after a correction carries its errata note at the end of
its Markdown, so the pages and the documents carry it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.compiler import title_of
from ..models import Publication

#: The source language of every release (the x-default page falls back to it when it is published).
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class PublishedText:
    """The latest publication of one language."""

    language: str
    markdown: str
    content_hash: str
    at: datetime

    @property
    def title(self) -> str:
        return title_of(self.markdown)


def published_texts(session: Session, release: str, languages: Iterable[str]) -> dict[str, PublishedText]:
    """Return the latest publication of each of `languages` (the release's) that has one, by language code."""
    wanted = set(languages)
    rows = session.scalars(select(Publication).where(Publication.release == release).order_by(Publication.id)).all()
    latest: dict[str, Publication] = {}
    for row in rows:
        if row.language in wanted:
            latest[row.language] = row  # ordered by id: the last one wins
    return {
        code: PublishedText(
            language=code,
            markdown=row.markdown,
            content_hash=row.content_hash,
            at=row.at,
        )
        for code, row in sorted(latest.items())
    }


def default_language(published: Sequence[str]) -> str:
    """Return the language the x-default page falls back to: the source's when published, else the first."""
    if not published:
        raise ValueError("nothing is published")
    return SOURCE_LANGUAGE if SOURCE_LANGUAGE in published else sorted(published)[0]


def negotiate(accepted: Iterable[tuple[str, float]], published: Sequence[str]) -> str | None:
    """Return the published language a browser prefers (Accept-Language pairs, best first), or None.

    `pt-BR` matches `pt_BR`, then `pt`; `pt` matches `pt_BR` when it is the only Portuguese.
    """
    by_tag = {code.lower().replace("_", "-"): code for code in published}
    by_base: dict[str, list[str]] = {}
    for code in published:
        by_base.setdefault(code.lower().replace("_", "-").split("-")[0], []).append(code)
    for tag, quality in accepted:
        if quality <= 0:
            continue
        tag = tag.lower().replace("_", "-")
        if tag in by_tag:
            return by_tag[tag]
        base = tag.split("-")[0]
        if base in by_tag:
            return by_tag[base]
        if base in by_base:
            return sorted(by_base[base])[0]
    return None
