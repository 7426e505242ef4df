"""Checks on markup that a segment may hold but a translator must not change.

Shortcodes (`{{< … >}}`, `{{% … %}}`), Liquid (`{% … %}`, `{{ … }}`) and
attribute lists (`{: .note}`, `{#id}`) inside a sentence stay in its segment,
as placeholders the translator sees. This check flags one that was lost,
changed or added. checks.py imports this module so that the check registers.
"""

from __future__ import annotations

import bisect
from collections import Counter

from .checks import Check, count_difference, register

# (opener, closer, whether the inside may hold braces), longest openers first.
_KINDS = (
    ("{{<", ">}}", True),
    ("{{%", "%}}", True),  # Hugo shortcodes
    ("{%", "%}", True),  # Liquid tags
    ("{{", "}}", True),  # Liquid output, Hugo templates
    ("{:", "}", False),
    ("{#", "}", False),
    ("{.", "}", False),  # kramdown and Pandoc attribute lists
)
_MAX_INSIDE = 300  # a placeholder fits on one line of at most this many characters


def protected_markup(text: str) -> Counter:
    """Count the shortcodes, Liquid tags and attribute lists of a text, white space inside normalised.

    Linear in the text: every opener looks for its closer within one bounded
    line, and when no closer is near, the scan jumps to where the next closer
    could begin (a text full of unclosed `{{` is read once, not once per brace).
    """
    found: Counter = Counter()
    starts: list[int] = []  # of the placeholders found so far, sorted, with their ends
    ends: list[int] = []
    for opener, closer, braces_inside in _KINDS:
        pos = 0
        while (start := text.find(opener, pos)) != -1:
            i = bisect.bisect_right(starts, start)
            if i and start < ends[i - 1]:  # inside one found already (a `{%` within `{{% … %}}`)
                pos = ends[i - 1]
                continue
            end = _closed(text, start, opener, closer)
            if end is None or (not braces_inside and "{" in text[start + 1 : end]):
                nxt = text.find(closer, start + len(opener))
                if nxt == -1:
                    break  # no closer anywhere after: no later opener of this kind can close either
                pos = max(start + 1, nxt - _MAX_INSIDE - len(opener))
                continue
            end += len(closer)
            found[" ".join(text[start:end].split())] += 1
            starts.insert(i, start)
            ends.insert(i, end)
            pos = end
    return found


def _closed(text: str, start: int, opener: str, closer: str) -> int | None:
    """Return where `closer` begins after `opener` at `start`, on the same line and near enough, else None."""
    limit = start + len(opener) + _MAX_INSIDE + len(closer)
    newline = text.find("\n", start, limit)
    end = text.find(closer, start + len(opener), newline if newline != -1 else limit)
    return None if end == -1 else end


@register
class MarkupPlaceholderCheck(Check):
    id = "markup"
    name = "Shortcodes, Liquid and attribute lists"
    severity = "error"
    description = "Shortcodes, Liquid tags and attribute lists of the source are kept, unchanged."

    def check(self, source, target, *, language=""):
        return (
            count_difference(
                protected_markup(source), protected_markup(target), missing="lost or changed", extra="not in the source"
            )
            or None
        )
