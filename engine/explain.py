"""Explain: verdicts + profile -> findings with the numbers behind them.

For each rule: the observed values (with their provenance), the limit, the margin, a message
that states the numbers ("Chinese share of imports 36.5% exceeds the 20% limit by 16.5
points"), the sources, and the chain of derived facts it rests on. Margins are positive inside
the limit and negative past it, in the indicator's unit.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from engine import conditions as cx
from engine.compile import COMPUTED_PREFIX, CompiledPolicy, CompiledRule
from engine.compile import Check as CompiledCheck
from engine.evaluate import compute, kept, lookup
from engine.findings import truth
from engine.models import Catalog, Indicator, IndicatorType, Profile
from engine.results import Because, Check, FactStatus, Finding, Observation, Provenance, Verdict

_VERB = {"<=": "at most", ">=": "at least", "<": "below", ">": "above", "==": "",
         "!=": "not", "in": "one of", "not in": "none of", "includes": "including",
         "excludes": "excluding"}


# --- numbers in words ------------------------------------------------------------------------

def show(indicator: Indicator | None, value: Any, *, precise: bool = False,
         exact: bool = False) -> str:
    """A value in its unit, as a reader expects it: 36.5%, $113.5 bn, 12, yes. `precise` keeps
    six significant digits, for a target that must not read as the limit it sits just under
    (79.9%, not 80%); `exact` keeps every digit the drafter wrote, for a limit (21.05%)."""
    number = _EXACT if exact else _precise if precise else _num
    if value is None:
        return "unknown"
    if type(value) in _PLAIN_NUMBERS:           # the common case first (bool is not among them)
        return _show_number(indicator.type if indicator else None, value, number)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, _SEQUENCES):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):       # a share map: "steel 55%, aluminium 48%"
        return ", ".join(f"{key.replace('_', ' ')} "
                         f"{show(indicator, v, precise=precise, exact=exact)}"
                         for key, v in value.items()) or "none"
    if not isinstance(value, _PLAIN_NUMBERS):
        return str(value)
    return _show_number(indicator.type if indicator else None, value, number)


def show_pair(indicator: Indicator | None, observed: Any, limit: Any, literal: bool,
              bound: str | None = None) -> tuple[str, str]:
    """An observed value and its limit in words, with digits enough that they compare as the
    numbers do. A `literal` limit reads as the drafter wrote it (0.2335), and the value gets
    as many digits as it takes not to read equal to it, or on its other side, when it is not
    (0.2337, not 0.23); a computed limit is rounded alike. `bound`: the literal limit already
    in words (worked out once per rule)."""
    if not _numbers(observed, limit):
        return show(indicator, observed), bound or show(indicator, limit, exact=literal)
    kind = indicator.type if indicator else None
    shift = 2 if kind in _POINT_SHARES else 0         # shares read in percent
    if _apart(observed, limit, shift, literal):       # the common case, without Decimals
        return (_show_number(kind, observed, _num),
                bound or _show_number(kind, limit, _EXACT if literal else _num))
    order = (observed > limit) - (observed < limit)
    exact_limit = _decimal(limit, shift)
    for number in _FINER:
        compared = exact_limit if literal else _shown(kind, number, limit, shift)
        seen = _shown(kind, number, observed, shift)
        if (seen > compared) - (seen < compared) == order:
            break
    return (_show_number(kind, observed, number),
            bound or _show_number(kind, limit, _EXACT if literal else number))


def _apart(observed: float, limit: float, shift: int, literal: bool) -> bool:
    """Whether the usual rounding (_num) of the value, and of a computed limit, cannot move
    either onto or past the other: they are further apart than its largest error."""
    slack = _rounding_error(observed, shift) + (0.0 if literal else
                                                _rounding_error(limit, shift))
    return abs(observed - limit) * 10 ** shift > 2 * slack + 1e-12


def _rounding_error(value: float, shift: int) -> float:
    """At most how far _num's words for `value` lie from it, in the unit shown: one decimal
    from 10 up, two below, two significant digits under 0.1, after rounding to 9 places."""
    shown = abs(value) * 10 ** shift
    return (0.05 if shown >= 10 else 0.005 if shown >= 0.1 else shown * 0.05) + 5e-10


def _is_number(value: Any) -> bool:
    return isinstance(value, _PLAIN_NUMBERS) and not isinstance(value, bool)


def _numbers(a: Any, b: Any) -> bool:
    """Both are numbers (never a bool), the exact types first: this runs for every check."""
    return (type(a) in _PLAIN_NUMBERS and type(b) in _PLAIN_NUMBERS) or \
        (_is_number(a) and _is_number(b))


def _shown(kind: IndicatorType | None, number, value: float, shift: int) -> Decimal:
    """The number a reader sees when `value` is put in words by `number`."""
    text = _formatter(kind, number)(abs(value), shift)
    return Decimal(text.replace(",", "")).copy_sign(Decimal(value))


# looked up once: enum members and type unions are slow to build in a function run per check
_PLAIN_NUMBERS = (int, float)
_SEQUENCES = (tuple, list)
_PERCENT_SHARES = frozenset({IndicatorType.SHARE, IndicatorType.SHARE_MAP})
_POINT_SHARES = frozenset({IndicatorType.SHARE, IndicatorType.SHARE_MAP,
                           IndicatorType.SHARE_CHANGE})
_SHARE_CHANGE, _USD_BN = IndicatorType.SHARE_CHANGE, IndicatorType.USD_BN
_PCT, _PP = IndicatorType.PCT, IndicatorType.PP


def _show_number(kind: IndicatorType | None, value: float, number=None) -> str:
    number = _formatter(kind, number or _num)
    if kind in _PERCENT_SHARES:
        return f"{number(value, 2)}%"
    if kind == _SHARE_CHANGE:
        sign = "+" if value > 0 else "-" if value < 0 else ""
        points = number(abs(value), 2)
        return f"{sign}{points} {'point' if points == '1' else 'points'}"
    if kind == _USD_BN:               # -$12 bn, as money is written, not $-12 bn
        return f"{'-' if value < 0 else ''}${number(abs(value))} bn"
    if kind == _PCT:
        return f"{number(value)}%"
    if kind == _PP:
        return f"{'' if value < 0 else '+'}{number(value)} pp"
    return number(value)


def _formatter(kind: IndicatorType | None, number):
    """Tariff points read to six significant digits where other figures are rounded for the
    reader: -25 pp, +2.75 pp."""
    return _precise if kind == _PP and number is _num else number


def show_gap(indicator: Indicator | None, gap: float) -> str:
    """A distance between a value and its limit, in the indicator's unit."""
    kind = indicator.type if indicator else None
    if kind in _POINT_SHARES:
        points = _num(gap, 2)
        return f"{points} point" if points == "1" else f"{points} points"
    if kind == _USD_BN:
        return f"${_num(gap)} bn"
    if kind in (_PCT, _PP):
        return f"{_num(gap)} pp"
    return _num(gap)


