"""The expression language of guards, effects, conditions and properties.

Parsed by a lark grammar (never ``eval``), type-checked against declared names, and evaluated
on plain Python values. The Z3 translation lives in ``proofs``; both read the same AST.
Expressions stay linear: ``*`` and ``//`` need a constant on one side.

Parsing is bounded: an expression has at most ``MAX_EXPR_CHARS`` characters, nests at most
``MAX_NESTING`` operators deep (every later stage walks the tree recursively) and its numbers
have at most ``MAX_INT_DIGITS`` digits. Division is floor division and total: ``x // 0`` is 0
(so ``share_of(p, 0, n)`` is 0), the same here and in the Z3 encoding; a divisor known to be
zero when the expression is checked is an error.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer, Tree, UnexpectedInput, v_args

from .errors import UserError, clip, shown

MAX_EXPR_CHARS = 20_000  # the longest expression of the built-in model has about 300
MAX_NESTING = 100  # operators inside operators; Python recursion is the real bound (~1000)
MAX_INT_DIGITS = 18

# ---------------------------------------------------------------- types


@dataclass(frozen=True)
class EnumType:
    """A finite set of named values, e.g. ``{sitting, dissolved}``."""

    name: str
    values: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


Type = str | EnumType  # "bool", "int" or an EnumType
BOOL, INT = "bool", "int"
Value = bool | int | str  # enum values are their names


# ---------------------------------------------------------------- AST


@dataclass(frozen=True)
class Node:
    line: int = field(default=1, compare=False, kw_only=True)
    col: int = field(default=1, compare=False, kw_only=True)


@dataclass(frozen=True)
class Lit(Node):
    value: bool | int


@dataclass(frozen=True)
class Name(Node):
    id: str


@dataclass(frozen=True)
class Call(Node):
    fn: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "not" | "-"
    x: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # and or -> == != < <= > >= + - * //
    left: Node
    right: Node


@dataclass(frozen=True)
class Ite(Node):
    cond: Node
    then: Node
    other: Node


@dataclass(frozen=True)
class In(Node):
    x: Node
    values: tuple[str, ...]


GRAMMAR = Path(__file__).with_name("expr.lark")


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(GRAMMAR.read_text(), parser="lalr", propagate_positions=True, maybe_placeholders=False)


def _pos(meta: object) -> dict[str, int]:
    return {"line": getattr(meta, "line", 1), "col": getattr(meta, "column", 1)}


@v_args(meta=True)
class ToAst(Transformer[Token, Node]):
    """Lark tree to AST; public so that grammars importing this one (the property grammar)
    can merge it under their namespace."""

    def int(self, meta: object, c: list[Token]) -> Node:
        return Lit(int(c[0]), **_pos(meta))

    def true(self, meta: object, c: list[Token]) -> Node:
        return Lit(True, **_pos(meta))

    def false(self, meta: object, c: list[Token]) -> Node:
        return Lit(False, **_pos(meta))

    def name(self, meta: object, c: list[Token]) -> Node:
        return Name(str(c[0]), **_pos(meta))

    def call(self, meta: object, c: list[Node | Token]) -> Node:
        fn, *args = c
        return Call(str(fn), tuple(a for a in args if isinstance(a, Node)), **_pos(meta))

    def not_(self, meta: object, c: list[Node]) -> Node:
        return Unary("not", c[0], **_pos(meta))

    def neg(self, meta: object, c: list[Node]) -> Node:
        return Unary("-", c[0], **_pos(meta))

    def ite(self, meta: object, c: list[Node]) -> Node:
        return Ite(c[0], c[1], c[2], **_pos(meta))

    def in_(self, meta: object, c: list[Node | Token]) -> Node:
        x, *vals = c
        assert isinstance(x, Node)
        return In(x, tuple(str(v) for v in vals), **_pos(meta))

    def _chain(self, meta: object, c: list[Node | Token]) -> Node:
        node = c[0]
        assert isinstance(node, Node)
        for i in range(1, len(c), 2):
            op, right = c[i], c[i + 1]
            assert isinstance(right, Node)
            node = Binary(str(op), node, right, **_pos(meta))
        return node

    def implies(self, meta: object, c: list[Node]) -> Node:
        return Binary("->", c[0], c[1], **_pos(meta))

    def or_(self, meta: object, c: list[Node]) -> Node:
        node = c[0]
        for right in c[1:]:
            node = Binary("or", node, right, **_pos(meta))
        return node

    def and_(self, meta: object, c: list[Node]) -> Node:
        node = c[0]
        for right in c[1:]:
            node = Binary("and", node, right, **_pos(meta))
        return node

    cmp = _chain
    sum = _chain
    prod = _chain


@lru_cache(maxsize=8192)
def parse(text: str) -> Node:
    """Parse one expression; a syntax error becomes a UserError with the column in ``text``.

    Cached: the AST is immutable, and models are resolved once per reading."""
    if len(text) > MAX_EXPR_CHARS:
        raise ExprError(f"expression longer than {MAX_EXPR_CHARS} characters", 1, 1)
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        col = getattr(exc, "column", 1)
        line = getattr(exc, "line", 1)
        raise ExprError(f"syntax error in expression {clip(repr(text))} near column {col}", line, col) from None
    check_bounds(tree)
    return ToAst().transform(tree)


_CHAINS = {"and_", "or_", "cmp", "sum", "prod"}  # rules that fold their operands left-deep


def _bare(name: str) -> str:
    """A rule or terminal name without the namespace a grammar importing this one gives it
    (``expr__INT`` in the property grammar is ``INT`` here)."""
    return name.rpartition("__")[2]


def check_bounds(tree: Tree[Token]) -> None:
    """Refuse trees nested deeper than MAX_NESTING and numbers longer than MAX_INT_DIGITS.

    Walks without recursion (a too-deep tree is exactly what recursion cannot walk); a chain
    ``a and b and c`` counts one level per operator, as the AST nests it."""
    stack: list[tuple[Tree[Token] | Token, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Token):
            if _bare(node.type) == "INT" and len(node) > MAX_INT_DIGITS:
                raise ExprError(f"number too large (at most {MAX_INT_DIGITS} digits)",
                                node.line or 1, node.column or 1)
            continue
        ops = sum(1 for c in node.children if isinstance(c, Tree)) - 1
        depth += max(1, ops) if _bare(str(node.data)) in _CHAINS else 1
        if depth > MAX_NESTING:
            meta = node.meta
            raise ExprError(f"expression nested too deeply (limit {MAX_NESTING})",
                            getattr(meta, "line", 1), getattr(meta, "column", 1))
        stack.extend((c, depth) for c in node.children)


class ExprError(UserError):
    """An error inside an expression, positioned relative to the expression text."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.expr_line = line
        self.expr_col = col


