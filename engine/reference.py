"""Reference: a plain-Python evaluator of the same validated policy, with no Rete engine.

Small and meant to be obviously correct: it walks each condition tree in three-valued logic
(true / false / unknown) straight from the policy, without the compiler's negation, DNF or
engine encoding. Property tests check that the Rete path gives identical verdicts, scores and
tiers; the benchmark uses it as the floor any engine is compared with.

The verdict rule it states, for a rule's requirement R:
- violated when not-R is definitely true on the known figures;
- otherwise unknown when any figure R reads is missing (or cannot be computed), or a derived
  fact R reads is undecided;
- otherwise satisfied.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from typing import Any

from engine import conditions as cx
from engine.compile import CompiledPolicy
from engine.models import IndicatorType
from engine.results import FactStatus, Verdict

_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
        "==": operator.eq, "!=": operator.ne}
Truth = bool | None


def _not(value: Truth) -> Truth:
    return None if value is None else not value


def _all(values: list[Truth]) -> Truth:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _any(values: list[Truth]) -> Truth:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


class Reference:
    def __init__(self, compiled: CompiledPolicy, code: str, values: dict[str, Any]) -> None:
        self.compiled, self.code, self.values = compiled, code, values
        self.facts: dict[tuple[str, str], FactStatus] = {}

    # --- terms and comparisons ---------------------------------------------------------------
    def value(self, term: cx.Term) -> Any:
        if isinstance(term, cx.Lit):
            return term.value
        if isinstance(term, cx.Ref):
            base, _, key = term.name.partition(".")
            found = self.values.get(base)
            return found.get(key) if key and isinstance(found, dict) else found
        left, right = self.value(term.left), self.value(term.right)
        if left is None or right is None or (term.op == "/" and right == 0):
            return None
        result = {"+": operator.add, "-": operator.sub, "*": operator.mul,
                  "/": operator.truediv}[term.op](left, right)
        return result if math.isfinite(result) else None   # an overflow decides nothing

    def compare(self, node: cx.Compare) -> Truth:
        left, right, op = node.left, node.right, node.op
        if isinstance(left, cx.Lit) and isinstance(right, cx.Ref):
            left, right = right, left
            op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
        if isinstance(left, cx.Ref) and (left.name, self.value(right)) in self.facts:
            status = self.facts[(left.name, self.value(right))]
            present = {FactStatus.CONCLUDED: True, FactStatus.ABSENT: False}.get(status)
            return present if op == "==" else _not(present)
        observed, limit = self.value(left), self.value(right)
        if observed is None or limit is None:
            return None
        observed, limit = self.comparable(left, observed, limit)
        if op == "in":
            return observed in limit
        if op == "not in":
            return observed not in limit
        if op == "includes":
            return limit in observed
        if op == "excludes":
            return limit not in observed
        return _OPS[op](observed, limit)

    def comparable(self, term: cx.Term, observed: Any, limit: Any) -> tuple[Any, Any]:
        """Ordered enums compare by rank, dates as dates."""
        if not isinstance(term, cx.Ref):
            return observed, limit
        indicator = self.compiled.catalog.indicators.get(term.name.partition(".")[0])
        if indicator is None:
            return observed, limit
        if indicator.type == IndicatorType.ENUM and indicator.ordered and \
                not isinstance(limit, tuple):
            return indicator.values.index(observed), indicator.values.index(limit)
        if indicator.type == IndicatorType.DATE and not isinstance(limit, dt.date):
            return observed, dt.date.fromisoformat(str(limit))
        return observed, limit

    def truth(self, node: cx.Node) -> Truth:
        if isinstance(node, cx.Compare):
            return self.compare(node)
        if isinstance(node, cx.Not):
            return _not(self.truth(node.item))
        results = [self.truth(item) for item in node.items]
        return _all(results) if isinstance(node, cx.All) else _any(results)

    # --- decisions ---------------------------------------------------------------------------
    def undecided(self, node: cx.Node) -> bool:
        """Some figure the condition reads is missing, or a derived fact it reads is undecided."""
        for cmp in cx.comparisons(node):
            for term in (cmp.left, cmp.right):
                for name in cx.refs(term):
                    fact = (name, self.value(cmp.right if term is cmp.left else cmp.left))
                    if fact in self.facts:
                        if self.facts[fact] == FactStatus.UNKNOWN:
                            return True
                    elif self.value(cx.Ref(name)) is None:
                        return True
                if isinstance(term, cx.Arith) and self.value(term) is None:
                    return True
        return False

    def holds(self, node: cx.Node) -> FactStatus:
        if self.truth(node) is True:
            return FactStatus.CONCLUDED
        return FactStatus.UNKNOWN if self.undecided(node) else FactStatus.ABSENT

    def derive(self) -> None:
        order = {FactStatus.ABSENT: 0, FactStatus.UNKNOWN: 1, FactStatus.CONCLUDED: 2}
        for fact in {d.derivation.fact for d in self.compiled.derivations.values()}:
            self.facts[fact] = FactStatus.ABSENT
        for d_id in self.compiled.derivation_order:
            d = self.compiled.derivations[d_id]
            status = self.holds(d.when.tree)
            fact = d.derivation.fact
            if order[status] > order[self.facts[fact]]:
                self.facts[fact] = status

    def verdict(self, rule_id: str) -> Verdict:
        rule = self.compiled.rules[rule_id].rule
        scope = rule.applies_to
        if scope is not None and (scope.partners is not None or scope.groups is not None):
            members = set(scope.partners or [])
            for group in scope.groups or []:
                members |= set(self.compiled.policy.groups[group])
            if self.code not in members:
                return Verdict.NOT_APPLICABLE
        if scope is not None and scope.when is not None:
            applies = self.holds(cx.parse_condition(scope.when, ()))
            if applies == FactStatus.ABSENT:
                return Verdict.NOT_APPLICABLE
            if applies == FactStatus.UNKNOWN:
                return Verdict.UNKNOWN
        tree = cx.parse_condition(rule.require, ())
        if _not(self.truth(tree)) is True:
            return Verdict.VIOLATED
        return Verdict.UNKNOWN if self.undecided(tree) else Verdict.SATISFIED


def reference_verdicts(compiled: CompiledPolicy, code: str,
                       values: dict[str, Any]) -> dict[str, Verdict]:
    ref = Reference(compiled, code, values)
    ref.derive()
    return {rule_id: ref.verdict(rule_id) for rule_id in compiled.rules}


def reference_score(compiled: CompiledPolicy, verdicts: dict[str, Verdict]) -> float | None:
    """Score and tier by the written formula, independent of engine.score."""
    scoring = compiled.policy.scoring
    earned = judged = 0.0
    for rule_id, verdict in verdicts.items():
        weight = float(compiled.rules[rule_id].rule.weight)
        if verdict == Verdict.SATISFIED:
            earned, judged = earned + weight, judged + weight
        elif verdict == Verdict.VIOLATED:
            judged += weight
        elif verdict == Verdict.UNKNOWN and scoring.unknowns == "credit":
            earned += weight * scoring.unknown_credit
            judged += weight
    return round(100.0 * earned / judged, 1) if judged else None


def reference_tier(compiled: CompiledPolicy, score: float | None,
                   verdicts: dict[str, Verdict]) -> str | None:
    """The best tier the score reaches, then no better than any violated rule's cap."""
    if score is None:
        return None
    ids = [t.id for t in compiled.policy.tiers]
    earned = next(i for i, t in enumerate(compiled.policy.tiers) if score >= t.min_score)
    caps = [ids.index(compiled.rules[r].rule.caps_tier) for r, v in verdicts.items()
            if v == Verdict.VIOLATED and compiled.rules[r].rule.caps_tier]
    return ids[max([earned, *caps])]
