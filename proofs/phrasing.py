"""Conditions said in words: what a person reads instead of an expression.

A finding says why a duty cannot be met ("the Assembly is not in session"), not which
expression fails (``assembly_in_session``). The words come from the model: the descriptions of
state variables and parameters, the names of offices and actors, the summaries of duties, the
timeline phrases of events; a name the model gives no words for is said with its underscores as
spaces. Durations are said as the model's parameters say them ("seven days"), and the usual
shapes of a deadline (``now - since < year``, ``now >= start + term``) as time since a day.

No Z3 here: this is presentation, on the plain expression nodes of model/expr.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..model.expr import Binary, Call, EnumType, In, Ite, Lit, Name, Node, Unary
from ..model.loader import LoadedModel
from ..model.system import NOW, System, VarDef

_COMPARE = {"==": "is", "!=": "is not", ">=": "is at least", ">": "is more than", "<=": "is at most",
            "<": "is less than"}
_NEGATED = {"==": "!=", "!=": "==", ">=": "<", ">": "<=", "<=": ">", "<": ">="}
_ARITH = {"+": "plus", "-": "minus", "*": "times", "//": "divided by"}
_UNITS = ("hour", "day", "week", "month", "year", "term")
_ON_DAY = {"<": "earlier than", "<=": "no later than", ">": "later than", ">=": "no earlier than"}
_SINCE = {"<": "less than {d} has passed since {x}", "<=": "no more than {d} has passed since {x}",
          ">=": "{d} or more has passed since {x}", ">": "more than {d} has passed since {x}"}


def humane(name: str) -> str:
    """An identifier as words: ``assembly_in_session`` -> ``assembly in session``."""
    return name.replace("_", " ")


@dataclass(frozen=True)
class Vocabulary:
    """The model's words for its names."""

    system: System
    param_words: Mapping[str, str] = field(default_factory=dict)  # parameter -> the model's description

    def var(self, name: str) -> str:
        v = self.system.var_map.get(name)
        return v.description if v is not None and v.description else humane(name)

    def param(self, name: str) -> str:
        return self.param_words.get(name) or humane(name)

    def duration(self, node: Node) -> str:
        """A number of days, as the text says it: a parameter named for its duration is said by
        its name (``seven_days``: "seven days", ``year``: "one year"), another by its words."""
        if isinstance(node, Name) and node.id in self.system.params:
            if node.id in _UNITS:
                return f"one {node.id}"
            if any(unit in node.id for unit in _UNITS):
                return humane(node.id)
            return self.param_words.get(node.id) or f"{self.system.params[node.id]} days"
        if isinstance(node, Lit) and not isinstance(node.value, bool):
            return f"{node.value} day" + ("" if node.value == 1 else "s")
        return self.value(node)

    def value(self, node: Node) -> str:
        if isinstance(node, Lit):
            return ("true" if node.value else "false") if isinstance(node.value, bool) else str(node.value)
        if isinstance(node, Name):
            if node.id == NOW:
                return "the day"
            if node.id in self.system.params:
                return self.param(node.id)
            if node.id in self.system.var_map:
                return self.var(node.id)
            return humane(node.id)  # an enum value or an argument
        cycle = _cycle(node)
        if cycle is not None:
            return f"the day of the {humane(cycle)}"
        if isinstance(node, Binary) and node.op in _ARITH:
            return f"{self.value(node.left)} {_ARITH[node.op]} {self.value(node.right)}"
        if isinstance(node, Unary) and node.op == "-":
            return f"minus {self.value(node.x)}"
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Ite):
            return f"{self.value(node.then)} if {self.condition(node.cond)}, else {self.value(node.other)}"
        return self.condition(node)

    def call(self, c: Call) -> str:
        arg = c.args[0].id if c.args and isinstance(c.args[0], Name) else ""
        if c.fn == "vacant":
            office = next((o.name for o in self.system.offices if o.id == arg), humane(arg))
            return f"{office} is vacant"
        if c.fn in ("active", "lapsed"):
            duty = next((o for o in self.system.obligations if o.id == arg), None)
            what = f"the duty to {duty.summary}" if duty is not None else humane(arg)
            return f"{what} is in force" if c.fn == "active" else f"{what} has lapsed"
        if c.fn in ("prohibited", "enabled", "happened"):
            ev = self.system.events.get(arg)
            says = ev.says if ev is not None else humane(arg)
            return {"prohibited": f"it is prohibited that {says}", "enabled": f"it is allowed that {says}",
                    "happened": says}[c.fn]
        if c.fn == "prev":
            return f"{self.value(c.args[0])} before the event"
        words = {"majority_of": "a majority of {0}", "share_of": "{0}/{1} of {2}",
                 "more_than_share": "more than {0}/{1} of {2}", "min": "the least of {0} and {1}",
                 "max": "the greatest of {0} and {1}"}
        if c.fn in words:
            return words[c.fn].format(*(self.value(a) for a in c.args))
        return f"{humane(c.fn)} of {', '.join(self.value(a) for a in c.args)}"

    def condition(self, node: Node) -> str:
        """A boolean expression in words."""
        if isinstance(node, Lit) and isinstance(node.value, bool):
            return "always" if node.value else "never"
        if isinstance(node, Name):
            return self.value(node)
        if isinstance(node, Unary) and node.op == "not":
            return self.negated(node.x)
        if isinstance(node, Binary) and node.op in ("and", "or"):
            return f"{self._part(node.left, node.op)} {node.op} {self._part(node.right, node.op)}"
        if isinstance(node, Binary) and node.op == "->":
            return f"if {self.condition(node.left)}, then {self.condition(node.right)}"
        if isinstance(node, Binary) and node.op in _COMPARE:
            return self.comparison(node.op, node.left, node.right)
        if isinstance(node, In):
            said = self._enum_choice(node.x, node.values, negated=False)
            if said is not None:
                return said
            values = [humane(v) for v in node.values]
            choice = values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]
            return f"{self.value(node.x)} is {choice}"
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Ite):
            return (f"{self.condition(node.then)} if {self.condition(node.cond)}, "
                    f"else {self.condition(node.other)}")
        return self.value(node)

    def negated(self, node: Node) -> str:
        if isinstance(node, Binary) and node.op in _NEGATED:
            return self.comparison(_NEGATED[node.op], node.left, node.right)
        if isinstance(node, Unary) and node.op == "not":
            return self.condition(node.x)
        if isinstance(node, In):
            said = self._enum_choice(node.x, node.values, negated=True)
            if said is not None:
                return said
            return self.condition(node).replace(" is ", " is not ", 1)
        if isinstance(node, Name):
            return f"not: {self.value(node)}"
        return f"not ({self.condition(node)})"

    def comparison(self, op: str, left: Node, right: Node) -> str:
        if op in ("==", "!="):
            said = self._enum_states(left, right, op == "!=")
            if said is not None:
                return said
        if _cycle(left) is not None and op in _ON_DAY:  # a calendar day: "no later than 30 June"
            return f"{self.value(left)} is {_ON_DAY[op]} {self.value(right)}"
        since = self._since(op, left, right)
        if since is not None:
            return since
        return f"{self.value(left)} {_COMPARE[op]} {self.value(right)}"

    def _since(self, op: str, left: Node, right: Node) -> str | None:
        """``now - x OP d`` and ``now OP x + d``: time since a day, in the text's durations."""
        if op not in _SINCE:
            return None
        if (isinstance(left, Binary) and left.op == "-" and isinstance(left.left, Name) and left.left.id == NOW):
            return _SINCE[op].format(d=self.duration(right), x=self.value(left.right))
        if (isinstance(left, Name) and left.id == NOW and isinstance(right, Binary) and right.op == "+"):
            flipped = {"<": "<", "<=": "<=", ">=": ">=", ">": ">"}[op]
            return _SINCE[flipped].format(d=self.duration(right.right), x=self.value(right.left))
        return None

    def _enum_states(self, left: Node, right: Node, negated: bool) -> str | None:
        """``x == v`` / ``x != v`` for an enum with words for its values, in those words."""
        if isinstance(left, Name) and _enum_var(self.system, right) is not None:
            left, right = right, left
        if not isinstance(right, Name):
            return None
        return self._enum_choice(left, (right.id,), negated)

    def _enum_choice(self, x: Node, values: tuple[str, ...] | list[str], negated: bool) -> str | None:
        """An enum variable having one of ``values`` (or none of them), in the model's words
        for its values; None when the model gives no words for one of them.

        A negation of one value is said in the model's words for it (``says_not``) when it
        gives them, else as the values left when they are one or two ("the Assembly is
        dissolved" for "not sitting"), else as "not: ..." / "neither ... nor ..."."""
        var = _enum_var(self.system, x)
        if var is None or not isinstance(var.type, EnumType):
            return None
        if any(v not in var.type.values for v in values):
            return None
        before = "before the event, " if isinstance(x, Call) else ""
        chosen = [v for v in var.type.values if v in values]
        if negated and len(chosen) == 1 and var.value_says(chosen[0], negated=True):
            return before + var.value_says(chosen[0], negated=True)
        if negated:
            rest = [v for v in var.type.values if v not in values]
            if len(rest) <= 2 and all(var.value_says(v) for v in rest):
                chosen, negated = rest, False
        said = [var.value_says(v) for v in chosen]
        if not all(said):
            return None
        if not negated:
            return before + " or ".join(said)
        if len(said) == 1:
            return f"{before}not: {said[0]}"
        if len(said) == 2:
            return f"{before}neither {said[0]} nor {said[1]}"
        return f"{before}none of: " + "; ".join(said)

    def _part(self, node: Node, op: str) -> str:
        text = self.condition(node)
        nested = isinstance(node, Binary) and node.op in ("and", "or") and node.op != op
        return f"({text})" if nested else text


