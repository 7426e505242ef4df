"""`translate-app presskit NAME -o kit.zip`: the press kit of every fully approved language, from the catalogs."""

from __future__ import annotations

import threading
from pathlib import Path

import click


@click.command("presskit")
@click.argument("name")
@click.option(
    "-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="the zip to write"
)
@click.option(
    "--base-url", default=None, help="where the pages will be served (for hreflang); relative links if not given"
)
@click.option("--source-language", default="en", show_default=True, help="the source's language, the x-default page")
def presskit(name: str, output: Path, base_url: str | None, source_language: str) -> None:
    """Write the press kit of release NAME: pages, DOCX, ODT, PDF and e-mail bodies per approved language.

    Languages whose every segment is approved are included, with the source
    as the x-default; documents made before are reused from build/presskit/.
    """
    from ..config import Settings
    from ..core import catalog as cat
    from ..core.compiler import render_markdown, title_of, unapproved
    from ..core.languages import get_language
    from ..storage.files import write_atomic
    from .kit import press_kit

    project = Settings.from_env().project()
    name = project.require(name)
    doc = project.document(name)
    get_language(source_language)
    languages: dict[str, tuple[str, str]] = {source_language: (title_of(doc.source), doc.source)}
    left_out = []
    for code in project.languages(name):
        po = cat.load(project.catalog_path(name, code))
        if unapproved(doc, po):
            left_out.append(code)
            continue
        markdown = render_markdown(doc, po, only_approved=True)
        languages[code] = (title_of(markdown), markdown)
    lock = threading.Lock()
    with click.progressbar(length=len(languages), label=f"press kit of {name}") as bar:

        def done(code: str) -> None:
            with lock:
                bar.update(1)

        data = press_kit(
            name,
            languages,
            default=source_language,
            base_url=base_url,
            cache_dir=project.build_dir / "presskit" / name,
            progress=done,
        )
    write_atomic(output, data)
    click.echo(f"{output}: {len(languages)} languages ({', '.join(sorted(languages))})")
    if left_out:
        click.echo(f"not yet approved, left out: {', '.join(sorted(left_out))}")
