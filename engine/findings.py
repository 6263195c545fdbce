"""Findings: fired engine rules + which figures are known -> one verdict per rule.

The engine cannot say "I could not judge": a missing field makes every comparison false, so a
violation rule stays silent. The verdict is therefore decided here (shared/DURABLE-RULES.md §4):
- not_applicable: the partner is outside the rule's scope;
- violated: some alternative of the violation condition fired (it fired on known data, so this
  is certain even if other figures are missing);
- unknown: nothing fired, but a figure the rule reads is missing, or a derived fact it reads
  could not be decided;
- satisfied: nothing fired and everything it reads is known.
"No rule fired" never by itself means satisfied.
"""

from __future__ import annotations

from typing import Any

from engine.compile import Check, CompiledPolicy, CompiledRule
from engine.evaluate import lookup
from engine.results import FactStatus, Verdict


def fact_statuses(compiled: CompiledPolicy, values: dict[str, Any],
                  fired: set[str]) -> dict[tuple[str, str], FactStatus]:
    """Status of every derived fact, dependencies first."""
    facts: dict[tuple[str, str], FactStatus] = {}
    for d_id in compiled.derivation_order:
        derivation = compiled.derivations[d_id]
        status = check_status(derivation.when, values, fired, facts)
        fact = derivation.derivation.fact
        facts[fact] = _strongest(facts.get(fact), status)
    return facts


def _strongest(old: FactStatus | None, new: FactStatus) -> FactStatus:
    order = [FactStatus.ABSENT, FactStatus.UNKNOWN, FactStatus.CONCLUDED]
    return new if old is None or order.index(new) > order.index(old) else old


def check_status(check: Check, values: dict[str, Any], fired: set[str],
                 facts: dict[tuple[str, str], FactStatus]) -> FactStatus:
    """Did a condition's branches fire, and if not, could missing data have hidden a firing?"""
    if any(branch in fired for branch in check.branches):
        return FactStatus.CONCLUDED
    if missing(check, values) or any(facts.get(f) == FactStatus.UNKNOWN
                                     for f in check.derived_reads):
        return FactStatus.UNKNOWN
    return FactStatus.ABSENT


def missing(check: Check, values: dict[str, Any]) -> list[str]:
    return sorted(name for name in check.reads if lookup(values, name) is None)


def verdict(rule: CompiledRule, code: str, values: dict[str, Any], fired: set[str],
            facts: dict[tuple[str, str], FactStatus]) -> Verdict:
    if rule.applies_partners is not None and code not in rule.applies_partners:
        return Verdict.NOT_APPLICABLE
    if rule.applies_when is not None:
        scope = check_status(rule.applies_when, values, fired, facts)
        if scope == FactStatus.ABSENT:
            return Verdict.NOT_APPLICABLE
        if scope == FactStatus.UNKNOWN:
            return Verdict.UNKNOWN
    status = check_status(rule.require, values, fired, facts)
    return {FactStatus.CONCLUDED: Verdict.VIOLATED, FactStatus.UNKNOWN: Verdict.UNKNOWN,
            FactStatus.ABSENT: Verdict.SATISFIED}[status]


def verdicts(compiled: CompiledPolicy, code: str, values: dict[str, Any],
             fired: set[str]) -> tuple[dict[str, Verdict], dict[tuple[str, str], FactStatus]]:
    facts = fact_statuses(compiled, values, fired)
    return ({rule_id: verdict(rule, code, values, fired, facts)
             for rule_id, rule in compiled.rules.items()}, facts)
