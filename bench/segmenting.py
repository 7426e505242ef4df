"""Benchmark: extract + render with translate-app's segmenter against mdpo.

Run with `make bench` (or `.venv/bin/python bench/segmenting.py` after
`.venv/bin/pip install -e '.[bench]'`). Not a test: it prints figures.

What is timed, for each tool, file to file, in this one process:

* extract: read the Markdown file, segment it, build the template, write the .pot
  (ours: read_source -> segment -> template_from_document -> save_atomic, as
  `translate-app extract` does; mdpo: markdown_to_pofile(save=True), as `md2po -s -p`);
* render: read the Markdown file and a translated catalog, write the translated
  Markdown (ours: read_source -> segment -> catalog.load -> render_markdown ->
  write_atomic, as `translate-app render`; mdpo: pofile_to_markdown(save=...), as `po2md -s`).

Both tools are called through their Python APIs, not their console scripts:
our code is timed in-process too, so interpreter start-up and import time
(about 0.1-0.3 s per command) would otherwise swamp the small document. The
catalog used for render is a pseudo-translation ("Ü " + msgid + " ü") of each
tool's own template, so every segment is really replaced.

Each figure is the best of N repetitions (default 5; timings are noisy on a
small machine). Peak memory is measured in a fresh subprocess.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import polib  # noqa: E402

from translate_app import storage  # noqa: E402
from translate_app.core import catalog as cat  # noqa: E402
from translate_app.core.compiler import render_markdown  # noqa: E402
from translate_app.core.segmenter import read_source, segment  # noqa: E402
from translate_app.storage import write_atomic  # noqa: E402

SAMPLE = ROOT / "source" / "kuzmin-2026-03-30.md"
CORPUS = ROOT.parent / "shared" / "corpus" / "md"
MAX_BYTES = 64 * 1024 * 1024
KB = 1024
SIZES_KB = (125, 250, 500, 1000)


# -- the generated document ---------------------------------------------------


def _strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end > 0:
            return text[end + 5 :]
    return text


def _real_documents() -> list[str]:
    docs = [SAMPLE.read_text(encoding="utf-8")]
    if CORPUS.is_dir():
        docs += [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md"))]
    return [_strip_front_matter(d).strip("\n") + "\n" for d in docs]


def _sentences(docs: list[str]) -> list[str]:
    """Plain sentences from the real documents, markup removed."""
    plain = []
    for doc in docs:
        for line in doc.splitlines():
            line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)
            line = re.sub(r"[*_`<>#|]", "", line).strip(" -\t0123456789.")
            if len(line) > 40:
                plain.append(line)
    sentences = []
    for para in plain:
        sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", para) if len(s.strip()) > 20]
    return sentences


def _wrap(text: str, width: int, prefix: str = "", first: str = "") -> str:
    """Soft-wrap text at width; the first line starts with `first`, the others with `prefix`."""
    lines, current = [], first
    for word in text.split():
        if len(current) + len(word) + 1 > width and current.strip(" >-*0123456789."):
            lines.append(current.rstrip())
            current = prefix
        current += word + " "
    lines.append(current.rstrip())
    return "\n".join(lines)


class _Generator:
    """Deterministic Markdown made of the real documents' text, in every block kind."""

    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.docs = _real_documents()
        self.sentences = _sentences(self.docs)
        self.words = sorted({w.strip(",.;:()\"'") for s in self.sentences for w in s.split() if len(w) > 3})
        self.n = 0

    def sentence(self) -> str:
        return self.rng.choice(self.sentences)

    def phrase(self, lo: int = 2, hi: int = 6) -> str:
        return " ".join(self.rng.choice(self.words) for _ in range(self.rng.randint(lo, hi)))

    def inline(self, n_sentences: int) -> str:
        """Sentences with inline markup: strong, emphasis, code, links, autolinks."""
        parts = []
        for _ in range(n_sentences):
            s = self.sentence()
            words = s.split()
            r = self.rng.random()
            if len(words) > 4:
                i = self.rng.randrange(len(words) - 2)
                if r < 0.2:
                    words[i] = f"**{words[i]} {words[i + 1]}**"
                    del words[i + 1]
                elif r < 0.35:
                    words[i] = f"*{words[i]}*"
                elif r < 0.5:
                    words[i] = f"[{words[i]}](https://example.org/{self.n}/{i})"
                elif r < 0.6:
                    words[i] = f"`{words[i].lower()}`"
                elif r < 0.65:
                    words.insert(i, f"<https://example.net/item/{self.n}>")
            parts.append(" ".join(words))
        # a number keeps most paragraphs distinct, as in a real long document
        return " ".join(parts) + f" ({self.n})"

    def section(self) -> str:
        self.n += 1
        rng = self.rng
        out = [f"## {self.n}. {self.phrase(2, 7).capitalize()}\n"]
        for _ in range(rng.randint(1, 3)):
            out.append(_wrap(self.inline(rng.randint(2, 5)), 78) + "\n")
        kind = rng.random()
        if kind < 0.25:
            items = [f"- {self.inline(rng.randint(1, 2))}" for _ in range(rng.randint(3, 8))]
            if rng.random() < 0.4:
                items.insert(1, f"  - {self.phrase()}\n  - {self.phrase()}")
            out.append("\n".join(items) + "\n")
        elif kind < 0.4:
            items = [_wrap(self.inline(rng.randint(1, 3)), 78, "   ", f"{k}. ") for k in range(1, rng.randint(3, 10))]
            out.append("\n".join(items) + "\n")
        elif kind < 0.55:
            cols = rng.randint(2, 4)
            head = "| " + " | ".join(self.phrase(1, 3).title() for _ in range(cols)) + " |"
            rule = "|" + "|".join("---" for _ in range(cols)) + "|"
            rows = [
                "| "
                + " | ".join(rng.choice([self.phrase(1, 4), str(rng.randint(1, 9999))]) for _ in range(cols))
                + " |"
                for _ in range(rng.randint(2, 7))
            ]
            out.append("\n".join([head, rule, *rows]) + "\n")
        elif kind < 0.7:
            quote = [_wrap(self.inline(rng.randint(1, 3)), 76, "> ", "> ") for _ in range(rng.randint(1, 2))]
            out.append("\n>\n".join(quote) + "\n")
        elif kind < 0.8:
            code = "\n".join(
                f"{self.rng.choice(self.words).lower()} = {rng.randint(0, 999)}" for _ in range(rng.randint(2, 8))
            )
            out.append(f"```python\n{code}\n```\n")
        elif kind < 0.85:
            out.append(f"![{self.phrase(2, 4)}](images/figure-{self.n}.png)\n")
        elif kind < 0.9:
            out.append(f"{self.phrase(2, 5).capitalize()}\n{'-' * 12}\n")
        else:
            # a real document, verbatim: repeated text, as a release quoting earlier ones
            out.append(rng.choice(self.docs))
        return "\n".join(out)

    def document(self, size: int) -> str:
        """A document of at least `size` bytes (UTF-8), front matter first."""
        parts = [
            "---\n"
            f'title: "{self.phrase(3, 6).capitalize()}"\n'
            f"description: {self.phrase(5, 9).capitalize()}\n"
            "date: 2026-03-30\n"
            "layout: post\n"
            "---\n"
        ]
        total = len(parts[0].encode())
        while total < size:
            s = self.section()
            parts.append(s)
            total += len(s.encode()) + 1
        return "\n".join(parts)


