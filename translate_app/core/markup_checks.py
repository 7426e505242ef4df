"""Checks on markup that a segment may hold but a translator must not change.

Shortcodes (`{{< … >}}`, `{{% … %}}`), Liquid (`{% … %}`, `{{ … }}`) and
attribute lists (`{: .note}`, `{#id}`) inside a sentence stay in its segment,
as placeholders the translator sees. This check flags one that was lost,
changed or added. checks.py imports this module so that the check registers.
"""

from __future__ import annotations

import re
from collections import Counter

from .checks import Check, register

_PROTECTED = re.compile(
    r"\{\{[<%].*?[%>]\}\}"  # Hugo shortcodes
    r"|\{%-?.*?-?%\}"  # Liquid tags
    r"|\{\{.*?\}\}"  # Liquid output, Hugo templates
    r"|\{:[^{}\n]*\}|\{[#.][^{}\n]*\}",  # kramdown and Pandoc attribute lists
    re.S,
)


def protected_markup(text: str) -> Counter:
    """Count the shortcodes, Liquid tags and attribute lists of a text, white space inside normalised."""
    return Counter(" ".join(m.group(0).split()) for m in _PROTECTED.finditer(text))


@register
class MarkupPlaceholderCheck(Check):
    id = "markup"
    name = "Shortcodes, Liquid and attribute lists"
    severity = "error"
    description = "Shortcodes, Liquid tags and attribute lists of the source are kept, unchanged."

    def check(self, source, target, *, language=""):
        s, t = protected_markup(source), protected_markup(target)
        if s == t:
            return None
        missing = list((s - t).elements())
        extra = list((t - s).elements())
        parts = []
        if missing:
            parts.append("lost or changed " + ", ".join(repr(m) for m in missing))
        if extra:
            parts.append("not in the source " + ", ".join(repr(e) for e in extra))
        return "; ".join(parts)
