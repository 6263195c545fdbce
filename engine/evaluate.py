"""Evaluate: a partner profile -> its engine fact -> the names of the engine rules that fired.

Values are encoded for the engine by their catalog type (ordered enums by rank, dates as day
numbers, sets as one true/false field per member); computed fields of arithmetic conditions are
worked out here so the engine only compares. A missing figure is left out of the fact, never
written as 0: the engine then cannot fire on it, and engine.findings calls the rule unknown.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from typing import Any

from engine import conditions as cx
from engine import rete
from engine.compile import CompiledPolicy
from engine.models import Catalog, IndicatorType, Profile


def profile_values(profile: Profile) -> dict[str, Any]:
    """indicator -> plain value, absent or null figures left out (they are unknown)."""
    values = {}
    for name in profile.indicators:
        figure = profile.figure(name)
        if figure is not None and figure.value is not None:
            values[name] = figure.value
    return values


def lookup(values: dict[str, Any], name: str) -> Any:
    """A value by indicator name or `map.key`; None when unknown."""
    base, _, key = name.partition(".")
    value = values.get(base)
    if key and value is not None:
        return value.get(key) if isinstance(value, dict) else None
    return value


def with_computed(values: dict[str, Any], compiled: CompiledPolicy) -> dict[str, Any]:
    """The profile's values plus the computed fields of arithmetic conditions (left out when
    they cannot be computed, so that rules reading them are unknown)."""
    result = dict(values)
    for field_name, term in compiled.computed.items():
        computed = compute(term, values)
        if computed is not None:
            result[field_name] = computed
    return result


def engine_fields(values: dict[str, Any], compiled: CompiledPolicy) -> dict[str, Any]:
    """The fact's fields in the engine's encoding; `values` already holds computed fields."""
    catalog = compiled.catalog
    return {name: _encode(catalog, name, value) if name in catalog.indicators else value
            for name, value in values.items()}


def _encode(catalog: Catalog, name: str, value: Any) -> Any:
    indicator = catalog.indicators[name]
    if indicator.type == IndicatorType.ENUM and indicator.ordered:
        return (indicator.values or []).index(value)
    if indicator.type == IndicatorType.SET:
        return {member: member in value for member in indicator.values or []}
    if indicator.type == IndicatorType.DATE:
        return value.toordinal() if isinstance(value, dt.date) else value
    return value


def compute(term: cx.Term, values: dict[str, Any]) -> float | None:
    """Arithmetic over indicators; None when an input is unknown, a divisor is zero or the
    result overflows (1 / 2.2e-309 is infinite: no finite verdict can rest on it)."""
    if isinstance(term, cx.Lit):
        return term.value
    if isinstance(term, cx.Ref):
        return lookup(values, term.name)
    left, right = compute(term.left, values), compute(term.right, values)
    if left is None or right is None or (term.op == "/" and right == 0):
        return None
    result = {"+": operator.add, "-": operator.sub, "*": operator.mul,
              "/": operator.truediv}[term.op](left, right)
    return result if math.isfinite(result) else None


def fire(compiled: CompiledPolicy, values: dict[str, Any],
         follow: rete.Follow | None = None) -> set[str]:
    """Engine rule names the partner's fact satisfies, chaining what `follow` derives."""
    network = rete.network_for(compiled.rulesets)
    payload = rete.profile_payload(engine_fields(values, compiled))
    return network.fire(payload, follow)
