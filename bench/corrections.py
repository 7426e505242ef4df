"""Benchmark: a correction after publication of the sample release in 20 languages, decided and republished.

Run with `.venv/bin/python bench/corrections.py [--languages 20] [--runs 3]`. Not a test: it prints figures.

Each run: a fresh project (the sample release, every language approved and published, SQLite), a typo and a
figure corrected in the source, then the timed steps: `update` (msgmerge of the new template into every
catalog), listing the pending changes once per segment, the readiness of every language (both are what the
corrections page shows), deciding them (the typo wording only, the figure
meaning changed: one catalog write per language, audited, volunteers told), and republishing every language
with an errata note. Between deciding and republishing the figure is translated again and approved in every
language (what the volunteers do; not timed).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from tests.factory import Person, make_app  # noqa: E402
from tests.partners.correcting import approve_everything, correct_source  # noqa: E402
from translate_app import corrections_workflow as cw  # noqa: E402
from translate_app import workflow  # noqa: E402
from translate_app.core.corrections import Decision  # noqa: E402
from translate_app.models import User  # noqa: E402
from translate_app.project import Project  # noqa: E402
from translate_app.web.extensions import Database  # noqa: E402

SAMPLE = ROOT / "source" / "kuzmin-2026-03-30.md"
CODES = "de fr es it pt_BR nl pl ru uk lt el tr ar he fa ja zh_Hans ko hi sw sv fi cs ro".split()
TYPO = ("as he is approaching a yet another", "as he is approaching yet another")
FIGURE = ("From 1995 to 2000 he studied", "From 1995 to 2001 he studied")


def run(codes: list[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        (root / "source").mkdir(parents=True)
        shutil.copy(SAMPLE, root / "source" / SAMPLE.name)
        project = Project(root)
        release = project.add_release(root / "source" / SAMPLE.name, codes)
        app = make_app(
            root, f"sqlite:///{Path(tmp) / 'db.sqlite3'}", people=[Person("coord", "coordinator")], testing=False
        )
        sessions = Database.factory(app)
        with sessions() as session:
            coord = session.scalar(select(User).where(User.name == "coord"))
            for code in codes:
                approve_everything(project, release, code)
                workflow.publish(session=session, project=project, user=coord, release=release, language=code)
            t = {}
            start = time.perf_counter()
            correct_source(project, release, TYPO, FIGURE)
            t["update"] = time.perf_counter() - start
            start = time.perf_counter()
            changes = cw.pending_changes(session, project, release)
            t["list"] = time.perf_counter() - start
            start = time.perf_counter()
            cw.readiness(session, project, release)  # what the page shows under the changes
            t["readiness"] = time.perf_counter() - start
            assert len(changes) == 2 and all(len(c.languages) == len(codes) for c in changes)
            typo, figure = (c.segment_id for c in changes)
            start = time.perf_counter()
            report = cw.decide(
                session,
                project,
                coord,
                release,
                {typo: Decision.WORDING_ONLY, figure: Decision.MEANING_CHANGED},
            )
            t["decide"] = time.perf_counter() - start
            assert len(report.decided) == len(codes) and not report.failed
            for code in codes:  # the volunteers correct the figure (not timed)
                approve_everything(project, release, code)
            start = time.perf_counter()
            done = cw.republish(
                session, project, coord, release, notes={code: f"Corrected: 2001, not 2000 ({code})." for code in codes}
            )
            t["republish"] = time.perf_counter() - start
            assert sorted(done.published) == sorted(codes), done.skipped
        Database.dispose(app)
        return t


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--languages", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    codes = CODES[: args.languages]
    results = [run(codes) for _ in range(args.runs)]
    print(f"sample release, {len(codes)} languages, {args.runs} runs (median, min-max in seconds)")
    for step in ("update", "list", "readiness", "decide", "republish"):
        values = [r[step] for r in results]
        print(f"  {step:10} {statistics.median(values):7.3f}  ({min(values):.3f}-{max(values):.3f})")
    total = [r["list"] + r["readiness"] + r["decide"] + r["republish"] for r in results]
    print(f"  page data + decide + republish: {statistics.median(total):.3f} s (median)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
