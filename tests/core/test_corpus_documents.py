"""Every real document of the shared corpus survives identity, pseudo and hostile translations.

Run as a script (`python -m tests.core.test_corpus_documents`) it prints the counts per check.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import CORPUS, SAMPLE
from tests.core.test_documents_structure import differences, hostile, pseudo, structure
from translate_app.core import catalog as cat
from translate_app.core.segmenter import render, segment


def documents() -> list[Path]:
    """The sample release and every Markdown document of the shared corpus."""
    files = [SAMPLE]
    if CORPUS.is_dir():
        for folder in ("md", "md_pairs", "md2"):
            files += sorted((CORPUS / folder).glob("*.md"))
    return files


DOCS = documents()
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def identity_ok(source: str) -> bool:
    return render(segment(source), lambda b: b.text) == source


def pseudo_problems(source: str) -> list[str]:
    doc = segment(source)
    out = render(doc, lambda b: pseudo(b.text))
    return differences(structure(source), structure(out))


def hostile_problems(source: str) -> list[str]:
    doc = segment(source)
    translations = {id(b): hostile(i)(b.text) for i, b in enumerate(doc.blocks)}
    out = render(doc, lambda b: translations[id(b)])
    return differences(structure(source), structure(out))


def msgfmt_ok(source: str, name: str) -> tuple[bool, bool]:
    """Check the template and a pseudo-translated catalog of a document with msgfmt --check."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt is not None
    doc = segment(source, f"source/{name}")
    pot = cat.template_from_document(doc, Path(name).stem)
    po = cat.new_catalog(pot, "de", Path(name).stem)
    for entry in po:
        entry.msgstr = pseudo(entry.msgid)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, catalog in (("pot", pot), ("po", po)):
            path = Path(tmp) / f"t.{kind}"
            path.write_text(cat.serialise(catalog), encoding="utf-8")
            run = subprocess.run([msgfmt, "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
            results.append(run.returncode == 0)
    return results[0], results[1]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_identity_is_byte_exact(path: Path) -> None:
    source = read(path)
    assert identity_ok(source)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_pseudo_translation_keeps_the_structure(path: Path) -> None:
    assert pseudo_problems(read(path)) == []


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_hostile_translation_keeps_the_structure(path: Path) -> None:
    assert hostile_problems(read(path)) == []


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_template_and_catalog_pass_msgfmt(path: Path) -> None:
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext's msgfmt is not installed (apt-get install gettext)")
    assert msgfmt_ok(read(path), path.name) == (True, True)


@needs_corpus
def test_the_corpus_is_all_there() -> None:
    assert len(DOCS) == 1 + 4 + 3 + 23


def main() -> None:
    """Print the counts of documents that pass each check."""
    totals = {"identity": 0, "structure": 0, "hostile": 0, "msgfmt": 0}
    for path in DOCS:
        source = read(path)
        row = {}
        try:
            row["identity"] = identity_ok(source)
            p = pseudo_problems(source)
            h = hostile_problems(source)
            row["structure"], row["hostile"] = not p, not h
            row["msgfmt"] = all(msgfmt_ok(source, path.name)) if shutil.which("msgfmt") else False
        except Exception as exc:  # a crash counts as a failure of every check
            p = h = [f"crash: {exc!r}"]
            row = dict.fromkeys(totals, False)
        for k in totals:
            totals[k] += row.get(k, False)
        print(
            f"{path.name[:60]:60} "
            + " ".join(f"{k}={'ok' if v else 'NO'}" for k, v in row.items())
            + (f"  pseudo:{p}" if p else "")
            + (f"  hostile:{h}" if h else "")
        )
    print(f"{len(DOCS)} documents: " + ", ".join(f"{k} {v}/{len(DOCS)}" for k, v in totals.items()))


if __name__ == "__main__":
    main()
