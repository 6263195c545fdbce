"""Explain: verdicts + profile -> findings with the numbers behind them.

For each rule: the observed values (with their provenance), the limit, the margin, a message
that states the numbers ("Chinese share of imports 36.5% exceeds the 20% limit by 16.5
points"), the sources, and the chain of derived facts it rests on. Margins are positive inside
the limit and negative past it, in the indicator's unit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine import conditions as cx
from engine.compile import COMPUTED_PREFIX, CompiledPolicy, CompiledRule
from engine.compile import Check as CompiledCheck
from engine.evaluate import compute, lookup
from engine.findings import truth
from engine.models import Catalog, Indicator, IndicatorType, Profile
from engine.results import Because, Check, FactStatus, Finding, Observation, Provenance, Verdict

_VERB = {"<=": "at most", ">=": "at least", "<": "below", ">": "above", "==": "",
         "!=": "not", "in": "one of", "not in": "none of", "includes": "including",
         "excludes": "excluding"}


# --- numbers in words ------------------------------------------------------------------------

def show(indicator: Indicator | None, value: Any) -> str:
    """A value in its unit, as a reader expects it: 36.5%, $113.5 bn, 12, yes."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):       # a share map: "steel 55%, aluminium 48%"
        return ", ".join(f"{key.replace('_', ' ')} {show(indicator, v)}"
                         for key, v in value.items()) or "none"
    if not isinstance(value, int | float):
        return str(value)
    return _show_number(indicator.type if indicator else None, value)


def _show_number(kind: IndicatorType | None, value: float) -> str:
    if kind in (IndicatorType.SHARE, IndicatorType.SHARE_MAP):
        return f"{_num(value * 100)}%"
    if kind == IndicatorType.SHARE_CHANGE:
        sign = "+" if value > 0 else "-" if value < 0 else ""
        points = _num(abs(value) * 100)
        return f"{sign}{points} {'point' if points == '1' else 'points'}"
    if kind == IndicatorType.USD_BN:
        return f"${_num(value)} bn"
    if kind == IndicatorType.PCT:
        return f"{_num(value)}%"
    if kind == IndicatorType.PP:
        return f"{value:+g} pp"
    return _num(value)


def show_gap(indicator: Indicator | None, gap: float) -> str:
    """A distance between a value and its limit, in the indicator's unit."""
    kind = indicator.type if indicator else None
    if kind in (IndicatorType.SHARE, IndicatorType.SHARE_MAP, IndicatorType.SHARE_CHANGE):
        points = _num(gap * 100)
        return f"{points} point" if points == "1" else f"{points} points"
    if kind == IndicatorType.USD_BN:
        return f"${_num(gap)} bn"
    if kind in (IndicatorType.PCT, IndicatorType.PP):
        return f"{_num(gap)} pp"
    return _num(gap)


def _num(value: float) -> str:
    value = round(value, 9)      # 0.14 * 100 is 14.000000000000002: show 14, not 14.0
    if float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) < 0.1:          # $0.004 bn must not read as $0 bn
        return f"{value:.2g}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.1f}"


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
    left, right, op = cmp.left, cmp.right, cmp.op
    if isinstance(left, cx.Lit) and isinstance(right, cx.Ref):
        left, right = right, left
        op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
    name = left.name if isinstance(left, cx.Ref) else _term_text(left, catalog)
    if isinstance(left, cx.Ref) and (name, _lit(right)) in facts:
        return _fact_check(name, op, _lit(right), facts)
    observed = lookup(values, name) if isinstance(left, cx.Ref) else compute(left, values)
    limit = _lit(right) if isinstance(right, cx.Lit) else compute(right, values)
    indicator = indicator_of(catalog, name) if isinstance(left, cx.Ref) else None
    holds = _holds(observed, op, limit, indicator)
    margin = _margin(observed, op, limit)
    label = label_of(catalog, name) if isinstance(left, cx.Ref) else name
    text = _sentence(label, indicator, observed, op, limit, margin, holds)
    gap = show_gap(indicator, abs(margin)) if margin is not None else ""
    return Check(name, op, _plain(observed), _plain(limit), margin, holds, text,
                 show(indicator, observed), show(indicator, limit), gap)


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
    return f"{_term_text(term.left, catalog)} {term.op} {_term_text(term.right, catalog)}"


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
    return {
        "<=": lambda: observed <= limit, ">=": lambda: observed >= limit,
        "<": lambda: observed < limit, ">": lambda: observed > limit,
        "==": lambda: observed == limit, "!=": lambda: observed != limit,
        "in": lambda: observed in limit, "not in": lambda: observed not in limit,
        "includes": lambda: limit in observed, "excludes": lambda: limit not in observed,
    }[op]()


