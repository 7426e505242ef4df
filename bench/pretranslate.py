"""Benchmark: the pre-translation engine against a naive deep-translator loop.

Pre-translates the sample release into ten languages against the test
LibreTranslate server (tests/libretranslate_server.py) with 200 ms latency per
request, through the real job path (Job row, background thread, database cache),
then runs a naive loop that calls deep-translator's LibreTranslator once per
segment per language, and finally runs the same job again on fresh catalogs to
show that it is served from the cache with zero provider requests.

    .venv/bin/python bench/pretranslate.py [--latency 0.2] [--languages de,fr,...] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.libretranslate_server import FakeLibreTranslate  # noqa: E402
from translate_app.config import Settings  # noqa: E402
from translate_app.core.states import State, entry_state  # noqa: E402
from translate_app.db import open_database  # noqa: E402
from translate_app.mt.base import make_provider  # noqa: E402
from translate_app.mt.jobs import start_pretranslation, wait_for_job  # noqa: E402
from translate_app.project import Project  # noqa: E402

SAMPLE = ROOT / "source" / "kuzmin-2026-03-30.md"
RELEASE = SAMPLE.stem
LANGUAGES = "de,fr,it,el,tr,ru,uk,lt,nl,ko"


def make_project(root: Path, languages: list[str]) -> Project:
    """Create a project holding the sample release with empty catalogs."""
    (root / "source").mkdir(parents=True)
    shutil.copy(SAMPLE, root / "source" / SAMPLE.name)
    project = Project(root)
    project.add_release(root / "source" / SAMPLE.name, languages)
    return project


def run_job(settings: Settings, session_factory, languages: list[str]) -> tuple[float, dict]:
    """Run one pre-translation job through the job API; return wall time and final progress."""
    started = time.perf_counter()
    job_id = start_pretranslation(
        settings=settings,
        session_factory=session_factory,
        release=RELEASE,
        languages=languages,
        provider="libretranslate",
    )
    state = wait_for_job(session_factory, job_id, timeout=600, interval=0.01)
    return time.perf_counter() - started, state


def naive_loop(project: Project, url: str, languages: list[str]) -> tuple[float, int]:
    """Call deep-translator once per segment per language, as a plain script would."""
    from deep_translator import LibreTranslator

    started = time.perf_counter()
    calls = 0
    for language in languages:
        # LibreTranslator refuses el, lt, nl, uk (its table has 17 languages): set the code after.
        client = LibreTranslator(source="en", target="es", api_key="unused", custom_url=url)
        client.target = language
        results = {}
        for entry in project.load_catalog(RELEASE, language):
            if entry.msgid:
                results[entry.msgid] = client.translate(entry.msgid)
                calls += 1
    return time.perf_counter() - started, calls


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2, help="seconds the server waits per request")
    parser.add_argument("--languages", default=LANGUAGES)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    languages = args.languages.split(",")

    with (
        tempfile.TemporaryDirectory(prefix="bench-pretranslate-") as tmp,
        FakeLibreTranslate(latency=args.latency) as server,
    ):
        tmp_path = Path(tmp)
        project = make_project(tmp_path / "project", languages)
        settings = Settings(
            root=project.root,
            database_url=f"sqlite:///{tmp_path / 'bench.sqlite3'}",
            options={"LIBRETRANSLATE_URL": server.url},
        )
        session_factory = open_database(settings)
        provider = make_provider("libretranslate", settings)
        segments = sum(1 for e in project.load_catalog(RELEASE, languages[0]) if e.msgid)

        server.reset()
        engine_time, first = run_job(settings, session_factory, languages)
        engine_requests = server.requests
        machine = sum(
            entry_state(e) == State.MACHINE
            for code in languages
            for e in project.load_catalog(RELEASE, code)
            if e.msgid
        )

        # The same job again on fresh catalogs: everything must come from the cache.
        fresh = make_project(tmp_path / "fresh", languages)
        server.reset()
        again_time, again = run_job(
            Settings(root=fresh.root, database_url=settings.database_url, options={"LIBRETRANSLATE_URL": server.url}),
            session_factory,
            languages,
        )
        again_requests = server.requests
        # And a restart of the finished job: nothing left to do.
        server.reset()
        restart_time, restart = run_job(settings, session_factory, languages)
        restart_requests = server.requests

        server.reset()
        naive_time, naive_calls = naive_loop(make_project(tmp_path / "naive", languages), server.url, languages)
        naive_requests = server.requests

    unique = first["total"]  # distinct (text, language) pairs: the template already merges repeats
    per_language = math.ceil(segments / provider.batch_size)
    figures = {
        "languages": len(languages),
        "segments_per_language": segments,
        "latency_s": args.latency,
        "batch_size": provider.batch_size,
        "concurrency": provider.concurrency,
        "engine_wall_s": round(engine_time, 2),
        "engine_requests": engine_requests,
        "engine_segments_done": first["done"],
        "engine_machine_entries": machine,
        "naive_wall_s": round(naive_time, 2),
        "naive_requests": naive_requests,
        "speedup": round(naive_time / engine_time, 1),
        "unique_texts": unique,
        "unique_texts_over_batch_size": round(unique / provider.batch_size, 1),
        "per_language_bound": per_language * len(languages),
        "second_run_wall_s": round(again_time, 2),
        "second_run_requests": again_requests,
        "second_run_done": again["done"],
        "restart_wall_s": round(restart_time, 2),
        "restart_requests": restart_requests,
        "restart_total": restart["total"],
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(
        f"sample release: {segments} segments × {len(languages)} languages = {unique} texts; "
        f"server latency {args.latency * 1000:.0f} ms per request"
    )
    print(
        f"engine : {engine_time:7.2f} s, {engine_requests} provider requests "
        f"(batch size {provider.batch_size}, concurrency {provider.concurrency}), "
        f"{machine} entries now machine"
    )
    print(f"naive  : {naive_time:7.2f} s, {naive_requests} provider requests (one per segment per language)")
    print(f"speedup: {naive_time / engine_time:.1f} × faster")
    print(
        f"requests: {engine_requests} vs unique texts / batch size = {unique}/{provider.batch_size} = "
        f"{unique / provider.batch_size:.1f} (per language: ceil({segments}/{provider.batch_size}) × "
        f"{len(languages)} = {per_language * len(languages)})"
    )
    print(
        f"second run on fresh catalogs: {again_time:.2f} s, {again_requests} provider requests, "
        f"{again['done']} segments from the cache"
    )
    print(
        f"restart of the finished job: {restart_time:.2f} s, {restart_requests} provider requests, "
        f"{restart['total']} segments left to do"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
