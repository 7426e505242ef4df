"""The machine-translation cache in the database, keyed by provider, settings, pair and text hash."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..models import MTCache, utcnow

_CHUNK = 400


def text_hash(text: str) -> str:
    """Return the hash that stands for a source text in the cache."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TranslationCache:
    """Cached translations of one provider with one set of settings."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        provider: str,
        settings_hash: str,
        *,
        expiry_days: int | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.provider = provider
        self.settings_hash = settings_hash
        self.expiry_days = expiry_days

    def get_many(self, source: str, target: str, texts: list[str]) -> dict[str, str]:
        """Return {text: translation} for the texts the cache holds."""
        by_hash = {text_hash(t): t for t in texts}
        found: dict[str, str] = {}
        hashes = list(by_hash)
        oldest = utcnow() - timedelta(days=self.expiry_days) if self.expiry_days else None
        with self.session_factory() as session:
            for i in range(0, len(hashes), _CHUNK):
                query = select(MTCache.text_hash, MTCache.translation, MTCache.created_at).where(
                    MTCache.provider == self.provider,
                    MTCache.settings_hash == self.settings_hash,
                    MTCache.source_lang == source,
                    MTCache.target_lang == target,
                    MTCache.text_hash.in_(hashes[i : i + _CHUNK]),
                )
                for h, translation, created in session.execute(query):
                    if oldest is not None and created is not None:
                        created = created if created.tzinfo else created.replace(tzinfo=oldest.tzinfo)
                        if created < oldest:
                            continue
                    found[by_hash[h]] = translation
        return found

    def put_many(self, source: str, target: str, translations: dict[str, str]) -> None:
        """Store translations, replacing older ones for the same key."""
        if not translations:
            return
        rows = {text_hash(t): tr for t, tr in translations.items()}
        with self.session_factory() as session:
            key = (
                MTCache.provider == self.provider,
                MTCache.settings_hash == self.settings_hash,
                MTCache.source_lang == source,
                MTCache.target_lang == target,
            )
            hashes = list(rows)
            for i in range(0, len(hashes), _CHUNK):
                session.execute(delete(MTCache).where(*key, MTCache.text_hash.in_(hashes[i : i + _CHUNK])))
            session.add_all(
                MTCache(
                    provider=self.provider,
                    settings_hash=self.settings_hash,
                    source_lang=source,
                    target_lang=target,
                    text_hash=h,
                    translation=tr,
                )
                for h, tr in rows.items()
            )
            try:
                session.commit()
            except IntegrityError:
                # Another job stored the same keys at the same moment: theirs is as good.
                session.rollback()
