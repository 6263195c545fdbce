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


class FactStatus(StrEnum):
    CONCLUDED = "concluded"
    ABSENT = "not_concluded"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Provenance:
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
class Finding:
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


@dataclass(frozen=True)
class Outcome:
    tariff_rate: float
    legal_authority: str
    effective: str | None
    review: str | None
    status: str
    note: str | None


@dataclass(frozen=True)
class DemandScore:
    demand: str
    title: str
    score: float | None
    counts: dict[str, int]


@dataclass(frozen=True)
class Scorecard:
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
    name: str
    title: str
    version: str
    hash: str
    path: str | None = None
    sources: tuple[SourceRef, ...] = ()


@dataclass(frozen=True)
class Report:
    policy: PolicyStamp
    scorecards: tuple[Scorecard, ...] = field(default_factory=tuple)
