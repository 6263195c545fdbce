"""Describe: a policy in plain words (`rules`, `explain RULE_ID`) and JSON Schemas (`schema`).

Everything here is rendered from the policy and catalog data, so no separate doc can drift.
"""

from __future__ import annotations

import json
from typing import Any

from engine import conditions as cx
from engine import countries
from engine.catalog import did_you_mean
from engine.compile import CompiledPolicy
from engine.errors import InputError
from engine.explain import condition_text, indicator_of, show
from engine.models import Catalog, IndicatorType, Overlay, Policy, Profile
from engine.results import authority_words
from engine.variants import Slot, choose_slot


def rules_text(compiled: CompiledPolicy) -> str:
    p = compiled.policy
    lines = [f"{p.title}", f"policy {p.name} {p.version}, sha256 {compiled.hash[:12]}", ""]
    for demand in p.demands:
        lines += [f"{demand.id}: {demand.title}", f"  {demand.intent.strip()}"]
        for rule in (r for r in compiled.rules.values() if r.rule.demand == demand.id):
            lines.append(f"  - {rule.rule.id} (weight {rule.rule.weight:g}, "
                         f"{rule.rule.severity.value}){_dates(rule.rule)}: {rule.rule.title}")
            lines.append(f"      requires {condition_text(rule.require.tree, compiled.catalog)}")
            lines += [f"      {fact}" for fact in _meaning_lines(compiled, rule.rule)]
        lines.append("")
    if compiled.derivations:
        lines.append("Derived facts (inferences other rules test):")
        for d in compiled.derivations.values():
            name, value = d.derivation.fact
            lines.append(f"  - {d.derivation.id}: {name} = {value} when "
                         f"{condition_text(d.when.tree, compiled.catalog)}")
        lines.append("")
    lines.append("Tiers:")
    for tier in p.tiers:
        history = tier.outcome if isinstance(tier.outcome, list) else [tier.outcome]
        lines.append(f"  - {tier.id} (score >= {tier.min_score:g}): {tier.title}")
        lines += [f"      {outcome_text(o)}{_dates(o)}" for o in history]
    lines += _terms_lines(compiled) + _exception_lines(p)
    return "\n".join(lines) + "\n"


def outcome_text(outcome: Any) -> str:
    """A tier's tariff outcome in the reports' words: '10% under Section 122, in force'."""
    return f"{outcome.tariff_rate:g}% under {authority_text(outcome)}, {status_text(outcome)}"


def authority_text(outcome: Any) -> str:
    return authority_words(outcome.legal_authority.value)


def status_text(outcome: Any) -> str:
    return outcome.status.value.replace("_", " ")


def _dates(item: Any) -> str:
    """' (from 2025-08-07 to 2026-02-19)' for a dated rule, outcome or term; '' if undated."""
    text = _span(item)
    return f" ({text})" if text else ""


def _span(item: Any) -> str:
    parts = [f"from {item.effective}" if item.effective else "",
             f"to {item.expires}" if item.expires else ""]
    return " ".join(part for part in parts if part)


def _meaning_lines(compiled: CompiledPolicy, rule: Any) -> list[str]:
    """What else changes what a rule means: whom it covers and what a violation costs."""
    lines = []
    if rule.applies_to:
        lines.append(f"applies to: {scope_text(rule.applies_to, compiled.catalog)}")
    if rule.caps_tier:
        lines.append(f"when violated: {caps_text(rule.caps_tier)}")
    return lines


def caps_text(tier: str) -> str:
    """What `caps_tier` does, in the words of rules, explain and the docs page."""
    return f"the partner is rated no higher than tier {tier}"


def partners_text(term: Any) -> str:
    """Whom a term is for: 'GBR', 'group usmca'."""
    return ", ".join([*(term.partners or []), *(f"group {g}" for g in term.groups or [])])


def _terms_lines(compiled: CompiledPolicy) -> list[str]:
    p = compiled.policy
    if not p.terms:
        return []
    lines = ["", "Terms for particular partners:"]
    for term in p.terms:
        lines.append(f"  - {term.id}{_dates(term)}: {term.title} (for {partners_text(term)})")
        lines += [f"      changes {rule}: {change_text(compiled, rule, change)}"
                  for rule, change in term.change.rules.items()]
        lines += [f"      changes tier {tier}" for tier in term.change.tiers]
        lines += [f"      adds {rule.id}: {rule.title}" for rule in term.rules]
    return lines


