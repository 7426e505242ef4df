"""Benchmark: the git sync against GNU msgmerge, batched commits, and webhook to updated catalogs.

    .venv/bin/python bench/sync.py [--languages 40] [--segments 200] [--saves 1000] [--json]

All in a temporary folder with real git (a bare remote and clones):

1. **pull and merge a changed source**: a 200-segment release in 40 languages,
   every segment translated; someone else changes 20 paragraphs and adds 10,
   and pushes. `GitSync.sync(push=False)` fetches, merges, re-extracts and
   merges the template into the 40 catalogs and commits them. GNU `msgmerge
   --previous` merges the same new template into the same 40 catalogs (the
   service's copies from before the pull) in the same run. The ratio compares
   the whole sync (git included) and the merge into the catalogs alone. The
   machine may be shared: the three are alternated, repeated (`--repeats`),
   and the best of each is compared.
2. **commit 1,000 saved segments in batches**: 1,000 saves through the
   service's save path (group commit, audit log), 25 per language, with a
   commit run after every 100 saves, as the batching rule would (N = 100).
3. **webhook to updated catalogs**: the app with its scheduler thread; a
   source change is pushed, a Gitea-signed webhook call is made (test client,
   in process), and the clock stops when all 40 catalogs hold the new segment.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from translate_app import accounts, storage  # noqa: E402
from translate_app.config import Settings  # noqa: E402
from translate_app.core import catalog as cat  # noqa: E402
from translate_app.core.catalog import entry_id, entry_version  # noqa: E402
from translate_app.core.languages import all_languages  # noqa: E402
from translate_app.core.states import set_translated  # noqa: E402
from translate_app.db import open_database  # noqa: E402
from translate_app.project import Project  # noqa: E402

SECRET = "bench-secret"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def release_text(segments: int, changed: int = 0, added: int = 0) -> str:
    """Return a release of `segments` paragraphs; the first `changed` reworded, `added` more at the end."""
    parts = ["# A release for the benchmark\n"]
    for i in range(1, segments):
        word = "revised " if i <= changed else ""
        parts.append(
            f"Paragraph {i} says something {word}about the case of person number {i * 7}, "
            f"who asked the court on day {i % 28 + 1} for protection.\n"
        )
    for i in range(added):
        parts.append(f"A new paragraph {i} was added by the organisation.\n")
    return "\n".join(parts)


def languages(n: int) -> list[str]:
    codes = []
    for lang in all_languages():
        if lang.code != "en" and "_" not in lang.code and "-" not in lang.code and lang.plural_forms:
            codes.append(lang.code)
        if len(codes) == n:
            break
    return codes


def build(tmp: Path, n_languages: int, n_segments: int) -> tuple[Path, list[str]]:
    """Make the bare remote with the release in every language, every segment translated."""
    bare = tmp / "remote.git"
    git(tmp, "init", "-q", "--bare", "-b", "main", str(bare))
    seed = tmp / "seed"
    git(tmp, "clone", "-q", str(bare), str(seed))
    (seed / "source").mkdir()
    (seed / "source" / "bench.md").write_text(release_text(n_segments), encoding="utf-8")
    (seed / ".gitignore").write_text("/instance/\nlocales/**/.*\n", encoding="utf-8")
    codes = languages(n_languages)
    project = Project(seed)
    project.add_release(seed / "source" / "bench.md", codes)
    for code in codes:
        path = project.catalog_path("bench", code)
        po = cat.load(path)
        for entry in po:
            set_translated(entry, f"[{code}] {entry.msgid}", by="seed", when="2026-01-01T00:00:00Z")
        storage.save(po, path)
    git(seed, "add", "-A")
    git(seed, "commit", "-qm", "release")
    git(seed, "push", "-q", "origin", "main")
    return bare, codes


def clone_instance(tmp: Path, bare: Path, name: str) -> tuple[Settings, object]:
    root = tmp / name
    git(tmp, "clone", "-q", str(bare), str(root))
    settings = Settings(
        root=root,
        secret_key="x",
        database_url=f"sqlite:///{tmp / (name + '.sqlite3')}",
        git_noreply_domain="users.noreply.example.org",
        git_webhook_secret=SECRET,
    )
    sessions = open_database(settings)
    return settings, sessions


def push_source_change(tmp: Path, bare: Path, segments: int, changed: int, added: int, tag: str) -> None:
    other = tmp / f"other-{tag}"
    if not other.exists():
        git(tmp, "clone", "-q", str(bare), str(other))
    git(other, "pull", "-q")
    (other / "source" / "bench.md").write_text(release_text(segments, changed, added), encoding="utf-8")
    git(other, "-c", "user.name=Org", "-c", "user.email=org@example.org", "commit", "-qam", f"edit {tag}")
    git(other, "push", "-q")


def bench_merge(tmp: Path, bare: Path, codes: list[str], segments: int, repeats: int) -> dict:
    """Time the sync of a changed source, the merge alone and msgmerge, alternated, `repeats` times each."""
    import statistics

    from translate_app.gitsync.service import GitSync

    clones = [clone_instance(tmp, bare, f"merge{i}") for i in range(repeats)]  # each pulls the same change
    project = clones[0][0].project()
    before = tmp / "before"
    for code in codes:  # the service's catalogs before the pull, for msgmerge and the merge alone
        (before / code).mkdir(parents=True)
        shutil.copy(project.catalog_path("bench", code), before / code / "bench.po")
    push_source_change(tmp, bare, segments, changed=20, added=10, tag="merge")
    out = tmp / "msgmerge-out"
    out.mkdir()
    times: dict[str, list[float]] = {"sync": [], "merge": [], "msgmerge": []}
    commits = 0
    for settings, sessions in clones:
        start = time.perf_counter()
        report = GitSync(settings, sessions).sync(push=False)
        times["sync"].append(time.perf_counter() - start)
        assert report.error is None and report.updated_releases == ["bench"], report.lines()
        commits = len(report.commits)
        pot = settings.project().template_path("bench")

        start = time.perf_counter()  # GNU msgmerge over the same catalogs and the same new template
        for code in codes:
            subprocess.run(
                [
                    "msgmerge",
                    "--quiet",
                    "--previous",
                    "-o",
                    str(out / f"{code}.po"),
                    str(before / code / "bench.po"),
                    str(pot),
                ],
                check=True,
            )
        times["msgmerge"].append(time.perf_counter() - start)

        scratch = settings.project()  # the merge into the catalogs alone, as Project.update does it
        for code in codes:
            shutil.copy(before / code / "bench.po", scratch.catalog_path("bench", code))
        start = time.perf_counter()
        scratch.update("bench")
        times["merge"].append(time.perf_counter() - start)
    best = {k: min(v) for k, v in times.items()}
    median = {k: statistics.median(v) for k, v in times.items()}
    return {
        "languages": len(codes),
        "segments": segments,
        "repeats": repeats,
        "commits": commits,
        "sync_seconds": round(best["sync"], 3),
        "merge_into_catalogs_seconds": round(best["merge"], 3),
        "msgmerge_seconds": round(best["msgmerge"], 3),
        "sync_vs_msgmerge": round(best["sync"] / best["msgmerge"], 2),
        "merge_vs_msgmerge": round(best["merge"] / best["msgmerge"], 2),
        "median_seconds": {k: round(v, 3) for k, v in median.items()},
    }


def bench_commits(tmp: Path, bare: Path, codes: list[str], saves: int, batch: int) -> dict:
    from translate_app import workflow
    from translate_app.gitsync.service import GitSync

    settings, sessions = clone_instance(tmp, bare, "commits")
    project = settings.project()
    with sessions() as session:
        user = accounts.create_user(
            session,
            name="volunteer",
            role="coordinator",
            languages=[],
            password="bench password 123",
            display_name="A Volunteer",
        )
        session.commit()
        user_id = user.id
    per_language = max(1, saves // len(codes))
    work = []
    for code in codes:
        po = cat.load(project.catalog_path("bench", code))
        entries = [e for e in po if not e.obsolete][:per_language]
        work += [(code, e) for e in entries]
    work = work[:saves]
    service = GitSync(settings, sessions)
    save_seconds = commit_seconds = 0.0
    commits = 0
    from translate_app.models import User

    for i in range(0, len(work), batch):
        start = time.perf_counter()
        with sessions() as session:
            person = session.get(User, user_id)
            for code, entry in work[i : i + batch]:
                current = cat.find_entry(storage.read(project.catalog_path("bench", code)), entry_id(entry))
                workflow.save_segment(
                    session=session,
                    project=project,
                    user=person,
                    release="bench",
                    language=code,
                    segment_id=entry_id(entry),
                    text=f"saved {entry.msgid}",
                    version=entry_version(current),
                )
        save_seconds += time.perf_counter() - start
        start = time.perf_counter()
        commits += len(service.commit_pending())
        commit_seconds += time.perf_counter() - start
    return {
        "saves": len(work),
        "batch": batch,
        "commits": commits,
        "save_seconds": round(save_seconds, 3),
        "commit_seconds": round(commit_seconds, 3),
        "commit_ms_per_segment": round(commit_seconds / len(work) * 1000, 2),
    }


def _stat(path: Path) -> tuple:
    st = path.stat()
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def bench_webhook(tmp: Path, bare: Path, codes: list[str], segments: int) -> dict:
    from translate_app import create_app
    from translate_app.web.extensions import Database
    from translate_app.web.sync import scheduler

    settings, _ = clone_instance(tmp, bare, "hook")
    app = create_app({"SETTINGS": settings, "TESTING": True})
    sched = scheduler(app)
    sched.tick = 0.5
    project = settings.project()
    push_source_change(tmp, bare, segments, changed=0, added=11, tag="hook")
    before = {p: _stat(p) for p in (project.catalog_path("bench", code) for code in codes)}
    body = json.dumps({"ref": "refs/heads/main"}).encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    start = time.perf_counter()
    response = app.test_client().post("/hooks/git", data=body, headers={"X-Gitea-Signature": signature})
    assert response.status_code == 202, response.get_data(as_text=True)
    wanted = "A new paragraph 10 was added by the organisation."
    paths = [project.catalog_path("bench", code) for code in codes]
    # Watch the files' identity (cheap), and read them only once all changed: reading 40
    # catalogs 50 times a second would slow the sync thread down (one interpreter lock).
    seconds = None
    while time.perf_counter() - start < 60:
        if all(_stat(p) != before[p] for p in paths) and all(wanted in p.read_text(encoding="utf-8") for p in paths):
            seconds = time.perf_counter() - start
            break
        time.sleep(0.02)
    assert seconds is not None, "the catalogs were not updated within 60 s"
    sched.stop()
    Database.dispose(app)
    return {"webhook_to_catalogs_seconds": round(seconds, 3), "languages": len(codes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", type=int, default=40)
    parser.add_argument("--segments", type=int, default=200)
    parser.add_argument("--saves", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3, help="runs of the merge comparison (best is shown)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if shutil.which("msgmerge") is None:
        sys.exit("GNU msgmerge is needed (apt-get install gettext)")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for name in ("AUTHOR", "COMMITTER"):
            os.environ.setdefault(f"GIT_{name}_NAME", "Bench")
            os.environ.setdefault(f"GIT_{name}_EMAIL", "bench@example.org")
        bare, codes = build(tmp, args.languages, args.segments)
        results = {
            "merge": bench_merge(tmp, bare, codes, args.segments, args.repeats),
            "commits": bench_commits(tmp, bare, codes, args.saves, args.batch),
            "webhook": bench_webhook(tmp, bare, codes, args.segments),
        }
    if args.json:
        print(json.dumps(results, indent=1))
        return
    m, c, w = results["merge"], results["commits"], results["webhook"]
    print(
        f"pull + merge a changed source into {m['languages']} languages of {m['segments']} segments "
        f"(best of {m['repeats']}, alternated; medians {m['median_seconds']}):"
    )
    print(f"  whole sync (fetch, merge, update, {m['commits']} commits): {m['sync_seconds']:.2f} s")
    print(f"  merge into the catalogs alone:                          {m['merge_into_catalogs_seconds']:.2f} s")
    print(f"  GNU msgmerge --previous, same {m['languages']} catalogs:              {m['msgmerge_seconds']:.2f} s")
    print(f"  ratio: whole sync {m['sync_vs_msgmerge']}x, merge alone {m['merge_vs_msgmerge']}x msgmerge's time")
    print(
        f"commit {c['saves']} saved segments in batches of {c['batch']}: {c['commits']} commits in "
        f"{c['commit_seconds']:.2f} s ({c['commit_ms_per_segment']} ms per segment; saving took "
        f"{c['save_seconds']:.2f} s)"
    )
    print(f"webhook call to all {w['languages']} catalogs updated: {w['webhook_to_catalogs_seconds']:.2f} s")


if __name__ == "__main__":
    main()
