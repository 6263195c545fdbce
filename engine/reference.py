"""Reference: a plain-Python evaluator of the same validated policy, with no Rete engine.

Small and meant to be obviously correct: it walks each condition tree in three-valued logic
(true / false / unknown) straight from the policy, without the compiler's negation, DNF or
engine encoding. Property tests check that the Rete path gives identical verdicts, scores and
tiers; the benchmark uses it as the floor any engine is compared with.

The verdicts it states, in Kleene's three-valued logic:
- a rule is violated when its requirement is false on the known figures, satisfied when it is
  true on them, unknown when the missing figures could make it either;
- a derived fact is concluded when some inference concluding it is true, not concluded when all
  of them are false, unknown otherwise (an unknown fact makes comparisons on it unknown);
- a rule whose `applies_to.when` is false does not apply; unknown scope, unknown verdict.
"""

from __future__ import annotations

import datetime as dt
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
        if left is None or right is None:
            return None
        return cx.arithmetic(term.op, left, right)   # the language's arithmetic, as written

    def compare(self, node: cx.Compare) -> Truth:
        """One comparison on the known figures; None when a figure it needs is missing."""
        left, op, right = cx.oriented(node)
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
    def derive(self) -> None:
        truths: dict[tuple[str, str], list[Truth]] = {}
        for d_id in self.compiled.derivation_order:
            d = self.compiled.derivations[d_id]
            fact = d.derivation.fact
            truths.setdefault(fact, []).append(self.truth(d.when.tree))
            results = truths[fact]
            self.facts[fact] = (FactStatus.CONCLUDED if True in results else
                                FactStatus.ABSENT if all(r is False for r in results) else
                                FactStatus.UNKNOWN)

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
            applies = self.truth(cx.parse_condition(scope.when, ()))
            if applies is not True:
                return Verdict.NOT_APPLICABLE if applies is False else Verdict.UNKNOWN
        holds = self.truth(cx.parse_condition(rule.require, ()))
        return {True: Verdict.SATISFIED, False: Verdict.VIOLATED, None: Verdict.UNKNOWN}[holds]


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
    known = sum(float(compiled.rules[r].rule.weight) for r, v in verdicts.items()
                if v in (Verdict.SATISFIED, Verdict.VIOLATED))
    return round(100.0 * earned / judged, 1) if known else None


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