def change_text(compiled: CompiledPolicy, rule_id: str, change: Any) -> str:
    """What a term changes in a rule, a limit in its indicator's unit: 'limit 10%; weight 2';
    nothing when an overlay disabled the rule (the term is kept, with nothing to act on)."""
    if compiled.source and rule_id in compiled.source.dropped:
        return "nothing: the rule is disabled in this policy"
    parts = []
    for key in type(change).model_fields:          # in the order the model declares them
        if key not in change.model_fields_set:
            continue
        value = getattr(change, key)
        if key == "limit":
            parts.append(f"limit {_limit_text(compiled, rule_id, None, value)}")
        elif key == "limits":
            parts += [f"limit {_limit_text(compiled, rule_id, name, v)} for {name}"
                      for name, v in value.items()]
        else:
            parts.append(f"{key.replace('_', ' ')} {_field_words(key, value, compiled)}")
    return "; ".join(parts)             # a value may hold commas (a list, a title)


def _field_words(key: str, value: Any, compiled: CompiledPolicy) -> str:
    """A changed rule field in words, as the rule's own description says it."""
    if key == "require":
        return f"'{condition_text(cx.parse_condition(value, ()), compiled.catalog)}'"
    if key == "applies_to":
        return scope_text(value, compiled.catalog)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, str):
        return " ".join(value.split())           # a folded rationale on one line
    return str(getattr(value, "value", value))    # an enum (severity) by its value


def _limit_text(compiled: CompiledPolicy, rule_id: str, name: str | None, value: Any) -> str:
    """A new limit as the rule's messages will show it: in the unit of the indicator compared
    with the limit the change sets, the slot variants.choose_slot picks when it applies it."""
    rule = compiled.rules.get(rule_id)
    slot = None if rule is None else choose_slot(
        rule.rule.model_dump(mode="json", by_alias=True, exclude_none=True)["require"], name)
    bases = {n.partition(".")[0] for n in slot.names} if isinstance(slot, Slot) else set()
    indicator = indicator_of(compiled.catalog, bases.pop()) if len(bases) == 1 else None
    return show(indicator, value, exact=True)


def _exception_lines(p: Policy) -> list[str]:
    if not p.exceptions:
        return []
    lines = ["", "Exceptions:"]
    lines += [f"  - {w.id}: {w.partner} from {w.rule}, granted {w.granted}"
              f"{f', expires {w.expires}' if w.expires else ''}: {w.justification.strip()}"
              for w in p.exceptions]
    return lines


def rule_text(compiled: CompiledPolicy, rule_id: str) -> str:
    """One rule or inference in plain words; a rule only a term adds is read from the policy
    with that term applied, once for each term that adds it."""
    if rule_id in compiled.rules or rule_id in compiled.derivations:
        return _rule_lines(compiled, rule_id)
    p = compiled.policy
    adding = [i for i, term in enumerate(p.terms) if any(r.id == rule_id for r in term.rules)]
    if adding:
        from engine.api import with_term

        return "\n".join(_rule_lines(with_term(compiled, i), rule_id, p.terms[i])
                         for i in adding)
    known = [*compiled.rules, *compiled.derivations, *(r.id for t in p.terms for r in t.rules)]
    raise InputError.at(compiled.path or p.name, f"no rule '{rule_id}' in policy {p.name}",
                        hint=did_you_mean(rule_id, known) or "run `tradepolicy rules`")


def _rule_lines(compiled: CompiledPolicy, rule_id: str, term: Any = None) -> str:
    sources = compiled.policy.sources
    if rule_id in compiled.rules:
        rule = compiled.rules[rule_id]
        r = rule.rule
        lines = [f"{r.id}: {r.title}", f"demand: {r.demand}",
                 *([_added_by(term)] if term is not None else []),
                 f"requires: {condition_text(rule.require.tree, compiled.catalog)}",
                 f"weight {r.weight:g}, severity {r.severity.value}, limit basis: "
                 f"{r.limit_basis or 'not stated'}"]
        lines += [f"in force: {_span(r)}"] if _span(r) else []
        lines += _meaning_lines(compiled, r) + _variant_lines(compiled, r.id)
        lines += ["", "why:", f"  {r.rationale.strip()}", "", "sources:"]
        lines += [f"  - {s}: {_source(sources[s])}" for s in r.sources]
        return "\n".join(lines) + "\n"
    d = compiled.derivations[rule_id].derivation
    name, value = d.fact
    when = condition_text(compiled.derivations[rule_id].when.tree, compiled.catalog)
    lines = [f"{d.id}: {d.title}", f"concludes: {name} = {value}", f"when: {when}",
             "", "why:", f"  {d.rationale.strip()}", "", "sources:"]
    lines += [f"  - {s}: {_source(sources[s])}" for s in d.sources]
    return "\n".join(lines) + "\n"