def _decimal(value: float, shift: int = 0) -> Decimal:
    """`value` times 10**shift, with the digits it was written with (its repr): 0.2105 is
    21.05 percent, not the float product 21.049999999999997."""
    return Decimal(repr(value)).scaleb(shift)


def _precise(value: float, shift: int = 0, digits: int | None = 6) -> str:
    """`digits` significant digits (None: every digit written), whole numbers as integers."""
    exact = _decimal(value, shift)
    if exact == exact.to_integral_value():
        return f"{int(exact):,}"
    if digits is not None:
        exact = exact.quantize(Decimal(1).scaleb(exact.adjusted() - digits + 1), ROUND_HALF_UP)
    return f"{exact.normalize():,f}"


# a literal limit in words, and the roundings tried, coarse to fine, for a value beside a limit
_EXACT = partial(_precise, digits=None)


def _num(value: float, shift: int = 0) -> str:
    value = round(value * 10 ** shift, 9)   # 0.14 * 100 is 14.000000000000002: show 14
    if float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) < 0.1:          # $0.004 bn must not read as $0 bn
        return f"{value:.2g}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.1f}"


_FINER = (_num, *(partial(_precise, digits=d) for d in range(3, 18)), _EXACT)


# --- one comparison --------------------------------------------------------------------------

