"""Score: verdicts -> score, per-demand subscores, coverage, tier and its tariff outcome.

The only place totals are computed. Score = 100 x (weight satisfied + credit for unknowns) /
(weight judged), where "judged" follows the policy's `scoring.unknowns` setting: `exclude` leaves
unknown rules out of the denominator, `credit` counts them with `unknown_credit` of their weight.
Not-applicable rules never count; an excepted violation counts as `scoring.excepted` says (left
out by default). Coverage = weight of rules judged on known data / weight of applicable rules.
With nothing to judge there is no score and no tier (never a pass).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import countOf, itemgetter
from typing import NamedTuple

from engine.compile import CompiledPolicy
from engine.models import Policy, Scoring, Tier
from engine.results import Verdict


@dataclass(frozen=True)
class Weighted:
    """A rule's verdict with the weight and demand it counts toward."""

    demand: str
    weight: float
    verdict: Verdict


class Totals(NamedTuple):                  # made per evaluation: cheaper than a dataclass
    score: float | None
    coverage: float
    counts: dict[str, int]


_EXCEPTED_COUNTS_AS = {"excluded": Verdict.NOT_APPLICABLE, "satisfied": Verdict.SATISFIED,
                       "violated": Verdict.VIOLATED}


def counted(verdict: Verdict, scoring: Scoring) -> Verdict:
    """The verdict the score counts: an excepted violation as the policy's `excepted` says."""
    return _EXCEPTED_COUNTS_AS[scoring.excepted] if verdict == Verdict.EXCEPTED else verdict


def totals(items: list[Weighted], scoring: Scoring) -> Totals:
    counts = dict.fromkeys(_VERDICTS, 0)
    known = unknown = earned = 0          # summed in the items' order, as always
    for item in items:
        verdict, weight = item.verdict, item.weight
        counts[verdict] += 1
        if verdict is _EXCEPTED:          # counted as the policy's `excepted` says
            verdict = counted(verdict, scoring)
        if verdict is _SATISFIED:
            known += weight
            earned += weight
        elif verdict is _VIOLATED:
            known += weight
        elif verdict is _UNKNOWN:
            unknown += weight
    return _totals({value: counts[v] for v, value in _VERDICTS.items()}, known, unknown,
                   earned, scoring)


def _totals(counts: dict[str, int], known: float, unknown: float, earned: float,
            scoring: Scoring) -> Totals:
    """`counts`: verdict value -> how many, in the order of Verdict."""
    denominator = known
    if scoring.unknowns == "credit":
        earned += unknown * scoring.unknown_credit
        denominator += unknown
    applicable = known + unknown
    # rounded before tiering, so the score shown and the tier it gets always agree; with no
    # rule judged on known data there is no score, whatever credit unknowns get (never a pass)
    score = round(100.0 * earned / denominator, 1) if known else None
    coverage = known / applicable if applicable else 0.0
    return Totals(score, coverage, counts)


# looked up once: an enum member or its .value is a slow attribute in a loop run per rule
_VERDICTS = {v: v.value for v in Verdict}
_SATISFIED, _VIOLATED, _UNKNOWN = Verdict.SATISFIED, Verdict.VIOLATED, Verdict.UNKNOWN
_NOT_APPLICABLE, _EXCEPTED = Verdict.NOT_APPLICABLE, Verdict.EXCEPTED


@dataclass(frozen=True)
class WeightPlan:
    """Per rule, its Weighted for each verdict (immutable, so shared by every evaluation);
    when every weight is whole, each weight with what picks its rules' verdicts out of the
    verdicts in rule order (None: every rule has that weight), else None; the tier each
    capping rule caps at; the rule ids in order."""

    weighted: dict[str, dict[Verdict, Weighted]]
    by_weight: tuple[tuple[int, Callable[[tuple], tuple] | None], ...] | None
    caps: dict[str, str]
    ids: tuple[str, ...]


def weight_plan(compiled: CompiledPolicy) -> WeightPlan:
    return compiled.plan("weights", _build_weight_plan)


def _build_weight_plan(compiled: CompiledPolicy) -> WeightPlan:
    rules = {r_id: r.rule for r_id, r in compiled.rules.items()}
    groups: dict[int, list[str]] = {}
    for r_id, rule in rules.items():
        groups.setdefault(rule.weight, []).append(r_id)
    whole = all(type(rule.weight) is int for rule in rules.values())
    position = {r_id: i for i, r_id in enumerate(rules)}
    return WeightPlan(
        {r_id: {v: Weighted(rule.demand, rule.weight, v) for v in Verdict}
         for r_id, rule in rules.items()},
        tuple((w, None if len(groups) == 1 else _picker([position[r] for r in ids]))
              for w, ids in groups.items()) if whole else None,
        {r_id: rule.caps_tier for r_id, rule in rules.items() if rule.caps_tier},
        tuple(rules))


