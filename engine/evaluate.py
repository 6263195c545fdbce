"""Evaluate: a partner profile -> its engine fact -> the names of the engine rules that fired.

Values are encoded for the engine by their catalog type (ordered enums by rank, dates as day
numbers, sets as one true/false field per member); computed fields of arithmetic conditions are
worked out here so the engine only compares. A missing figure is left out of the fact, never
written as 0: the engine then cannot fire on it, and engine.findings calls the rule unknown.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine import conditions as cx
from engine import rete
from engine.compile import CompiledPolicy
from engine.models import Figure, IndicatorType, Profile


def profile_values(profile: Profile) -> dict[str, Any]:
    """indicator -> plain value, absent or null figures left out (they are unknown)."""
    values = {}
    for name, raw in profile.indicators.items():
        # a bare value is its figure (`type(...) is` first: isinstance on a model class goes
        # through ABCMeta, and this runs for every figure of every new profile)
        value = raw.value if type(raw) is Figure or isinstance(raw, Figure) else raw
        if value is not None:
            values[name] = value
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


def compute(term: cx.Term, values: dict[str, Any]) -> float | None:
    """Arithmetic over indicators (cx.arithmetic: on the figures as written); None when an
    input is unknown, a divisor is zero or the result overflows."""
    if isinstance(term, cx.Lit):
        return term.value
    if isinstance(term, cx.Ref):
        return lookup(values, term.name)
    left, right = compute(term.left, values), compute(term.right, values)
    if left is None or right is None:
        return None
    return cx.arithmetic(term.op, left, right)


def fire(compiled: CompiledPolicy, values: dict[str, Any],
         follow: rete.Follow | None = None) -> set[str]:
    """Engine rule names the partner's fact satisfies, chaining what `follow` derives."""
    plan = fact_plan(compiled)
    fragments = (_fragment(spec, _value_for(spec, values)) for spec in plan.fields)
    return fire_payload(compiled, rete.fragments_payload([f for f in fragments if f]), follow)


def fire_payload(compiled: CompiledPolicy, payload: str,
                 follow: rete.Follow | None = None) -> set[str]:
    """Engine rule names a prepared fact (see `prepare`) satisfies."""
    return rete.network_for(compiled.rulesets, fact_plan(compiled).network_key).fire(payload,
                                                                                     follow)


# --- the fact, worked out once per policy and once per profile ------------------------------
#
# A policy reads a few of the catalog's fields, so the fact carries only those (the engine
# parses every field of every fact, and echoes the whole fact in each fired rule's message).
# Each field is encoded and serialised once per profile: a `Spec` says how (it holds
# everything the encoding depends on), so specs are shared by every policy that reads the
# field the same way, and a sweep over many policy variants serialises each figure once.

Spec = tuple[str, str, Any]       # (fact field, how it is encoded, what the encoding needs)


@dataclass(frozen=True)
class FactPlan:
    """How a policy's fact is built from a profile: the fields it reads and how each is
    encoded, the computed fields with their terms, and the engine network it goes to."""

    fields: tuple[Spec, ...]
    computed: tuple[tuple[str, cx.Term], ...]
    network_key: rete.Shards


def fact_plan(compiled: CompiledPolicy) -> FactPlan:
    return compiled.plan("fact", _build_fact_plan)


def _build_fact_plan(compiled: CompiledPolicy) -> FactPlan:
    specs = []
    for name, keys in compiled.fact_fields.items():
        indicator = compiled.catalog.indicators.get(name)
        if name in compiled.computed:
            specs.append((name, "computed", compiled.computed[name]))
        elif indicator is None:
            specs.append((name, "plain", None))
        elif indicator.type == IndicatorType.ENUM and indicator.ordered:
            specs.append((name, "rank", tuple(indicator.values or ())))
        elif indicator.type == IndicatorType.SET:
            specs.append((name, "set", keys or ()))
        elif indicator.type == IndicatorType.SHARE_MAP:
            specs.append((name, "map", keys or ()))
        elif indicator.type == IndicatorType.DATE:
            specs.append((name, "date", None))
        else:
            specs.append((name, "plain", None))
    return FactPlan(tuple(specs), tuple(compiled.computed.items()),
                    rete.network_key(compiled.rulesets))


