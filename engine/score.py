"""Score: verdicts -> score, per-demand subscores, coverage, tier and its tariff outcome.

The only place totals are computed. Score = 100 x (weight satisfied + credit for unknowns) /
(weight judged), where "judged" follows the policy's `scoring.unknowns` setting: `exclude` leaves
unknown rules out of the denominator, `credit` counts them with `unknown_credit` of their weight.
Not-applicable rules never count; an excepted violation counts as `scoring.excepted` says (left
out by default). Coverage = weight of rules judged on known data / weight of applicable rules.
With nothing to judge there is no score and no tier (never a pass).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from engine.models import Policy, Scoring, Tier
from engine.results import Verdict


@dataclass(frozen=True)
class Weighted:
    demand: str
    weight: float
    verdict: Verdict


@dataclass(frozen=True)
class Totals:
    score: float | None
    coverage: float
    counts: dict[str, int]


_EXCEPTED_COUNTS_AS = {"excluded": Verdict.NOT_APPLICABLE, "satisfied": Verdict.SATISFIED,
                       "violated": Verdict.VIOLATED}


def counted(verdict: Verdict, scoring: Scoring) -> Verdict:
    """The verdict the score counts: an excepted violation as the policy's `excepted` says."""
    return _EXCEPTED_COUNTS_AS[scoring.excepted] if verdict == Verdict.EXCEPTED else verdict


def totals(items: list[Weighted], scoring: Scoring) -> Totals:
    counts = Counter(item.verdict.value for item in items)
    items = [Weighted(i.demand, i.weight, counted(i.verdict, scoring)) for i in items]
    known = sum(i.weight for i in items if i.verdict in (Verdict.SATISFIED, Verdict.VIOLATED))
    unknown = sum(i.weight for i in items if i.verdict == Verdict.UNKNOWN)
    earned = sum(i.weight for i in items if i.verdict == Verdict.SATISFIED)
    denominator = known
    if scoring.unknowns == "credit":
        earned += unknown * scoring.unknown_credit
        denominator += unknown
    applicable = known + unknown
    # rounded before tiering, so the score shown and the tier it gets always agree; with no
    # rule judged on known data there is no score, whatever credit unknowns get (never a pass)
    score = round(100.0 * earned / denominator, 1) if known else None
    coverage = known / applicable if applicable else 0.0
    return Totals(score, coverage, {v.value: counts.get(v.value, 0) for v in Verdict})


def demand_totals(items: list[Weighted], policy: Policy) -> dict[str, Totals]:
    return {d.id: totals([i for i in items if i.demand == d.id], policy.scoring)
            for d in policy.demands}


def tier_for(score: float | None, policy: Policy, caps: list[str] = ()) -> Tier | None:
    """The first tier (best first) whose min_score the score reaches, lowered to the worst
    tier that a violated rule's `caps_tier` allows."""
    if score is None:
        return None
    order = [t.id for t in policy.tiers]
    index = next(i for i, t in enumerate(policy.tiers) if score >= t.min_score)
    for cap in caps:
        index = max(index, order.index(cap))
    return policy.tiers[index]


def caps_applied(score: float | None, policy: Policy, caps: dict[str, str]) -> list[str]:
    """The violated rules (rule id -> capped tier) that lowered the tier the score earned."""
    earned = tier_for(score, policy)
    if earned is None:
        return []
    order = [t.id for t in policy.tiers]
    return [rule for rule, cap in caps.items() if order.index(cap) > order.index(earned.id)]
