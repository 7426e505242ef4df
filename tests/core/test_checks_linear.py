"""Every registered check is linear: 1 MB of adversarial text is checked within a few seconds.

A draft sent to POST /api/checks used to pin a worker: the HTML check's
pattern took 122 s on "<a " * 200000 and the footnote pattern longer still.
Each check runs in a child process, so that a quadratic one fails the test
instead of hanging the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from translate_app.core.checks import REGISTRY

MB = 10**6

#: (name, Python expression of the text): patterns that made regular expressions or Markdown parsers backtrack.
ADVERSARIAL = [
    ("open tags", '"<a " * 333334'),
    ("open tag then spaces", '"<" + " " * (10**6 - 2) + "/"'),
    ("brackets", '"[" * 10**6'),
    ("image brackets", '"![" * 500000'),
    ("footnote openers", '"[^" * 500000'),
    ("link openers", '"[a](" * 250000'),
    ("destination openers", '"](" * 500000'),
    ("backticks", '"`" * 10**6'),
    ("backtick runs", '"".join("`" * n + "a" for n in range(1, 1410))'),
    ("stars", '"*" * 10**6'),
    ("underscores", '"_a" * 500000'),
    ("angle brackets", '"<" * 10**6'),
    ("backslashes", '"\\\\" * 10**6'),
    ("urls", '"http://" * 142858'),
    ("autolink openers", '"<http://a " * 100000'),
    ("digit groups", '"1 " * 500000'),
    ("digit commas", '"1," * 500000'),
    ("grouped digits", '"1,000" * 200000'),
    ("digits", '"7" * 10**6'),
    ("words", '"word " * 200000'),
    ("template openers", '"{{" * 500000'),
    ("template openers, one closer", '"{{" * 500000 + "}}"'),
    ("shortcode openers", '"{{<" * 333333 + ">}}"'),
    ("liquid openers", '"{%" * 500000'),
    ("attribute openers", '"{:" * 500000'),
    ("templates", '"{{ x }}" * 142857'),
]

CHILD = """
import json, sys, time
from translate_app.core.checks import REGISTRY
check = REGISTRY[sys.argv[1]]()
for name, expr in json.loads(sys.argv[2]):
    text = eval(expr)
    for side, (source, target) in (("translation", ("A short source text, 2026.", text)),
                                   ("source", (text, "Ein kurzer Ausgangstext, 2026."))):
        started = time.perf_counter()
        check.check(source, target)
        print(json.dumps([name, side, len(text), time.perf_counter() - started]), flush=True)
"""

#: Seconds one check may take on 1 MB (measured: under 0.2 s; the machine is shared).
BOUND = 3.0


@pytest.mark.parametrize("check_id", list(REGISTRY))
def test_check_is_linear_on_adversarial_megabytes(check_id: str) -> None:
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, check_id, json.dumps(ADVERSARIAL)],
            capture_output=True,
            text=True,
            timeout=BOUND * len(ADVERSARIAL) * 2,
        )
    except subprocess.TimeoutExpired as exc:
        finished = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        last = finished.strip().splitlines()[-1:] or ["none"]
        pytest.fail(f"check {check_id} did not finish; last input done: {last[0]}")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 2 * len(ADVERSARIAL)
    assert all(size >= MB * 0.99 for _, _, size, _ in rows)
    slow = [(name, side, round(seconds, 2)) for name, side, _, seconds in rows if seconds > BOUND]
    assert not slow, f"check {check_id} is too slow on 1 MB: {slow}"