def _value_for(spec: Spec, values: dict[str, Any]) -> Any:
    name, how, term = spec
    return compute(term, values) if how == "computed" else values.get(name)


def _fragment(spec: Spec, value: Any) -> str | None:
    """`"field":<engine JSON>` for one fact field; None when it is left out (unknown)."""
    encoded = _encode_spec(spec, value)
    return None if encoded is None else rete.fact_field(spec[0], encoded)


def _encode_spec(spec: Spec, value: Any) -> Any:
    _, how, detail = spec
    if value is None or how in ("plain", "computed"):
        return value
    if how == "rank":
        return detail.index(value)
    if how == "set":
        return {member: member in value for member in detail}
    if how == "date":
        return value.toordinal() if isinstance(value, dt.date) else value
    shares = {key: value[key] for key in detail if key in value} \
        if isinstance(value, dict) else None                  # a share map: the keys read
    return shares or None


_NOT_YET = object()


class _Known:
    """One profile's known values and serialised fact fields, worked out as they are asked."""

    __slots__ = ("computed", "fragments", "kept", "profile", "values")

    def __init__(self, profile: Profile) -> None:
        self.profile = profile            # held, so its id cannot be reused while cached
        self.values = profile_values(profile)
        self.fragments: dict[Spec, str | None] = {}
        self.computed: dict[str, float | None] = {}
        self.kept: dict[tuple[str, int], tuple[object, Any]] = {}

    def fragment(self, spec: Spec) -> str | None:
        fragment = self.fragments.get(spec, _NOT_YET)   # no KeyError: a new profile misses all
        if fragment is _NOT_YET:
            value = self.computed_value(spec[0], spec[2]) if spec[1] == "computed" \
                else self.values.get(spec[0])
            fragment = self.fragments[spec] = _fragment(spec, value)
        return fragment

    def computed_value(self, name: str, term: cx.Term) -> float | None:
        try:
            return self.computed[name]
        except KeyError:
            value = self.computed[name] = compute(term, self.values)
            return value


MAX_KNOWN_PROFILES = 1024   # a sweep evaluates the same few hundred profiles many times
_KNOWN: dict[int, _Known] = {}
_KNOWN_LOCK = threading.Lock()


def _known(profile: Profile) -> _Known:
    """Profiles are frozen, so what is read from one is kept, keyed by the object itself."""
    entry = _KNOWN.get(id(profile))
    if entry is not None and entry.profile is profile:
        return entry
    entry = _Known(profile)
    with _KNOWN_LOCK:
        while len(_KNOWN) >= MAX_KNOWN_PROFILES:
            del _KNOWN[next(iter(_KNOWN))]             # the oldest first
        _KNOWN[id(profile)] = entry
    return entry


def kept(profile: Profile, key: tuple[str, object], build: Callable[[], Any]) -> Any:
    """build() once per profile and (what, of which object), e.g. ("observations", catalog):
    for what depends only on the profile and that object, both frozen. The result is shared,
    so it must be immutable too."""
    what, of = key
    entries = _known(profile).kept
    entry = entries.get((what, id(of)))
    if entry is None or entry[0] is not of:
        entry = entries[(what, id(of))] = (of, build())
    return entry[1]


def prepare(compiled: CompiledPolicy, profile: Profile) -> tuple[dict[str, Any], str]:
    """The profile's values (with computed fields, as `with_computed` gives them) and the
    engine fact of this policy, from what is kept per profile."""
    plan = fact_plan(compiled)
    known = _known(profile)
    values = dict(known.values)
    for name, term in plan.computed:
        computed = known.computed_value(name, term)
        if computed is not None:
            values[name] = computed
    fragment = known.fragment
    return values, rete.fragments_payload([f for spec in plan.fields if (f := fragment(spec))])