# ---------------------------------------------------------------- type checking


@dataclass(frozen=True)
class Scope:
    """The names an expression may use, with their types.

    ``constants`` are parameters (known numbers), so ``*`` and ``//`` by them stay linear.
    ``functions`` maps extra function names (the property layer adds some) to a checker.
    """

    names: Mapping[str, Type]
    constants: frozenset[str] = frozenset()
    enum_values: Mapping[str, EnumType] = field(default_factory=dict)
    functions: Mapping[str, Callable[[Scope, Call], Type]] = field(default_factory=dict)
    values: Mapping[str, Value] = field(default_factory=dict)  # the constants' values, when known

    def with_names(self, extra: Mapping[str, Type], constants: frozenset[str] = frozenset()) -> Scope:
        return Scope({**self.names, **extra}, self.constants | constants, self.enum_values,
                     self.functions, self.values)

    def with_values(self, values: Mapping[str, Value]) -> Scope:
        return Scope(self.names, self.constants, self.enum_values, self.functions, values)


BUILTINS = {
    "majority_of": 1,  # smallest integer strictly more than half of n
    "share_of": 3,  # share_of(p, q, n): smallest integer >= p/q of n ("at least two thirds")
    "more_than_share": 3,  # more_than_share(p, q, n): smallest integer > p/q of n
    "min": 2,
    "max": 2,
}


def is_constant(node: Node, scope: Scope) -> bool:
    if isinstance(node, Lit):
        return True
    if isinstance(node, Name):
        return node.id in scope.constants
    if isinstance(node, Unary):
        return is_constant(node.x, scope)
    if isinstance(node, Binary):
        return is_constant(node.left, scope) and is_constant(node.right, scope)
    if isinstance(node, Call) and node.fn in BUILTINS:
        return all(is_constant(a, scope) for a in node.args)
    if isinstance(node, Ite):
        return all(is_constant(n, scope) for n in (node.cond, node.then, node.other))
    return False


