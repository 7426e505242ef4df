"""What the core commands do (extract, render, status, compile), as plain functions.

The click commands of cli.py and the console script's fast path (launcher.py)
both call these, so the two cannot drift apart. Each takes the settings and an
`echo(message, err=False)` for its output and returns the exit code; a domain
error (TranslateAppError) is left to the caller, which shows it as
`error: ...` with exit code 1.

This module and what it imports at the top stay light: every command imports
what it uses when it runs (tests/core/test_cli_imports.py holds them to it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import Settings

Echo = Callable[..., None]
"""`echo(message, err=False)`: one line to standard output, or to standard error with err=True."""


def extract(settings: Settings, markdown: Path, output: Path, echo: Echo) -> int:
    """Segment any Markdown file into a gettext template."""
    from .core import catalog as cat
    from .core.segmenter import read_source, segment
    from .storage.files import write_atomic

    text = read_source(markdown, max_bytes=settings.max_source_bytes)
    doc = segment(text, markdown.as_posix(), front_matter_keys=settings.front_matter_keys)
    pot = cat.template_from_document(doc, markdown.stem)
    # Atomic like every write, without the fsyncs: the template is rebuilt from the source by running
    # this again (as render's outputs are); a release's own template is written durably by add-release.
    write_atomic(output, cat.serialise(pot).encode("utf-8"), durable=False, later_mtime=True)
    echo(f"{output}: {len(pot)} segments from {len(doc.blocks)} blocks")
    for warning in doc.warnings:  # what was left out, never silently
        echo(f"warning: {warning}", err=True)
    return 0


def render(
    settings: Settings,
    markdown: Path,
    catalog: Path,
    output: Path,
    html_output: Path | None,
    only_approved: bool,
    echo: Echo,
) -> int:
    """Write the document with the catalog's translations filled in."""
    from .core import catalog as cat
    from .core.compiler import render_html, render_markdown
    from .core.segmenter import read_source, segment
    from .storage.files import write_atomic

    text = read_source(markdown, max_bytes=settings.max_source_bytes)
    doc = segment(text, markdown.as_posix(), front_matter_keys=settings.front_matter_keys)
    po = cat.load(catalog)
    result = render_markdown(doc, po, only_approved=only_approved)
    write_atomic(output, result.encode("utf-8"), durable=False)
    if html_output:
        language = po.metadata.get("Language") or "en"
        write_atomic(html_output, render_html(result, language).encode("utf-8"), durable=False)
    echo(f"{output}: written")
    return 0


def status(settings: Settings, name: str | None, echo: Echo) -> int:
    """Show per-language counts of every state and of failing checks; 1 when an approved segment is blocked."""
    from .core.states import STATES

    project = settings.project()
    blocked = 0
    for release in [project.require(name)] if name else project.releases():
        echo(f"{release}")
        header = f"  {'lang':8}" + "".join(f"{s:>14}" for s in STATES) + f"{'errors':>8}{'warnings':>10}"
        echo(header)
        statuses = project.status(release)
        for st in statuses:
            row = f"  {st.language:8}" + "".join(f"{st.counts.get(s, 0):>14}" for s in STATES)
            echo(row + f"{st.errors:>8}{st.warnings:>10}")
        for st in statuses:
            where = project.relative(project.catalog_path(release, st.language))
            for item in st.blocked:
                echo(f"approved despite a blocking check, without an override: {where}:{item}", err=True)
            blocked += len(st.blocked)
    if blocked:
        echo(f"{blocked} approved segment(s) fail a blocking check without an override", err=True)
        return 1
    return 0


def compile_catalogs(settings: Settings, check: bool, names: Sequence[str], echo: Echo) -> int:
    """Build .mo files and full releases of approved languages; with check, write nothing."""
    project = settings.project()
    report = project.compile(check=check, names=list(names) or None)
    for path in report.written:
        echo(f"wrote {project.relative(path)}")
    for item in report.skipped:
        echo(f"not every segment approved, no release built: {item}")
    for problem in report.problems:
        echo(f"problem: {problem}", err=True)
    if not report.ok:
        echo(f"{len(report.problems)} problem(s) found", err=True)
        return 1
    echo("catalogs OK" if check else "compile OK")
    return 0
