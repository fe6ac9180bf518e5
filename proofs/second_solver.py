"""A second opinion on every proof certificate: cvc5 re-checks each proof obligation from its
SMT-LIB text, so neither a Z3 bug nor a slip in how Polity drives Z3 can make a proof alone.

A certificate's obligations (k-induction: base and step case; an invariant: initiation,
consecution, safety) are each one unsatisfiability query over provision switches. Z3 answers
it on its own objects; cvc5 answers the same query read back from standard SMT-LIB 2.6
(``set-logic`` chosen from the query, ``check-sat-assuming`` over the switches). A proof
stands only when every chosen solver says ``unsat``; one saying ``sat`` where another says
``unsat`` is a ``Disagreement``, an internal error, never a verdict.

Which solvers re-check is chosen per process (``choose``) and travels to worker processes in
the environment variable ``POLITY_RECHECK``. cvc5 is an optional extra (``polity[cvc5]``);
without it the default is Z3 alone, and reports say so.
"""

from __future__ import annotations

import importlib.util
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import z3

from ..model.errors import InternalError, UserError

MODES = ("z3", "cvc5", "both")
ENV = "POLITY_RECHECK"
INSTALL_HINT = "pip install 'polity[cvc5]'"
MAX_MS = 24 * 3600 * 1000  # cvc5's time limit is an unsigned 64-bit count of milliseconds
_DECLARED = re.compile(r"\(declare-fun (\|[^|]*\||[^\s()|]+) ")
_SYMBOL = re.compile(r"\|[^|]*\||[^\s()|]+")


class Disagreement(InternalError):
    """Two solvers gave opposite answers on one proof obligation."""


@dataclass(frozen=True)
class Answer:
    """One solver's answer on one obligation; ``core`` names the assumptions of an unsat core."""

    status: str  # "sat", "unsat" or "unknown"
    core: frozenset[str] = frozenset()
    reason: str = ""


@dataclass(frozen=True)
class Verdict:
    """What the chosen solvers jointly say about one obligation."""

    status: str  # "unsat" when every solver says so; "sat" when all say sat; else "unknown"
    core: frozenset[str]  # the assumptions behind the unsat answer (Z3's when Z3 took part)
    reason: str
    solvers: tuple[str, ...]
    seconds: dict[str, float]


def cvc5_available() -> bool:
    return importlib.util.find_spec("cvc5") is not None


def default_mode() -> str:
    return "both" if cvc5_available() else "z3"


def choose(mode: str | None) -> str | None:
    """Fix the re-check solvers for this process and the workers it starts.

    Returns a note for the user when the default had to fall back to Z3 alone; asking for cvc5
    explicitly without it installed is a usage error."""
    note = None
    if mode is None:
        mode = default_mode()
        if mode == "z3":
            note = f"certificates re-checked by z3 only: cvc5 is not installed ({INSTALL_HINT})"
    elif mode not in MODES:
        raise UserError(f"--recheck expects one of {', '.join(MODES)}, got {mode!r}")
    elif mode != "z3" and not cvc5_available():
        raise UserError(f"--recheck {mode} needs cvc5, which is not installed ({INSTALL_HINT})")
    os.environ[ENV] = mode
    return note


def solvers() -> tuple[str, ...]:
    """The solvers that re-check certificates in this process, Z3 first."""
    mode = os.environ.get(ENV) or default_mode()
    if mode not in MODES:
        raise UserError(f"{ENV} must be one of {', '.join(MODES)}, got {mode!r}")
    return {"z3": ("z3",), "cvc5": ("cvc5",), "both": ("z3", "cvc5")}[mode]


def rechecked_phrase(names: list[str] | tuple[str, ...]) -> str:
    """>>> rechecked_phrase(["z3", "cvc5"])
    're-checked by z3 and cvc5'
    """
    return "re-checked by " + " and ".join(names) if names else "re-checked"


# ----------------------------------------------------------------------------- SMT-LIB


def logic_of(assertions: list[z3.BoolRef]) -> str:
    """The SMT-LIB logic of Polity's queries: integer arithmetic, linear unless it is not
    (Z3's probes decide, in C: a Python walk over the transition relation costs more than
    the re-check).

    >>> x = z3.Int("x")
    >>> logic_of([x + 1 > 2]), logic_of([x * x > 2]), logic_of([z3.ForAll([x], x >= x)])
    ('QF_LIA', 'QF_NIA', 'LIA')
    """
    goal = z3.Goal()
    goal.add(*assertions)
    quantified = z3.Probe("has-quantifiers")(goal) != 0
    linear = z3.Probe("is-lia")(goal) != 0 or z3.Probe("is-qflia")(goal) != 0
    return ("" if quantified else "QF_") + ("LIA" if linear else "NIA")


def _symbol(name: str) -> str:
    simple = name and all(c.isalnum() or c in "~!@$%^&*_-+=<>.?/" for c in name) and not name[0].isdigit()
    return name if simple else f"|{name}|"


