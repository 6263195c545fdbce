"""Conditions: a validated condition (threshold, composite or expression text) -> expression tree.

Expression text is parsed with Python's `ast` restricted to comparisons, and/or/not, arithmetic,
names, dotted keys and literals; it is never `eval`ed. The tree is what both the compiler and the
explanations read, so a threshold written as a mapping and the same threshold written as text
(`china_import_share <= 0.2`) are the same node.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from engine import models

Loc = tuple[str | int, ...]

# comparison words of the threshold form -> operator of the tree
WORD_OPS = {
    "at_most": "<=", "at_least": ">=", "below": "<", "above": ">", "equals": "==",
    "not_equals": "!=", "one_of": "in", "none_of": "not in", "includes": "includes",
    "excludes": "excludes",
}
NEGATED = {"<": ">=", ">=": "<", "<=": ">", ">": "<=", "==": "!=", "!=": "==",
           "in": "not in", "not in": "in", "includes": "excludes", "excludes": "includes"}
_AST_OPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
            ast.NotEq: "!=", ast.In: "in", ast.NotIn: "not in"}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
# what a refused piece of an expression is, in a drafter's words rather than Python's AST names
_OP_WORDS = {ast.Is: "'is'", ast.IsNot: "'is not'"}
_NODE_WORDS = {
    ast.Call: "a function call", ast.Subscript: "indexing with [...]", ast.Dict: "a mapping",
    ast.Set: "a set", ast.Lambda: "a lambda", ast.IfExp: "an if-else expression",
    ast.JoinedStr: "an f-string", ast.NamedExpr: "an assignment (:=)", ast.Starred: "a '*'",
    ast.BoolOp: "'and' / 'or' inside a value", ast.Compare: "a comparison inside a value",
    ast.BinOp: "arithmetic other than + - * /",
    ast.UnaryOp: "an operator other than a minus sign",
    ast.ListComp: "a comprehension", ast.GeneratorExp: "a comprehension",
    ast.SetComp: "a comprehension", ast.DictComp: "a comprehension",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield",
    ast.Constant: "this constant",
}


class ConditionError(ValueError):
    """A condition that cannot be parsed; `offset` is the column inside expression text."""

    def __init__(self, message: str, loc: Loc, offset: int = 0) -> None:
        super().__init__(message)
        self.loc = loc
        self.offset = offset


@dataclass(frozen=True)
class Ref:
    """An indicator (`china_import_share`, `china_import_share_by_group.steel`) or a derived
    fact."""

    name: str


@dataclass(frozen=True)
class Lit:
    """A value written in a condition: a number, a string, a date or a list."""

    value: Any


@dataclass(frozen=True)
class Arith:
    """Arithmetic of two terms (`+ - * /`), worked out on the figures as written."""

    op: str
    left: Term
    right: Term


Term = Ref | Lit | Arith


@dataclass(frozen=True)
class Compare:
    """One comparison, where it was written (`loc`, and `offset` into an expression string):
    the leaf a verdict's explanation and a remedy work from."""

    left: Term
    op: str
    right: Term
    loc: Loc
    offset: int = 0