def indicator_of(catalog: Catalog, name: str) -> Indicator | None:
    return catalog.indicators.get(name.partition(".")[0])


def label_of(catalog: Catalog, name: str) -> str:
    indicator = indicator_of(catalog, name)
    if indicator is None:
        return name.replace("_", " ")
    _, _, key = name.partition(".")
    return f"{indicator.label} ({key.replace('_', ' ')})" if key else indicator.label


def explain_compare(cmp: cx.Compare, catalog: Catalog, values: dict[str, Any],
                    facts: dict[tuple[str, str], FactStatus]) -> Check:
    return _explain(_Comparison.of(cmp, catalog), values, facts)


@dataclass(frozen=True)
class _Comparison:
    """A comparison with what does not depend on the partner worked out once per policy:
    which side is the indicator, its label, and the limit in words when it is a literal."""

    left: cx.Term
    op: str
    right: cx.Term
    name: str
    is_ref: bool
    lit: Any
    indicator: Indicator | None
    label: str
    literal: bool                # the limit is a number or value written in the rule
    bound: str | None            # a literal limit in words, every digit as written

    @staticmethod
    def of(cmp: cx.Compare, catalog: Catalog) -> _Comparison:
        left, op, right = cx.oriented(cmp)
        is_ref = isinstance(left, cx.Ref)
        name = left.name if is_ref else _term_text(left, catalog)
        indicator = _indicator_of_term(left, catalog)
        label = label_of(catalog, name) if is_ref else name
        literal = isinstance(right, cx.Lit)
        bound = show(indicator, _lit(right), exact=True) if literal else None
        return _Comparison(left, op, right, name, is_ref, _lit(right), indicator, label,
                           literal, bound)


def _explain(c: _Comparison, values: dict[str, Any],
             facts: dict[tuple[str, str], FactStatus]) -> Check:
    name, op = c.name, c.op
    if c.is_ref and (name, c.lit) in facts:
        return _fact_check(name, op, c.lit, facts)
    observed = lookup(values, name) if c.is_ref else compute(c.left, values)
    limit = c.lit if c.literal else compute(c.right, values)
    holds = _holds(observed, op, limit, c.indicator)
    margin = _margin(observed, op, limit)
    # each number is put in words once, for both the sentence and the check's fields
    seen, bound = show_pair(c.indicator, observed, limit, c.literal, c.bound)
    gap = show_gap(c.indicator, abs(margin)) if margin is not None else ""
    if margin and _decimals(gap) > _decimals(seen):
        seen = _to_decimals(c.indicator, observed, _decimals(gap))
    text = _sentence(c.label, seen, op, bound, margin, holds, gap)
    return Check(name, op, _plain(observed), _plain(limit), margin, holds, text, seen, bound,
                 gap)


def _decimals(words: str) -> int:
    """Digits after the decimal point of the number in `words` ('$0.004 bn' -> 3)."""
    _, point, rest = words.partition(".")
    return len(rest) - len(rest.lstrip("0123456789")) if point else 0


def _to_decimals(indicator: Indicator | None, value: float, decimals: int) -> str:
    """`value` in words with at least `decimals` decimals where it has them: a value beside a
    gap of 0.096 reads 1.096, not 1.1, so that value minus limit is the gap a reader sees."""
    kind = indicator.type if indicator else None
    words = _show_number(kind, value, _num)
    for number in _FINER[1:]:
        if _decimals(words) >= decimals:
            break
        words = _show_number(kind, value, number)
    return words


