"""How far a catalog is: counts of each state, failing checks, and what stops it from compiling."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import polib

from .checks import Check, run_checks
from .segments import unoverridden_blocking
from .states import STATES, State, entry_state, stale_approval


@dataclass
class LanguageStatus:
    """Counts of each state and of failing checks for one language of a release."""

    language: str
    counts: dict[str, int]
    errors: int = 0
    warnings: int = 0
    total: int = 0
    #: Approved entries that fail a blocking check without an override: "LINE: check: message".
    blocked: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Say whether every segment is approved."""
        return self.total > 0 and self.counts.get(State.APPROVED.value, 0) == self.total


def catalog_status(po: polib.POFile, language: str, extra: Iterable[Check] = ()) -> LanguageStatus:
    """Count the states and failing checks of one catalog."""
    counts = Counter({s: 0 for s in STATES})
    errors = warnings = 0
    blocked = []
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        counts[entry_state(entry).value] += 1
        results = run_checks(entry.msgid, entry.msgstr, language=language, extra=extra)
        for result in results:
            if result.severity == "error":
                errors += 1
            else:
                warnings += 1
        blocked += [f"{entry.linenum}: {r.id}: {r.message}" for r in unoverridden_blocking(entry, language, results)]
    return LanguageStatus(language, dict(counts), errors, warnings, sum(counts.values()), blocked)


def catalog_problems(
    po: polib.POFile, rel: str, source_ids: set | None = None, extra: Iterable[Check] = ()
) -> list[str]:
    """Return every reason a catalog may not be compiled as it is."""
    problems = []
    language = po.metadata.get("Language", "")
    if not language:
        problems.append(f"{rel}: header has no Language")
    if "charset=UTF-8" not in po.metadata.get("Content-Type", "").replace("utf-8", "UTF-8"):
        problems.append(f"{rel}: Content-Type is not UTF-8")
    for entry in po:
        if entry.obsolete:
            continue
        where = f"{rel}:{entry.linenum}"
        if stale_approval(entry):
            problems.append(f"{where}: approval no longer matches the text (edited outside the service?)")
        if entry_state(entry) == State.APPROVED:
            results = run_checks(entry.msgid, entry.msgstr, language=language, extra=extra)
            for result in results:
                if result.severity == "error" and not result.blocking:
                    problems.append(f"{where}: approved entry fails check {result.id}: {result.message}")
            for result in unoverridden_blocking(entry, language, results):
                problems.append(
                    f"{where}: approved entry fails blocking check {result.id} without an override: {result.message}"
                )
    if source_ids is not None:
        live = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
        if live != source_ids:
            problems.append(
                f"{rel}: out of date with its source ({len(source_ids - live)} new, "
                f"{len(live - source_ids)} removed segments); run update"
            )
    return problems