def generated_documents(directory: Path) -> dict[int, Path]:
    """Write the generated documents of every size; each is a prefix-alike of the next."""
    paths = {}
    for kb in SIZES_KB:
        path = directory / f"generated-{kb}k.md"
        path.write_text(_Generator().document(kb * KB), encoding="utf-8")
        paths[kb] = path
    return paths


# -- the two pipelines ----------------------------------------------------------


def ours_extract(md: Path, pot_path: Path) -> polib.POFile:
    text = read_source(md, max_bytes=MAX_BYTES)
    doc = segment(text, md.as_posix())
    pot = cat.template_from_document(doc, md.stem)
    storage.save(pot, pot_path)
    return pot


def ours_render(md: Path, po_path: Path, out: Path) -> None:
    text = read_source(md, max_bytes=MAX_BYTES)
    doc = segment(text, md.as_posix())
    po = cat.load(po_path)
    write_atomic(out, render_markdown(doc, po).encode("utf-8"), durable=False)  # as the CLI's render


def ours_extract_nosync(md: Path, pot_path: Path) -> None:
    """Our extract, writing the way mdpo does: no temporary file, no fsync."""
    text = read_source(md, max_bytes=MAX_BYTES)
    doc = segment(text, md.as_posix())
    pot_path.write_text(cat.serialise(cat.template_from_document(doc, md.stem)), encoding="utf-8")


