"""The kinds of finding ``polity find`` reports, one entry each: its id (``--kind``), its title
and description (the SARIF rule's text), and whether ``amend``/``diff`` compare it by default.

The searches themselves live in discover.py; this table is what every reader of a kind (the
CLI's help, the SARIF rules, the impact analysis) shares, so a new kind is one entry here and
its search there. Pure data: the CLI's help reads it without loading Z3.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FindingKind:
    id: str
    title: str  # what a finding of this kind is, in a few words
    description: str  # what Polity found, in a sentence
    # amend/diff compare it unless asked not to: dead provisions need a coverage search of the
    # whole model each time, too slow to repeat per amendment, and a timeout there reads as "dead"
    compared_by_amend: bool = True


FINDING_KINDS: tuple[FindingKind, ...] = (
    FindingKind("conflict", "Obligation collides with a prohibition",
                "A reachable state where an obligation is in force and every way to discharge it "
                "is prohibited for as long as it matters: until its due day, or indefinitely."),
    FindingKind("deadlock", "Deadline cannot be met",
                "A trace on which the duty holder acts diligently, and still a deadline lapses; "
                "the finding says whether meeting it was impossible, or depended on another "
                "actor's choice or on the world."),
    FindingKind("endless", "Procedure with no end",
                "A duty without a deadline whose discharge a failing condition can block forever, "
                "and which its holder cannot end by its own acts."),
    FindingKind("gap", "Office vacant with nobody to fill it",
                "A reachable state where an office is vacant and no provision lets anyone fill it "
                "(for a vote: no outcome does), with the longest time it can last."),
    FindingKind("dead-provision", "Provision never applies",
                "A cited provision none of whose elements applies on any trace within the bound.",
                compared_by_amend=False),
)
KIND_IDS = tuple(k.id for k in FINDING_KINDS)

# What meeting a lapsed duty depends on (a deadlock's ``depends``), in the report's words.
DEPENDS = {
    "impossible": "impossible whatever anyone does",
    "other-actor": "possible only if another actor chooses to",
    "world": "possible only if the world obliges",
    "actor-and-world": "possible only if another actor chooses to and the world obliges",
    "holder": "possible by the duty holder's own acts",
    "unknown": "what it depends on is unknown",
}
_BY_ID = {k.id: k for k in FINDING_KINDS}


def finding_kind(kind_id: str) -> FindingKind | None:
    return _BY_ID.get(kind_id)


def kinds_help() -> str:
    """The ``--kind`` help line: every kind, in search order."""
    return ", ".join(KIND_IDS) + " (repeatable)."
