"""Sweep: one parameter over a range of values; each partner's tier and score at every step, and
the values where its tier flips.

A step is an ordinary `--set` (so it is checked like one and compiled once per value). Flip
points are pinned with the engine, not estimated: for a rule's limit the verdict can only change
where the limit crosses the partner's own observed value, and for a tier's `min_score` where it
crosses the partner's score, so those values are evaluated and the flip is reported there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from engine import api, score, variants
from engine.compile import CompiledPolicy
from engine.errors import InputError
from engine.variant_results import Flip, Sweep, SweepRow

MAX_STEPS = 1000


def parse_range(text: str) -> tuple[str, list[Any]]:
    """`TARGET.FIELD=START:STOP:STEP` (both ends included) or `TARGET.FIELD=V1,V2,...`."""
    where = f"--param {text}"
    if "=" not in text:
        raise InputError.at(where, "expected TARGET.FIELD=START:STOP:STEP, e.g. "
                            "--param transshipment-rerouting-ceiling.limit=0:0.3:0.05")
    target, spec = text.split("=", 1)
    problems = []
    values: list[Any] = []
    try:
        values = _values(spec, where)
    except InputError as exc:
        problems += exc.problems
    # each step is a --set, and only its number differs: one check of the target and field
    # stands for every step, and runs even when the range is wrong, so both are reported at once
    try:
        _setting(target, values)
    except InputError as exc:
        problems += [replace(p, path=where) for p in exc.problems]
    if problems:
        raise InputError(problems)
    return target, values


def _setting(parameter: str, values: list[Any]) -> variants.Setting:
    """The --set that every step is, but for its number: target, field and [indicator]."""
    return variants.parse_setting(f"{parameter}={_text(values[0] if values else 0)}", "--param")


def _values(spec: str, where: str) -> list[Any]:
    if ":" in spec:
        values = _steps(spec, where)
    else:
        values = [_number(v, where) for v in _listed(spec, where)]
    if not values:
        raise InputError.at(where, "no values to sweep")
    return values


def _listed(spec: str, where: str) -> list[str]:
    """V1,V2,...; an empty item is refused, not dropped: `0.1,,0.2` is more likely a value
    lost in typing than two values meant."""
    if not spec.strip():
        return []
    items = spec.split(",")
    for number, item in enumerate(items, 1):
        if not item.strip():
            raise InputError.at(where, f"value {number} of {len(items)} is empty")
    return items


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
    if abs(value) > 10 ** 300:      # as everywhere a number is read: no verdict rests on it
        raise InputError.at(where, f"'{text.strip()}' is too large (over 1e300)")
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
    steps = _Steps(compiled, parameter, values)
    standings = _standings(compiled, steps, ordered, day)
    rows = tuple(_row(*standings[p.profile.partner.code], values) for p in ordered)
    return Sweep(api.stamp(compiled, day), parameter, tuple(values), rows,
                 tuple(t.id for t in compiled.policy.tiers),
                 steps.field in ("limit", "min_score"))


def _at(compiled: CompiledPolicy, parameter: str, value: Any) -> CompiledPolicy:
    return api.with_settings(compiled, (f"{parameter}={_text(value)}",), "--param")


class _Steps:
    """The policy at each swept value, compiled on first use: whole (for the full path), or
    as the swept rule alone (for a limit)."""

    def __init__(self, compiled: CompiledPolicy, parameter: str, values: list[Any]) -> None:
        self.compiled, self.parameter, self.values = compiled, parameter, values
        setting = _setting(parameter, values)   # parsed as every --set is
        self.target, self.field = setting.target, setting.field
        self.which = setting.which              # limit[indicator]: one comparison of a rule
        self.rule = self.target if self.field == "limit" else None
        self._whole: dict[int, CompiledPolicy] = {}
        self._alone: dict[int, CompiledPolicy] = {}
        self._rescored: dict[int, CompiledPolicy] = {}
        # the steps compiled whole to check the change: the range's two ends (see rescoring)
        self.ends = sorted({values.index(min(values)), values.index(max(values))}) \
            if values else []

    def whole(self, i: int) -> CompiledPolicy:
        if i not in self._whole:
            self._whole[i] = _at(self.compiled, self.parameter, self.values[i])
        return self._whole[i]

    def rescoring(self, i: int) -> CompiledPolicy:
        """The policy at a step of a rule's weight or a tier's bound, for scoring the verdicts
        judged once. Neither changes an engine rule, so between the range's two ends it is the
        compiled policy with that one number changed, not compiled again (compiling the whole
        policy was most of such a sweep: about 1 s for 50 steps of a 100-rule policy). The ends
        are compiled whole, which checks the change as any --set is checked: a weight or a
        bound is valid over an interval (0 < weight <= 100; between the neighbouring tiers'
        bounds), so valid at both ends it is valid between them."""
        for end in self.ends:
            self.whole(end)               # refused here, as at the first step, if out of range
        if i in self.ends:
            return self.whole(i)
        # kept apart from the whole steps: its source data still has the old number, so a
        # partner with terms (which are applied to that data) takes a whole step instead
        if i not in self._rescored:
            self._rescored[i] = _renumbered(self.compiled, self.field, self.target,
                                            self.values[i])
        return self._rescored[i]

    def alone(self, i: int) -> CompiledPolicy:
        if i not in self._alone:
            self._alone[i] = self.alone_at(self.values[i])
        return self._alone[i]

    def alone_at(self, value: Any) -> CompiledPolicy:
        """The swept rule alone with its limit at `value`."""
        setting = (f"{self.parameter}={_text(value)}",)
        return api.with_settings(api.rule_alone(self.compiled, self.rule), setting, "--param")


def _renumbered(compiled: CompiledPolicy, field: str, target: str,
                value: Any) -> CompiledPolicy:
    """The compiled policy with one rule's weight or one tier's bound at `value` (checked by
    the caller), sharing its engine rules."""
    policy = compiled.policy
    if field == "min_score":
        return replace(compiled, policy=_with_bound(policy, target, value), variants={})
    rule = compiled.rules[target].rule.model_copy(update={field: value})
    rules = [rule if r.id == target else r for r in policy.rules]
    return replace(compiled, policy=policy.model_copy(update={"rules": rules}),
                   rules={**compiled.rules, target: replace(compiled.rules[target], rule=rule)},
                   variants={})


def _with_bound(policy, tier_id: str, value: Any):
    tiers = [t.model_copy(update={"min_score": value}) if t.id == tier_id else t
             for t in policy.tiers]
    return policy.model_copy(update={"tiers": tiers})


def _of(judged) -> tuple[str | None, float | None]:
    return (judged.tier.id if judged.tier else None), judged.score


class _Judged:
    """One partner along the sweep: its standing at a step or at any value. A partner with its
    own terms or dated rules (`base` None) takes the full path; every other one reuses its one
    full judgement and redoes only what the swept parameter can change."""

    def __init__(self, compiled: CompiledPolicy, steps: _Steps, partner: api.Partner,
                 day: dt.date) -> None:
        self.compiled, self.steps, self.partner, self.day = compiled, steps, partner, day
        code = partner.profile.partner.code
        own = api.for_partner(compiled, code, day) is not compiled
        self.base = None if own else api.judge(compiled, partner.profile, day)
        self.scored: dict = {}

    def at_step(self, i: int) -> tuple[str | None, float | None]:
        steps = self.steps
        if self.base is None:
            return self.full(steps.whole(i))
        if steps.field == "min_score":
            return self.bounded(steps.rescoring(i).policy)
        if steps.field == "weight":
            return self.reweighted(steps.rescoring(i))
        if steps.rule is None:
            return self.reweighted(steps.whole(i))
        return self.relimited(steps.alone(i))

    def at(self, value: Any) -> tuple[str | None, float | None]:
        """The standing at a value between the steps (a flip point being pinned)."""
        steps = self.steps
        if self.base is not None and steps.field == "min_score":
            return self.bounded(_with_bound(self.compiled.policy, steps.target, value))
        if self.base is not None and steps.rule is not None:
            return self.relimited(steps.alone_at(value))
        return self.full(_at(self.compiled, steps.parameter, value))

    def full(self, policy: CompiledPolicy) -> tuple[str | None, float | None]:
        profile = self.partner.profile
        return _of(api.judge(api.for_partner(policy, profile.partner.code, self.day), profile,
                             self.day))

    def bounded(self, policy) -> tuple[str | None, float | None]:
        """A tier bound moves: the same score and caps meet a new tier table."""
        tier = score.tier_for(self.base.score, policy, list(self.base.caps.values()))
        return (tier.id if tier else None), self.base.score

    def reweighted(self, policy: CompiledPolicy) -> tuple[str | None, float | None]:
        """A weight moves: the same verdicts, scored with the new weights."""
        b = self.base
        return _of(api.judged(policy, b.verdicts, b.facts, b.values, b.fired, b.waivers))

    def relimited(self, alone: CompiledPolicy) -> tuple[str | None, float | None]:
        """A limit moves: only the swept rule is judged again, in its own small network."""
        rule, b = self.steps.rule, self.base
        verdict = api.judge(alone, self.partner.profile, self.day).verdicts[rule]
        if verdict not in self.scored:      # the other verdicts are fixed: score each once
            verdicts = {**b.verdicts, rule: verdict}
            self.scored[verdict] = _of(api.judged(self.compiled, verdicts, b.facts, b.values,
                                                  b.fired, b.waivers))
        return self.scored[verdict]

    def candidates(self) -> set[float]:
        """Where the swept parameter can change this partner's tier: the observed values its
        rule compares with the limit, or its score for a tier bound."""
        steps = self.steps
        if steps.field == "min_score":
            known = self.base.score if self.base else self.full(self.compiled)[1]
            return {known} if known is not None else set()
        if steps.field != "limit":
            return set()
        card = api.evaluate_partner(self.compiled, self.partner, self.day)
        found = next((f for f in card.findings if f.rule == steps.target), None)
        which = steps.which
        return {c.observed for c in (found.checks if found else ())
                if isinstance(c.observed, int | float) and not isinstance(c.observed, bool)
                and (not which or c.indicator == which or c.indicator.startswith(f"{which}."))}


def _standings(compiled: CompiledPolicy, steps: _Steps, partners: list[api.Partner],
               day: dt.date) -> dict[str, tuple[_Judged, list]]:
    """Partner code -> (the partner, its (tier, score) at each step). Steps run in the outer
    loop, so each step's network is built once and serves every partner."""
    judged = {p.profile.partner.code: _Judged(compiled, steps, p, day) for p in partners}
    found: dict[str, list] = {code: [] for code in judged}
    for i in range(len(steps.values)):
        for code, one in judged.items():
            found[code].append(one.at_step(i))
    return {code: (judged[code], found[code]) for code in judged}


