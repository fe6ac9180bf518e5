"""docs/<model>-findings.md is what `polity find --format markdown --commentary` prints today:
the findings, their timelines and statuses come from the tool (nothing of them typed by hand),
and every finding has its legal reading (none uncommented, no comment on a finding gone)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import run_polity

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DOCS = Path(__file__).parent.parent / "docs"


@pytest.mark.parametrize("model", ["kz-2026", "kz-1995"])
def test_the_findings_page_is_the_tool_s_output_with_every_finding_commented(model: str) -> None:
    page = DOCS / f"{model}-findings.md"
    commentary = DOCS / f"{model}-findings.commentary.yaml"
    r = run_polity("find", "--model", model, "--jobs", "2", "--format", "markdown",
                   "--commentary", str(commentary), timeout=1800)
    assert r.returncode == 0, r.stderr
    assert "## Not yet commented" not in r.stdout, "a finding without its reading, or a reading without its finding"
    assert r.stdout == page.read_text(encoding="utf-8"), (
        f"{page.name} is out of date: regenerate it with `polity find --model {model} --format markdown "
        f"--commentary {commentary.relative_to(DOCS.parent)} > {page.relative_to(DOCS.parent)}`")
