"""Benchmark: the press kit of the sample release for 20 languages, and aligning partners' documents for 20.

Run with `.venv/bin/python bench/presskit.py [--languages 20]`. Not a test: it prints figures.

Outputs: every language gets a page, DOCX, ODT, PDF and e-mail bodies (translate_app.presskit.kit.press_kit).
The German and French partner versions in tests/data/partners stand in for the approved Markdown, alternating,
under 20 language codes that include right-to-left and CJK ones (the text stays German or French: the time
depends on the length and the fonts, and the Arabic/Japanese runs use tests' own short texts).
Alignment: each partner document is converted (pandoc for the DOCX made from it), segmented and aligned with
the source, as the upload screen does, once per language.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translate_app.core import alignment as al  # noqa: E402
from translate_app.core.segmenter import read_source, segment  # noqa: E402
from translate_app.presskit import documents  # noqa: E402
from translate_app.presskit.kit import press_kit  # noqa: E402

CODES = [
    "de",
    "fr",
    "es",
    "it",
    "pt_BR",
    "nl",
    "pl",
    "ru",
    "uk",
    "lt",
    "el",
    "tr",
    "ar",
    "he",
    "fa",
    "ja",
    "zh_Hans",
    "ko",
    "hi",
    "sw",
    "sv",
    "fi",
    "cs",
    "ro",
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--languages", type=int, default=20)
    args = parser.parse_args()
    codes = CODES[: args.languages]
    texts = [
        (ROOT / "tests/data/partners/kuzmin.de.md").read_text(),
        (ROOT / "tests/data/partners/kuzmin.fr.md").read_text(),
    ]
    source = al.units(segment(read_source(ROOT / "source/kuzmin-2026-03-30.md")))

    languages = {code: (f"Press release ({code})", texts[k % 2]) for k, code in enumerate(codes)}
    languages["en"] = ("Joint press release", (ROOT / "source/kuzmin-2026-03-30.md").read_text())
    start = time.perf_counter()
    data = press_kit("kuzmin-2026-03-30", languages, default="en")
    kit_seconds = time.perf_counter() - start
    print(
        f"press kit: {len(languages)} languages (page, DOCX, ODT, PDF, e-mail each) in {kit_seconds:.1f} s, "
        f"{len(data) / 1e6:.1f} MB zip"
    )

    docx = [documents.docx(text, "de", "t") for text in texts]
    times = []
    for k, code in enumerate(codes):
        begin = time.perf_counter()
        markdown = documents.to_markdown(docx[k % 2], f"partner-{code}.docx")
        steps = al.align(source, al.units(segment(markdown)))
        times.append(time.perf_counter() - begin)
        assert steps
    print(
        f"alignment: {len(codes)} partner DOCX files converted, segmented and aligned in {sum(times):.1f} s "
        f"(median {statistics.median(times) * 1000:.0f} ms each)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
