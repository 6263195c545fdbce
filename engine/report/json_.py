"""JSON: the stable machine contract of shared/DESIGN.md, plus documented extra keys.

Ordering is defined: partners by code, findings in policy order, keys as written here. The same
report always renders to the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any, Literal, NotRequired

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict  # pydantic needs this TypedDict on Python 3.11

from engine.results import (
    Because,
    FactStatus,
    Finding,
    PolicyStamp,
    RemedyPlan,
    Report,
    Scorecard,
    Verdict,
)

# --- the contract as types: `tradepolicy schema report` is generated from these ------------------
# Every object is closed (extra="forbid" -> additionalProperties false), so a key written below
# but not declared here fails the schema test.

Closed = with_config(ConfigDict(extra="forbid"))
Percent = Annotated[float, Field(ge=0, le=100)]
Fraction = Annotated[float, Field(ge=0, le=1)]


@Closed
class PolicyJSON(TypedDict):
    name: str
    version: str
    hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    title: str
    chain: list[str]               # overlay files, the named one first; empty for a plain policy
    settings: list[str]            # --set changes
    as_of: str | None              # the evaluation date


@Closed
class PartnerRefJSON(TypedDict):
    code: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    name: str


@Closed
class OutcomeJSON(TypedDict):
    tariff_rate: float
    legal_authority: str
    effective: str | None          # YYYY-MM-DD: the day its status began
    expires: str | None            # YYYY-MM-DD: the last day it is in force
    review: str | None
    status: str
    note: str | None


@Closed
class CheckJSON(TypedDict):
    indicator: str
    comparison: str
    observed: Any
    limit: Any
    margin: float | None
    holds: bool | None
    text: str


@Closed
class BecauseJSON(TypedDict):
    fact: str
    value: str
    status: FactStatus
    derived_by: list[str]
    observed: dict[str, Any]
    because: list[BecauseJSON]


@Closed
class ExceptionJSON(TypedDict):
    id: str
    justification: str
    granted: str
    expires: str | None
    state: Literal["active", "expired", "not_yet_granted"]
    applied: bool
    would_be: Verdict


@Closed
class FindingJSON(TypedDict):
    rule: str
    demand: str
    status: Verdict
    observed: dict[str, Any]
    limit: Any
    margin: float | None
    message: str
    sources: list[str]
    because: list[BecauseJSON]
    title: str
    severity: str
    weight: float
    limit_basis: str | None
    terms: list[str]
    exception: ExceptionJSON | None
    checks: list[CheckJSON]


@Closed
class ProvenanceJSON(TypedDict):
    value: Any
    source: str | None
    year: NotRequired[int | str | None]       # absent when the profile gives no provenance
    illustrative: NotRequired[bool]
    note: NotRequired[str | None]


@Closed
class ChangeJSON(TypedDict):
    indicator: str
    label: str
    current: Any
    target: Any
    cost: float
    rules: list[str]
    hypothetical: bool
    current_provenance: dict[str, Any] | None


@Closed
class ReachesJSON(TypedDict):
    tier: str
    score: float | None
    coverage: float | None        # of the changed profile
    provisional: bool             # that coverage is under the policy's min_coverage


@Closed
class RemedyJSON(TypedDict):
    status: Literal["found", "top_tier", "unrated", "none", "unknown_data", "search_cap"]
    target_tier: str | None
    measure: str
    cost: float | None
    changes: list[ChangeJSON]
    reaches: ReachesJSON | None
    fixes: list[str]
    scoped_out: list[str]
    newly_violated: list[str]
    reason: str | None
    missing: list[str]
    judged: int


@Closed
class PartnerJSON(TypedDict):
    partner: PartnerRefJSON
    score: Percent | None
    tier: str | None
    capped_by: list[str]
    terms: list[str]
    outcome: OutcomeJSON | None
    coverage: Fraction
    provisional: bool
    counts: dict[Verdict, Annotated[int, Field(ge=0)]]
    subscores: dict[str, Percent | None]
    findings: list[FindingJSON]
    provenance: dict[str, ProvenanceJSON]
    remedies: RemedyJSON | None            # null with --no-remedies


@Closed
class ReportJSON(TypedDict):
    policy: PolicyJSON
    partners: list[PartnerJSON]


def schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of what `render` writes, generated from the types above."""
    from pydantic import TypeAdapter

    generated = TypeAdapter(ReportJSON).json_schema(mode="serialization")
    generated["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    generated["title"] = "tradepolicy evaluate --format json"
    return generated


def schema_text() -> str:
    return json.dumps(schema(), indent=2) + "\n"


def render(report: Report) -> str:
    return json.dumps(as_data(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def as_data(report: Report) -> ReportJSON:
    p = report.policy
    return {"policy": policy_block(p),
            "partners": [_partner(card) for card in report.scorecards]}


def policy_block(p: PolicyStamp) -> PolicyJSON:
    return {"name": p.name, "version": p.version, "hash": p.hash, "title": p.title,
            "chain": list(p.chain), "settings": list(p.settings), "as_of": p.as_of}


def _partner(card: Scorecard) -> PartnerJSON:
    return {
        "partner": {"code": card.code, "name": card.name},
        "score": card.score,
        "tier": card.tier,
        "capped_by": list(card.capped_by),
        "terms": list(card.terms),
        "outcome": asdict(card.outcome) if card.outcome else None,
        "coverage": card.coverage,
        "provisional": card.provisional,
        "counts": card.counts,
        "subscores": {d.demand: d.score for d in card.demands},
        "findings": [_finding(f) for f in card.findings],
        "provenance": {o.indicator: ({"value": o.value, **asdict(o.provenance)}
                                     if o.provenance else {"value": o.value, "source": None})
                       for o in card.observations},
        "remedies": _remedies(card.remedies) if card.remedies else None,
    }


def _remedies(plan: RemedyPlan) -> RemedyJSON:
    return {
        "status": plan.status.value, "target_tier": plan.target, "measure": plan.measure,
        "cost": plan.cost,
        "changes": [{"indicator": c.indicator, "label": c.label, "current": c.current,
                     "target": c.target, "cost": c.cost, "rules": list(c.rules),
                     "hypothetical": True,
                     "current_provenance": asdict(c.provenance) if c.provenance else None}
                    for c in plan.changes],
        "reaches": ({"tier": plan.reached_tier, "score": plan.reached_score,
                     "coverage": plan.reached_coverage, "provisional": plan.reached_provisional}
                    if plan.reached_tier else None),
        "fixes": list(plan.fixed_rules), "scoped_out": list(plan.scoped_out),
        "newly_violated": list(plan.newly_violated),
        "reason": plan.reason, "missing": list(plan.missing), "judged": plan.judged,
    }


def _finding(f: Finding) -> FindingJSON:
    return {
        "rule": f.rule, "demand": f.demand, "status": f.status.value,
        "observed": f.observed, "limit": f.limit, "margin": f.margin, "message": f.message,
        "sources": list(f.sources), "because": [_because(b) for b in f.because],
        "title": f.title, "severity": f.severity, "weight": f.weight,
        "limit_basis": f.limit_basis,
        "terms": list(f.terms),
        "exception": asdict(f.exception) if f.exception else None,
        "checks": [{"indicator": c.indicator, "comparison": c.comparison,
                    "observed": c.observed, "limit": c.limit, "margin": c.margin,
                    "holds": c.holds, "text": c.text} for c in f.checks],
    }


def _because(b: Because) -> BecauseJSON:
    return {"fact": b.fact, "value": b.value, "status": b.status.value,
            "derived_by": list(b.derived_by), "observed": b.observed,
            "because": [_because(inner) for inner in b.because]}
