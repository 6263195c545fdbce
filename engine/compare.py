"""Compare: the same partners under two policies; who changes tier, score or tariff, and which
rules made the difference (a verdict that changed, or a weight that did)."""

from __future__ import annotations

import datetime as dt

from engine import api
from engine.compile import CompiledPolicy
from engine.results import Scorecard, authority_words
from engine.variant_results import Cause, Comparison, PartnerChange, Standing


def compare(variant: CompiledPolicy, baseline: CompiledPolicy, partners: list[api.Partner],
            day: dt.date | None = None) -> Comparison:
    """Every partner under `baseline` (before) and `variant` (after), ordered by code."""
    day = day or dt.date.today()
    before = api.evaluate(baseline, partners, day)
    after = api.evaluate(variant, partners, day)
    moved = moved_bounds(baseline, variant)
    changes = tuple(partner_change(b, a, moved) for b, a in zip(before.scorecards,
                                                                after.scorecards, strict=True))
    return Comparison(before.policy, after.policy, changes)


Bound = tuple[str, float, float]          # a tier moved by the variant: id, old and new bound


def moved_bounds(baseline: CompiledPolicy, variant: CompiledPolicy) -> tuple[Bound, ...]:
    old = {t.id: t.min_score for t in baseline.policy.tiers}
    return tuple((t.id, old[t.id], t.min_score) for t in variant.policy.tiers
                 if t.id in old and old[t.id] != t.min_score)


def partner_change(before: Scorecard, after: Scorecard,
                   moved: tuple[Bound, ...] = ()) -> PartnerChange:
    old, new = standing(before), standing(after)
    found = causes(before, after)
    # a moved bound matters to a partner whose new score lies between its old and new value
    crossed = ", ".join(f"{tier} {a:g} → {b:g}" for tier, a, b in moved
                        if new.score is not None and min(a, b) <= new.score < max(a, b))
    return PartnerChange(after.code, after.name, old, new, found,
                         notes(old, new, found, crossed))


def standing(card: Scorecard) -> Standing:
    outcome = card.outcome
    if outcome is None:
        return Standing(card.score, card.tier, card.tier_title, None, None, card.terms)
    return Standing(card.score, card.tier, card.tier_title, outcome.tariff_rate, outcome.status,
                    card.terms, outcome.legal_authority, outcome.effective, outcome.expires)


def notes(old: Standing, new: Standing, found: tuple[Cause, ...],
          moved: str = "") -> tuple[str, ...]:
    """What moved a partner that no rule's verdict or weight explains (a moved tier bound
    is named beside the rules: the new score may have kept the old tier under the old bar)."""
    said = []
    if old.terms != new.terms:
        said.append(f"terms in force: {', '.join(old.terms) or 'none'} → "
                    f"{', '.join(new.terms) or 'none'}")
    same_tier = old.tier == new.tier
    if same_tier and old.outcome != new.outcome:
        said.append(f"outcome of tier {new.tier}: {_tariff(old, new)} → {_tariff(new, old)}")
    if not same_tier and moved:
        said.append(f"tier bounds changed: {moved}")
    elif not same_tier and not found:
        said.append("tier bounds or caps changed")
    return tuple(said)


def _tariff(s: Standing, other: Standing) -> str:
    """A tariff in words, with its legal authority and dates when they are what changed."""
    if s.tariff_rate is None:
        return "none on record"
    words = f"{s.tariff_rate:g}% {(s.outcome_status or '').replace('_', ' ')}"
    if s.outcome[2:] != other.outcome[2:]:             # authority, effective, expires
        until = f", until {s.outcome_expires}" if s.outcome_expires else ""
        words += f" ({authority_words(s.legal_authority)}, " \
                 f"effective {s.outcome_effective or 'undated'}{until})"
    return words


_UNCOUNTED = {"not_applicable", "absent"}      # verdicts that never count in a score


def causes(before: Scorecard, after: Scorecard) -> tuple[Cause, ...]:
    """Rules whose verdict or counted weight differs, in the variant's rule order, then rules
    only the baseline has."""
    old = {f.rule: f for f in before.findings}
    new = {f.rule: f for f in after.findings}
    found = []
    for rule in [*new, *(r for r in old if r not in new)]:
        b, a = old.get(rule), new.get(rule)
        verdict_b = b.status.value if b else "absent"
        verdict_a = a.status.value if a else "absent"
        weight_b, weight_a = (b.weight if b else None), (a.weight if a else None)
        reweighted = weight_b != weight_a and verdict_a not in _UNCOUNTED
        # a rule added or dropped where it does not apply counts neither way: no cause
        if (verdict_b != verdict_a and {verdict_b, verdict_a} - _UNCOUNTED) or reweighted:
            found.append(Cause(rule, verdict_b, verdict_a, weight_b, weight_a,
                               (a or b).message))
    return tuple(found)