def check(node: Node, scope: Scope, expected: Type | None = None) -> Type:
    """Return the type of ``node`` or raise ExprError naming the offending part."""
    t = _check(node, scope)
    if expected is not None and not _same(t, expected):
        raise ExprError(f"expected a {expected} expression, got {t}", node.line, node.col)
    return t


def _same(a: Type, b: Type) -> bool:
    return a == b


def _err(node: Node, msg: str) -> ExprError:
    return ExprError(msg, node.line, node.col)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """A hint naming the closest known names, or nothing.

    >>> did_you_mean("emergncy", ["emergency", "martial_law"])
    " (did you mean 'emergency'?)"
    """
    close = difflib.get_close_matches(name, sorted(set(known)), n=2, cutoff=0.75)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def _check(node: Node, scope: Scope) -> Type:
    if isinstance(node, Lit):
        return BOOL if isinstance(node.value, bool) else INT
    if isinstance(node, Name):
        if node.id in scope.names:
            return scope.names[node.id]
        if node.id in scope.enum_values:
            return scope.enum_values[node.id]
        raise _err(node, f"unknown name {shown(node.id)}{did_you_mean(node.id, [*scope.names, *scope.enum_values])}")
    if isinstance(node, Unary):
        want = BOOL if node.op == "not" else INT
        check(node.x, scope, want)
        return want
    if isinstance(node, Ite):
        check(node.cond, scope, BOOL)
        t = _check(node.then, scope)
        check(node.other, scope, t)
        return t
    if isinstance(node, In):
        t = _check(node.x, scope)
        if not isinstance(t, EnumType):
            raise _err(node, f"'in' needs an enumerated value on the left, got {t}")
        for v in node.values:
            if v not in t.values:
                raise _err(node, f"{shown(v)} is not a value of {t} (values: {', '.join(t.values)})")
        return BOOL
    if isinstance(node, Binary):
        op = node.op
        if op in ("and", "or", "->"):
            check(node.left, scope, BOOL)
            check(node.right, scope, BOOL)
            return BOOL
        if op in ("==", "!="):
            lt = _check(node.left, scope)
            check(node.right, scope, lt)
            return BOOL
        check(node.left, scope, INT)
        check(node.right, scope, INT)
        if op in ("<", "<=", ">", ">="):
            return BOOL
        if op == "*" and not (is_constant(node.left, scope) or is_constant(node.right, scope)):
            raise _err(node, "multiplication needs a constant on one side (keeps it linear)")
        if op == "//" and not is_constant(node.right, scope):
            raise _err(node, "division needs a constant divisor")
        if op == "//":
            _nonzero(node.right, scope, "division by zero")
        return INT
    if isinstance(node, Call):
        if node.fn in scope.functions:
            return scope.functions[node.fn](scope, node)
        if node.fn not in BUILTINS:
            raise _err(node, f"unknown function {shown(node.fn)}")
        if len(node.args) != BUILTINS[node.fn]:
            raise _err(node, f"{node.fn} takes {BUILTINS[node.fn]} argument(s), got {len(node.args)}")
        for a in node.args:
            check(a, scope, INT)
        if node.fn in ("share_of", "more_than_share") and not all(
            is_constant(a, scope) for a in node.args
        ):
            raise _err(node, f"{node.fn} needs constant arguments")
        if node.fn == "majority_of" and not is_constant(node.args[0], scope):
            raise _err(node, "majority_of needs a constant argument")
        if node.fn in ("share_of", "more_than_share"):
            _nonzero(node.args[1], scope, f"{node.fn}(p, q, n) with q = 0 (a share of zero parts)")
        return INT
    raise _err(node, f"unsupported expression {shown(node)}")


def constant_value(node: Node, scope: Scope) -> Value | None:
    """The value of a constant expression when the scope knows every constant in it."""
    if not is_constant(node, scope) or not names_in(node) <= set(scope.values):
        return None
    return evaluate(node, scope.values)


