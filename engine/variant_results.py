"""Results of compare and sweep: the plain data their reports read.

Kept apart from engine.results because only those two commands build them: `evaluate`, run
far more often, then does not define their classes (each frozen dataclass costs about a
millisecond to create at import on Python 3.11).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.results import PolicyStamp


@dataclass(frozen=True)
class Standing:
    """Where a partner stands under one policy: score, tier and tariff."""

    score: float | None
    tier: str | None
    tier_title: str | None
    tariff_rate: float | None
    outcome_status: str | None
    terms: tuple[str, ...] = ()     # the partner's own terms in force under this policy
    legal_authority: str | None = None
    outcome_effective: str | None = None     # YYYY-MM-DD, when the outcome takes effect
    outcome_expires: str | None = None       # YYYY-MM-DD, its last day (None: open-ended)

    @property
    def outcome(self) -> tuple:
        """What a partner would be told of its tariff: rate, status, authority, dates."""
        return (self.tariff_rate, self.outcome_status, self.legal_authority,
                self.outcome_effective, self.outcome_expires)


@dataclass(frozen=True)
class Cause:
    """A rule that moved a partner between two policies: its verdict or its weight changed."""

    rule: str
    before: str                # verdict under the baseline ("absent" if the rule is not there)
    after: str
    weight_before: float | None
    weight_after: float | None
    message: str               # the finding's message under the variant (or the baseline)


@dataclass(frozen=True)
class PartnerChange:
    """One partner under the baseline and the variant, and the rules (or else the notes)
    that explain the difference."""

    code: str
    name: str
    before: Standing
    after: Standing
    causes: tuple[Cause, ...]
    notes: tuple[str, ...] = ()     # changes no rule explains: outcome tables, terms, tier bounds

    @property
    def score_delta(self) -> float | None:
        if self.before.score is None or self.after.score is None:
            return None
        return round(self.after.score - self.before.score, 1)

    @property
    def tier_changed(self) -> bool:
        return self.before.tier != self.after.tier

    @property
    def outcome_changed(self) -> bool:
        return self.before.outcome != self.after.outcome

    @property
    def changed(self) -> bool:
        return self.tier_changed or self.outcome_changed or self.score_delta != 0 or \
            bool(self.causes) or bool(self.notes)


@dataclass(frozen=True)
class Comparison:
    """The result of `compare`: both policies' stamps and every partner's change."""

    before: PolicyStamp            # the baseline (--against)
    after: PolicyStamp             # the variant (--policy, with any --set)
    partners: tuple[PartnerChange, ...]


@dataclass(frozen=True)
class Flip:
    """Where a partner's tier changes along a sweep: between two swept values, and, when the
    engine can pin it, the exact value from which the new tier holds."""

    after: Any                 # the last swept value with the old tier
    before: Any                # the first swept value with the new tier
    from_tier: str | None
    to_tier: str | None
    at: Any = None             # the exact value where `to_tier` starts (None: not pinned)
    inclusive: bool = True     # `to_tier` holds at `at` itself, or only just beyond it


@dataclass(frozen=True)
class SweepRow:
    """One partner along a sweep: its tier and score at each swept value, and where its tier
    flips."""

    code: str
    name: str
    tiers: tuple[str | None, ...]
    scores: tuple[float | None, ...]
    flips: tuple[Flip, ...]


@dataclass(frozen=True)
class Sweep:
    """The result of `sweep`: the parameter, its values and one row per partner."""

    policy: PolicyStamp
    parameter: str             # e.g. transshipment-rerouting-ceiling.limit
    values: tuple[Any, ...]
    rows: tuple[SweepRow, ...]
    tiers: tuple[str, ...]     # the policy's tiers, best first
    exact: bool                # whether flip points are pinned exactly for this parameter
