"""Quantitative queries (`polity query`): answers computed by hand on small models, derived from
the model's parameters on KZ-2026, and located errors for bad catalogs and data files."""

from __future__ import annotations

import json
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from polity.model.errors import UserError
from polity.model.expr import majority_of, share_of
from polity.model.loader import BUILTIN_MODEL, load_model, resolve
from polity.model.queries import catalog_path_for, load_queries, load_units
from polity.proofs.query_answers import run_query

MODELS = Path(__file__).parent / "models"
QUANT = MODELS / "quant.yaml"
TINY = MODELS / "tiny.yaml"
POLITY = str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "polity")


def answers(model: Path | None, name: str, **kw):  # type: ignore[no-untyped-def]
    loaded = load_model(model)
    system = resolve(loaded)
    lq = load_queries(catalog_path_for(model or BUILTIN_MODEL))
    return {a.id: a for a in run_query(lq, name, system, **kw)}


# ------------------------------------------------------------------ Quantland, by hand


def test_quant_votes() -> None:
    got = answers(QUANT, "blocking-minority")
    seats = 9
    # approve: yes >= majority_of(9) = 5 -> 5 voting against block (9 - 5 + 1), 5 in favour force
    assert got["council_approves"].value == {"block": 5, "force": 5}
    # reject: yes < share_of(2, 3, 9) = 6, i.e. yes <= 5 -> 6 in favour block it, 9 - 5 = 4
    # against force it
    assert got["council_rejects"].value == {"block": 6, "force": seats - 5}
    assert all(a.optimal and a.status == "optimal" for a in got.values())


def test_quant_tenure_vacancy_windows() -> None:
    assert answers(QUANT, "max-tenure")["leader"].value == 100  # the term
    vac = answers(QUANT, "max-vacancy")
    assert vac["leader_compliant"].value == 30 and vac["leader_compliant"].optimal
    assert vac["leader_compliant"].proof["result"] == "unsat"
    # without compliance nothing ends the vacancy: it grows without limit
    assert vac["leader_any"].value == "unbounded" and not vac["leader_any"].optimal
    win = answers(QUANT, "election-windows")
    assert (win["earliest"].value, win["latest"].value) == (0, 30)


def test_quant_trace_replays_to_the_answer() -> None:
    a = answers(QUANT, "max-vacancy")["leader_compliant"]
    assert a.trace is not None
    events = [s["event"] for s in a.trace]
    left = events.index("leader_leaves")
    # the post is still vacant 30 days after the leader left, on the trace's last step
    assert "leader_elected" not in events[left:-1]
    assert a.trace[-1]["day"] - a.trace[left]["day"] == 30


@pytest.mark.slow
def test_quant_referendum_fixed_turnout() -> None:
    units = load_units(MODELS / "quant-units.csv")
    got = answers(QUANT, "referendum-min-share", units=units)
    # 60 + 60 + 90 = 210 take part (> 150); two of three provinces must approve: 31 + 31
    assert got["units_only"].value == "62/210"
    # a national majority of 210 participants is 106
    assert got["national_majority"].value == "106/210"
    assert all(a.optimal for a in got.values())


@pytest.mark.slow
def test_quant_referendum_free_turnout(tmp_path: Path) -> None:
    f = tmp_path / "u.yaml"
    f.write_text("units:\n  - {name: A, electorate: 100}\n  - {name: B, electorate: 100}\n"
                 "  - {name: C, electorate: 100}\n")
    got = answers(QUANT, "referendum-min-share", units=load_units(f), query_reading="units_only")
    # C takes part fully and votes no (100); A and B need pA + pB >= 51 more participants
    # (> 150 in all) and approve with floor(pA/2) + floor(pB/2) + 2 votes. With pA + pB = 51
    # that is 27/151; with two odd counts summing to 52 it is still 27 votes, so 27/152; with
    # 53 or 54 it is 28 votes (28/153, 28/154 are larger). The minimum is 27/152.
    a = got["units_only"]
    assert Fraction(a.value) == Fraction(27, 152) and a.optimal


# ------------------------------------------------------------------ Tinyland


def test_tiny() -> None:
    votes = answers(TINY, "blocking-minority")
    m = majority_of(5)
    assert votes["assembly_consents"].value == {"block": 5 - m + 1, "force": m}
    assert votes["assembly_refuses"].value == {"block": m, "force": 5 - (m - 1)}
    assert answers(TINY, "max-vacancy")["assembly"].value == 60


# ------------------------------------------------------------------ errors


def test_units_errors(tmp_path: Path) -> None:
    bad = tmp_path / "u.csv"
    bad.write_text("name,electorate,turnout\nA,100,50\nB,ten,\n")
    with pytest.raises(UserError) as e:
        load_units(bad)
    assert str(e.value).endswith("u.csv:3:3: electorate must be a positive whole number (got 'ten')")
    bad.write_text("name,electorate,turnout\nA,100,150\n")
    with pytest.raises(UserError, match=r"u.csv:2:7: turnout must be a percentage"):
        load_units(bad)
    bad.write_text("name,voters\n")
    with pytest.raises(UserError, match=r"u.csv:1:6: unknown column 'voters'"):
        load_units(bad)


