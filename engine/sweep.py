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
    """Each partner at each value, judged by the engine.

    The policy is compiled once; a step changes one thing, so only that is redone. A limit
    changes one rule's verdict: that rule alone is compiled per value and re-judged, the other
    verdicts are the partner's own from one full judgement. A weight or a tier bound changes no
    verdict at all: the same verdicts are scored under each step's policy. A partner with its own
    terms or dated rules takes the full path at every step."""
    day = day or dt.date.today()
    ordered = sorted(partners, key=lambda p: p.profile.partner.code)
    standings = _standings(compiled, _Steps(compiled, parameter, values), ordered, day)
    rows = tuple(_row(compiled, standings[p.profile.partner.code], values, parameter, p, day)
                 for p in ordered)
    field = parameter.rsplit(".", 1)[-1].split("[")[0]
    return Sweep(api.stamp(compiled, day), parameter, tuple(values), rows,
                 tuple(t.id for t in compiled.policy.tiers), field in ("limit", "min_score"))


def _at(compiled: CompiledPolicy, parameter: str, value: Any) -> CompiledPolicy:
    return api.with_settings(compiled, (f"{parameter}={_text(value)}",), "--param")


class _Steps:
    """The policy at each swept value, compiled on first use: whole (for the full path), or
    as the swept rule alone (for a limit)."""

    def __init__(self, compiled: CompiledPolicy, parameter: str, values: list[Any]) -> None:
        self.compiled, self.parameter, self.values = compiled, parameter, values
        target, field = parameter.rsplit(".", 1)
        self.rule = target if field.split("[")[0] == "limit" else None
        self._whole: dict[int, CompiledPolicy] = {}
        self._alone: dict[int, CompiledPolicy] = {}

    def whole(self, i: int) -> CompiledPolicy:
        if i not in self._whole:
            self._whole[i] = _at(self.compiled, self.parameter, self.values[i])
        return self._whole[i]

    def alone(self, i: int) -> CompiledPolicy:
        if i not in self._alone:
            setting = (f"{self.parameter}={_text(self.values[i])}",)
            self._alone[i] = api.with_settings(api.rule_alone(self.compiled, self.rule), setting,
                                               "--param")
        return self._alone[i]


def _standing(policy: CompiledPolicy, partner: api.Partner, day: dt.date):
    profile = partner.profile
    judged = api.judge(api.for_partner(policy, profile.partner.code, day), profile, day)
    return _of(judged)


def _of(judged) -> tuple[str | None, float | None]:
    return (judged.tier.id if judged.tier else None), judged.score


def _standings(compiled: CompiledPolicy, steps: _Steps, partners: list[api.Partner],
               day: dt.date) -> dict[str, list[tuple[str | None, float | None]]]:
    """Partner code -> (tier, score) at each step. Steps run in the outer loop, so each step's
    network is built once and serves every partner."""
    found: dict[str, list] = {p.profile.partner.code: [] for p in partners}
    own = [p for p in partners
           if api.for_partner(compiled, p.profile.partner.code, day) is not compiled]
    base = {p.profile.partner.code: api.judge(compiled, p.profile, day)
            for p in partners if p not in own}
    scored: dict[tuple, tuple[str | None, float | None]] = {}
    for i in range(len(steps.values)):
        for partner in own:
            found[partner.profile.partner.code].append(_standing(steps.whole(i), partner, day))
        for partner in (p for p in partners if p not in own):
            code = partner.profile.partner.code
            found[code].append(_at_step(compiled, steps, i, partner, base[code], day, scored))
    return found


def _at_step(compiled, steps: _Steps, i: int, partner: api.Partner, base, day,
             scored: dict) -> tuple[str | None, float | None]:
    if steps.rule is None:          # a weight or a tier bound: same verdicts, new scoring
        return _of(api.judged(steps.whole(i), base.verdicts, base.facts, base.values, base.fired,
                              base.waivers))
    verdict = api.judge(steps.alone(i), partner.profile, day).verdicts[steps.rule]
    key = (partner.profile.partner.code, verdict)
    if key not in scored:           # the other verdicts are fixed: score each outcome once
        verdicts = {**base.verdicts, steps.rule: verdict}
        scored[key] = _of(api.judged(compiled, verdicts, base.facts, base.values, base.fired,
                                     base.waivers))
    return scored[key]


def _row(compiled, standings, values, parameter, partner, day) -> SweepRow:
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
