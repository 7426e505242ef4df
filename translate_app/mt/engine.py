"""The pre-translation engine: dedup, memory, cache, provider batches, catalog writes.

For each language the engine takes the untranslated entries of a release,
answers what it can from the translation memory, masks the rest and
deduplicates the masked texts across segments, asks the database cache, and
sends what is left to the provider in batches, several at once within the
provider's concurrency and rate limit. Each answer is written into the catalog
at once, under the catalog lock, as a `machine` suggestion, so what was
translated stays even if the job stops later; an entry that a person
translated, approved or edited meanwhile is left alone. Signatory items that
the signatory fill can write (translate_app/signatory_fill.py) are never sent:
the fill wrote them already or will on the next update, and what it wrote is
`needs review`, which the engine never overwrites.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from .. import storage
from ..core.glossary import Glossary
from ..core.languages import get_language
from ..core.masking import Masked
from ..core.states import State, entry_state, set_machine
from ..project import Project
from ..signatory_fill import fillable
from .base import SOURCE_LANGUAGE, Provider, without_request_text
from .cache import TranslationCache
from .errors import JobCancelled, JobError, ProviderError
from .memory import memory_index

log = logging.getLogger(__name__)

Key = tuple[str | None, str]  # (msgctxt, msgid)


@dataclass
class Progress:
    """How far a pre-translation got, and where its suggestions came from."""

    total: int = 0
    done: int = 0
    failed: int = 0
    requests: int = 0
    from_memory: int = 0
    from_cache: int = 0
    from_provider: int = 0
    unchanged: int = 0  # nothing to translate (numbers, URLs): copied as is
    no_match: int = 0  # memory-only jobs: no identical source in memory; left untranslated, not done
    kept: int = 0  # entries a person changed while the job ran: left alone
    signatories: int = 0  # signatory items left to the signatory fill (names kept, countries from CLDR)
    token_problems: int = 0  # answers whose masked tokens came back wrong
    unique_texts: int = 0  # distinct (language, masked text) pairs sent or looked up
    errors: list[str] = field(default_factory=list)


class PretranslationFailed(JobError):
    """A pre-translation that stopped before the end; what it wrote stays."""

    def __init__(self, message: str, progress: Progress) -> None:
        super().__init__(message)
        self.progress = progress


@dataclass(frozen=True)
class Suggestion:
    """A text to write into an entry as a machine suggestion, with its provenance."""

    text: str
    provider: str
    score: int | None = None


def pretranslate(
    *,
    project: Project,
    release: str,
    languages: list[str],
    provider: Provider,
    cache: TranslationCache | None = None,
    glossary: Glossary | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    source: str = SOURCE_LANGUAGE,
    hidden_releases: Collection[str] = (),
) -> Progress:
    """Fill the untranslated entries of a release with machine suggestions; return the progress.

    `hidden_releases` are releases whose approved texts must not leave them
    (other releases under embargo): the memory takes nothing from them.
    """
    project.require(release)
    codes = [get_language(code).code for code in languages]
    for code in codes:
        project.load_catalog(release, code)  # raises UnknownReleaseError for a missing language
    provider.check_languages(source, codes)
    if stop is not None:
        provider.stop = stop
    progress = Progress()
    report = on_progress or (lambda _p: None)

    targets: dict[str, list[Key]] = {}
    for code in codes:
        po = project.load_catalog(release, code)
        untranslated = [
            (e.msgctxt, e.msgid) for e in po if not e.obsolete and e.msgid and entry_state(e) == State.UNTRANSLATED
        ]
        # Signatory items are the signatory fill's (update writes them): no provider call for an organisation's name.
        signatory = fillable(project, release, code) if untranslated else set()
        targets[code] = [key for key in untranslated if key[0] or key[1] not in signatory]
        progress.signatories += len(untranslated) - len(targets[code])
    progress.total = sum(len(keys) for keys in targets.values())
    report(progress)

    masks: dict[str, Masked] = {}
    pending: dict[str, dict[str, list[Key]]] = {code: {} for code in codes}
    for code, keys in targets.items():
        index = memory_index(project, code)
        ready: dict[Key, Suggestion] = {}
        for key in keys:
            # Only the same source text may fill a segment: a near match ("30 November" for
            # "4 December") translates a different sentence, so it stays a suggestion in the editor.
            match = index.exact(key[1], hidden=hidden_releases)
            if match is not None:
                ready[key] = Suggestion(match.text, "memory", match.score)
                progress.from_memory += 1
                continue
            if not provider.online:
                progress.no_match += 1
                continue
            masked = masks.get(key[1]) or masks.setdefault(key[1], provider.mask(key[1], glossary))
            if not masked.translatable:
                ready[key] = Suggestion(key[1], provider.id)
                progress.unchanged += 1
                continue
            pending[code].setdefault(masked.text, []).append(key)
        _write(project, release, code, ready, progress)
        report(progress)
    progress.unique_texts = sum(len(texts) for texts in pending.values())

    def results_for(code: str, answers: dict[str, str], mangled: set[str] | None = None) -> dict[Key, Suggestion]:
        out: dict[Key, Suggestion] = {}
        for masked_text, translated in answers.items():
            for key in pending[code][masked_text]:
                restored = provider.unmask(masks[key[1]], translated, code, glossary)
                if not restored.ok:
                    progress.token_problems += 1
                    if mangled is not None:
                        mangled.add(masked_text)
                if restored.text.strip():
                    out[key] = Suggestion(restored.text, provider.id)
        return out

    if cache is not None:
        for code in codes:
            if not pending[code]:
                continue
            hits = cache.get_many(source, code, list(pending[code]))
            if hits:
                results = results_for(code, hits)
                progress.from_cache += len(results)
                _write(project, release, code, results, progress)
                progress.failed += sum(len(pending[code][t]) for t in hits) - len(results)
                for text in hits:
                    del pending[code][text]
                report(progress)

    batches = [(code, batch) for code in codes for batch in provider.plan_batches(list(pending[code]))]
    if not batches:
        return progress
    failure: ProviderError | None = None
    consecutive = 0
    with ThreadPoolExecutor(max_workers=max(1, provider.concurrency), thread_name_prefix=f"mt-{provider.id}") as pool:
        futures: dict[Future[list[str]], tuple[str, list[str]]] = {
            pool.submit(provider.translate_batch, batch, source, code): (code, batch) for code, batch in batches
        }
        for future in as_completed(futures):
            code, batch = futures[future]
            size = sum(len(pending[code][t]) for t in batch)
            try:
                answers = future.result()
                if len(answers) != len(batch):
                    raise ProviderError(f"{provider.name}: {len(answers)} answers for {len(batch)} texts")
            except CancelledError:
                continue
            except JobCancelled:
                continue
            except ProviderError as exc:
                progress.failed += size
                progress.errors.append(str(exc))
                consecutive += 1
                log.warning("pre-translation batch failed (%s, %d texts): %s", code, len(batch), exc)
                if failure is None and (exc.fatal or consecutive >= provider.max_failed_batches):
                    failure = exc
                    provider.stop.set()
                    for other in futures:
                        other.cancel()
            except Exception as exc:  # a bug in a client library: stop and say what
                log.exception("pre-translation batch crashed")
                progress.failed += size
                detail = without_request_text(f"{type(exc).__name__}: {exc}")[:300]
                progress.errors.append(detail)
                if failure is None:
                    failure = ProviderError(f"{provider.name}: unexpected {detail}")
                    provider.stop.set()
                    for other in futures:
                        other.cancel()
            else:
                consecutive = 0
                answered = dict(zip(batch, answers, strict=False))
                mangled: set[str] = set()
                results = results_for(code, answered, mangled)
                if cache is not None:
                    # An answer with mangled tokens is written (its checks fail) but not
                    # cached, so that a later run asks again.
                    cache.put_many(source, code, {t: a for t, a in answered.items() if t not in mangled})
                progress.from_provider += len(results)
                progress.failed += size - len(results)
                _write(project, release, code, results, progress)
            progress.requests = provider.requests
            report(progress)
    progress.requests = provider.requests
    report(progress)
    if failure is not None:
        stopped = failure.fatal and not isinstance(failure, JobCancelled)
        message = str(failure) if stopped else f"{provider.name} keeps failing; job stopped: {failure}"
        raise PretranslationFailed(message, progress)
    if stop is not None and stop.is_set():
        raise JobCancelled("the job was stopped; run it again to continue where it stopped")
    return progress


def _write(project: Project, release: str, code: str, results: dict[Key, Suggestion], progress: Progress) -> None:
    """Write suggestions into one catalog under its lock, never over a person's work."""
    if not results:
        return
    with storage.edit(project.catalog_path(release, code)) as po:
        for entry in po:
            if entry.obsolete:
                continue
            suggestion = results.get((entry.msgctxt, entry.msgid))
            if suggestion is None:
                continue
            if entry_state(entry) != State.UNTRANSLATED:
                progress.kept += 1
                continue
            set_machine(entry, suggestion.text, provider=suggestion.provider, score=suggestion.score)
    progress.done += len(results)
