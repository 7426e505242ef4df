"""What concurrent API clients were answered, and the check of that against the catalog and the audit log.

The chain logic comes from bench/review_load.py (copied, not imported: tests
do not depend on bench code), extended for faults: a request cut off by a
crash (no answer, a 5xx) is *ambiguous* and is sent again unchanged until it
gets an answer; what a stored-but-unanswered save did is only known from what
others saw afterwards.
"""

from __future__ import annotations

import http.client
import json
import random
import subprocess
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Attempt:
    """One save a client meant to make: what it sent and what, in the end, it was answered."""

    client: int
    segment: str
    based_on: str
    text: str
    outcome: str = "pending"  # "ack", "refused" (409/4xx with nothing ambiguous before), "maybe" (never clear)
    version: str | None = None  # the version answered with a 200
    answered_text: str | None = None
    cut_off: int = 0  # how many times the request got no usable answer (connection lost, 5xx) and was re-sent
    current: tuple[str, str] | None = None  # (version, text) of the 409 answer


@dataclass
class Ledger:
    """Everything the clients saw, shared by their threads (list.append is atomic)."""

    attempts: list[Attempt] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def acks(self) -> list[Attempt]:
        return [a for a in self.attempts if a.outcome == "ack"]


class Target:
    """Where the service answers now (the port stays across restarts)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port


def client_loop(
    ledger: Ledger,
    idx: int,
    target: Target,
    token: str,
    release: str,
    language: str,
    initial: dict[str, str],
    stop: threading.Event,
    clients: int,
    shared: float = 0.2,
    retry_for: float = 40.0,
) -> None:
    """Save unique translations until `stop`, keeping the version last seen for each segment.

    A request without an answer (the worker was killed, the server restarts)
    is sent again with the same text and version until it is answered: the
    answer is 200 if it was stored (or is stored now), 409 if someone else's
    save came first.
    """
    rng = random.Random(idx * 7919)
    ids = sorted(initial)
    mine = ids[idx::clients] or ids
    known = dict(initial)
    path = f"/api/releases/{release}/{language}/segments/"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn: http.client.HTTPConnection | None = None
    seq = 0
    while not stop.is_set():
        sid = rng.choice(ids) if rng.random() < shared else rng.choice(mine)
        seq += 1
        attempt = Attempt(idx, sid, known[sid], f"Übersetzung {sid} von Person {idx} Nr. {seq} — **fett**")
        ledger.attempts.append(attempt)
        body = json.dumps({"translation": attempt.text, "version": attempt.based_on}).encode()
        give_up = time.monotonic() + retry_for
        while attempt.outcome == "pending":
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(target.host, target.port, timeout=30)
                conn.request("PUT", path + sid, body, headers)
                response = conn.getresponse()
                raw = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status, raw = 0, b""
                if conn is not None:
                    conn.close()
                conn = None
            if status == 200:
                answer = json.loads(raw)
                attempt.outcome = "ack"
                attempt.version, attempt.answered_text = answer["version"], answer["translation"]
                known[sid] = answer["version"]
            elif status == 409:
                current = (json.loads(raw) or {}).get("current") or {}
                attempt.current = (current.get("version"), current.get("translation"))
                attempt.outcome = "maybe" if attempt.cut_off else "refused"
                if current.get("version"):
                    known[sid] = current["version"]
            elif status in (0, 500, 502, 503, 504, 507):
                attempt.cut_off += 1
                if time.monotonic() > give_up:
                    attempt.outcome = "maybe"
                    ledger.errors.append(f"client {idx}: no answer for {retry_for:g} s")
                else:
                    time.sleep(0.2)
            else:
                attempt.outcome = "refused"
                ledger.errors.append(f"client {idx}: HTTP {status}: {raw[:200]!r}")
    if conn is not None:
        conn.close()


@dataclass
class Verdict:
    """What the check found; `problems` must be empty."""

    acknowledged: int = 0
    stored: int = 0  # acknowledged saves whose text is in the catalog or was built on by a later stored save
    superseded: int = 0
    refused: int = 0
    cut_off_then_200: int = 0  # requests re-sent after a lost answer that were answered 200
    own_text_as_conflict: int = 0
    audited: int = 0
    audit_duplicates: int = 0
    problems: list[str] = field(default_factory=list)

    def figures(self) -> str:
        return (
            f"acknowledged {self.acknowledged}, stored {self.stored} (of which superseded {self.superseded}), "
            f"audited {self.audited} (extra rows {self.audit_duplicates}), refused {self.refused}, "
            f"re-sent after a lost answer and answered 200 {self.cut_off_then_200}"
        )


def verify(
    ledger: Ledger, initial: dict[str, str], final: dict[str, tuple[str, str]], audit_rows: list[tuple[str, str, str]]
) -> Verdict:
    """Check the clients' answers against the final catalog and the audit log.

    final: segment -> (version, text); audit_rows: (segment, old_text, new_text) of the save rows.
    An acknowledged save counts as stored when the catalog holds its version,
    or when a save based on its version was stored (it superseded it; every
    save is version-checked, so the next stored save must be based on it).
    """
    v = Verdict()
    by_base: dict[tuple[str, str], list[Attempt]] = defaultdict(list)
    seen_texts: dict[str, set[str]] = defaultdict(set)  # texts proven stored, per segment
    audit: dict[tuple[str, str], int] = defaultdict(int)
    for sid, _old, new in audit_rows:
        audit[(sid, new)] += 1
        seen_texts[sid].add(new)
    for sid, (_version, text) in final.items():
        seen_texts[sid].add(text)
    for a in ledger.attempts:
        by_base[(a.segment, a.based_on)].append(a)
        if a.outcome == "ack":
            seen_texts[a.segment].add(a.text)
        if a.current and a.current[1] is not None:
            seen_texts[a.segment].add(a.current[1])
    attempted = {(a.segment, a.text) for a in ledger.attempts}
    for a in ledger.attempts:
        if a.outcome == "refused":
            v.refused += 1
            if a.text in seen_texts[a.segment]:
                v.problems.append(f"{a.segment}: a refused save's text was stored: {a.text!r}")
        if a.outcome in ("maybe", "refused") and a.current and a.current[1] == a.text:
            v.own_text_as_conflict += 1
            v.problems.append(f"{a.segment}: client {a.client} was answered 409 with its own text")
        if a.outcome != "ack":
            continue
        v.acknowledged += 1
        v.cut_off_then_200 += bool(a.cut_off)
        if a.answered_text != a.text:
            v.problems.append(f"{a.segment}: answered text {a.answered_text!r} differs from the text sent")
        if final.get(a.segment, (None, None))[0] == a.version:
            if final[a.segment][1] != a.text:
                v.problems.append(f"{a.segment}: the catalog's version is the acknowledged one but not its text")
            v.stored += 1
        elif any(b.text in seen_texts[a.segment] for b in by_base[(a.segment, a.version)]):
            v.stored += 1
            v.superseded += 1
        else:
            v.problems.append(
                f"{a.segment}: LOST acknowledged save {a.text!r} (version {a.version}); "
                f"the catalog has {final.get(a.segment)!r}"
            )
        n = audit.get((a.segment, a.text), 0)
        if n:
            v.audited += 1
            v.audit_duplicates += n - 1
        else:
            v.problems.append(f"{a.segment}: acknowledged save {a.text!r} has no audit row")
    for (sid, base), same in by_base.items():
        acked = {b.text for b in same if b.outcome == "ack"}
        if len(acked) > 1:
            v.problems.append(f"{sid}: {len(acked)} different saves acknowledged on the same version {base}")
    for sid, (_version, text) in final.items():
        if text and (sid, text) not in attempted:
            v.problems.append(f"{sid}: the catalog holds a text no client sent: {text!r}")
    return v


def check_catalogs(locales: Path) -> list[str]:
    """Return the problems of the catalogs under locales/: unparsable, refused by msgfmt, temporary leftovers."""
    import polib

    problems = []
    for po in sorted(locales.rglob("*.po")):
        try:
            polib.pofile(str(po))
        except Exception as exc:  # noqa: BLE001 - any parse failure is the finding
            problems.append(f"{po.name}: does not parse: {exc}")
        done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        if done.returncode:
            problems.append(f"{po.name}: msgfmt --check: {done.stderr.strip()[:300]}")
    leftovers = [p.name for p in locales.rglob("*.tmp")]
    if leftovers:
        problems.append(f"temporary files left in locales/: {leftovers}")
    return problems
