"""Markdown parsers that threads can share.

markdown-it-py and mdurl build some lookup tables on first use and publish
them before they are complete: two threads rendering their first link at
once can fail (IndexError in mdurl.encode) or, worse, parse with a rule list
still being built. Every parser the service shares is made through `shared`,
which builds all of those tables before any thread sees the parser.
"""

from __future__ import annotations

import mdurl
from markdown_it import MarkdownIt

# Exercises every rule chain and URL table: headings, lists, quotes, tables,
# code, emphasis, links, images, autolinks, entities, escapes, breaks.
_WARM_UP = """\
---
title: x
---
# Heading *em* **strong** `code`

> quote with a [link](https://example.org/a%20b?q=1#f "t") and ![alt](img.png)

- item <https://example.org> &amp; \\* escaped\\
  hard break
1. one

| a | b |
|---|---|
| c | d |

    code block

```
fence
```
<div>html</div>

[ref]: https://example.org/ä
"""


def warm_url_tables() -> None:
    """Fill mdurl's encode and decode tables for the arguments markdown-it uses."""
    mdurl.encode("%41ä")
    mdurl.decode("%41")
    mdurl.decode("%41", mdurl.DECODE_DEFAULT_CHARS + "%")


def shared(md: MarkdownIt) -> MarkdownIt:
    """Return the parser after one full parse and render, so its tables are complete."""
    warm_url_tables()
    md.render(_WARM_UP)
    md.renderInline("*a* [b](https://example.org/ä) <https://example.org> `c` &amp;")
    return md