def ours_render_nosync(md: Path, po_path: Path, out: Path) -> None:
    text = read_source(md, max_bytes=MAX_BYTES)
    doc = segment(text, md.as_posix())
    out.write_text(render_markdown(doc, cat.load(po_path)), encoding="utf-8")


def mdpo_extract(md: Path, pot_path: Path) -> None:
    from mdpo.md2po import markdown_to_pofile

    pot_path.unlink(missing_ok=True)  # else md2po merges into the previous run's file
    markdown_to_pofile(str(md), po_filepath=str(pot_path), save=True)


def mdpo_render(md: Path, po_path: Path, out: Path) -> None:
    from mdpo.po2md import pofile_to_markdown

    pofile_to_markdown(str(md), str(po_path), save=str(out))


def pseudo_translate(pot_path: Path, po_path: Path) -> int:
    """Write a catalog whose every msgstr differs from its msgid."""
    po = polib.pofile(str(pot_path), wrapwidth=cat.WRAP_WIDTH)
    for entry in po:
        entry.msgstr = "Ü " + entry.msgid + " ü"
    po.metadata["Language"] = "de"
    po.save(str(po_path))
    return len(po)


def cold() -> None:
    """Forget what our code keeps between calls in one process, as a fresh CLI run would."""
    storage.forget_parsed()


def race(repeat: int, jobs: dict, clock=time.perf_counter) -> dict[str, float]:
    """Best time of each job over `repeat` rounds, the jobs taking turns in every round.

    Taking turns spreads the load of other processes evenly over the jobs compared.
    """
    best = {name: float("inf") for name in jobs}
    for _ in range(repeat):
        for name, (fn, *args) in jobs.items():
            cold()
            gc.collect()
            t0 = clock()
            fn(*args)
            best[name] = min(best[name], clock() - t0)
    return best


def best_of(repeat: int, fn, *args, **kwargs) -> float:
    times = []
    for _ in range(repeat):
        cold()
        gc.collect()
        t0 = time.perf_counter()
        fn(*args, **kwargs)
        times.append(time.perf_counter() - t0)
    return min(times)


# -- reports --------------------------------------------------------------------


def compare(name: str, md: Path, work: Path, repeat: int) -> dict:
    """Time extract and render of one document with both tools."""
    w = work / md.stem
    w.mkdir(exist_ok=True)
    ours_extract(md, w / "ours.pot")
    mdpo_extract(md, w / "mdpo.pot")
    n_ours = pseudo_translate(w / "ours.pot", w / "ours.po")
    n_mdpo = pseudo_translate(w / "mdpo.pot", w / "mdpo.po")
    row = {"name": name, "kb": md.stat().st_size / KB, "entries": (n_ours, n_mdpo)}
    row.update(
        race(
            repeat,
            {
                "ours_x": (ours_extract, md, w / "ours.pot"),
                "mdpo_x": (mdpo_extract, md, w / "mdpo.pot"),
                "ours_r": (ours_render, md, w / "ours.po", w / "ours.out.md"),
                "mdpo_r": (mdpo_render, md, w / "mdpo.po", w / "mdpo.out.md"),
                "nosync_x": (ours_extract_nosync, md, w / "nosync.pot"),
                "nosync_r": (ours_render_nosync, md, w / "ours.po", w / "nosync.out.md"),
            },
        )
    )
    row["ours_nosync"] = row["nosync_x"] + row["nosync_r"]
    row["ours"] = row["ours_x"] + row["ours_r"]
    row["mdpo"] = row["mdpo_x"] + row["mdpo_r"]
    return row


