"""The property language: what a lawyer asks of a model, parsed by a grammar and type-checked.

Forms::

    always EXPR                              an invariant of every step
    never EXPR                               EXPR holds after no step
    reachable EXPR                           a witness query: can EXPR ever hold?
    whenever EXPR then EXPR within N days    bounded response (checked on diligent traces)

EXPR is the model's expression language over the state after a step, plus:
``happened(E)`` the step was event E; ``prev(X)`` X before the step; ``arg(A)`` the step's
argument A (0 when the event has none); ``active(O)``, ``lapsed(O)`` an obligation is in force /
past its deadline; ``prohibited(E)`` a prohibition forbids E now for some arguments;
``enabled(E)`` E could happen now for some arguments; ``vacant(F)`` office F is vacant.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from lark import Lark, Token, Transformer, UnexpectedInput
from lark.visitors import merge_transformers

from ..model.errors import UserError, clip, shown
from ..model.expr import (
    BOOL,
    INT,
    MAX_EXPR_CHARS,
    Call,
    ExprError,
    Name,
    Node,
    Scope,
    ToAst,
    Type,
    check,
    check_bounds,
    constant_value,
    did_you_mean,
    names_in,
)
from ..model.expr import GRAMMAR as EXPR_GRAMMAR
from ..model.system import ArgDef, EventDef, System

Kind = Literal["always", "never", "reachable", "response"]


@dataclass(frozen=True)
class Property:
    """A parsed, checked property. ``target`` is the invariant / witness / trigger."""

    kind: Kind
    target: Node
    response: Node | None = None
    within: Node | None = None
    text: str = ""
    # only the traces on which this holds at every step (a question of discovery about a
    # history, such as "the duty's discharges were barred on the day it arose")
    along: Node | None = None

    def nodes(self) -> list[Node]:
        """Every expression of the property (what it reads)."""
        return [n for n in (self.target, self.response, self.within, self.along) if n is not None]

    @property
    def eager(self) -> bool:
        """Response properties are judged on diligent traces (docs/semantics.md, "Which traces are judged")."""
        return self.kind == "response"


GRAMMAR = Path(__file__).with_name("property.lark")


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark.open(str(GRAMMAR), parser="lalr", propagate_positions=True, maybe_placeholders=False,
                     import_paths=[EXPR_GRAMMAR.parent])


@lru_cache(maxsize=1)
def _tree_builder() -> Transformer[Token, Any]:
    """The expression layer's tree builder for the imported (``expr__``) rules; the property
    forms stay trees whose data names the kind."""
    return merge_transformers(expr=ToAst())


def parse_property(text: str, system: System) -> Property:
    """Parse and type-check ``text`` against ``system``; errors are ExprErrors with a column."""
    if len(text) > MAX_EXPR_CHARS:
        raise ExprError(f"property longer than {MAX_EXPR_CHARS} characters", 1, 1)
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        col = getattr(exc, "column", 1)
        raise ExprError(
            f"cannot read property {clip(repr(text))} near column {col}: expected "
            "'always EXPR', 'never EXPR', 'reachable EXPR' or "
            "'whenever EXPR then EXPR within N days'", 1, col) from None
    check_bounds(tree)
    nodes = [c for c in _tree_builder().transform(tree).children if isinstance(c, Node)]
    scope = property_scope(system)
    kind: Kind = tree.data  # type: ignore[assignment]
    if kind == "response":
        trigger, response, within = nodes
        check(trigger, scope, BOOL)
        check(response, scope, BOOL)
        check(within, scope, INT)
        if not _constant(within, scope):
            raise ExprError("the 'within' bound must be a constant number of days",
                            within.line, within.col)
        days = constant_value(within, scope)
        if isinstance(days, int) and days < 0:
            raise ExprError(f"the 'within' bound must not be negative (got {days} days)",
                            within.line, within.col)
        return Property("response", trigger, response, within, text)
    check(nodes[0], scope, BOOL)
    return Property(kind, nodes[0], text=text)


def _constant(node: Node, scope: Scope) -> bool:
    from ..model.expr import is_constant

    return is_constant(node, scope)


def property_scope(system: System) -> Scope:
    """The model's state scope plus the property functions, checked against the model's names."""
    base = system.state_scope()
    events = set(system.events)
    obligations = {o.id for o in system.obligations}
    offices = {o.id for o in system.offices}
    arg_names = {a.id for e in system.events.values() for a in e.args}

    def one_name(call: Call, allowed: set[str], what: str) -> str:
        if len(call.args) != 1 or not isinstance(call.args[0], Name):
            raise ExprError(f"{call.fn}(...) takes one {what} name", call.line, call.col)
        name = call.args[0].id
        if name not in allowed:
            raise ExprError(f"unknown {what} {shown(name)} in {call.fn}(...){did_you_mean(name, allowed)}",
                            call.args[0].line,
                            call.args[0].col)
        return name

    def event_fn(s: Scope, c: Call) -> Type:
        one_name(c, events, "event")
        return BOOL

    def some_args_fn(s: Scope, c: Call) -> Type:
        """``enabled(E)`` / ``prohibited(E)``: for some arguments, decided exactly only over an
        argument space small enough to try (see ``MAX_ARGUMENT_COMBINATIONS``)."""
        event = system.events[one_name(c, events, "event")]
        read = _arguments_read(system, event, c.fn)
        count = _combinations(read)
        if count > MAX_ARGUMENT_COMBINATIONS:
            names = ", ".join(a.id for a in read)
            raise ExprError(
                f"{c.fn}({event.id}) asks about every combination of the event's arguments {names} "
                f"(about {count:.2g}, more than the {MAX_ARGUMENT_COMBINATIONS} that can be decided "
                f"exactly): ask about the step itself with happened({event.id}) and arg(...)",
                c.line, c.col)
        return BOOL

    def obligation_fn(s: Scope, c: Call) -> Type:
        one_name(c, obligations, "obligation")
        return BOOL

    def office_fn(s: Scope, c: Call) -> Type:
        one_name(c, offices, "office")
        return BOOL

    def arg_fn(s: Scope, c: Call) -> Type:
        one_name(c, arg_names, "event argument")
        return INT

    def prev_fn(s: Scope, c: Call) -> Type:
        if len(c.args) != 1:
            raise ExprError("prev(...) takes one expression", c.line, c.col)
        return check(c.args[0], base)

    functions = {
        "happened": event_fn, "prohibited": some_args_fn, "enabled": some_args_fn,
        "active": obligation_fn, "lapsed": obligation_fn, "vacant": office_fn,
        "arg": arg_fn, "prev": prev_fn,
    }
    return Scope(base.names, base.constants, base.enum_values, functions, dict(system.params))


# ``enabled(E)`` and ``prohibited(E)`` hold "for some arguments": the replay side tries every
# combination of the arguments the event's conditions read (0.5 s for the 146 x 146 of a
# two-count vote), and the encoding eliminates the existential, whose cost grows with the
# number of arguments and their constraints (a five-count referendum does not finish). Beyond
# this many combinations the question is refused, located, rather than left to hang.
MAX_ARGUMENT_COMBINATIONS = 100_000


def _arguments_read(system: System, event: EventDef, fn: str) -> list[ArgDef]:
    """The arguments of ``event`` whose values ``fn`` (enabled or prohibited) must range over:
    those its prohibitions read (prohibited), or its conditions and effects read (enabled),
    as the interpreter's ``reads`` (an argument nothing reads is fixed at its lower bound)."""
    nodes: list[Node] = [p.when for p in system.prohibitions_on(event.id)]
    if fn == "enabled":
        nodes += [g.cond for g in event.guards] + [p.when for p in system.permissions_on(event.id)]
        for eff in event.effects:
            nodes += ([eff.cond] if eff.cond is not None else []) + [v for _, v in eff.assigns]
    read = set().union(*(names_in(n) for n in nodes)) if nodes else set()
    return [a for a in event.args if a.id in read]


def _combinations(args: list[ArgDef]) -> int:
    """How many value combinations ``args`` span.

    >>> _combinations([ArgDef("yes", 0, 145), ArgDef("no", 0, 145)])
    21316
    """
    count = 1
    for a in args:
        count *= max(0, a.hi - a.lo + 1)
    return count


def parse_user_property(text: str, system: System, where: str = "--property") -> Property:
    """Parse a property typed by a user; errors are located at ``where:1:col``."""
    from ..model.errors import Location

    try:
        return parse_property(text, system)
    except ExprError as exc:
        raise UserError(exc.message, Location(where, exc.expr_line, exc.expr_col)) from None
