"""Translatable fields of YAML and TOML front matter, and how a translation goes back in.

YAML is read with PyYAML's composer, whose nodes say where each value starts
and ends and in which style it is written (plain, quoted, literal `|` or folded
`>` block), so comments after a value and the other keys stay as they are.
TOML has no reader that gives positions; a field is found by its line
(`key = "value"`, top-level table only) and checked with tomllib.
"""

from __future__ import annotations

import re

from .blocks import Block

TOML_FENCE = re.compile(r"\A(?:\ufeff)?(?:[ \t]*\r?\n)*\+\+\+[ \t]*\r?\n(?:.*?\r?\n)??\+\+\+[ \t]*(?:\r?\n|\Z)", re.S)
_TOML_FIELD = re.compile(r"""^[ \t]*([A-Za-z0-9_-]+)[ \t]*=[ \t]*("(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t]*(?:#.*)?$""")
_TOML_TABLE = re.compile(r"^[ \t]*\[")
_RISKY_BLOCK_LINE = re.compile(r"^(?:-{3,}|\+{3,}|\.{3})[ \t]*$")


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def yaml_fields(
    body: str, base: int, first_line: int, keys: set[str], newline: str, warnings: list[str], path: str
) -> list[Block]:
    """Return the translatable top-level string fields of a YAML front matter body.

    `base` is the offset of the body in the document, `first_line` its line number (1-based).
    """
    import yaml  # only documents with YAML front matter need it

    try:
        node = yaml.compose(body)
    except yaml.YAMLError as exc:
        warnings.append(f"{path}:{first_line}: front matter is not valid YAML, none of it is offered ({exc})")
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    blocks = []
    for key, value in node.value:
        if not (isinstance(key, yaml.ScalarNode) and key.value in keys and isinstance(value, yaml.ScalarNode)):
            continue
        if value.tag != "tag:yaml.org,2002:str" or not _has_letters(value.value):
            continue
        start, end = value.start_mark.index, value.end_mark.index
        line = first_line + value.start_mark.line
        comment = f"front matter: {key.value}"
        if value.style in ("|", ">"):
            header_end = body.find("\n", start)
            if header_end < 0:
                continue
            content = body[header_end + 1 : end]
            stripped = content.rstrip()
            indent = content[: len(content) - len(content.lstrip(" "))]
            if not stripped.strip():
                continue
            style = "yaml-literal" if value.style == "|" else "yaml-folded"
            header = body[start:header_end].rstrip("\r")
            blocks.append(
                Block(
                    value.value.strip(),
                    "front matter",
                    comment,
                    line + 1,
                    base + start,
                    base + header_end + 1 + len(stripped),
                    style,
                    continuation=header,
                    newline=newline,
                    indent=indent,
                )
            )
            continue
        style = {'"': "yaml-double", "'": "yaml-single"}.get(value.style or "", "yaml-plain")
        blocks.append(
            Block(value.value, "front matter", comment, line, base + start, base + end, style, newline=newline)
        )
    return blocks


def toml_fields(
    lines: list[str], offsets: list[int], first: int, last: int, keys: set[str], newline: str
) -> list[Block]:
    """Return the translatable string fields of the top-level table of TOML front matter (lines first..last)."""
    import tomllib  # only documents with TOML front matter need it

    blocks = []
    for n in range(first, last):
        line = lines[n].rstrip("\r\n")
        if _TOML_TABLE.match(line):
            break
        m = _TOML_FIELD.match(line)
        if not m or m.group(1) not in keys:
            continue
        try:
            value = tomllib.loads(f"v = {m.group(2)}")["v"]
        except tomllib.TOMLDecodeError:
            continue
        if not isinstance(value, str) or not _has_letters(value):
            continue
        style = "toml-basic" if m.group(2).startswith('"') else "toml-literal"
        start = offsets[n] + m.start(2)
        blocks.append(
            Block(
                value,
                "front matter",
                f"front matter: {m.group(1)}",
                n + 1,
                start,
                start + len(m.group(2)),
                style,
                newline=newline,
            )
        )
    return blocks


def _flat(text: str) -> str:
    return " ".join(text.split())


def format_value(block: Block, translation: str) -> str:
    """Write a translated front-matter value in the style of the source, as valid YAML or TOML."""
    import json  # only a document with front matter needs it

    style = block.style
    if style.startswith("toml"):
        flat = _flat(translation)
        if style == "toml-literal" and "'" not in flat and flat.isprintable():
            return "'" + flat + "'"
        return json.dumps(flat, ensure_ascii=False)  # a TOML basic string takes JSON's escapes
    if style in ("yaml-literal", "yaml-folded"):
        lines = [line.strip() for line in translation.strip().split("\n")]
        lines = [line for line in lines if line]
        if any(_RISKY_BLOCK_LINE.match(line) for line in lines) or not block.indent:
            # A line like --- would end the front matter for some readers: one quoted line instead.
            return json.dumps(_flat(translation), ensure_ascii=False)
        sep = block.newline + block.indent
        if style == "yaml-folded":
            # In a folded block a single line break is read as a space; an empty line keeps a break.
            sep = block.newline + sep
        return block.continuation + block.newline + block.indent + sep.join(lines)
    flat = _flat(translation)
    if style == "yaml-single":
        return "'" + flat.replace("'", "''") + "'"
    if style == "yaml-plain":
        import yaml

        try:
            if yaml.safe_load(f"k: {flat}") == {"k": flat} and "\n" not in flat:
                return flat
        except yaml.YAMLError:
            pass
    return json.dumps(flat, ensure_ascii=False)