def _fact_check(name: str, op: str, value: str, facts: dict) -> Check:
    status = facts[(name, value)]
    present = {FactStatus.CONCLUDED: True, FactStatus.ABSENT: False}.get(status)
    holds = None if present is None else (present if op == "==" else not present)
    said = {True: f"is {value}", False: f"is not {value}", None: f"may be {value}: undecided"}
    label = name.replace("_", " ").capitalize()
    text = f"{label} {said[present]} (a derived fact; see because)"
    return Check(name, op, value if present else None, value, None, holds, text)


def _lit(term: cx.Term) -> Any:
    return term.value if isinstance(term, cx.Lit) else None


def _term_text(term: cx.Term, catalog: Catalog) -> str:
    """Arithmetic in words: 'Imports from China / Exports to the US'."""
    if isinstance(term, cx.Ref):
        return label_of(catalog, term.name)
    if isinstance(term, cx.Lit):
        return repr(term.value)
    if (negated := _negated(term)) is not None:
        return f"minus {_term_text(negated, catalog)}"
    return f"{_term_text(term.left, catalog)} {term.op} {_term_text(term.right, catalog)}"


def _negated(term: cx.Term) -> cx.Term | None:
    """x for `-x`, which conditions parse as `0 - x`; None for any other term."""
    if isinstance(term, cx.Arith) and term.op == "-" and isinstance(term.left, cx.Lit) \
            and _is_number(term.left.value) and term.left.value == 0:
        return term.right
    return None


def _indicator_of_term(term: cx.Term, catalog: Catalog) -> Indicator | None:
    """The indicator whose unit a term is in: its own, or the negated one's (-x is in x's
    unit, so '-36.5%', not '-0.365'); None for other arithmetic."""
    ref = term if isinstance(term, cx.Ref) else _negated(term)
    return indicator_of(catalog, ref.name) if isinstance(ref, cx.Ref) else None


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return list(value) if isinstance(value, tuple) else value


def _holds(observed: Any, op: str, limit: Any, indicator: Indicator | None) -> bool | None:
    if observed is None or limit is None:
        return None
    if indicator is not None and indicator.ordered and isinstance(limit, str):
        rank = (indicator.values or []).index
        observed, limit = rank(observed), rank(limit)
    if isinstance(limit, str) and isinstance(observed, dt.date):
        limit = dt.date.fromisoformat(limit)
    return _OPERATORS[op](observed, limit)


_OPERATORS = {
    "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt,
    "==": operator.eq, "!=": operator.ne,
    "in": lambda observed, limit: observed in limit,
    "not in": lambda observed, limit: observed not in limit,
    "includes": operator.contains, "excludes": lambda observed, limit: limit not in observed,
}


def _margin(observed: Any, op: str, limit: Any) -> float | None:
    if not _numbers(observed, limit):
        return None
    if op in ("<=", "<"):
        return _tidy(limit - observed)
    if op in (">=", ">"):
        return _tidy(observed - limit)
    return None


def _tidy(difference: float) -> float:
    """Float noise rounded off (0.365 - 0.2 is 0.16499999999999998), but never a real
    difference rounded to 0: a figure 1e-11 past its limit violates it, and its margin and
    words must say so, not 'reaches the limit' with a margin of -0.0."""
    rounded = round(difference, 10)
    return rounded if rounded or not difference else difference


