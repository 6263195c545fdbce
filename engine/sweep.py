"""Sweep: one parameter over a range of values; each partner's tier and score at every step, and
the values where its tier flips.

A step is an ordinary `--set` (so it is checked like one and compiled once per value). Flip
points are pinned with the engine, not estimated: for a rule's limit the verdict can only change
where the limit crosses the partner's own observed value, and for a tier's `min_score` where it
crosses the partner's score, so those values are evaluated and the flip is reported there.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from engine import api, variants
from engine.compile import CompiledPolicy
from engine.errors import InputError
from engine.results import Flip, Sweep, SweepRow

MAX_STEPS = 1000


def parse_range(text: str) -> tuple[str, list[Any]]:
    """`TARGET.FIELD=START:STOP:STEP` (both ends included) or `TARGET.FIELD=V1,V2,...`."""
    where = f"--param {text}"
    if "=" not in text:
        raise InputError.at(where, "expected TARGET.FIELD=START:STOP:STEP, e.g. "
                            "--param transshipment-rerouting-ceiling.limit=0:0.3:0.05")
    target, spec = text.split("=", 1)
    if ":" in spec:
        values = _steps(spec, where)
    else:
        values = [_number(v, where) for v in spec.split(",") if v.strip()]
    if not values:
        raise InputError.at(where, "no values to sweep")
    for value in values:                     # each step is a --set: check every one up front
        variants.parse_setting(f"{target}={_text(value)}", "--param")
    return target, values


def _steps(spec: str, where: str) -> list[Any]:
    parts = spec.split(":")
    if len(parts) != 3:
        raise InputError.at(where, "a range is START:STOP:STEP")
    start, stop, step = (_decimal(p, where) for p in parts)
    if step <= 0:
        raise InputError.at(where, "STEP must be positive (sweep downwards with START > STOP)")
    count = int(abs(stop - start) / step) + 1
    if count > MAX_STEPS:
        raise InputError.at(where, f"{count:,} steps; at most {MAX_STEPS:,}")
    sign = 1 if stop >= start else -1
    return [_plain(start + sign * i * step) for i in range(count)]


def _decimal(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise InputError.at(where, f"'{text}' is not a number") from None
    if not value.is_finite():
        raise InputError.at(where, f"'{text}' is not a finite number")
    return value


def _number(text: str, where: str) -> Any:
    return _plain(_decimal(text, where))


def _plain(value: Decimal) -> int | float:
    """Decimal steps, so 0.1 + 0.2 is 0.3 here; handed on as int or float."""
    return int(value) if value == value.to_integral_value() else float(value)


def _text(value: Any) -> str:
    return repr(value)


def sweep(compiled: CompiledPolicy, partners: list[api.Partner], parameter: str,
          values: list[Any], day: dt.date | None = None) -> Sweep:
    day = day or dt.date.today()
    ordered = sorted(partners, key=lambda p: p.profile.partner.code)
    policies = [_at(compiled, parameter, v) for v in values]
    rows = tuple(_row(compiled, policies, parameter, values, p, day) for p in ordered)
    field = parameter.rsplit(".", 1)[-1].split("[")[0]
    return Sweep(api.stamp(compiled, day), parameter, tuple(values), rows,
                 tuple(t.id for t in compiled.policy.tiers), field in ("limit", "min_score"))


def _at(compiled: CompiledPolicy, parameter: str, value: Any) -> CompiledPolicy:
    return api.with_settings(compiled, (f"{parameter}={_text(value)}",))


def _standing(policy: CompiledPolicy, partner: api.Partner, day: dt.date):
    profile = partner.profile
    judged = api.judge(api.for_partner(policy, profile.partner.code, day), profile, day)
    return (judged.tier.id if judged.tier else None), judged.score


def _row(compiled, policies, parameter, values, partner, day) -> SweepRow:
    standings = [_standing(policy, partner, day) for policy in policies]
    tiers = tuple(t for t, _ in standings)
    flips = []
    for i in range(1, len(values)):
        if tiers[i] != tiers[i - 1]:
            flips.append(_pin(compiled, parameter, values[i - 1], values[i], tiers[i - 1],
                              tiers[i], partner, day))
    return SweepRow(partner.profile.partner.code, api.partner_name(partner.profile), tiers,
                    tuple(s for _, s in standings), tuple(flips))


def _pin(compiled, parameter, last, first, old, new, partner, day) -> Flip:
    """The exact value in (last, first] where `new` starts, from the partner's own numbers."""
    low, high = sorted((last, first))
    for candidate in sorted(_candidates(compiled, parameter, partner, day)):
        if not (low < candidate < high or candidate == first):
            continue
        tier, _ = _standing(_at(compiled, parameter, candidate), partner, day)
        if tier == new:
            return Flip(last, first, old, new, candidate, True)
        if tier == old:
            return Flip(last, first, old, new, candidate, False)
    return Flip(last, first, old, new)


def _candidates(compiled: CompiledPolicy, parameter: str, partner: api.Partner,
                day: dt.date) -> set[float]:
    """Where the swept parameter can change this partner's verdicts: the observed values its
    rule compares with the limit, or its score for a tier bound."""
    target, field = parameter.rsplit(".", 1)
    field, _, which = field.partition("[")
    card = api.evaluate_partner(compiled, partner, day)
    if field == "min_score":
        return {card.score} if card.score is not None else set()
    if field != "limit":
        return set()
    found = next((f for f in card.findings if f.rule == target), None)
    if found is None:
        return set()
    which = which.rstrip("]")
    return {c.observed for c in found.checks
            if isinstance(c.observed, int | float) and not isinstance(c.observed, bool)
            and (not which or c.indicator == which or c.indicator.startswith(f"{which}."))}
