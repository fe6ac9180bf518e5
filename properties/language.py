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
)
from ..model.expr import GRAMMAR as EXPR_GRAMMAR
from ..model.system import System

Kind = Literal["always", "never", "reachable", "response"]


@dataclass(frozen=True)
class Property:
    """A parsed, checked property. ``target`` is the invariant / witness / trigger."""

    kind: Kind
    target: Node
    response: Node | None = None
    within: Node | None = None
    text: str = ""

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
        "happened": event_fn, "prohibited": event_fn, "enabled": event_fn,
        "active": obligation_fn, "lapsed": obligation_fn, "vacant": office_fn,
        "arg": arg_fn, "prev": prev_fn,
    }
    return Scope(base.names, base.constants, base.enum_values, functions, dict(system.params))


def parse_user_property(text: str, system: System, where: str = "--property") -> Property:
    """Parse a property typed by a user; errors are located at ``where:1:col``."""
    from ..model.errors import Location

    try:
        return parse_property(text, system)
    except ExprError as exc:
        raise UserError(exc.message, Location(where, exc.expr_line, exc.expr_col)) from None
