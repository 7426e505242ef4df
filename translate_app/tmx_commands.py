"""Click commands for the translation memory as TMX: `tmx export` and `tmx import`."""

from __future__ import annotations

from pathlib import Path

import click

from .config import Settings


@click.group()
def tmx() -> None:
    """Export or import the translation memory as TMX (English to one language)."""


@tmx.command("export")
@click.option("--lang", "-l", "language", required=True, help="Language code, e.g. de.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The TMX file to write."
)
def tmx_export(language: str, output: Path) -> None:
    """Write the approved translations of every release in one language to a TMX file."""
    from .storage.files import write_atomic
    from .tmxmemory import export_tmx

    data = export_tmx(Settings.from_env().project(), language)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, data)
    click.echo(f"{output}: {data.count(b'<tu ')} translation units")


@tmx.command("import")
@click.argument("tmx_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", "-l", "language", required=True, help="Language code of the translations, e.g. de.")
def tmx_import(tmx_file: Path, language: str) -> None:
    """Take a TMX file's English-to-LANGUAGE units into the memory that pre-translation uses."""
    from .tmxmemory import import_tmx

    settings = Settings.from_env()
    project = settings.project()
    limit = max(settings.max_source_bytes, 50 * 1024 * 1024)  # memories are bigger than statements
    report = import_tmx(project, language, tmx_file.read_bytes(), tmx_file.name, max_bytes=limit)
    click.echo(f"{report.units} translation units kept in {project.relative(report.path)}")
