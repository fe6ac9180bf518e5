"""Conditions in words (proofs/phrasing.py): what a lawyer reads instead of an expression."""

from __future__ import annotations

import re

from polity.model.expr import parse
from polity.model.loader import load_model, resolve
from polity.proofs.phrasing import vocabulary
from support import TINY


def words(expr: str, model: object = TINY) -> str:
    loaded = load_model(model)  # type: ignore[arg-type]
    return vocabulary(resolve(loaded, {}), loaded).condition(parse(expr))


def test_deadlines_are_time_since_a_day_in_the_text_s_durations() -> None:
    assert words("now - last_dissolution < year") == "less than one year has passed since last dissolution"
    assert words("now >= last_dissolution + 60") == "60 days or more has passed since last dissolution"


def test_comparisons_negations_and_choices() -> None:
    assert words("refusals >= 2 and assembly_status == sitting") == \
        "refusals is at least 2 and assembly status is sitting"
    assert words("not (refusals < 2)") == "refusals is at least 2"
    assert words("assembly_status in {sitting, dissolved}") == "assembly status is sitting or dissolved"
    assert words("not assembly_status in {dissolved}") == "assembly status is not dissolved"
    assert words("vacant(assembly_office)") == "the Assembly is vacant"
    assert words("active(dissolve_after_refusals)").startswith("the duty to dissolve the Assembly")
    assert words("(emergency or minister) and refusals == 0") == "(emergency or minister) and refusals is 0"


def test_no_guard_of_the_built_in_model_is_said_with_an_identifier() -> None:
    """Every guard clause and prohibition of the built-in model, said in words, names none of the
    model's identifiers (the list comes from the model, not from this test)."""
    loaded = load_model(None)
    system = resolve(loaded, loaded.default_reading())
    vocab = vocabulary(system, loaded)
    c = loaded.constitution
    ids = ({v.id for v in c.state} | {e.id for e in c.events} | {p.id for p in c.parameters}
           | {o.id for o in c.obligations} | {o.id for o in c.offices} | {x for v in c.state for x in v.values})
    ids = {i for i in ids if "_" in i}
    conds = [g.cond for ev in system.events.values() for g in ev.guards] + [p.when for p in system.prohibitions]
    assert len(conds) > 100
    for cond in conds:
        text = vocab.condition(cond)
        named = set(re.findall(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+", text)) & ids
        assert not named, (text, named)


def test_a_day_counted_within_a_recurring_period_is_said_as_a_calendar_day() -> None:
    """``now - year * (now // year)`` is the day of the year (the session calendar of the
    built-in model), not "the day minus year times the day divided by year"; the words are
    find's (discover.py builds its vocabulary from the System alone)."""
    loaded = load_model(None)
    vocab = vocabulary(resolve(loaded, loaded.default_reading()))
    assert vocab.condition(parse("now - year * (now // year) <= session_last_day")) == \
        "the day of the year is no later than session last day"
    assert vocab.condition(parse("not (now - year * (now // year) <= session_last_day)")) == \
        "the day of the year is later than session last day"
    assert "day of" not in vocab.condition(parse("now - year * (now // 7) <= 3"))  # no cycle