@dataclass(frozen=True)
class All:
    """Every item holds."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    """At least one item holds."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """The item does not hold (unknown stays unknown)."""

    item: Node


Node = Compare | All | Any_ | Not


def parse_condition(cond: models.Condition, loc: Loc) -> Node:
    """A validated condition -> expression tree. Raises ConditionError."""
    if isinstance(cond, str):
        return parse_expression(cond, loc)
    if isinstance(cond, models.Threshold):
        limit = cond.limit
        return Compare(Ref(cond.indicator), WORD_OPS[cond.comparison.value],
                       Lit(tuple(limit) if isinstance(limit, list) else limit), loc)
    if isinstance(cond, models.AllOf):
        return All(tuple(parse_condition(c, (*loc, "all", i)) for i, c in enumerate(cond.all)))
    if isinstance(cond, models.AnyOf):
        return Any_(tuple(parse_condition(c, (*loc, "any", i)) for i, c in enumerate(cond.any)))
    return Not(parse_condition(cond.not_, (*loc, "not")))


def parse_expression(text: str, loc: Loc) -> Node:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"cannot parse condition: {exc.msg}", loc,
                             max((exc.offset or 1) - 1, 0)) from None
    return _ExpressionReader(loc).boolean(tree.body)


class _ExpressionReader:
    def __init__(self, loc: Loc) -> None:
        self.loc = loc

    def fail(self, node: ast.AST, message: str) -> ConditionError:
        return ConditionError(message, self.loc, getattr(node, "col_offset", 0))

    def boolean(self, node: ast.AST) -> Node:
        if isinstance(node, ast.BoolOp):
            items = tuple(self.boolean(v) for v in node.values)
            return All(items) if isinstance(node.op, ast.And) else Any_(items)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return Not(self.boolean(node.operand))
        if isinstance(node, ast.Compare):
            return self.compare(node)
        raise self.fail(node, "expected a comparison such as `china_import_share <= 0.2`")

    def compare(self, node: ast.Compare) -> Node:
        parts, left = [], self.term(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if type(op) not in _AST_OPS:
                raise self.fail(node, f"{_OP_WORDS.get(type(op), 'this operator')} is not "
                                "allowed; compare with <, <=, >, >=, ==, !=, in or not in")
            right = self.term(right_node)
            word = _AST_OPS[type(op)]
            if word in ("in", "not in") and isinstance(left, Lit) and isinstance(right, Ref):
                word = "includes" if word == "in" else "excludes"   # 'greenfield' in scope
                left, right = right, left
            parts.append(Compare(left, word, right, self.loc, node.col_offset))
            left = right
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def term(self, node: ast.AST) -> Term:
        if isinstance(node, ast.Constant) and not isinstance(node.value, bytes | complex):
            if node.value is None or isinstance(node.value, bytes):
                raise self.fail(node, "None is not a value; a missing figure is unknown")
            return Lit(node.value)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Attribute):
            return Ref(self.dotted(node))
        if isinstance(node, ast.List | ast.Tuple):
            return Lit(tuple(self.literal(e) for e in node.elts))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.term(node.operand)
            if isinstance(inner, Lit) and isinstance(inner.value, int | float):
                return Lit(-inner.value)
            return Arith("-", Lit(0), inner)
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
            return Arith(_ARITH[type(node.op)], self.term(node.left), self.term(node.right))
        raise self.fail(node, f"{_NODE_WORDS.get(type(node), 'this expression')} is not "
                        "allowed in a condition")

    def name(self, node: ast.Name) -> Term:
        if node.id in ("true", "false"):
            return Lit(node.id == "true")
        return Ref(node.id)

    def dotted(self, node: ast.Attribute) -> str:
        if isinstance(node.value, ast.Name):
            return f"{node.value.id}.{node.attr}"
        raise self.fail(node, "only one level of dotted key is allowed (indicator.key)")

    def literal(self, node: ast.AST) -> Any:
        term = self.term(node)
        if not isinstance(term, Lit):
            raise self.fail(node, "a list may hold only literal values")
        return term.value


# --- transformations used by the compiler and the reference evaluator ------------------------

def negate(node: Node) -> Node:
    """not(node), pushed down to the comparisons (De Morgan), so no `not` is left."""
    if isinstance(node, Compare):
        return Compare(node.left, NEGATED[node.op], node.right, node.loc, node.offset)
    if isinstance(node, All):
        return Any_(tuple(negate(i) for i in node.items))
    if isinstance(node, Any_):
        return All(tuple(negate(i) for i in node.items))
    return push_not(node.item)                          # not(not x) is x


def push_not(node: Node) -> Node:
    """The same condition with every `not` pushed down onto comparisons."""
    if isinstance(node, Not):
        return negate(node.item)
    if isinstance(node, All):
        return All(tuple(push_not(i) for i in node.items))
    if isinstance(node, Any_):
        return Any_(tuple(push_not(i) for i in node.items))
    return node


def to_dnf(node: Node, max_branches: int) -> list[tuple[Compare, ...]]:
    """A not-free condition as a disjunction of conjunctions of comparisons.

    Raises ValueError past `max_branches`: each branch becomes one engine rule.
    """
    if isinstance(node, Compare):
        return _membership_dnf(node)
    if isinstance(node, Any_):
        branches = [b for item in node.items for b in to_dnf(item, max_branches)]
    elif isinstance(node, All):
        branches = [()]
        for item in node.items:
            branches = [a + b for a in branches for b in to_dnf(item, max_branches)]
            if len(branches) > max_branches:
                break
    else:
        return to_dnf(push_not(node), max_branches)
    if len(branches) > max_branches:
        raise ValueError(f"expands to more than {max_branches} alternatives")
    return branches


def _membership_dnf(node: Compare) -> list[tuple[Compare, ...]]:
    """`x in [a, b]` is two alternatives `x == a`, `x == b`; `x not in [a, b]` one conjunction."""
    values = node.right.value if isinstance(node.right, Lit) else None
    if node.op not in ("in", "not in") or not isinstance(values, tuple):
        return [(node,)]
    single = [replace(node, op="==" if node.op == "in" else "!=", right=Lit(v)) for v in values]
    return [(c,) for c in single] if node.op == "in" else [tuple(single)]


_MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def oriented(cmp: Compare) -> tuple[Term, str, Term]:
    """`limit op name` read as `name op' limit` (0.2 >= x is x <= 0.2); any other comparison
    as written."""
    if isinstance(cmp.left, Lit) and isinstance(cmp.right, Ref):
        return cmp.right, _MIRRORED.get(cmp.op, cmp.op), cmp.left
    return cmp.left, cmp.op, cmp.right


def comparisons(node: Node) -> list[Compare]:
    """Every comparison in the tree, in reading order."""
    if isinstance(node, Compare):
        return [node]
    items = (node.item,) if isinstance(node, Not) else node.items
    return [c for item in items for c in comparisons(item)]


def refs(term: Term) -> list[str]:
    if isinstance(term, Ref):
        return [term.name]
    if isinstance(term, Arith):
        return refs(term.left) + refs(term.right)
    return []


def arithmetic(op: str, left: float, right: float) -> float | None:
    """`left op right` on the numbers as written, the one arithmetic of the policy language:
    0.1 + 0.2 is 0.3, as a reader adds the figures, not the float sum 0.30000000000000004 that
    would fail a `<= 0.3` limit. Each operand is read as the decimal it was written as (a
    float's repr), the result is exact (a fraction) and then rounded once to the nearest
    float. None for a zero divisor or a result too large for a float: no finite verdict can
    rest on it."""
    if op == "/" and right == 0:
        return None
    exact = _EXACT[op](Fraction(repr(left)), Fraction(repr(right)))
    try:
        rounded = float(exact)                    # whole numbers too: none past a float
    except OverflowError:
        return None
    if exact.denominator == 1 and type(left) is int and type(right) is int:
        return exact.numerator                    # whole numbers stay whole: 3 + 4 is 7
    return rounded


_EXACT = {"+": Fraction.__add__, "-": Fraction.__sub__, "*": Fraction.__mul__,
          "/": Fraction.__truediv__}