def _nonzero(divisor: Node, scope: Scope, what: str) -> None:
    if constant_value(divisor, scope) == 0:
        raise _err(divisor, f"{what}: the divisor is 0")


def names_in(node: Node) -> set[str]:
    """Every bare name an expression mentions (for cones of influence)."""
    out: set[str] = set()

    def walk(n: Node) -> None:
        if isinstance(n, Name):
            out.add(n.id)
        for child in children(n):
            walk(child)

    walk(node)
    return out


def children(n: Node) -> tuple[Node, ...]:
    if isinstance(n, Unary):
        return (n.x,)
    if isinstance(n, Binary):
        return (n.left, n.right)
    if isinstance(n, Ite):
        return (n.cond, n.then, n.other)
    if isinstance(n, In):
        return (n.x,)
    if isinstance(n, Call):
        return n.args
    return ()


# ---------------------------------------------------------------- evaluation


def majority_of(n: int) -> int:
    """Smallest count strictly greater than half of ``n``.

    >>> majority_of(145), majority_of(144)
    (73, 73)
    """
    return n // 2 + 1


def floor_div(a: int, b: int) -> int:
    """Floor division made total: dividing by zero gives 0 (as the Z3 encoding does).

    >>> floor_div(7, 2), floor_div(-7, 2), floor_div(7, -2), floor_div(7, 0)
    (3, -4, -4, 0)
    """
    return 0 if b == 0 else a // b


def share_of(p: int, q: int, n: int) -> int:
    """Smallest count that is at least ``p/q`` of ``n``.

    >>> share_of(2, 3, 145), share_of(3, 4, 145), share_of(1, 5, 145)
    (97, 109, 29)
    """
    return -floor_div(-p * n, q)


def more_than_share(p: int, q: int, n: int) -> int:
    """Smallest count strictly greater than ``p/q`` of ``n``.

    >>> more_than_share(1, 2, 20), more_than_share(1, 2, 21)
    (11, 11)
    """
    return floor_div(p * n, q) + 1


Env = Mapping[str, Value]
CallHook = Callable[[Call, Env], Value]


def evaluate(node: Node, env: Env, call_hook: CallHook | None = None) -> Value:
    """Evaluate on plain values. Names not in ``env`` are enum literals and evaluate to their name."""
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, Name):
        return env[node.id] if node.id in env else node.id
    if isinstance(node, Unary):
        x = evaluate(node.x, env, call_hook)
        return (not x) if node.op == "not" else -int(x)
    if isinstance(node, Ite):
        c = evaluate(node.cond, env, call_hook)
        return evaluate(node.then if c else node.other, env, call_hook)
    if isinstance(node, In):
        return evaluate(node.x, env, call_hook) in node.values
    if isinstance(node, Binary):
        op = node.op
        if op == "and":
            return bool(evaluate(node.left, env, call_hook)) and bool(
                evaluate(node.right, env, call_hook))
        if op == "or":
            return bool(evaluate(node.left, env, call_hook)) or bool(
                evaluate(node.right, env, call_hook))
        if op == "->":
            return (not evaluate(node.left, env, call_hook)) or bool(
                evaluate(node.right, env, call_hook))
        a = evaluate(node.left, env, call_hook)
        b = evaluate(node.right, env, call_hook)
        if op == "==":
            return a == b
        if op == "!=":
            return a != b
        x, y = int(a), int(b)
        match op:
            case "<":
                return x < y
            case "<=":
                return x <= y
            case ">":
                return x > y
            case ">=":
                return x >= y
            case "+":
                return x + y
            case "-":
                return x - y
            case "*":
                return x * y
            case "//":
                return floor_div(x, y)
        raise ValueError(op)
    if isinstance(node, Call):
        if node.fn in BUILTINS:
            vals = [int(evaluate(a, env, call_hook)) for a in node.args]
            match node.fn:
                case "majority_of":
                    return majority_of(vals[0])
                case "share_of":
                    return share_of(*vals)
                case "more_than_share":
                    return more_than_share(*vals)
                case "min":
                    return min(vals)
                case "max":
                    return max(vals)
        if call_hook is not None:
            return call_hook(node, env)
        raise ValueError(f"no evaluator for {node.fn}")
    raise ValueError(f"cannot evaluate {shown(node)}")
