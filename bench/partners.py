"""Benchmark: partners' translations in — alignment accuracy per pair, and the time for 20 languages.

Run with `.venv/bin/python bench/partners.py` (pandoc comes with pypandoc-binary). Not a test: it prints
figures (and `--json` prints them as JSON).

Accuracy: for each pair of a source and a translation whose right alignment is known (the sample release
translated into German and French for the tests and reformatted as partners do: split, merged, left-out and
moved paragraphs; the same made into DOCX files with pandoc and read back as a partner's Word file would be;
Kubernetes' k8s.gcr.io freeze announcement in German; F-Droid's 2019-07-16 statement rendered from its own
German and Polish catalogs, as is and reformatted), the source segments aligned right, wrong and left out
(core.alignment.agreement). The corpus pairs need ../shared/corpus beside the checkout.

Time: a project with the sample release in 20 languages; for each language a partner's document (the German
sample, as Markdown and as DOCX) is read, segmented and aligned (partners.read_document + align_document, what
the upload does before the alignment screen), and the confirmed alignment is written into the catalog
(partners.write_partner_texts). Best of N rounds (default 3).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.core.test_alignment import PAIRS, _fdroid, _identity, _units  # noqa: E402  (the tests' confirmed pairs)
from translate_app import partners  # noqa: E402
from translate_app.core import alignment as al  # noqa: E402
from translate_app.core.segmenter import segment  # noqa: E402
from translate_app.project import Project  # noqa: E402

SAMPLE = ROOT / "source" / "kuzmin-2026-03-30.md"
DATA = ROOT / "tests" / "data" / "partners"
LANGUAGES = [
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "pl",
    "uk",
    "ru",
    "tr",
    "ar",
    "he",
    "fa",
    "el",
    "sv",
    "fi",
    "cs",
    "ro",
    "ko",
    "ja",
]
MAX = 50 * 1024 * 1024


def docx(markdown: str) -> bytes:
    """Return a Word file of a Markdown text, made with pandoc (quotes and dashes as typed)."""
    import pypandoc

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "partner.docx"
        pypandoc.convert_text(markdown, "docx", format="commonmark_x-smart", outputfile=str(out))
        return out.read_bytes()


def _units_of(text: str) -> list[al.Unit]:
    return al.units(segment(text))


def accuracy() -> list[dict]:
    """Score the aligner on every pair with a known right alignment."""
    source = _units(SAMPLE)
    known = {
        "de": _identity(len(source), {7: (7, 8), 10: (11,), 11: (11,), 20: ()}, {8: 1, 12: 0, 21: -1}),
        "fr": _identity(len(source), {4: (4, 5), 18: (19,), 19: (19,)}, {5: 1, 20: 0}),
    }
    pairs: list[tuple[str, list[al.Unit], list[al.Unit], dict]] = []
    for lang, confirmed in known.items():
        text = (DATA / f"kuzmin.{lang}.md").read_text(encoding="utf-8")
        pairs.append((f"sample -> {lang} (Markdown)", source, _units_of(text), confirmed))
        markdown, _ = partners.read_document(docx(text), f"kuzmin.{lang}.docx", None, max_bytes=MAX)
        pairs.append((f"sample -> {lang} (DOCX via pandoc)", source, _units_of(markdown), confirmed))
    if PAIRS.is_dir():
        k8s_en = _units(PAIRS / "k8s-gcr-io-freeze-announcement.en.md")
        k8s_de = _units(PAIRS / "k8s-gcr-io-freeze-announcement.de.md")
        pairs.append(("Kubernetes k8s.gcr.io freeze, en -> de", k8s_en, k8s_de, {i: (i,) for i in range(len(k8s_en))}))
        for lang in ("de", "pl"):
            fsource, translated = _fdroid(lang)
            pairs.append(
                (
                    f"F-Droid statement, en -> {lang}",
                    fsource,
                    _units_of(translated),
                    {i: (i,) for i in range(len(fsource))},
                )
            )
            paragraphs = translated.split("\n\n")
            untouched = _units_of(translated)
            third = next(k for k, p in enumerate(paragraphs) if untouched[2].text.split()[0] in p)
            merged = paragraphs[:third] + [paragraphs[third] + " " + paragraphs[third + 1]] + paragraphs[third + 2 :]
            sixth = next(k for k, p in enumerate(merged) if untouched[5].text[:30] in p)
            del merged[sixth]
            pairs.append(
                (
                    f"F-Droid statement, en -> {lang}, merged + left out",
                    fsource,
                    _units_of("\n\n".join(merged)),
                    {0: (0,), 1: (1,), 2: (2,), 3: (2,), 4: (3,), 6: (4,)},
                )
            )
    results = []
    for name, src, tgt, confirmed in pairs:
        started = time.perf_counter()
        steps = al.align(src, tgt)
        seconds = time.perf_counter() - started
        score = al.agreement(steps, confirmed, len(src))
        results.append(
            {
                "pair": name,
                "source_segments": len(src),
                "target_units": len(tgt),
                "right": score.right,
                "wrong": score.wrong,
                "left_out": score.left_out,
                "accuracy": round(score.accuracy, 4),
                "align_ms": round(seconds * 1000, 1),
            }
        )
    return results


def twenty_languages(rounds: int) -> dict:
    """Time reading, aligning and writing a partner's document for each of 20 languages."""
    markdown_bytes = (DATA / "kuzmin.de.md").read_bytes()
    docx_bytes = docx(markdown_bytes.decode("utf-8"))
    best: dict[str, float] = {}
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "source").mkdir()
            shutil.copy(SAMPLE, root / "source" / SAMPLE.name)
            project = Project(root)
            release = project.add_release(root / "source" / SAMPLE.name, LANGUAGES)
            project.document(release)  # read once, as the running service keeps it
            times = {"markdown": 0.0, "docx": 0.0, "write": 0.0}
            for lang in LANGUAGES:
                started = time.perf_counter()
                text, origin = partners.read_document(markdown_bytes, "partner.md", None, max_bytes=MAX)
                proposal = partners.align_document(project, release, lang, "Partner", text, origin)
                times["markdown"] += time.perf_counter() - started
                started = time.perf_counter()
                text, origin = partners.read_document(docx_bytes, "partner.docx", None, max_bytes=MAX)
                partners.align_document(project, release, lang, "Partner", text, origin)
                times["docx"] += time.perf_counter() - started
                started = time.perf_counter()
                confirmed = [{"segment_id": r.segment_id, "text": r.text} for r in proposal.rows]
                outcome = partners.write_partner_texts(
                    project, release, lang, partners.confirmed_texts(confirmed), "Partner"
                )
                times["write"] += time.perf_counter() - started
                assert len(outcome.written) == proposal.writable
            for key, value in times.items():
                best[key] = min(best.get(key, value), value)
    return {
        "languages": len(LANGUAGES),
        "segments": len(Project(ROOT).document(SAMPLE.stem).blocks),
        "align_markdown_s": round(best["markdown"], 3),
        "align_docx_s": round(best["docx"], 3),
        "write_s": round(best["write"], 3),
        "rounds": rounds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = {"accuracy": accuracy(), "twenty_languages": twenty_languages(args.rounds)}
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    print(f"{'pair':52} {'segs':>5} {'right':>6} {'wrong':>6} {'left out':>9} {'ms':>7}")
    for r in figures["accuracy"]:
        print(
            f"{r['pair']:52} {r['source_segments']:>5} {r['right']:>6} {r['wrong']:>6} {r['left_out']:>9} "
            f"{r['align_ms']:>7}"
        )
    t = figures["twenty_languages"]
    print(
        f"\n{t['languages']} languages x {t['segments']} segments (best of {t['rounds']}): "
        f"read + align Markdown {t['align_markdown_s']} s, DOCX {t['align_docx_s']} s "
        f"(pandoc included), write confirmed alignments {t['write_s']} s"
    )


if __name__ == "__main__":
    main()