def _row(one: _Judged, standings: list, values: list[Any]) -> SweepRow:
    tiers = tuple(t for t, _ in standings)
    flips = [_pin(one, values[i - 1], values[i], tiers[i - 1], tiers[i])
             for i in range(1, len(values)) if tiers[i] != tiers[i - 1]]
    profile = one.partner.profile
    return SweepRow(profile.partner.code, api.partner_name(profile), tiers,
                    tuple(s for _, s in standings), tuple(flips))


def _pin(one: _Judged, last: Any, first: Any, old: str | None, new: str | None) -> Flip:
    """The exact value in (last, first] where `new` starts, from the partner's own numbers.

    The tier can change only at a candidate (the figure the swept limit is compared with, or
    the score a bound meets), so it is constant between two of them. Walking from `last`
    toward `first`: the new tier holds either from a candidate on (inclusive), or from just
    past one (`last` itself included: a figure equal to the last swept value)."""
    ascending = first > last
    on_the_way = sorted((c for c in one.candidates()
                         if min(last, first) <= c <= max(last, first)), reverse=not ascending)
    passed = last if last in on_the_way else None     # the candidate the tier is old at
    for candidate in on_the_way:
        if candidate == last:
            continue
        if passed is not None and one.at((passed + candidate) / 2)[0] == new:
            return Flip(last, first, old, new, passed, False)
        tier = one.at(candidate)[0]
        if tier == new:
            return Flip(last, first, old, new, candidate, True)
        passed = candidate if tier == old else None
    if passed is not None:          # no candidate after it: the new tier holds just past it
        return Flip(last, first, old, new, passed, False)
    return Flip(last, first, old, new)
