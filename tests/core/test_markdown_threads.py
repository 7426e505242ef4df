"""Parsers shared by the threads of a gunicorn worker give the same results as one thread."""

from __future__ import annotations

import threading

import mdurl
from markdown_it import MarkdownIt

from translate_app.core.checks import run_checks
from translate_app.core.compiler import render_html
from translate_app.core.markdown import shared, warm_url_tables

SOURCE = "The **court** ruled on [the appeal](https://example.org/a b?q=ä#x) of <https://example.org/ö> `case-{n}`."
TARGET = "Das **Gericht** entschied über [die Berufung](https://example.org/x%20y?q={n}) – siehe `case-{n}`."


def test_url_tables_are_complete_before_any_thread_uses_them() -> None:
    # mdurl publishes a table before filling it; a second thread then reads past its end.
    mdurl._encode.encode_cache.clear()
    mdurl._decode.decode_cache.clear()
    warm_url_tables()
    assert mdurl._encode.encode_cache and all(len(t) == 128 for t in mdurl._encode.encode_cache.values())
    assert mdurl._decode.decode_cache and all(len(t) == 128 for t in mdurl._decode.decode_cache.values())


def test_a_shared_parser_has_every_rule_chain_built() -> None:
    md = shared(MarkdownIt("commonmark").enable("table").disable(["text_join"]))
    for ruler in (md.core.ruler, md.block.ruler, md.inline.ruler, md.inline.ruler2):
        assert ruler.__cache__ is not None  # built now, not by whichever thread parses first


def test_sixteen_threads_checking_and_rendering_at_once_agree_with_one_thread() -> None:
    texts = [(SOURCE.format(n=n), TARGET.format(n=n)) for n in range(200)]
    expected = [([r.as_dict() for r in run_checks(s, t, language="de")], render_html(t, "de")) for s, t in texts]
    barrier = threading.Barrier(16)
    results: dict[int, list] = {}
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            barrier.wait(10)
            results[k] = [
                ([r.as_dict() for r in run_checks(s, t, language="de")], render_html(t, "de")) for s, t in texts[k::16]
            ]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    for k in range(16):
        assert results[k] == expected[k::16]