def stages(md: Path, work: Path, repeat: int) -> dict[str, float]:
    """Time each step of our two commands on their own (best of `repeat`)."""
    w = work / f"stages-{md.stem}"
    w.mkdir(exist_ok=True)
    text = read_source(md, max_bytes=MAX_BYTES)
    doc = segment(text, md.as_posix())
    pot = cat.template_from_document(doc, md.stem)
    data = cat.serialise(pot).encode("utf-8")
    storage.save(pot, w / "t.pot")
    pseudo_translate(w / "t.pot", w / "t.po")
    po = cat.load(w / "t.po")
    out = render_markdown(doc, po).encode("utf-8")
    return {
        "read_source": best_of(repeat, read_source, md, max_bytes=MAX_BYTES),
        "segment": best_of(repeat, segment, text, md.as_posix()),
        "template_from_document": best_of(repeat, cat.template_from_document, doc, md.stem),
        "serialise (.pot)": best_of(repeat, cat.serialise, pot),
        "write_atomic (.pot)": best_of(repeat, write_atomic, w / "u.pot", data),
        "catalog.load (.po)": best_of(repeat, cat.load, w / "t.po"),
        "render_markdown": best_of(repeat, render_markdown, doc, po),
        "write_atomic (.md)": best_of(repeat, write_atomic, w / "u.md", out),
        "plain write, no fsync (.pot)": best_of(repeat, (w / "v.pot").write_bytes, data),
    }


def identity_check(md: Path, work: Path) -> bool:
    """Render with an identity catalog (msgstr == msgid) and compare the bytes."""
    pot = ours_extract(md, work / "identity.pot")
    for entry in pot:
        entry.msgstr = entry.msgid
    storage.save(pot, work / "identity.po")
    ours_render(md, work / "identity.po", work / "identity.out.md")
    return (work / "identity.out.md").read_bytes() == md.read_bytes()


# -- quality on real documents: identity and structure, both tools ---------------------


def real_documents() -> list[Path]:
    """The sample release and the shared corpus's Markdown documents (md, md_pairs, md2)."""
    files = [SAMPLE]
    corpus = ROOT.parent / "shared" / "corpus"
    for folder in ("md", "md_pairs", "md2"):
        files += sorted((corpus / folder).glob("*.md"))
    return files


def _msgfmt_ok(path: Path) -> bool | None:
    import shutil

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return None
    return subprocess.run([msgfmt, "--check", "-o", os.devnull, str(path)], capture_output=True).returncode == 0


def _translated(pot_path: Path, po_path: Path, fn) -> None:
    po = polib.pofile(str(pot_path), wrapwidth=cat.WRAP_WIDTH)
    for k, entry in enumerate(po):
        entry.msgstr = fn(k, entry.msgid)
    po.metadata["Language"] = "de"
    po.save(str(po_path))


def quality(md: Path, work: Path, tool: str) -> dict[str, bool | None]:
    """Identity byte-exact, pseudo and hostile structure kept, msgfmt --check, for one tool on one document."""
    from tests.core.test_documents_structure import differences, hostile, pseudo, structure

    extract, render = (ours_extract, ours_render) if tool == "ours" else (mdpo_extract, mdpo_render)
    w = work / f"quality-{tool}-{md.stem}"
    w.mkdir(exist_ok=True)
    source = md.read_bytes().decode("utf-8")
    row: dict[str, bool | None] = {}
    try:
        extract(md, w / "t.pot")
    except Exception:  # a tool that cannot read a document fails every check on it
        return dict.fromkeys(("identity", "structure", "hostile", "msgfmt"), False)
    row["msgfmt"] = _msgfmt_ok(w / "t.pot")
    for name, fn in (
        ("identity", lambda k, t: t),
        ("structure", lambda k, t: pseudo(t)),
        ("hostile", lambda k, t: hostile(k)(t)),
    ):
        try:
            _translated(w / "t.pot", w / f"{name}.po", fn)
            if name == "structure" and row["msgfmt"] is not None:
                row["msgfmt"] = row["msgfmt"] and bool(_msgfmt_ok(w / f"{name}.po"))
            render(md, w / f"{name}.po", w / f"{name}.md")
            out = (w / f"{name}.md").read_bytes().decode("utf-8")
            row[name] = (
                out == source
                if name == "identity"
                else not differences(structure(source, markup=False), structure(out, markup=False))
            )
        except Exception:
            row[name] = False
    return row