def _picker(positions: list[int]) -> Callable[[tuple], tuple]:
    """The items at these positions, as a tuple (itemgetter gives a bare item for one)."""
    if len(positions) == 1:
        return lambda values, at=positions[0]: (values[at],)
    return itemgetter(*positions)


def weighted_verdicts(compiled: CompiledPolicy, verdicts: dict[str, Verdict]) -> list[Weighted]:
    plan = weight_plan(compiled)
    return list(map(dict.__getitem__, map(plan.weighted.__getitem__, verdicts),
                    verdicts.values()))


def caps_of(compiled: CompiledPolicy, verdicts: dict[str, Verdict]) -> dict[str, str]:
    """The violated rules that cap the tier (rule -> tier)."""
    caps = weight_plan(compiled).caps
    if not caps:
        return {}
    # an excepted violation caps only when the policy still counts it as violated
    capping = (_VIOLATED, _EXCEPTED) if compiled.policy.scoring.excepted == "violated" else \
        (_VIOLATED,)
    return {r: tier for r, tier in caps.items() if verdicts.get(r) in capping}


def verdict_totals(compiled: CompiledPolicy, verdicts: dict[str, Verdict]) -> Totals:
    """totals() of the weighted verdicts under the policy's scoring. With whole weights it
    counts verdicts per weight (in C, not rule by rule in Python), without building the
    weighted list: the sums are then the same exact integers."""
    plan = weight_plan(compiled)
    scoring = compiled.policy.scoring
    values = tuple(verdicts.values())
    # the plan picks verdicts by position: only for every rule in the policy's order (as the
    # engine's verdicts come), else rule by rule
    if plan.by_weight is None or tuple(verdicts) != plan.ids or _EXCEPTED in values:
        return totals(weighted_verdicts(compiled, verdicts), scoring)
    satisfied = violated = unknowns = known = unknown = earned = 0
    for weight, pick in plan.by_weight:
        group = values if pick is None else pick(values)
        n_satisfied, n_violated = countOf(group, _SATISFIED), countOf(group, _VIOLATED)
        n_unknown = countOf(group, _UNKNOWN)
        satisfied += n_satisfied
        violated += n_violated
        unknowns += n_unknown
        known += weight * (n_satisfied + n_violated)
        earned += weight * n_satisfied
        unknown += weight * n_unknown
    # no excepted verdict reaches here; the rest are not applicable
    counts = dict.fromkeys(_VERDICTS.values(), 0)       # every verdict, in Verdict's order
    counts[_VERDICTS[_SATISFIED]], counts[_VERDICTS[_VIOLATED]] = satisfied, violated
    counts[_VERDICTS[_UNKNOWN]] = unknowns
    counts[_VERDICTS[_NOT_APPLICABLE]] = len(verdicts) - satisfied - violated - unknowns
    return _totals(counts, known, unknown, earned, scoring)


def scored(compiled: CompiledPolicy,
           verdicts: dict[str, Verdict]) -> tuple[Totals, Tier | None, dict[str, str]]:
    """A set of verdicts under the policy: its totals, its tier (caps applied) and the caps."""
    caps = caps_of(compiled, verdicts)
    total = verdict_totals(compiled, verdicts)
    return total, tier_for(total.score, compiled.policy, list(caps.values())), caps


def demand_totals(items: list[Weighted], policy: Policy) -> dict[str, Totals]:
    by_demand: dict[str, list[Weighted]] = {d.id: [] for d in policy.demands}
    for item in items:                       # each demand's items in their order
        if item.demand in by_demand:
            by_demand[item.demand].append(item)
    return {d: totals(demand_items, policy.scoring) for d, demand_items in by_demand.items()}


def tier_for(score: float | None, policy: Policy, caps: list[str] = ()) -> Tier | None:
    """The first tier (best first) whose min_score the score reaches, lowered to the worst
    tier that a violated rule's `caps_tier` allows."""
    if score is None:
        return None
    tiers = policy.tiers
    index = 0
    while score < tiers[index].min_score:      # the last tier starts at 0
        index += 1
    if caps:
        order = [t.id for t in tiers]
        for cap in caps:
            index = max(index, order.index(cap))
    return tiers[index]


def caps_applied(score: float | None, policy: Policy, caps: dict[str, str]) -> list[str]:
    """The violated rules (rule id -> capped tier) that lowered the tier the score earned."""
    earned = tier_for(score, policy)
    if earned is None:
        return []
    order = [t.id for t in policy.tiers]
    return [rule for rule, cap in caps.items() if order.index(cap) > order.index(earned.id)]