def _variant_lines(compiled: CompiledPolicy, rule_id: str) -> list[str]:
    """The terms that change a rule for some partners, and the partners excepted from it."""
    p = compiled.policy
    lines = [f"changed by term {term.id}{_dates(term)} for {partners_text(term)}: "
             f"{change_text(compiled, rule_id, term.change.rules[rule_id])}"
             for term in p.terms if rule_id in term.change.rules]
    lines += [f"excepted by {w.id} for {w.partner}, granted {w.granted}"
              f"{f', expires {w.expires}' if w.expires else ''}"
              for w in p.exceptions if w.rule == rule_id]
    return lines


def _added_by(term: Any) -> str:
    """Which partners' terms add a rule: it applies to them only, while the terms are in force."""
    return f"added by term {term.id}{_dates(term)} for {partners_text(term)}: {term.title}"


def scope_text(scope: Any, catalog: Catalog) -> str:
    parts = []
    if scope.groups:
        parts.append("groups " + ", ".join(scope.groups))
    if scope.partners:
        parts.append("partners " + ", ".join(scope.partners))
    if scope.when is not None:
        parts.append("partners where " + condition_text(cx.parse_condition(scope.when, ()),
                                                         catalog))
    return "; ".join(parts)


def _source(source: Any) -> str:
    bits = [source.title, source.publisher, source.date.isoformat() if source.date else None,
            source.file, source.url]
    return ", ".join(b for b in bits if b)


# --- JSON Schemas ----------------------------------------------------------------------------

def json_schema(kind: str, catalog: Catalog | None = None) -> str:
    if kind == "policy":
        schema = policy_schema()
    elif kind == "catalog":
        schema = Catalog.model_json_schema()
    else:
        from engine.api import load_catalog

        schema = partner_schema(catalog or load_catalog())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2)


def policy_schema() -> dict[str, Any]:
    """A full policy, or an overlay when the file has `extends:`. Editors associate one schema
    per file pattern (policies/**/*.yaml), so the one schema takes both, and a file is checked
    against the kind its `extends` key makes it (not against whichever of the two fits best)."""
    from pydantic.json_schema import models_json_schema

    refs, schema = models_json_schema([(Policy, "validation"), (Overlay, "validation")],
                                      by_alias=True)
    policy, overlay = (refs[(model, "validation")] for model in (Policy, Overlay))
    return {"title": "tradepolicy policy or overlay",
            "description": "A policy; a file with `extends:` is an overlay of another policy.",
            "if": {"type": "object", "required": ["extends"]},
            "then": overlay, "else": policy, **schema}


def partner_schema(catalog: Catalog) -> dict[str, Any]:
    """The profile schema with every catalog indicator and its value type spelled out, so an
    editor flags an unknown indicator or a share written as 36.5 while you type."""
    schema = Profile.model_json_schema()
    properties = {name: _figure_schema(_value_schema(ind), ind.label)
                  for name, ind in catalog.indicators.items()}
    schema["properties"]["indicators"] = {"type": "object", "properties": properties,
                                          "additionalProperties": False}
    return schema


def _figure_schema(value: dict[str, Any], label: str) -> dict[str, Any]:
    figure = {"type": "object", "additionalProperties": False, "required": ["value"],
              "properties": {"value": {"anyOf": [value, {"type": "null"}]},
                             "year": {"type": ["integer", "string"]},
                             "source": {"type": "string"}, "illustrative": {"type": "boolean"},
                             "note": {"type": "string"}}}
    return {"description": label, "anyOf": [value, figure]}


_PLAIN_SCHEMAS = {
    IndicatorType.SHARE: {"type": "number", "minimum": 0, "maximum": 1},
    IndicatorType.SHARE_CHANGE: {"type": "number", "minimum": -1, "maximum": 1},
    IndicatorType.COUNT: {"type": "integer", "minimum": 0},
    IndicatorType.BOOL: {"type": "boolean"},
    IndicatorType.DATE: {"type": "string", "format": "date"},
}


def _value_schema(indicator: Any) -> dict[str, Any]:
    kind = indicator.type
    if kind in _PLAIN_SCHEMAS:
        return dict(_PLAIN_SCHEMAS[kind])
    if kind == IndicatorType.COUNTRY:
        return countries.json_schema()
    if kind == IndicatorType.USD_BN and not indicator.signed:
        return {"type": "number", "minimum": 0}
    if kind == IndicatorType.ENUM:
        return {"enum": list(indicator.values)}
    if kind == IndicatorType.SET:
        return {"type": "array", "items": {"enum": list(indicator.values)}, "uniqueItems": True}
    if kind == IndicatorType.SHARE_MAP:
        share = {"type": "number", "minimum": 0, "maximum": 1}
        return {"type": "object", "additionalProperties": False,
                "properties": {k: share for k in indicator.keys}}
    return {"type": "number"}