def _sentence(label: str, seen: str, op: str, bound: str, margin: float | None,
              holds: bool | None, gap: str) -> str:
    """One comparison in words, from the observed value, the limit and the margin (`gap`)
    already in words."""
    if holds is None:
        return f"{label} is unknown (required: {f'{_VERB[op]} {bound}'.strip()})"
    if margin == 0 and op == ">" and not holds:
        return f"{label} {seen} equals the {bound} limit; required: above it"
    if margin is not None and op in ("<=", "<"):
        if holds:
            spare = f"{gap} to spare" if margin else "at the limit"
            return f"{label} {seen} is within the {bound} limit ({spare})"
        over = "exceeds" if margin < 0 else "reaches"
        return f"{label} {seen} {over} the {bound} limit" + (f" by {gap}" if margin else "")
    if margin is not None:
        if holds:
            above = f"{gap} above" if margin else "exactly"
            return f"{label} {seen} meets the {bound} minimum ({above})"
        return f"{label} {seen} is below the {bound} minimum" + (f" by {gap}" if margin else "")
    wanted = f"{_VERB[op]} {bound}".strip()
    if holds and op == "==":
        return f"{label} is {seen}, as required"
    if holds and op == "!=":
        return f"{label} is {seen} (required: {wanted})"
    if holds:
        return f"{label} is {seen}, {wanted} as required"
    return f"{label} is {seen}; required: {wanted}"


# --- a whole finding -------------------------------------------------------------------------

def observations(profile: Profile, catalog: Catalog) -> tuple[Observation, ...]:
    """The profile's figures in words; worked out once per profile and catalog (both frozen)."""
    return kept(profile, ("observations", catalog), lambda: _observations(profile, catalog))


def _observations(profile: Profile, catalog: Catalog) -> tuple[Observation, ...]:
    result = []
    for name in sorted(profile.indicators):
        figure = profile.figure(name)
        indicator = catalog.indicators.get(name)
        provenance = None
        if figure is not None and (figure.source or figure.illustrative or figure.note):
            provenance = Provenance(figure.year, figure.source, figure.illustrative, figure.note)
        value = figure.value if figure else None
        result.append(Observation(name, indicator.label if indicator else name, _plain(value),
                                  show(indicator, value), provenance))
    return tuple(result)


def explain_rule(compiled: CompiledPolicy, rule: CompiledRule, verdict: Verdict,
                 values: dict[str, Any], facts: dict[tuple[str, str], FactStatus],
                 code: str, fired: set[str], terms: tuple[str, ...] = ()) -> Finding:
    """`terms`: the partner's terms that set this rule, carried into the finding."""
    plan = _rule_plan(compiled, rule)
    checks = tuple(_explain(c, values, facts) for c in plan.comparisons)
    primary = _primary(checks, verdict, plan.either)
    margin = primary.margin if primary else None
    observed = {name: _plain(lookup(values, name)) for name in plan.observed}
    because = tuple(_because(compiled, fact, values, facts, set()) for fact in plan.derived)
    message = _message(compiled, rule, verdict, checks, primary, values, code, facts, fired)
    if verdict == Verdict.NOT_APPLICABLE:
        # outside its scope the rule compares nothing: a margin or a failing check there (a
        # solar share against a limit set for four other countries) reads as a breach
        checks, margin = (), None
    return Finding(plan.id, plan.demand, plan.title, verdict, plan.severity, plan.weight,
                   observed, primary.limit if primary else None, margin, message,
                   plan.sources, because, checks, plan.limit_basis, None, terms)


@dataclass(frozen=True)
class _RulePlan:
    """What a rule's findings share, whoever the partner."""

    rule: CompiledRule
    # `not` pushed onto the comparisons, so each check's margin and words face the right way
    comparisons: tuple[_Comparison, ...]
    either: bool                               # the requirement is `any` of comparisons
    observed: tuple[str, ...]                  # the figures it reads, sorted
    derived: tuple[tuple[str, str], ...]       # the derived facts it reads, sorted
    id: str
    demand: str
    title: str
    severity: str
    weight: float
    sources: tuple[str, ...]
    limit_basis: str | None


