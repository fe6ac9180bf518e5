"""The atomic causes of the law, as expressions discovery can search for and block.

A guard clause ``a and b`` can fail for two different reasons; ``find`` reports each as its
own cause, so every guard clause is split at ``and`` into conjuncts (``Atom``). Everything
here builds plain expression nodes (model/expr.py), so the same condition is judged by the Z3
encoding and by the interpreter, and a witness trace is replayed on the condition it was
searched for.

Events with arguments (votes): an event is *allowed* when some argument values make it so,
and an atom *fails* when it fails for every argument value. Both are written out over the
argument values (an ``or`` / ``and`` of copies with the values substituted), exact because
the ranges are finite; beyond ``ARG_COMBOS`` combinations ``TooManyArguments`` is raised and
the question is reported unknown.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..model.expr import Binary, Call, In, Ite, Lit, Name, Node, Unary
from ..model.system import NOW, Element, EventDef, System

ARG_COMBOS = 4096  # argument combinations written out, at most, for one condition
FOREVER = 36_500  # days: "indefinitely" is "still so a hundred years later if nothing happens"
_VALUE_FNS = ("prev", "min", "max", "majority_of", "share_of", "more_than_share")  # args are values


class TooManyArguments(Exception):
    """An event's arguments have too many combinations to write a condition out over them."""


@dataclass(frozen=True)
class Atom:
    """One atomic cause that can stop an event: a conjunct of a guard clause or a permission
    that fails, or a prohibition in force."""

    key: str  # element key, and "#i" for the i-th conjunct of a guard clause
    element: Element
    event: str
    prohibition: bool
    node: Node  # a condition: what must hold; a prohibition: when it is in force

    def blocks(self) -> Node:
        """The atom stops its event (for an event with arguments: whatever their values)."""
        return self.node if self.prohibition else Unary("not", self.node)


def join(op: str, nodes: list[Node]) -> Node:
    """``nodes`` joined by ``op`` (``and`` / ``or``) from the left; none: the operator's unit.

    >>> show(join("or", [Name("a"), Name("b"), Name("c")]))
    '(a or b) or c'
    """
    if not nodes:
        return Lit(op == "and")
    out = nodes[0]
    for n in nodes[1:]:
        out = Binary(op, out, n)
    return out


def conj(nodes: list[Node]) -> Node:
    return join("and", nodes)


def disj(nodes: list[Node]) -> Node:
    return join("or", nodes)


def conjuncts(node: Node) -> list[Node]:
    """``a and (b and c)`` -> [a, b, c]."""
    if isinstance(node, Binary) and node.op == "and":
        return conjuncts(node.left) + conjuncts(node.right)
    return [node]


def substitute(node: Node, values: dict[str, Node]) -> Node:
    """``node`` with the names in ``values`` replaced (not the names functions take as ids,
    such as the duty in ``active(duty)``)."""
    if isinstance(node, Name):
        return values.get(node.id, node)
    if isinstance(node, Unary):
        return Unary(node.op, substitute(node.x, values))
    if isinstance(node, Binary):
        return Binary(node.op, substitute(node.left, values), substitute(node.right, values))
    if isinstance(node, Ite):
        return Ite(substitute(node.cond, values), substitute(node.then, values),
                   substitute(node.other, values))
    if isinstance(node, In):
        return In(substitute(node.x, values), node.values)
    if isinstance(node, Call) and node.fn in _VALUE_FNS:
        return Call(node.fn, tuple(substitute(a, values) for a in node.args))
    return node


def at_day(node: Node, day: Node) -> Node:
    """``node`` judged on ``day`` instead of today, the state unchanged (nothing happens)."""
    return substitute(node, {NOW: day})


def later(days: int) -> Node:
    return Binary("+", Name(NOW), Lit(days))


def reads(node: Node, names: set[str]) -> set[str]:
    out: set[str] = set()

    def walk(n: Node) -> None:
        if isinstance(n, Name) and n.id in names:
            out.add(n.id)
        if isinstance(n, Call) and n.fn not in _VALUE_FNS:
            return
        for child in _children(n):
            walk(child)

    walk(node)
    return out


