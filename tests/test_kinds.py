"""One entry per finding kind (proofs/kinds.py), read by the search, the help, SARIF and amend."""

from __future__ import annotations

from polity.cli.render import sarif
from polity.proofs import discover, impact
from polity.proofs.kinds import FINDING_KINDS, KIND_IDS, finding_kind, kinds_help
from polity.proofs.records import FindingRecord


def test_the_search_and_amend_use_the_kinds_table() -> None:
    assert discover.KINDS == KIND_IDS == ("conflict", "deadlock", "endless", "gap", "dead-provision")
    assert impact.FIND_KINDS == ("conflict", "deadlock", "endless", "gap")  # dead provisions: asked for


def test_every_kind_has_its_texts() -> None:
    for kind in FINDING_KINDS:
        assert kind.title and kind.description.endswith(".")
        assert finding_kind(kind.id) is kind
    assert finding_kind("nonsense") is None
    assert kinds_help() == "conflict, deadlock, endless, gap, dead-provision (repeatable)."


def test_sarif_rules_take_the_kind_text() -> None:
    f = FindingRecord("gap", "x vacant", ("a1",), "default", None, about="office:x", elements=("office:x",))
    (rule,) = sarif._finding_rules([f], ["x vacant"])
    gap = finding_kind("gap")
    assert gap is not None
    assert rule["fullDescription"]["text"] == f"{gap.title}: {gap.description}"
    assert rule["help"]["text"].startswith(gap.description + "\n")
