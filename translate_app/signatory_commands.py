"""`translate-app signatories NAME`: what the signatory fill did in every language of a release."""

from __future__ import annotations

import json

import click

from .config import Settings


@click.command()
@click.argument("name")
@click.option("--language", "-l", "languages", multiple=True, help="Only this language (repeat for several).")
@click.option("--fill", is_flag=True, help="Fill what can be filled now (update does it too), then report.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def signatories(name: str, languages: tuple[str, ...], fill: bool, as_json: bool) -> None:
    """Per language: signatory items recognised, filled, with the description to translate, by people, not filled."""
    from .core.languages import get_language
    from .signatory_fill import fill_release, report

    project = Settings.from_env().project()
    project.require(name)
    codes = [get_language(code).code for code in languages] or None
    if fill:
        fill_release(project, name, codes)
    tallies = report(project, name, codes)
    if as_json:
        click.echo(json.dumps([t.as_dict() for t in tallies], ensure_ascii=False, indent=2))
        return
    click.echo(name)
    columns = ("recognised", "filled", "description", "by people", "not filled")
    click.echo(f"  {'lang':8}" + "".join(f"{c:>12}" for c in columns))
    for t in tallies:
        figures = (t.recognised, t.filled, t.description, t.people, t.not_filled)
        click.echo(f"  {t.language:8}" + "".join(f"{n:>12}" for n in figures))
    for t in tallies:
        for reason, count in sorted(t.reasons.items()):
            click.echo(f"  {t.language}: {count} not filled: {reason}")