def _children(n: Node) -> tuple[Node, ...]:
    if isinstance(n, Unary | In):
        return (n.x,)
    if isinstance(n, Binary):
        return (n.left, n.right)
    if isinstance(n, Ite):
        return (n.cond, n.then, n.other)
    if isinstance(n, Call):
        return n.args
    return ()


def _over_args(event: EventDef, node: Node, op: str) -> Node:
    used = reads(node, {a.id for a in event.args})
    if not used:
        return node
    args = [a for a in event.args if a.id in used]
    combos = 1
    for a in args:
        combos *= a.hi - a.lo + 1
    if combos > ARG_COMBOS:
        raise TooManyArguments(f"{event.id}: {combos} argument combinations (at most {ARG_COMBOS})")
    copies = [substitute(node, {a.id: Lit(v) for a, v in zip(args, vs, strict=True)})
              for vs in itertools.product(*[range(a.lo, a.hi + 1) for a in args])]
    return join(op, copies)


def some_args(event: EventDef, node: Node) -> Node:
    """``node`` holds for some argument values of ``event``."""
    return _over_args(event, node, "or")


def all_args(event: EventDef, node: Node) -> Node:
    """``node`` holds for every argument value of ``event``."""
    return _over_args(event, node, "and")


def atoms_of(system: System, event: EventDef) -> list[Atom]:
    """Every atomic cause that can stop ``event``, in model order."""
    out = []
    for g in event.guards:
        parts = conjuncts(g.cond)
        for i, c in enumerate(parts):
            key = g.element.key if len(parts) == 1 else f"{g.element.key}#{i}"
            out.append(Atom(key, g.element, event.id, False, c))
    out += [Atom(p.element.key, p.element, event.id, False, p.when) for p in system.permissions_on(event.id)]
    out += [Atom(p.element.key, p.element, event.id, True, p.when) for p in system.prohibitions_on(event.id)]
    return out


def allowed(system: System, event: EventDef, day: Node | None = None) -> Node:
    """``event`` is allowed (for some argument values) today, or on ``day`` if nothing happens
    before: every guard conjunct and permission holds and no prohibition is in force."""
    need = [a.node if not a.prohibition else Unary("not", a.node) for a in atoms_of(system, event)]
    if day is not None:
        need = [at_day(n, day) for n in need]
    names = {a.id for a in event.args}
    plain = [n for n in need if not reads(n, names)]
    with_args = [n for n in need if reads(n, names)]
    return conj(plain + ([some_args(event, conj(with_args))] if with_args else []))


def blocks_always(event: EventDef, atom: Atom, day: Node | None = None) -> Node:
    """``atom`` stops ``event`` whatever its arguments (today, or on ``day``)."""
    node = atom.blocks() if day is None else at_day(atom.blocks(), day)
    return all_args(event, node)


def show(node: Node) -> str:
    """An expression written back as text, for summaries.

    >>> show(Binary("and", Name("a"), Unary("not", Name("b"))))
    'a and not b'
    """
    if isinstance(node, Lit):
        return str(node.value).lower() if isinstance(node.value, bool) else str(node.value)
    if isinstance(node, Name):
        return node.id
    if isinstance(node, Unary):
        return f"not {_paren(node.x)}" if node.op == "not" else f"-{_paren(node.x)}"
    if isinstance(node, Binary):
        return f"{_paren(node.left)} {node.op} {_paren(node.right)}"
    if isinstance(node, In):
        return f"{_paren(node.x)} in ({', '.join(node.values)})"
    if isinstance(node, Ite):
        return f"if {show(node.cond)} then {show(node.then)} else {show(node.other)}"
    if isinstance(node, Call):
        return f"{node.fn}({', '.join(show(a) for a in node.args)})"
    return repr(node)


def _paren(node: Node) -> str:
    text = show(node)
    return f"({text})" if isinstance(node, Binary | Ite) else text
