"""find's Markdown walk-through: the tool's part from the search, the lawyer's from a commentary
file matched by identity; an entry without its finding, or a finding without an entry, is said."""

from __future__ import annotations

from pathlib import Path

import pytest
from polity.cli.commentary import load_commentary
from polity.model.errors import UserError
from support import TINY, run_polity

pytestmark = pytest.mark.e2e


def _commentary(tmp_path: Path, identity: str, model: str = "tiny") -> Path:
    path = tmp_path / "tiny.commentary.yaml"
    path.write_text(f"""polity: 1
model: {model}
findings:
  - identity: "{identity}"
    judgement: defect
    reading: The duty of Art. 2(2) has no exception for a state of emergency.
    repair: Suspend the duty while the bar of Art. 1(3) is in force.
  - identity: "gap:nothing+here"
    judgement: artefact
    reading: A comment whose finding is gone.
""")
    return path


def test_the_walk_through_joins_the_search_and_the_commentary(tmp_path: Path) -> None:
    import json

    found = run_polity("find", "--model", str(TINY), "--format", "json")
    assert found.returncode == 0, found.stderr
    identity = json.loads(found.stdout)["findings"][0]["identity"]
    page = run_polity("find", "--model", str(TINY), "--format", "markdown",
                      "--commentary", str(_commentary(tmp_path, identity)))
    assert page.returncode == 0, page.stderr
    text = page.stdout
    assert "**Legal reading** (a defect of the text): The duty of Art. 2(2)" in text
    assert "**Repair a drafter might consider:** Suspend the duty" in text
    assert "> **Art. 1(3)** 3. The Assembly may not be dissolved" in text  # quoted in full
    assert "a comment on `gap:nothing+here`, which the search no longer finds" in text
    again = run_polity("find", "--model", str(TINY), "--format", "markdown",
                       "--commentary", str(_commentary(tmp_path, identity)))
    assert again.stdout == text  # regenerated identically


def test_commentary_errors_are_located(tmp_path: Path) -> None:
    with pytest.raises(UserError) as err:
        load_commentary(_commentary(tmp_path, "x", model="other"), "tiny")
    assert "not 'tiny'" in str(err.value) and err.value.location is not None
    r = run_polity("find", "--model", str(TINY), "--commentary", str(_commentary(tmp_path, "x")))
    assert r.returncode == 2 and "--commentary goes with --format markdown" in r.stderr
