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

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from engine.compile import Check, CompiledPolicy, CompiledRule
from engine.evaluate import lookup
from engine.results import FactStatus, Verdict

Facts = dict[tuple[str, str], FactStatus]


def truth(check: Check, values: dict[str, Any], fired: set[str]) -> bool | None:
    """True, False, or None (the missing figures could go either way)."""
    return _truth(check, fired, unknown_reads(check.reads, values))


def _truth(check: Check, fired: set[str], unknown: set[str] | frozenset[str]) -> bool | None:
    """truth() with the unknown figures worked out once for all the policy's conditions."""
    if not fired.isdisjoint(check.when_true):
        return True
    if not fired.isdisjoint(check.when_false):
        return False
    if check.both or not check.reads.isdisjoint(unknown):
        return None
    return not check.when_true      # one polarity compiled, its field known, it did not fire


def unknown_reads(reads: Iterable[str], values: dict[str, Any]) -> set[str]:
    """The names among `reads` (indicators, `map.key`, computed fields) without a value."""
    return {name for name in reads if lookup(values, name) is None}


def fact_statuses(compiled: CompiledPolicy, values: dict[str, Any], fired: set[str],
                  unknown: set[str] | None = None) -> Facts:
    """Every derived fact: concluded if some inference concluding it is true, not concluded
    if all of them are false, unknown otherwise. Dependencies first."""
    if unknown is None:
        unknown = unknown_in(verdict_plan(compiled), values)
    results: dict[tuple[str, str], list[bool | None]] = {}
    facts: Facts = {}
    for d_id in compiled.derivation_order:
        derivation = compiled.derivations[d_id]
        fact = derivation.derivation.fact
        results.setdefault(fact, []).append(_truth(derivation.when, fired, unknown))
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
    unknown = unknown_in(verdict_plan(compiled), values)
    kinds = {FactStatus.CONCLUDED: "derived", FactStatus.ABSENT: "absent"}

    def follow(fired: set[str]) -> list[tuple[str, str, str]]:
        return [(kinds[status], name, value)
                for (name, value), status in fact_statuses(compiled, values, fired,
                                                           unknown).items()
                if status in kinds]

    return follow


def verdict(rule: CompiledRule, code: str, values: dict[str, Any], fired: set[str],
            facts: Facts, unknown: set[str] | None = None) -> Verdict:
    if rule.applies_partners is not None and code not in rule.applies_partners:
        return Verdict.NOT_APPLICABLE
    if unknown is None:
        unknown = unknown_reads(rule.require.reads | (rule.applies_when.reads
                                                      if rule.applies_when else set()), values)
    if rule.applies_when is not None:
        applies = _truth(rule.applies_when, fired, unknown)
        if applies is False:
            return Verdict.NOT_APPLICABLE
        if applies is None:
            return Verdict.UNKNOWN
    return _HOLDS[_truth(rule.require, fired, unknown)]


_HOLDS = {True: Verdict.SATISFIED, False: Verdict.VIOLATED, None: Verdict.UNKNOWN}
_UNKNOWN = Verdict.UNKNOWN    # an enum member is a slow attribute in a loop run per rule


@dataclass(frozen=True)
class VerdictPlan:
    """Verdicts worked out once per policy, so that one evaluation only applies what fired.

    A rule without a scope is decided by its own firings: while none fires it has the verdict
    in `template` (satisfied for a one-field condition whose field is known, which compiles
    only its violation; unknown for one compiled in both polarities), a firing sets the verdict
    in `on_fire`, and a missing figure it reads makes a one-field rule unknown (`on_unknown`).
    Rules with a scope are judged one by one (`judged`)."""

    template: dict[str, Verdict]
    on_fire: dict[str, tuple[str, Verdict]]
    fire_names: frozenset[str]
    on_unknown: dict[str, tuple[str, ...]]
    judged: tuple[tuple[str, CompiledRule], ...]
    reads: frozenset[str]          # every name any condition of the policy reads
    keyed_reads: tuple[str, ...]   # those of them that read a key of a map (`name.key`)


def unknown_in(plan: VerdictPlan, values: dict[str, Any]) -> set[str] | frozenset[str]:
    """unknown_reads(plan.reads, values), mostly one set difference: values never hold None
    for a plain name (a figure without a value is left out), but a caller's dict might."""
    if None in values.values():
        return unknown_reads(plan.reads, values)
    unknown = plan.reads.difference(values)
    known_keys = [name for name in plan.keyed_reads if lookup(values, name) is not None]
    return unknown.difference(known_keys) if known_keys else unknown


def verdict_plan(compiled: CompiledPolicy) -> VerdictPlan:
    return compiled.plan("verdicts", _build_verdict_plan)


def _build_verdict_plan(compiled: CompiledPolicy) -> VerdictPlan:
    template: dict[str, Verdict] = {}
    on_fire: dict[str, tuple[str, Verdict]] = {}
    on_unknown: dict[str, list[str]] = {}
    judged = []
    for rule_id, rule in compiled.rules.items():
        check = rule.require
        if rule.applies_partners is not None or rule.applies_when is not None:
            template[rule_id] = Verdict.UNKNOWN          # placeholder, keeps the rules' order
            judged.append((rule_id, rule))
            continue
        # what truth() says when nothing fired and every figure is known
        template[rule_id] = Verdict.UNKNOWN if check.both else _HOLDS[not check.when_true]
        on_fire.update({name: (rule_id, Verdict.SATISFIED) for name in check.when_true})
        on_fire.update({name: (rule_id, Verdict.VIOLATED) for name in check.when_false})
        for name in check.reads if not check.both else ():
            on_unknown.setdefault(name, []).append(rule_id)
    checks = [c for r in compiled.rules.values() for c in (r.require, r.applies_when) if c] + \
        [d.when for d in compiled.derivations.values()]
    reads = frozenset(n for c in checks for n in c.reads)
    return VerdictPlan(template, on_fire, frozenset(on_fire),
                       {n: tuple(ids) for n, ids in on_unknown.items()}, tuple(judged), reads,
                       tuple(sorted(n for n in reads if "." in n)))


def verdicts(compiled: CompiledPolicy, code: str, values: dict[str, Any],
             fired: set[str]) -> tuple[dict[str, Verdict], Facts]:
    plan = verdict_plan(compiled)
    unknown = unknown_in(plan, values)
    facts = fact_statuses(compiled, values, fired, unknown) if compiled.derivations else {}
    result = dict(plan.template)
    for name in unknown:
        for rule_id in plan.on_unknown.get(name, ()):
            result[rule_id] = _UNKNOWN
    # a firing decides (and a one-field rule that fired had its field): (rule, verdict) pairs
    result.update(map(plan.on_fire.__getitem__, plan.fire_names.intersection(fired)))
    for rule_id, rule in plan.judged:
        result[rule_id] = verdict(rule, code, values, fired, facts, unknown)
    return result, facts
