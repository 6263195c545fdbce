"""Findings: fired engine rules + which figures are known -> one verdict per rule.

Every condition is judged in three values from what fired in the Rete network: true when one
of its own branches fired, false when a branch of its negation fired, unknown when neither did
because figures it needs are missing. (A condition on a single fact field compiles one
polarity only: it is decided exactly when that field is present.) So:
- not_applicable: the partner is outside the rule's scope (its partners/groups, or its
  `applies_to.when` is false);
- violated: the requirement is false on the known figures;
- satisfied: the requirement is true on the known figures, even if others are missing;
- unknown: the missing figures could make it go either way.
"No rule fired" never by itself means satisfied.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.compile import Check, CompiledPolicy, CompiledRule
from engine.evaluate import lookup
from engine.results import FactStatus, Verdict

Facts = dict[tuple[str, str], FactStatus]


def missing(check: Check, values: dict[str, Any]) -> list[str]:
    return sorted(name for name in check.reads if lookup(values, name) is None)


def truth(check: Check, values: dict[str, Any], fired: set[str]) -> bool | None:
    """True, False, or None (the missing figures could go either way)."""
    if any(branch in fired for branch in check.when_true):
        return True
    if any(branch in fired for branch in check.when_false):
        return False
    if check.both or missing(check, values):
        return None
    return not check.when_true      # one polarity compiled, its field known, it did not fire


def fact_statuses(compiled: CompiledPolicy, values: dict[str, Any], fired: set[str]) -> Facts:
    """Every derived fact: concluded if some inference concluding it is true, not concluded
    if all of them are false, unknown otherwise. Dependencies first."""
    results: dict[tuple[str, str], list[bool | None]] = {}
    facts: Facts = {}
    for d_id in compiled.derivation_order:
        derivation = compiled.derivations[d_id]
        fact = derivation.derivation.fact
        results.setdefault(fact, []).append(truth(derivation.when, values, fired))
        facts[fact] = _fact_status(results[fact])
    return facts


def _fact_status(truths: list[bool | None]) -> FactStatus:
    if any(t is True for t in truths):
        return FactStatus.CONCLUDED
    if all(t is False for t in truths):
        return FactStatus.ABSENT
    return FactStatus.UNKNOWN


def follower(compiled: CompiledPolicy,
             values: dict[str, Any]) -> Callable[[set[str]], list[tuple[str, str, str]]] | None:
    """What the Rete adapter asserts back after each round: the derived facts decided so far,
    as concluded ("derived") or decided not to hold ("absent")."""
    if not compiled.derivations:
        return None

    def follow(fired: set[str]) -> list[tuple[str, str, str]]:
        kinds = {FactStatus.CONCLUDED: "derived", FactStatus.ABSENT: "absent"}
        return [(kinds[status], name, value)
                for (name, value), status in fact_statuses(compiled, values, fired).items()
                if status in kinds]

    return follow


def verdict(rule: CompiledRule, code: str, values: dict[str, Any], fired: set[str],
            facts: Facts) -> Verdict:
    if rule.applies_partners is not None and code not in rule.applies_partners:
        return Verdict.NOT_APPLICABLE
    if rule.applies_when is not None:
        applies = truth(rule.applies_when, values, fired)
        if applies is False:
            return Verdict.NOT_APPLICABLE
        if applies is None:
            return Verdict.UNKNOWN
    holds = truth(rule.require, values, fired)
    return {True: Verdict.SATISFIED, False: Verdict.VIOLATED, None: Verdict.UNKNOWN}[holds]


def verdicts(compiled: CompiledPolicy, code: str, values: dict[str, Any],
             fired: set[str]) -> tuple[dict[str, Verdict], Facts]:
    facts = fact_statuses(compiled, values, fired)
    return ({rule_id: verdict(rule, code, values, fired, facts)
             for rule_id, rule in compiled.rules.items()}, facts)
