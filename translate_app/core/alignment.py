"""Align a partner's translated document to the source's segments.

A partner organisation sends the statement back translated: the same
headings, paragraphs and list items in the same order, mostly, but with a
paragraph merged or split here and there, a sentence left out, a note added.
Aligning is a shortest path through the grid of (source unit, target unit),
as in Gale and Church's sentence aligner, with steps

* 1-1: this source unit is that target unit;
* 2-1: the partner merged two source units into one (the coordinator splits it
  on the alignment screen, or accepts the proposed split);
* 1-2: the partner split one source unit in two (joined for the catalog);
* 1-0: a source unit the partner left out (it stays untranslated);
* 0-1: something the partner added (it is not written anywhere).

A step costs less the more alike its two sides are: the same kind of block
(heading, paragraph, list item, table cell, front matter), lengths in the
document pair's overall ratio, and the same anchors: numbers, URLs, e-mail
addresses, acronyms and names in capitals, and markup (links, emphasis,
code). Anchors survive translation; words do not, so no dictionary is needed.

Pure functions on texts: no file, catalog or database is touched. The
result is a proposal; nothing is written before a person confirms it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .blocks import Document

#: What a step costs beyond its dissimilarity (a 1-1 step has none).
STEP_PENALTY = {(1, 1): 0.0, (2, 1): 1.1, (1, 2): 1.1, (1, 0): 2.6, (0, 1): 2.6}
#: Above this cost, a 1-1 step is shown as doubtful.
DOUBTFUL = 1.6
#: Below this cost, a left-out source unit and an added target unit are one unit the partner moved.
MOVED = 1.0
#: The least half-width of the band of the grid searched around the diagonal (units).
BAND = 25

_NUMBER = re.compile(r"\d+(?:[.,:/\-]\d+)*")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\]]+|[\w.+-]+@[\w-]+\.[\w.-]+")
_LINK_TARGET = re.compile(r"\]\(([^)\s]+)")
_CAPS = re.compile(r"\b[A-Z][A-Z0-9&]*(?:-[A-Z0-9&]+)*\b")
_MARKUP = re.compile(r"\*\*|__|`|\]\(|!\[|\[\^")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？؟])[\"'»”’)]*\s+")
#: A name: a capitalised word of four letters or more that is not the first word of a sentence.
_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)\b[A-Z][a-z]{3,}\b")
#: What a merge or split costs more when the side that should have several sentences has one.
ONE_SENTENCE = 1.5


@dataclass(frozen=True)
class Unit:
    """A block of a document: its text and kind (as the segmenter names them)."""

    text: str
    kind: str = "paragraph"


@dataclass(frozen=True)
class Step:
    """One step of an alignment: which source units go with which target units."""

    source: tuple[int, ...]
    target: tuple[int, ...]
    cost: float
    moved: bool = False  # the partner put this unit elsewhere (a footnote moved to the end)

    @property
    def shape(self) -> tuple[int, int]:
        """Return (number of source units, number of target units)."""
        return len(self.source), len(self.target)

    @property
    def doubtful(self) -> bool:
        """Say whether a person should look twice at this step."""
        return self.shape != (1, 1) or self.cost > DOUBTFUL or self.moved


def units(doc: Document) -> list[Unit]:
    """Return a segmented document's blocks as units, in document order."""
    return [Unit(b.text, b.kind) for b in doc.blocks]


def anchors(text: str) -> Counter[str]:
    """Return what a translation keeps of a text: numbers, URLs, acronyms and names in capitals, markup."""
    found: Counter[str] = Counter()
    urls = _URL.findall(text) + _LINK_TARGET.findall(text)
    found.update("u:" + u.rstrip(".,;:") for u in urls)
    rest = _URL.sub(" ", text)
    found.update("n:" + re.sub(r"\D", "", n) for n in _NUMBER.findall(rest))
    found.update("c:" + c for c in _CAPS.findall(rest))
    found.update("m:" + m for m in _MARKUP.findall(rest))
    return found


def _anchor_cost(a: Counter[str], b: Counter[str]) -> float:
    """Return 0 when the anchors agree, up to 2 when they are disjoint, 0.35 when neither side has any."""
    if not a and not b:
        return 0.35
    if len(a) > len(b):
        a, b = b, a
    shared = sum(min(count, b[key]) for key, count in a.items() if key in b)
    total = a.total() + b.total() - shared
    return 2.0 * (1.0 - shared / total)


