"""The `translate-app` console script: the core commands start without click.

`extract`, `render`, `status` and `compile` are what CI runs on every push, as
whole processes; importing click costs about as much as mdpo's whole run. So
when one of them is called in a plain form,

    extract MARKDOWN (-o|--output) OUTPUT
    render MARKDOWN CATALOG (-o|--output) OUTPUT [--html PAGE] [--only-approved]
    status [NAME]
    compile [--check] [NAME ...]

(options before, between or after the arguments, `--option=value` too), its
arguments are read here and it runs from core_commands.py, the same code the
click command runs. Anything else goes to the click group in cli.py unchanged:
help, --version, every other command, and every call this reader is not sure
of (an unknown or repeated option, a missing argument, a value that looks like
an option, `--`, a path that is a directory or unreadable, which click
refuses), so help and errors are click's own. cli.main stays the click group
(tests, `flask --app wsgi`).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path


class _Spec:
    """How one core command is called: its arguments, options and flags, by the parameter they fill."""

    def __init__(
        self,
        arguments: tuple[str, ...],
        required: int,
        options: dict[str, str],
        flags: dict[str, str],
        required_options: tuple[str, ...],
        paths: tuple[str, ...],
        rest: bool = False,
    ) -> None:
        self.arguments = arguments  # positional parameters in order; the last takes the rest when rest=True
        self.required = required  # how many positional arguments must be given
        self.options = options  # option spelling -> parameter (takes a value)
        self.flags = flags  # flag spelling -> parameter (True when given)
        self.required_options = required_options
        self.paths = paths  # parameters click reads as click.Path(dir_okay=False)
        self.rest = rest


_SPECS: dict[str, _Spec] = {
    "extract": _Spec(("markdown",), 1, {"-o": "output", "--output": "output"}, {}, ("output",), ("markdown", "output")),
    "render": _Spec(
        ("markdown", "catalog"),
        2,
        {"-o": "output", "--output": "output", "--html": "html_output"},
        {"--only-approved": "only_approved"},
        ("output",),
        ("markdown", "catalog", "output", "html_output"),
    ),
    "status": _Spec(("name",), 0, {}, {}, (), ()),
    "compile": _Spec(("names",), 0, {}, {"--check": "check"}, (), (), rest=True),
}


def parse(args: Sequence[str]) -> tuple[str, dict[str, object]] | None:
    """Return (command, parameters) for a plain call of a core command, or None to leave it to click."""
    if not args or args[0] not in _SPECS:
        return None
    spec = _SPECS[args[0]]
    values: dict[str, object] = dict.fromkeys(spec.flags.values(), False)
    positional: list[str] = []
    rest = iter(args[1:])
    for arg in rest:
        if not arg:
            return None
        if not arg.startswith("-"):
            positional.append(arg)
            continue
        name, equals, inline = arg.partition("=")
        if name in spec.flags and not equals:
            values[spec.flags[name]] = True
        elif name in spec.options and (not equals or name.startswith("--")):
            parameter = spec.options[name]
            value = inline if equals else next(rest, None)
            if parameter in values or not value or value.startswith("-"):
                return None
            values[parameter] = value
        else:
            return None
    if len(positional) < spec.required or (len(positional) > len(spec.arguments) and not spec.rest):
        return None
    if any(parameter not in values for parameter in spec.required_options):
        return None
    if spec.rest:
        values[spec.arguments[0]] = tuple(positional)
    else:
        values.update(zip(spec.arguments, positional, strict=False))
        values.update((parameter, None) for parameter in spec.arguments[len(positional) :])
    for parameter in spec.paths:
        given = values.setdefault(parameter, None)
        if given is None:
            continue
        path = str(given)
        try:
            st = os.stat(path)
        except OSError:
            pass  # click.Path(dir_okay=False) takes a path that does not exist yet
        else:
            if stat.S_ISDIR(st.st_mode) or not os.access(path, os.R_OK):
                return None
        values[parameter] = Path(path)
    return args[0], values


def _echo(message: str = "", err: bool = False) -> None:
    """Write one line as click.echo does: to standard output (or error), flushed."""
    stream = sys.stderr if err else sys.stdout
    if stream is not None:
        stream.write(f"{message}\n")
        stream.flush()


def _run(command: str, values: dict[str, object]) -> int:
    """Run a core command from core_commands.py; show a domain error as `error: ...` with exit code 1."""
    from . import core_commands
    from .config import Settings
    from .core.errors import TranslateAppError

    functions: dict[str, Callable[..., int]] = {
        "extract": core_commands.extract,
        "render": core_commands.render,
        "status": core_commands.status,
        "compile": core_commands.compile_catalogs,
    }
    try:
        return functions[command](Settings.from_env(), echo=_echo, **values)
    except TranslateAppError as exc:  # as cli.CommandError shows it
        _echo(f"error: {exc}", err=True)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run `translate-app` with argv (default: the process's arguments); return the exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    call = parse(args)
    if call is None:
        from .cli import main as click_main

        click_main(args=argv)  # exits: click's standalone mode
        return 0
    try:
        return _run(*call)
    except (EOFError, KeyboardInterrupt):  # as click reports them
        _echo(err=True)
        _echo("Aborted!", err=True)
        return 1
    except BrokenPipeError:  # the reader went away (`| head`): as click, quietly
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - nothing more may reach the closed pipe at exit
        return 1