def _margin(observed: Any, op: str, limit: Any) -> float | None:
    numeric = (isinstance(observed, int | float) and isinstance(limit, int | float)
               and not isinstance(observed, bool) and not isinstance(limit, bool))
    if not numeric:
        return None
    if op in ("<=", "<"):
        return round(limit - observed, 10)
    if op in (">=", ">"):
        return round(observed - limit, 10)
    return None


def _sentence(label: str, indicator: Indicator | None, observed: Any, op: str, limit: Any,
              margin: float | None, holds: bool | None) -> str:
    seen, bound = show(indicator, observed), show(indicator, limit)
    if holds is None:
        return f"{label} is unknown (required: {f'{_VERB[op]} {bound}'.strip()})"
    if margin == 0 and op == ">" and not holds:
        return f"{label} {seen} equals the {bound} limit; required: above it"
    if margin is not None and op in ("<=", "<"):
        gap = show_gap(indicator, abs(margin))
        if holds:
            spare = f"{gap} to spare" if margin else "at the limit"
            return f"{label} {seen} is within the {bound} limit ({spare})"
        over = "exceeds" if margin < 0 else "reaches"
        return f"{label} {seen} {over} the {bound} limit" + (f" by {gap}" if margin else "")
    if margin is not None:
        gap = show_gap(indicator, abs(margin))
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
                 code: str, fired: set[str]) -> Finding:
    model = rule.rule
    catalog = compiled.catalog
    # `not` pushed onto the comparisons, so each check's margin and words face the right way
    checks = tuple(explain_compare(c, catalog, values, facts)
                   for c in cx.comparisons(cx.push_not(rule.require.tree)))
    primary = _primary(checks, verdict)
    observed = {name: _plain(lookup(values, name)) for name in sorted(rule.require.reads)
                if not name.startswith(COMPUTED_PREFIX)}
    because = tuple(_because(compiled, fact, values, facts, set())
                    for fact in sorted(rule.require.derived_reads))
    message = _message(compiled, rule, verdict, checks, primary, values, code, facts, fired)
    return Finding(model.id, model.demand, model.title, verdict, model.severity.value,
                   float(model.weight), observed, primary.limit if primary else None,
                   primary.margin if primary else None, message, tuple(model.sources),
                   because, checks, model.limit_basis)


def _primary(checks: tuple[Check, ...], verdict: Verdict) -> Check | None:
    """The comparison that decides the verdict: the first failing, else the tightest."""
    if not checks:
        return None
    if verdict == Verdict.VIOLATED:
        return next((c for c in checks if c.holds is False), checks[0])
    if verdict == Verdict.UNKNOWN:
        return next((c for c in checks if c.holds is None), checks[0])
    holding = [c for c in checks if c.holds] or list(checks)   # an `any` passes on one route
    margins = [c for c in holding if c.margin is not None]
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
        return show(indicator_of(catalog, check.indicator), check.observed)
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
        left, right = node.left, node.right
        if isinstance(left, cx.Lit) and isinstance(right, cx.Ref):
            left, right = right, left
        if isinstance(left, cx.Ref):
            indicator = indicator_of(catalog, left.name)
            bound = show(indicator, right.value) if isinstance(right, cx.Lit) else \
                _term_text(right, catalog)
            return f"{label_of(catalog, left.name)} {_WORDS[node.op]} {bound}"
        return f"{_term_text(left, catalog)} {_WORDS[node.op]} {_term_text(right, catalog)}"
    if isinstance(node, cx.Not):
        return f"not ({condition_text(node.item, catalog)})"
    joiner = " and " if isinstance(node, cx.All) else " or "
    parts = [condition_text(i, catalog) for i in node.items]
    return joiner.join(f"({p})" if " and " in p or " or " in p else p for p in parts)