def _names(text: str) -> set[str]:
    """Return the names a translation usually keeps letter for letter (Kuzmin, Kaunas, Vilnius)."""
    return set(_NAME.findall(text))


def _name_cost(source_names: set[str], target_text: str) -> float:
    """Return up to 1 for the share of the source's names missing from the target."""
    if not source_names:
        return 0.0
    return sum(1 for name in source_names if name not in target_text) / len(source_names)


def sentences(text: str) -> list[str]:
    """Split a text at sentence ends (., !, ? and their CJK and Arabic forms, followed by space)."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def _kind_cost(source_kinds: Sequence[str], target_kinds: Sequence[str]) -> float:
    """Return 0 when the kinds agree, more when a heading meets a paragraph."""
    if source_kinds == target_kinds or set(source_kinds) == set(target_kinds):
        return 0.0
    if {"heading"} & (set(source_kinds) ^ set(target_kinds)):
        return 1.2
    return 0.5


def _length_cost(source_len: int, target_len: int, ratio: float) -> float:
    """Return how far the target's length is from what the pair's ratio expects (Gale and Church's delta).

    The spread grows with the square root of the length, so a long paragraph
    a fifth too short is far more telling than a short heading twice as long.
    """
    delta = (target_len - source_len * ratio) / math.sqrt((source_len + 1) * 6.8 * ratio)
    return min(3.0, abs(delta) * 0.4)


def align(source: Sequence[Unit], target: Sequence[Unit]) -> list[Step]:
    """Align two documents' units; return the steps in order, covering every unit of both sides once.

    The length ratio of the language pair is first taken from the whole
    documents, then, when the first pass found enough one-to-one steps of
    some length, from their median: a left-out paragraph skews the first.
    """
    ratio = (sum(len(u.text) for u in target) + 1) / (sum(len(u.text) for u in source) + 1)
    steps = _align(source, target, ratio)
    ratios = sorted(
        len(target[st.target[0]].text) / len(source[st.source[0]].text)
        for st in steps
        if st.shape == (1, 1) and len(source[st.source[0]].text) >= 40 and not st.moved
    )
    if len(ratios) >= 3:
        steps = _align(source, target, ratios[len(ratios) // 2])
    return steps


def _align(source: Sequence[Unit], target: Sequence[Unit], ratio: float) -> list[Step]:
    """Find the cheapest path through the grid for one length ratio (within a band around the diagonal)."""
    n, m = len(source), len(target)
    s_len = [len(u.text) for u in source]
    t_len = [len(u.text) for u in target]
    s_kind = [u.kind for u in source]
    t_kind = [u.kind for u in target]
    s_anchors = [anchors(u.text) for u in source] + [Counter()]
    t_anchors = [anchors(u.text) for u in target] + [Counter()]
    s_pairs = [s_anchors[k] + s_anchors[k + 1] for k in range(n)]
    t_pairs = [t_anchors[k] + t_anchors[k + 1] for k in range(m)]
    s_names = [_names(u.text) for u in source] + [set()]
    s_sentences = [len(sentences(u.text)) for u in source]
    t_sentences = [len(sentences(u.text)) for u in target]

    def cost(i: int, j: int, di: int, dj: int) -> float:
        if di == 0 or dj == 0:
            return STEP_PENALTY[(di, dj)]
        penalty = STEP_PENALTY[(di, dj)]
        if (di, dj) == (2, 1) and t_sentences[j] < 2 or (di, dj) == (1, 2) and s_sentences[i] < 2:
            penalty += ONE_SENTENCE
        a = s_pairs[i] if di == 2 else s_anchors[i]
        b = t_pairs[j] if dj == 2 else t_anchors[j]
        names = s_names[i] | s_names[i + 1] if di == 2 else s_names[i]
        t_text = target[j].text + " " + target[j + 1].text if dj == 2 else target[j].text
        return (
            penalty
            + _name_cost(names, t_text)
            + _kind_cost(s_kind[i : i + di], t_kind[j : j + dj])
            + _length_cost(sum(s_len[i : i + di]), sum(t_len[j : j + dj]), ratio)
            + _anchor_cost(a, b)
        )

    width = max(BAND, abs(n - m) + (n + m) // 20)
    inf = float("inf")
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, float] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        centre = i * m // n if n else 0
        for j in range(max(0, centre - width), min(m, centre + width) + 1):
            here = best[i][j]
            if here == inf:
                continue
            for di, dj in STEP_PENALTY:
                if i + di > n or j + dj > m:
                    continue
                c = cost(i, j, di, dj)
                if here + c < best[i + di][j + dj]:
                    best[i + di][j + dj] = here + c
                    back[i + di][j + dj] = (di, dj, c)
    steps: list[Step] = []
    i, j = n, m
    while i or j:
        move = back[i][j]
        assert move is not None
        di, dj, c = move
        steps.append(Step(tuple(range(i - di, i)), tuple(range(j - dj, j)), round(c, 3)))
        i, j = i - di, j - dj
    steps.reverse()
    return _find_moves(steps, cost)


def _find_moves(steps: list[Step], cost) -> list[Step]:
    """Pair a left-out source unit with an added target unit when they are clearly the same (moved)."""
    left_out = [k for k, st in enumerate(steps) if st.shape == (1, 0)]
    added = {st.target[0]: k for k, st in enumerate(steps) if st.shape == (0, 1)}
    drop: set[int] = set()
    for k in left_out:
        i = steps[k].source[0]
        scored = sorted((cost(i, j, 1, 1), j) for j in added if added[j] not in drop)
        if scored and scored[0][0] < MOVED:
            c, j = scored[0]
            steps[k] = Step((i,), (j,), round(c, 3), moved=True)
            drop.add(added[j])
    return [st for k, st in enumerate(steps) if k not in drop]


def split_for(text: str, lengths: Sequence[int]) -> list[str]:
    """Split a merged translation into len(lengths) parts at sentence ends, near the sources' length shares.

    When the text has fewer sentences than parts, the last parts are empty
    (a person splits it on the alignment screen).
    """
    pieces = sentences(text)
    parts: list[str] = []
    total = sum(lengths) or 1
    for k in range(len(lengths) - 1):
        remaining = len(lengths) - k - 1
        if len(pieces) <= remaining:
            parts.append(pieces.pop(0) if pieces else "")
            continue
        goal = sum(lengths[: k + 1]) / total * len(text)
        taken, best, best_at = 0, None, 1
        done = sum(len(p) + 1 for p in parts)
        for at in range(1, len(pieces) - remaining + 1):
            taken = done + sum(len(s) + 1 for s in pieces[:at])
            off = abs(taken - goal)
            if best is None or off < best:
                best, best_at = off, at
        parts.append(" ".join(pieces[:best_at]))
        del pieces[:best_at]
    parts.append(" ".join(pieces))
    return parts


def proposal(source: Sequence[Unit], target: Sequence[Unit], steps: Sequence[Step] | None = None) -> list[str | None]:
    """Return, for each source unit, the translation the alignment proposes (None where it was left out)."""
    steps = align(source, target) if steps is None else steps
    out: list[str | None] = [None] * len(source)
    for step in steps:
        if not step.source or not step.target:
            continue
        texts = [target[k].text for k in step.target]
        if len(step.source) == 1:
            out[step.source[0]] = " ".join(texts)
        else:
            parts = split_for(texts[0], [len(source[k].text) for k in step.source])
            for k, part in zip(step.source, parts, strict=False):
                out[k] = part or None
    return out


@dataclass(frozen=True)
class Agreement:
    """How a proposed alignment compares with a confirmed one, per source unit."""

    right: int  # the same target units (or both left out)
    wrong: int  # other target units
    left_out: int  # proposed nothing where the confirmed alignment has a target

    @property
    def accuracy(self) -> float:
        """Return the share of source units aligned right."""
        total = self.right + self.wrong + self.left_out
        return self.right / total if total else 1.0


def agreement(proposed: Sequence[Step], confirmed: dict[int, tuple[int, ...]], source_count: int) -> Agreement:
    """Compare steps with a confirmed alignment ({source index: target indices}, missing = left out)."""
    got: dict[int, tuple[int, ...]] = {}
    for step in proposed:
        for i in step.source:
            got[i] = step.target
    right = wrong = left_out = 0
    for i in range(source_count):
        want, have = confirmed.get(i, ()), got.get(i, ())
        if want == have:
            right += 1
        elif not have:
            left_out += 1
        else:
            wrong += 1
    return Agreement(right, wrong, left_out)