def _rule_plan(compiled: CompiledPolicy, rule: CompiledRule) -> _RulePlan:
    plans = compiled.plans.setdefault("explain", {})
    plan = plans.get(rule.rule.id)
    if plan is None or plan.rule is not rule:
        model, catalog = rule.rule, compiled.catalog
        tree = cx.push_not(rule.require.tree)
        plan = plans[model.id] = _RulePlan(
            rule, tuple(_Comparison.of(c, catalog) for c in cx.comparisons(tree)),
            isinstance(tree, cx.Any_) and all(isinstance(i, cx.Compare) for i in tree.items),
            tuple(n for n in sorted(rule.require.reads) if not n.startswith(COMPUTED_PREFIX)),
            tuple(sorted(rule.require.derived_reads)), model.id, model.demand, model.title,
            model.severity.value, float(model.weight), tuple(model.sources), model.limit_basis)
    return plan


def _primary(checks: tuple[Check, ...], verdict: Verdict, either: bool = False) -> Check | None:
    """The comparison that decides the verdict: the first failing, else the tightest; for a
    rule kept by `either` of its routes, the route with the most room for its limit (Mexico's
    tariff gap 17 pp inside -25, not its matched share exactly on 50%: the rule would still
    hold without that one, and a margin of 0 would read as a partner on the edge)."""
    if not checks:
        return None
    if verdict == Verdict.VIOLATED:
        return next((c for c in checks if c.holds is False), checks[0])
    if verdict == Verdict.UNKNOWN:
        return next((c for c in checks if c.holds is None), checks[0])
    holding = [c for c in checks if c.holds] or list(checks)   # an `any` passes on one route
    margins = [c for c in holding if c.margin is not None]
    if either and margins:     # routes in different units compare by room relative to limit
        return max(margins, key=lambda c: c.margin / (abs(c.limit) or 1))
    return min(margins, key=lambda c: c.margin) if margins else holding[0]


def _message(compiled: CompiledPolicy, rule: CompiledRule, verdict: Verdict,
             checks: tuple[Check, ...], primary: Check | None, values: dict[str, Any],
             code: str, facts: dict[tuple[str, str], FactStatus], fired: set[str]) -> str:
    if verdict == Verdict.NOT_APPLICABLE:
        return _scope_text(compiled, rule, code, values, facts)
    if verdict == Verdict.UNKNOWN:
        scope = rule.applies_when
        if scope is not None and truth(scope, values, fired) is None:
            gaps = _gaps(compiled, scope, values, facts)
            return f"cannot judge whether the rule applies: {gaps} for {code}"
        return f"cannot judge: {_gaps(compiled, rule.require, values, facts)} for {code}"
    if len(checks) == 1 or primary is None:
        return primary.text if primary else rule.rule.title
    # a composite: say what decided it (the failing checks of a violation, the holding ones of
    # a satisfied rule); a `not` can invert that, so fall back to every judged check
    decisive = [c.text for c in checks if c.holds is (verdict == Verdict.SATISFIED)]
    return "; ".join(decisive or [c.text for c in checks if c.holds is not None]) or primary.text


def _gaps(compiled: CompiledPolicy, check: CompiledCheck, values: dict[str, Any],
          facts: dict[tuple[str, str], FactStatus]) -> str:
    """What is missing for a condition: figures by label, undecided derived facts by name."""
    figures = [label_of(compiled.catalog, n) for n in sorted(check.reads)
               if lookup(values, n) is None and not n.startswith(COMPUTED_PREFIX)]
    derived = sorted({name.replace("_", " ") for name, value in check.derived_reads
                      if facts.get((name, value)) == FactStatus.UNKNOWN})
    if not figures and any(n.startswith(COMPUTED_PREFIX) and lookup(values, n) is None
                           for n in check.reads):
        figures = ["a computed value (a zero divisor or an overflow)"]
    parts = [f"{', '.join(figures)} not known"] if figures else []
    parts += [f"{', '.join(derived)} undecided"] if derived else []
    return " and ".join(parts) or "figures not known"


