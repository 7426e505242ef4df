"""The live preview keeps the source's emphasis on segments still in English, also at their edges."""

from __future__ import annotations

from pathlib import Path

import pytest

SOURCE = """# Appeal

Maksim is at risk. **He applied for protection in Lithuania, placing him under immediate risk.**

_Signed on 30 March._

- **Stop** the deportation.
"""


@pytest.fixture
def web_project(tmp_path: Path) -> Path:
    """A project whose source has emphasis at the very start and end of segments."""
    from translate_app.project import Project

    root = tmp_path / "project"
    (root / "source").mkdir(parents=True)
    (root / "source" / "appeal.md").write_text(SOURCE, encoding="utf-8")
    Project(root).add_release(root / "source" / "appeal.md", ["de", "fr", "he"])
    return root


def test_emphasis_at_segment_edges_survives_the_untranslated_marks(client, auth):
    auth.login("coord")
    html = client.get("/releases/appeal/he/preview").get_data(as_text=True)
    assert "**" not in html and "_Signed" not in html
    assert "<strong>He applied for protection in Lithuania, placing him under immediate risk.</strong>" in html
    assert "<em>Signed on 30 March.</em>" in html
    assert '<span class="untranslated" lang="en" dir="ltr">' in html