def quality_report(work: Path) -> None:
    docs = [d for d in real_documents() if d.is_file()]
    print(
        f"Real documents ({len(docs)}: the sample release and ../shared/corpus md, md_pairs, md2), "
        "each checked with both tools in this run: identity render byte-exact; a pseudo-translation "
        "(every word changed) and a hostile one (every segment starting with a block marker) keep the "
        "block structure (kinds of blocks; a * bullet for a - one counts as the same), code, HTML tags, "
        "URLs, marker lines and front matter; msgfmt --check on "
        "template and catalog."
    )
    totals = {tool: {k: 0 for k in ("identity", "structure", "hostile", "msgfmt")} for tool in ("ours", "mdpo")}
    print(f"{'document':58}{'ours i/s/h/m':>14}{'mdpo i/s/h/m':>14}")
    for md in docs:
        rows = {tool: quality(md, work, tool) for tool in ("ours", "mdpo")}
        marks = {
            tool: "".join(
                "+" if rows[tool].get(k) else ("?" if rows[tool].get(k) is None else "-") for k in totals[tool]
            )
            for tool in rows
        }
        for tool in rows:
            for k in totals[tool]:
                totals[tool][k] += bool(rows[tool].get(k))
        print(f"{md.name[:57]:58}{marks['ours']:>14}{marks['mdpo']:>14}")
    for tool, t in totals.items():
        print(f"{tool}: " + ", ".join(f"{k} {v}/{len(docs)}" for k, v in t.items()))
    print()


def memory_child(md: Path) -> None:
    """Run in a fresh process: extract + render once, print peak memory as JSON."""
    import tracemalloc

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rss_before = _peak_rss_kb()
        tracemalloc.start()
        ours_extract(md, work / "t.pot")
        pseudo_translate(work / "t.pot", work / "t.po")
        ours_render(md, work / "t.po", work / "t.md")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = _peak_rss_kb()
    print(json.dumps({"traced_peak": peak, "maxrss_kb": rss, "maxrss_before_kb": rss_before}))


