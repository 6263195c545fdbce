"""Results: the plain data every step after evaluation hands on, and reports read.

Frozen dataclasses with no behaviour beyond naming things, so a report can only format them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    VIOLATED = "violated"
    SATISFIED = "satisfied"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"
    EXCEPTED = "excepted"          # violated, but an exception granted to the partner covers it


class FactStatus(StrEnum):
    CONCLUDED = "concluded"
    ABSENT = "not_concluded"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Provenance:
    """Where a partner's figure comes from: its year and source, or that it is illustrative
    (invented for the model), with the profile's note."""

    year: int | str | None
    source: str | None
    illustrative: bool
    note: str | None = None


@dataclass(frozen=True)
class Observation:
    """One indicator as the partner's profile gives it (value None = unknown)."""

    indicator: str
    label: str
    value: Any
    shown: str
    provenance: Provenance | None


@dataclass(frozen=True)
class Check:
    """One comparison of a rule with its numbers: observed vs limit, and the margin."""

    indicator: str
    comparison: str
    observed: Any
    limit: Any
    margin: float | None
    holds: bool | None        # None = cannot judge (missing data)
    text: str
    # the same numbers in the indicator's unit ("36.5%", "16.5 points"), for reports that
    # draw observed against limit; "" when there is nothing to show
    observed_shown: str = ""
    limit_shown: str = ""
    margin_shown: str = ""


@dataclass(frozen=True)
class Because:
    """A derived fact that a finding rests on, with the chain that concluded it."""

    fact: str
    value: str
    status: FactStatus
    derived_by: tuple[str, ...]
    observed: dict[str, Any]
    because: tuple[Because, ...] = ()
    shown: dict[str, str] = field(default_factory=dict)   # observed values in their units


@dataclass(frozen=True)
class ExceptionNote:
    """An exception (waiver) the policy grants this partner for this rule, and its state on the
    evaluation date: active (it applies), expired, or not yet granted."""

    id: str
    justification: str
    granted: str
    expires: str | None
    state: str
    applied: bool              # it turned a violation into `excepted`
    would_be: str              # the verdict without it


@dataclass(frozen=True)
class Finding:
    """One rule's verdict for one partner, explained: the figures it read, its limit and
    margin, a message in words, each comparison (`checks`), the derived facts it rests on
    (`because`), and any exception or partner terms that shaped it."""

    rule: str
    demand: str
    title: str
    status: Verdict
    severity: str
    weight: float
    observed: dict[str, Any]
    limit: Any
    margin: float | None
    message: str
    sources: tuple[str, ...]
    because: tuple[Because, ...] = ()
    checks: tuple[Check, ...] = ()
    limit_basis: str | None = None
    exception: ExceptionNote | None = None
    terms: tuple[str, ...] = ()    # the partner's terms that set this rule


# a legal authority as a reader knows it, for every report and message that names one
AUTHORITY = {"ieepa": "IEEPA", "section_232": "Section 232", "section_301": "Section 301",
             "section_122": "Section 122", "ad_cvd": "AD/CVD",
             "unspecified": "no stated legal authority"}


def authority_words(authority: str | None) -> str:
    """'Section 122' for section_122; none stated reads as the policy's `unspecified`."""
    authority = authority or "unspecified"
    return AUTHORITY.get(authority, authority)


@dataclass(frozen=True)
class Outcome:
    """The tariff a tier carries on the evaluation date, with its legal authority, its dates
    and its status (in force, threatened, struck down...)."""

    tariff_rate: float
    legal_authority: str
    effective: str | None        # the day its status began
    expires: str | None          # the last day it is in force (a history's next entry may follow)
    review: str | None
    status: str
    note: str | None


@dataclass(frozen=True)
class DemandScore:
    """A demand's own score (None when nothing under it was judged on known data) and its
    verdict counts."""

    demand: str
    title: str
    score: float | None
    counts: dict[str, int]


@dataclass(frozen=True)
class Change:
    """One figure a remedy moves: from its current value to a hypothetical target."""

    indicator: str                # an indicator, or `map.key` for one key of a share map
    label: str
    current: Any
    target: Any
    shown_current: str
    shown_target: str
    cost: float
    rules: tuple[str, ...]        # the violated rules this change is part of fixing
    provenance: Provenance | None = None    # of the current figure; the target has none


class RemedyStatus(StrEnum):
    FOUND = "found"                    # a verified set of changes reaches the target tier
    TOP_TIER = "top_tier"              # already in the best tier: nothing to reach
    UNRATED = "unrated"                # no score: nothing was judged on known data
    NONE = "none"                      # no change of the partner's own figures reaches it
    UNKNOWN_DATA = "unknown_data"      # out of reach unless missing figures become known
    SEARCH_CAP = "search_cap"          # the bounded search stopped before finding one


@dataclass(frozen=True)
class RemedyPlan:
    """The cheapest set of changes that reaches the next tier, verified by re-judging."""

    status: RemedyStatus
    target: str | None                 # the tier aimed at (the next better one)
    target_title: str | None
    measure: str                       # the cost measure, in words
    changes: tuple[Change, ...] = ()
    cost: float | None = None
    reached_tier: str | None = None    # the tier the changed profile gets from the engine
    reached_score: float | None = None
    reached_coverage: float | None = None   # of the changed profile: its score rests on this
    reached_provisional: bool = False  # that coverage is under the policy's min_coverage
    fixed_rules: tuple[str, ...] = ()        # violated before, satisfied after
    scoped_out: tuple[str, ...] = ()         # violated before, not applicable after
    newly_violated: tuple[str, ...] = ()     # side effects: satisfied before, violated after
    reason: str | None = None          # why there is none
    missing: tuple[str, ...] = ()      # figures whose absence blocks a remedy
    judged: int = 0                    # changed profiles the engine judged in the search


@dataclass(frozen=True)
class Scorecard:
    """One partner under one policy: score, tier, tariff outcome, every finding, the
    figures read, and (when asked for) the remedies that reach the next tier."""

    code: str
    name: str
    score: float | None
    tier: str | None
    tier_title: str | None
    outcome: Outcome | None
    coverage: float
    provisional: bool
    counts: dict[str, int]
    demands: tuple[DemandScore, ...]
    findings: tuple[Finding, ...]
    observations: tuple[Observation, ...] = ()
    profile_path: str | None = None
    capped_by: tuple[str, ...] = ()     # violated rules whose caps_tier lowered the tier
    terms: tuple[str, ...] = ()         # the partner's own terms in force (per-partner variants)
    remedies: RemedyPlan | None = None  # None when not asked for


@dataclass(frozen=True)
class SourceRef:
    """A source of the policy's `sources:` block, as reports cite and link it."""

    id: str
    title: str
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    file: str | None = None


@dataclass(frozen=True)
class PolicyStamp:
    """Which policy a report was made with: name, version, content hash, files, sources, the
    evaluation date and any --set changes, so a result can be traced and reproduced."""

    name: str
    title: str
    version: str
    hash: str
    path: str | None = None
    sources: tuple[SourceRef, ...] = ()
    chain: tuple[str, ...] = ()         # overlay files, the named one first, its bases after
    as_of: str | None = None            # the evaluation date
    settings: tuple[str, ...] = ()      # --set changes on top of the files


@dataclass(frozen=True)
class Report:
    """An evaluation: the policy stamp and one scorecard per partner, ordered by code."""

    policy: PolicyStamp
    scorecards: tuple[Scorecard, ...] = field(default_factory=tuple)
