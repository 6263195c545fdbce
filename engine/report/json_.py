"""JSON: the stable machine contract of shared/DESIGN.md, plus documented extra keys.

Ordering is defined: partners by code, findings in policy order, keys as written here. The same
report always renders to the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from engine.results import Because, Finding, RemedyPlan, Report, Scorecard


def render(report: Report) -> str:
    return json.dumps(as_data(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def as_data(report: Report) -> dict[str, Any]:
    p = report.policy
    return {"policy": {"name": p.name, "version": p.version, "hash": p.hash, "title": p.title},
            "partners": [_partner(card) for card in report.scorecards]}


def _partner(card: Scorecard) -> dict[str, Any]:
    return {
        "partner": {"code": card.code, "name": card.name},
        "score": card.score,
        "tier": card.tier,
        "capped_by": list(card.capped_by),
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


def _remedies(plan: RemedyPlan) -> dict[str, Any]:
    return {
        "status": plan.status.value, "target_tier": plan.target, "measure": plan.measure,
        "cost": plan.cost,
        "changes": [{"indicator": c.indicator, "label": c.label, "current": c.current,
                     "target": c.target, "cost": c.cost, "rules": list(c.rules),
                     "hypothetical": True,
                     "current_provenance": asdict(c.provenance) if c.provenance else None}
                    for c in plan.changes],
        "reaches": ({"tier": plan.reached_tier, "score": plan.reached_score}
                    if plan.reached_tier else None),
        "fixes": list(plan.fixed_rules), "scoped_out": list(plan.scoped_out),
        "newly_violated": list(plan.newly_violated),
        "reason": plan.reason, "missing": list(plan.missing), "judged": plan.judged,
    }


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule, "demand": f.demand, "status": f.status.value,
        "observed": f.observed, "limit": f.limit, "margin": f.margin, "message": f.message,
        "sources": list(f.sources), "because": [_because(b) for b in f.because],
        "title": f.title, "severity": f.severity, "weight": f.weight,
        "limit_basis": f.limit_basis,
        "checks": [{"indicator": c.indicator, "comparison": c.comparison,
                    "observed": c.observed, "limit": c.limit, "margin": c.margin,
                    "holds": c.holds, "text": c.text} for c in f.checks],
    }


def _because(b: Because) -> dict[str, Any]:
    return {"fact": b.fact, "value": b.value, "status": b.status.value,
            "derived_by": list(b.derived_by), "observed": b.observed,
            "because": [_because(inner) for inner in b.because]}