def _peak_rss_kb() -> int:
    """The process's peak resident set size in KiB (VmHWM; ru_maxrss survives exec on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory(md: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(md)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--repeat", type=int, default=5, help="repetitions; the best is kept")
    parser.add_argument("--keep", type=Path, help="write the generated documents here and keep them")
    parser.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--quality-only",
        action="store_true",
        help="only the identity and structure counts on the real documents, both tools",
    )
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return

    try:
        from importlib.metadata import version

        import mdpo  # noqa: F401
    except ImportError:
        sys.exit("mdpo is not installed: .venv/bin/pip install -e '.[bench]'")

    if args.quality_only:
        with tempfile.TemporaryDirectory() as tmp:
            quality_report(Path(tmp))
        return

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        gen_dir = args.keep or work
        gen_dir.mkdir(parents=True, exist_ok=True)
        docs = generated_documents(gen_dir)
        big = docs[1000]

        print(
            f"translate-app segmenter vs mdpo {version('mdpo')}, Python {sys.version.split()[0]}, "
            f"{os.cpu_count()} CPUs, best of {args.repeat} (best of {max(args.repeat, 30)} for the sample)"
        )
        print(
            "Both tools through their Python APIs, file to file, in this process: ours = "
            "read_source+segment+template_from_document+save_atomic (extract), "
            "read_source+segment+catalog.load+render_markdown+write_atomic (render); "
            "mdpo = markdown_to_pofile(save=True) (md2po), pofile_to_markdown(save=...) (po2md). "
            "Render uses a pseudo-translated catalog (every segment replaced)."
        )
        print()

        # The sample takes milliseconds: many more repetitions cost nothing and steady it.
        rows = [
            compare("sample release", SAMPLE, work, max(args.repeat, 30)),
            compare("generated 1 MB", big, work, args.repeat),
        ]
        print(
            f"{'document':16}{'size':>9}{'entries ours/mdpo':>19}"
            f"{'ours extract':>14}{'ours render':>13}{'ours total':>12}"
            f"{'mdpo extract':>14}{'mdpo render':>13}{'mdpo total':>12}{'ours/mdpo':>11}"
        )
        for r in rows:
            ratio = r["ours"] / r["mdpo"]
            print(
                f"{r['name']:16}{r['kb']:>7.1f}KB{'{}/{}'.format(*r['entries']):>19}"
                f"{r['ours_x'] * 1e3:>12.1f}ms{r['ours_r'] * 1e3:>11.1f}ms{r['ours'] * 1e3:>10.1f}ms"
                f"{r['mdpo_x'] * 1e3:>12.1f}ms{r['mdpo_r'] * 1e3:>11.1f}ms{r['mdpo'] * 1e3:>10.1f}ms"
                f"{ratio:>10.3f}{'' if ratio <= 1.0 else ' !'}"
            )
        print("target: ours/mdpo <= 1.0")
        for r in rows:
            print(
                f"  {r['name']}: ours writing like mdpo (plain writes, no temporary file or fsync): "
                f"{r['ours_nosync'] * 1e3:.1f} ms, ours/mdpo {r['ours_nosync'] / r['mdpo']:.3f}"
            )
        print()

        print(
            "Where our time goes (each step alone; extract = read+segment+template+serialise+write, "
            "render = read+segment+load+render+write):"
        )
        breakdown = [stages(SAMPLE, work, max(args.repeat, 20)), stages(big, work, args.repeat)]
        print(f"{'step':30}{'sample':>12}{'1 MB':>12}")
        for step in breakdown[0]:
            print(f"{step:30}{breakdown[0][step] * 1e3:>10.2f}ms{breakdown[1][step] * 1e3:>10.1f}ms")
        print()

        print(
            "Growth of our extract + render with document size "
            "(CPU time of this process, sizes taking turns: other processes' load on this "
            "machine would blur wall-clock times):"
        )
        print(f"{'size':>10}{'extract':>12}{'render':>12}{'total':>12}{'per KB':>12}")
        per_kb = []
        jobs = {}
        for kb, path in docs.items():
            w = work / f"growth-{kb}"
            w.mkdir()
            ours_extract(path, w / "t.pot")
            pseudo_translate(w / "t.pot", w / "t.po")
            jobs[f"x{kb}"] = (ours_extract, path, w / "t.pot")
            jobs[f"r{kb}"] = (ours_render, path, w / "t.po", w / "t.md")
        cpu = race(args.repeat, jobs, clock=time.process_time)
        for kb, path in docs.items():
            x, r = cpu[f"x{kb}"], cpu[f"r{kb}"]
            size = path.stat().st_size / KB
            per_kb.append((x + r) / size)
            print(
                f"{size:>8.1f}KB{x * 1e3:>10.1f}ms{r * 1e3:>10.1f}ms{(x + r) * 1e3:>10.1f}ms"
                f"{(x + r) / size * 1e6:>10.1f}us"
            )
        growth = per_kb[-1] / per_kb[0]
        print(
            f"time per KB, 1 MB vs 125 KB: x{growth:.2f} "
            f"({'linear' if growth <= 1.25 else 'SUPER-LINEAR'}; 1.00 is perfectly linear)"
        )
        print()

        mem = memory(big)
        peak_mb = mem["traced_peak"] / 2**20
        print(
            f"Peak memory, extract + render of the 1 MB document (fresh process): "
            f"tracemalloc peak {peak_mb:.1f} MB, ru_maxrss {mem['maxrss_kb'] / 1024:.1f} MB "
            f"(of which {mem['maxrss_before_kb'] / 1024:.1f} MB interpreter and imports before the run); "
            f"target < 200 MB: {'OK' if mem['maxrss_kb'] / 1024 < 200 else 'MISSED'}"
        )

        quality_report(work)

        same = identity_check(big, work)
        same_sample = identity_check(SAMPLE, work)
        print(
            f"Identity render (msgstr == msgid) byte-identical: 1 MB document {'yes' if same else 'NO'}, "
            f"sample release {'yes' if same_sample else 'NO'}"
        )


if __name__ == "__main__":
    main()