def _enum_var(system: System, node: Node) -> VarDef | None:
    """The enum state variable ``node`` reads, now or before the event (``prev(x)``)."""
    if isinstance(node, Call) and node.fn == "prev" and len(node.args) == 1:
        node = node.args[0]
    if not isinstance(node, Name):
        return None
    var = system.var_map.get(node.id)
    return var if var is not None and isinstance(var.type, EnumType) else None


def _cycle(node: Node) -> str | None:
    """The period ``p`` of ``now - p * (now // p)``, the day counted within a recurring period
    (a calendar: "the day of the year"); None for any other expression."""
    if not (isinstance(node, Binary) and node.op == "-" and isinstance(node.left, Name) and node.left.id == NOW):
        return None
    times = node.right
    if not (isinstance(times, Binary) and times.op == "*" and isinstance(times.left, Name)):
        return None
    div = times.right
    if (isinstance(div, Binary) and div.op == "//" and isinstance(div.left, Name) and div.left.id == NOW
            and isinstance(div.right, Name) and div.right.id == times.left.id):
        return times.left.id
    return None


def vocabulary(system: System, loaded: LoadedModel | None = None) -> Vocabulary:
    """The words of one model under one reading (with its parameters' descriptions when the
    model file is given)."""
    words = {p.id: p.description for p in loaded.constitution.parameters if p.description} if loaded else {}
    return Vocabulary(system, words)