def test_catalog_errors(tmp_path: Path) -> None:
    cat = tmp_path / "quant.queries.yaml"
    cat.write_text("polity: 1\nmodel: quant\nqueries:\n  - id: q\n    kind: optimize\n"
                   "    statement: s\n    answers:\n      - {id: a, statement: s, maximize: \"nope + 1\"}\n")
    lq = load_queries(cat)
    with pytest.raises(UserError, match=r"quant.queries.yaml:8:\d+: unknown name 'nope'"):
        run_query(lq, "q", resolve(load_model(QUANT)))
    cat.write_text("polity: 1\nmodel: quant\nqueries:\n  - id: q\n    kind: guess\n    statement: s\n")
    with pytest.raises(UserError, match=r"quant.queries.yaml:5:11: queries.0.kind"):
        load_queries(cat)


@pytest.mark.e2e
def test_cli_errors_and_json(tmp_path: Path) -> None:
    bad = tmp_path / "u.csv"
    bad.write_text("name,electorate\nA,-5\n")
    r = subprocess.run([POLITY, "query", "referendum-min-share", "--model", str(QUANT),
                        "--data", str(bad)], capture_output=True, text=True)
    assert r.returncode == 2 and f"{bad}:2:3: electorate must be" in r.stderr
    r = subprocess.run([POLITY, "query", "nope", "--model", str(QUANT)], capture_output=True, text=True)
    assert r.returncode == 2 and "available: blocking-minority" in r.stderr
    r = subprocess.run([POLITY, "query", "max-vacancy", "--model", str(QUANT), "--format", "json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["query"] == "max-vacancy" and data["reading"] == "default"
    a = data["answers"][0]
    assert set(a) >= {"id", "statement", "value", "unit", "optimal", "trace", "proof"}
    assert a["value"] == 30 and a["optimal"] is True


# ------------------------------------------------------------------ KZ-2026


@pytest.mark.slow
def test_kz_blocking_minority() -> None:
    system = resolve(load_model())
    seats = int(system.params["seats"])
    got = answers(None, "blocking-minority", timeout=900)
    chair = got["kurultai_removes_chairman"]  # a majority of the total number of deputies
    assert chair.value == {"block": seats - majority_of(seats) + 1, "force": majority_of(seats)}
    health = got["kurultai_removes_president_for_health"]  # three quarters of the total
    assert health.value == {"block": seats - share_of(3, 4, seats) + 1, "force": share_of(3, 4, seats)}
    assert all(set(a.value or {}) <= {"block", "force"} for a in got.values())


@pytest.mark.slow
def test_kz_referendum() -> None:
    got = answers(None, "referendum-min-share",
                  units=load_units(BUILTIN_MODEL.with_name("kz-2026-referendum-units.csv")))
    assert set(got) == {"units_only", "units_and_national"}
    assert all(a.optimal for a in got.values())
    assert Fraction(got["units_only"].value) < Fraction(got["units_and_national"].value)
    assert Fraction(got["units_and_national"].value) > Fraction(1, 2)


@pytest.mark.slow
def test_kz_vacancy_and_windows() -> None:
    system = resolve(load_model())
    vac = answers(None, "max-vacancy", timeout=900)
    assert set(vac) == {"president", "vice_president", "prime_minister", "chairman", "kurultai"}
    # dissolved: elections within two months and the first session within thirty days of the
    # results (Art. 54(2), 58(2)), unless an appeal on the election suspends the registration of
    # the deputies (Art. 74(1)): the Constitution leaves the Court's time limit to a
    # constitutional law (Art. 74(3)), so on diligent traces the Kurultai can stay without a
    # convened convocation without limit (witnesses found: that appeal, or a dissolution after
    # it; which one the solver finds is its choice, asserted here is only that one exists).
    kurultai = vac["kurultai"]
    assert kurultai.value == "unbounded" and kurultai.trace is not None
    win = answers(None, "election-windows", timeout=900)
    assert win["early_kurultai_latest"].value == int(system.params["two_months"])
    assert win["regular_kurultai_earliest"].value == int(system.params["kurultai_term"]) - int(
        system.params["election_window"])


@pytest.mark.slow
@pytest.mark.xfail(reason="the solver finds compliant traces on which the early presidential "
                   "election comes arbitrarily late (answer 'unbounded'); reported to the model "
                   "owner, expected 7 + 60 days by Art. 51(2)")
def test_kz_early_presidential_election_window() -> None:
    system = resolve(load_model())
    win = answers(None, "election-windows", timeout=900)
    assert win["early_president_latest"].value == int(system.params["seven_days"]) + int(
        system.params["two_months"])


def _timeless(x: object) -> object:
    """A report's JSON without what measures time (``seconds``, ``search_seconds``) or names the solver."""
    if isinstance(x, dict):
        return {k: _timeless(v) for k, v in x.items() if "seconds" not in k and k != "solver"}
    if isinstance(x, list):
        return [_timeless(v) for v in x]
    return x


@pytest.mark.slow
def test_a_query_answers_the_same_whatever_ran_before_it_in_the_process() -> None:
    """Each query runs in a process of its own, as check's properties do: asked again after other
    queries in the same Python process, the same question gives the same JSON, witness traces
    included (in the calling process, the max-vacancy witness gained a step after these three)."""
    from polity.proofs.usecases import query

    def asked(name: str) -> str:
        report = query(name, QUANT)[2]
        return json.dumps(_timeless(report.to_json()), sort_keys=True)

    first = asked("max-vacancy")
    for other in ("max-tenure", "election-windows", "blocking-minority"):
        asked(other)
    again = asked("max-vacancy")
    assert '"trace": [' in first  # witnesses are compared, not only values
    assert again == first