def _scope_text(compiled: CompiledPolicy, rule: CompiledRule, code: str,
                values: dict[str, Any], facts: dict[tuple[str, str], FactStatus]) -> str:
    scope = rule.rule.applies_to
    if rule.applies_partners is not None and code not in rule.applies_partners:
        groups = ", ".join(scope.groups or []) if scope else ""
        named = ", ".join(scope.partners or []) if scope else ""
        return f"does not apply to {code}: it covers " + " and ".join(
            p for p in (f"groups {groups}" if groups else "", named) if p)
    if rule.applies_when is None:
        return f"does not apply to {code}"
    where = condition_text(rule.applies_when.tree, compiled.catalog)
    failing = [explain_compare(c, compiled.catalog, values, facts)
               for c in cx.comparisons(rule.applies_when.tree)]
    here = [_observed_words(c, compiled.catalog) for c in failing if c.holds is False]
    return f"does not apply to {code}: it applies only where {where}" + \
        (f" (here: {'; '.join(here)})" if here else "")


def _observed_words(check: Check, catalog: Catalog) -> str:
    """What the partner has for one comparison of a scope: '6%', 'foothold is not significant'."""
    if check.indicator in catalog.indicators or "." in check.indicator:
        return check.observed_shown     # with the digits that set it apart from the limit
    return check.text.removesuffix(" (a derived fact; see because)")


def _because(compiled: CompiledPolicy, fact: tuple[str, str], values: dict[str, Any],
             facts: dict[tuple[str, str], FactStatus], seen: set) -> Because:
    """The chain behind a derived fact: which derivations concluded it, on which figures."""
    derivations = [d for d in compiled.derivations.values() if d.derivation.fact == fact]
    status = facts.get(fact, FactStatus.ABSENT)
    observed = {n: _plain(lookup(values, n)) for d in derivations for n in sorted(d.when.reads)
                if not n.startswith(COMPUTED_PREFIX)}
    inner = tuple(_because(compiled, f, values, facts, seen | {fact})
                  for d in derivations for f in sorted(d.when.derived_reads) if f not in seen)
    shown = {n: show(indicator_of(compiled.catalog, n), lookup(values, n)) for n in observed}
    return Because(fact[0], fact[1], status, tuple(d.derivation.id for d in derivations),
                   observed, inner, shown)


_WORDS = {"<=": "is at most", ">=": "is at least", "<": "is below", ">": "is above", "==": "is",
          "!=": "is not", "in": "is one of", "not in": "is none of", "includes": "includes",
          "excludes": "excludes"}


def condition_text(node: cx.Node, catalog: Catalog) -> str:
    """A condition in words: 'Chinese share of imports at most 20%'."""
    if isinstance(node, cx.Compare):
        left, op, right = cx.oriented(node)      # 0.1 <= x reads "x is at least 0.1"
        unit = _indicator_of_term(left, catalog)         # -x is in x's unit
        # a literal beside a figure (or a derived fact) reads as a value, and a number beside
        # arithmetic as the findings say it ('at most 1', not '1.0'); elsewhere as written
        in_words = isinstance(right, cx.Lit) and (unit is not None or isinstance(left, cx.Ref)
                                                  or _is_number(right.value))
        bound = show(unit, right.value, exact=True) if in_words else _term_text(right, catalog)
        return f"{_term_text(left, catalog)} {_WORDS[op]} {bound}"
    if isinstance(node, cx.Not):
        return f"not ({condition_text(node.item, catalog)})"
    joiner = " and " if isinstance(node, cx.All) else " or "
    # brackets for a nested any/all, not for a label that holds the word 'and' ("Gap between
    # the partner's and the US tariff"), where they would suggest a grouping there is not
    return joiner.join(f"({condition_text(i, catalog)})" if isinstance(i, cx.All | cx.Any_)
                       else condition_text(i, catalog) for i in node.items)