def benchmark(assertions: list[z3.BoolRef], assumptions: list[z3.BoolRef], core: bool = True) -> str:
    """A self-contained SMT-LIB 2.6 script: the logic, the declarations and assertions (as Z3
    prints them), then ``check-sat-assuming`` over ``assumptions`` and their unsat core; without
    ``core`` the assumptions are asserted (cvc5 answers faster when it need not track them)."""
    s = z3.Solver()
    s.add(*assertions)
    body = s.to_smt2()
    lines = [ln for ln in body.splitlines()
             if not ln.startswith(";") and not ln.startswith("(set-info") and ln != "(check-sat)"]
    names = [_symbol(str(a)) for a in assumptions]
    declared = {m.group(1) for ln in lines if (m := _DECLARED.match(ln))}
    lines = [f"(declare-fun {n} () Bool)" for n in names if n not in declared] + lines  # unused ones too
    logic = f"(set-logic {logic_of(assertions)})"
    if core and names:  # an option of the start mode: before set-logic (SMT-LIB 2.6, 4.1.7)
        script = ["(set-option :produce-unsat-assumptions true)", logic, *lines,
                  f"(check-sat-assuming ({' '.join(names)}))", "(get-unsat-assumptions)"]
    else:
        script = [logic, *lines, *[f"(assert {n})" for n in names], "(check-sat)"]
    return "\n".join([*script, ""])


def cvc5_check(smt2: str, timeout_s: float) -> Answer:
    """Run cvc5 on an SMT-LIB script from ``benchmark``; a parse error is an internal error
    (Polity emitted something that is not standard SMT-LIB)."""
    import cvc5

    tm = cvc5.TermManager()
    solver = cvc5.Solver(tm)
    solver.setOption("tlimit-per", str(max(1, min(int(timeout_s * 1000), MAX_MS))))
    sm = cvc5.SymbolManager(tm)
    parser = cvc5.InputParser(solver, sm)
    parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, smt2, "polity-certificate")
    outputs: list[str] = []
    try:
        while True:
            cmd = parser.nextCommand()
            if cmd.isNull():
                break
            outputs.append(cmd.invoke(solver, sm).strip())
    except RuntimeError as exc:  # cvc5 reports parse errors as RuntimeError
        raise InternalError(f"cvc5 cannot read the certificate's SMT-LIB: {exc}") from None
    said = [o for o in outputs if o]
    if not said:
        raise InternalError("cvc5 gave no answer on the certificate's SMT-LIB")
    status = said[0]
    if status == "unsat":
        core = frozenset(t.strip("|") for t in _SYMBOL.findall(said[1])) if len(said) > 1 else frozenset()
        return Answer("unsat", core)
    if status == "sat":
        return Answer("sat")
    return Answer("unknown", reason=status)


# ----------------------------------------------------------------------------- the re-check


def z3_check(solver: z3.Solver, assumptions: list[z3.BoolRef],
             check: Callable[[], tuple[z3.CheckSatResult, str]] | None = None) -> Answer:
    """Z3's answer; ``check`` runs the query within the question's budget (question.py)."""
    if check is None:
        r, why = solver.check(*assumptions), ""
    else:
        r, why = check()
    if r == z3.unsat:
        return Answer("unsat", frozenset(str(c) for c in solver.unsat_core()))
    if r == z3.sat:
        return Answer("sat")
    return Answer("unknown", reason=why or solver.reason_unknown())


def recheck(about: str, obligation: str, solver: z3.Solver, assumptions: list[z3.BoolRef],
            deadline: float, chosen: tuple[str, ...] | None = None,
            check: Callable[[], tuple[z3.CheckSatResult, str]] | None = None) -> Verdict:
    """Ask each chosen solver whether ``solver``'s assertions are unsatisfiable under
    ``assumptions``. ``about`` names the property, ``obligation`` the proof obligation; both
    appear in the error when the solvers disagree."""
    chosen = chosen or solvers()
    answers: dict[str, Answer] = {}
    seconds: dict[str, float] = {}
    for name in chosen:
        t0 = time.perf_counter()
        if name == "z3":
            answers[name] = z3_check(solver, assumptions, check)
        else:
            text = benchmark(list(solver.assertions()), assumptions, core="z3" not in chosen)
            answers[name] = cvc5_check(text, max(0.001, deadline - time.monotonic()))
        seconds[name] = time.perf_counter() - t0
    said = {n: a.status for n, a in answers.items()}
    if "sat" in said.values() and "unsat" in said.values():
        both = ", ".join(f"{n} says {s}" for n, s in said.items())
        raise Disagreement(f"solvers disagree on the {obligation} of property '{about}': {both}; "
                           "no verdict is given")
    unknown = [n for n, s in said.items() if s == "unknown"]
    if unknown:
        reason = "; ".join(f"{n}: {answers[n].reason or 'unknown'}" for n in unknown)
        return Verdict("unknown", frozenset(), reason, chosen, seconds)
    status = next(iter(said.values()))
    core = answers[chosen[0]].core if status == "unsat" else frozenset()
    return Verdict(status, core, "", chosen, seconds)
