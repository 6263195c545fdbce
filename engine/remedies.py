"""Remedies: for a partner below the top tier, the cheapest set of changes of its own figures
that reaches the next tier, each answer confirmed by judging the changed profile with the engine.

1. Ways. For each violated rule, the smallest changes of its figures that make its requirement
   hold, one way per alternative of the condition (its DNF branches): a number moves to its
   limit (or `step` past a strict one, a count by 1), or past another limit the policy compares
   it with, where that keeps another rule holding; an arithmetic condition moves one of its
   operands (each is tried), a yes/no flips, a category or set member changes, a derived fact is
   undone by making every inference concluding it false (or made by making one true). A rule
   whose `applies_to.when` can be made false can also be left by leaving its scope. A way never
   invents a missing figure and never moves a figure the policy marks `fixed`.
2. Effects. Each way is judged alone by the engine: which verdicts it really changes. A way that
   does not fix its own rule, or that turns a judged rule unknown, is dropped.
3. Search. Best-first over sets of ways (at most one per rule), cheapest first; the cost of a set
   is the cost of its merged changes, so a change shared by two rules is paid once. A set's tier
   is predicted from the ways' effects; sets that cannot reach the target even with every later
   way are pruned, as are sets that leave a capping rule unfixed. The cheapest predicted set is
   judged for real; the first the engine confirms (tier reached, no judged rule turned unknown)
   is the remedy. The search is capped; hitting the cap is reported, never hidden.

The prediction adds the ways' separate effects, except in a set where one way breaks a rule
that reads a figure another way moves: the other move may mend it, so such a set is judged by
the engine. Every remedy shown has been confirmed by the engine, and its cost is exact.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from dataclasses import dataclass, field, replace
from typing import Any

from engine import api, score
from engine import conditions as cx
from engine.compile import CompiledPolicy
from engine.evaluate import compute, lookup, profile_values
from engine.explain import label_of, show
from engine.models import NUMERIC_TYPES, Figure, Indicator, IndicatorType, Profile, Remedies
from engine.reference import Reference
from engine.results import Change, Provenance, RemedyPlan, RemedyStatus, Report, Verdict

MAX_WAYS_PER_RULE = 12     # cheapest ways kept per rule
MAX_BRANCHES = 64          # alternatives one condition may expand to while looking for ways
MAX_DEPTH = 8              # nesting of derived facts followed (derivations are acyclic)
MAX_STATES = 20_000        # sets of ways the search may expand
MAX_CONFIRMS = 100         # predicted sets the engine may judge before the search gives up

Moves = dict[str, Any]     # path (indicator, `map.key`, or `set.member`) -> new value


def measure_text(settings: Remedies) -> str:
    """The cost measure in words, as every plan states it."""
    if settings.cost == "count":
        text = "number of figures changed"
    else:
        text = (f"relative change |new - old| / max(|old|, |new|) per number; "
                f"{settings.discrete_cost:g} per step of a yes/no, category, set member, "
                "country or date")
    if settings.weights:
        text += "; weighted: " + ", ".join(f"{k} x{v:g}" for k, v in settings.weights.items())
    if settings.fixed:
        text += "; never changed: " + ", ".join(settings.fixed)
    return text


@dataclass(frozen=True)
class Way:
    """A set of moves that fixes a rule, and the verdicts the engine says it changes (every rule
    it fixes, the one it was found for among them)."""

    moves: tuple[tuple[str, Any], ...]
    effects: dict[str, Verdict] = field(default_factory=dict, compare=False, hash=False)


@dataclass
class _Blocks:
    """Why ways could not be found: figures missing from the profile, figures the policy fixes."""

    missing: set[str] = field(default_factory=set)
    fixed: set[str] = field(default_factory=set)


def plan(compiled: CompiledPolicy, profile: Profile, day: dt.date | None = None) -> RemedyPlan:
    """The cheapest verified set of changes that lifts `profile` to the next tier, under the
    policy the partner faces on `day` (its own terms, the rules then in force; default today)."""
    day = day or dt.date.today()
    return _Planner(api.for_partner(compiled, profile.partner.code, day), profile, day).run()


def with_remedies(compiled: CompiledPolicy, report: Report, partners: list[api.Partner],
                  day: dt.date | None = None) -> Report:
    """The report with each scorecard's remedy plan filled in."""
    plans = {(p.profile.partner.code, p.path): plan(compiled, p.profile, day) for p in partners}
    cards = tuple(replace(card, remedies=plans.get((card.code, card.profile_path)))
                  for card in report.scorecards)
    return replace(report, scorecards=cards)


def apply(compiled: CompiledPolicy, profile: Profile, moves: Moves) -> Profile:
    """A copy of the profile with the moved figures replaced by hypothetical, illustrative ones
    (the shipped profile is never changed)."""
    catalog = compiled.catalog
    by_base: dict[str, list[tuple[str, Any]]] = {}
    for path, value in moves.items():
        base, _, key = path.partition(".")
        by_base.setdefault(base, []).append((key, value))
    figures = dict(profile.indicators)
    for base, keyed in by_base.items():
        old = profile.figure(base)
        value = _moved_value(catalog.indicators[base], old.value if old else None, keyed)
        # built without validation: the value is one of the catalog-typed candidates the
        # planner chose, which validation would only pass through unchanged (the models are
        # strict); validating would build Figure's pydantic schema, about 10-20 ms of a CLI
        # run whose profiles came from the disk cache. A test re-validates every such profile.
        figures[base] = Figure.model_construct(
            value=value, illustrative=True,
            note=f"hypothetical remedy target; was {old.value if old else None}")
    return profile.model_copy(update={"indicators": figures})


def _moved_value(indicator: Indicator, old: Any, keyed: list[tuple[str, Any]]) -> Any:
    if indicator.type == IndicatorType.SHARE_MAP:
        return {**(old or {}), **dict(keyed)}
    if indicator.type == IndicatorType.SET:
        members = list(old or [])
        for member, included in keyed:
            if included and member not in members:
                members.append(member)
            if not included:              # every copy: a member written twice is one member
                members = [m for m in members if m != member]
        return members
    return keyed[-1][1]


def changes_of(compiled: CompiledPolicy, plan_: RemedyPlan) -> Moves:
    """A plan's changes as moves, ready for `apply` (its dates are written as ISO text)."""
    def value(change: Change) -> Any:
        kind = compiled.catalog.indicators[change.indicator.partition(".")[0]].type
        return dt.date.fromisoformat(change.target) if kind == IndicatorType.DATE \
            else change.target

    return {c.indicator: value(c) for c in plan_.changes}


# --- the planner -----------------------------------------------------------------------------

class _Planner:
    def __init__(self, compiled: CompiledPolicy, profile: Profile,
                 day: dt.date | None = None) -> None:
        self.compiled, self.profile, self.day = compiled, profile, day or dt.date.today()
        self.policy, self.catalog = compiled.policy, compiled.catalog
        self.settings: Remedies = compiled.policy.remedies
        self.code = profile.partner.code
        self.values = profile_values(profile)
        self.reference = Reference(compiled, self.code, self.values)
        self.reference.derive()
        self.base = api.judge(compiled, profile, self.day)
        self.order = [t.id for t in self.policy.tiers]
        self.judged = 0
        self.move_costs: dict[tuple[str, Any], float] = {}            # see move_cost
        self._compared: dict[str, list[cx.Compare]] | None = None     # see compared
        # the next better tier, by index (tiers go best first); None at the top or unrated
        index = self.order.index(self.base.tier.id) if self.base.tier else 0
        self.target: int | None = index - 1 if index else None

    def run(self) -> RemedyPlan:
        if self.base.tier is None:
            return self.result(RemedyStatus.UNRATED, None, reason="no score: nothing could be "
                              "judged on known figures, and a remedy never invents a figure")
        if self.target is None:
            return self.result(RemedyStatus.TOP_TIER, None, reason="already in the best tier")
        return _Search(self).run()

    def result(self, status: RemedyStatus, target: int | None, **extra: Any) -> RemedyPlan:
        tier = self.policy.tiers[target] if target is not None else None
        return RemedyPlan(status, tier.id if tier else None, tier.title if tier else None,
                          measure_text(self.settings), judged=self.judged, **extra)

    # --- judging changed profiles ----------------------------------------------------------
    def judge(self, moves: Moves) -> api.Judgement:
        self.judged += 1
        return api.judge(self.compiled, apply(self.compiled, self.profile, moves), self.day)

    # --- costs -----------------------------------------------------------------------------
    def current(self, path: str) -> Any:
        base, _, key = path.partition(".")
        if self.indicator(path).type == IndicatorType.SET:
            return key in (self.values.get(base) or [])
        return lookup(self.values, path)

    def indicator(self, path: str) -> Indicator:
        return self.catalog.indicators[path.partition(".")[0]]

    def cost(self, moves: Moves) -> float:
        return sum(self.move_cost(path, value) for path, value in moves.items())

    def move_cost(self, path: str, value: Any) -> float:
        """What moving one figure (a path) to `value` costs; kept, since the search costs
        every set of ways it tries, and the same few moves recur in them."""
        key = (path, value)       # a scalar: a number, an enum value, a date, a member's bool
        cost = self.move_costs.get(key)
        if cost is None:
            cost = self.move_costs[key] = self._move_cost(path, value)
        return cost

    def _move_cost(self, path: str, value: Any) -> float:
        settings, indicator = self.settings, self.indicator(path)
        weight = float(settings.weights.get(path.partition(".")[0], 1))
        old = self.current(path)
        if settings.cost == "count":
            return weight
        if indicator.type in NUMERIC_TYPES or indicator.type == IndicatorType.SHARE_MAP:
            scale = max(abs(old), abs(value))
            return weight * (abs(value - old) / scale if scale else 0.0)
        if indicator.type == IndicatorType.ENUM and indicator.ordered:
            steps = abs(indicator.values.index(value) - indicator.values.index(old))
            return weight * settings.discrete_cost * steps
        return weight * float(settings.discrete_cost)

    # --- ways to make a condition hold (want=True) or fail (want=False) --------------------
    def ways(self, node: cx.Node, want: bool, blocks: _Blocks, depth: int = 0) -> list[Moves]:
        form = cx.push_not(node) if want else cx.negate(node)
        try:
            branches = cx.to_dnf(form, MAX_BRANCHES)
        except ValueError:
            return []
        found: list[Moves] = []
        for branch in branches:
            combos: list[Moves] = [{}]
            for cmp in branch:
                options = self.compare_ways(cmp, blocks, depth)
                combos = [m for a in combos for b in options for m in joined(a, b)][
                    :MAX_BRANCHES]
                if not combos:
                    break
            found += combos
        return self.cheapest(found)

    def cheapest(self, found: list[Moves]) -> list[Moves]:
        """Distinct ways, none containing another, cheapest first; among those costing the same
        (every value of a figure under `cost: count`), the nearest the current figures."""
        unique = {tuple(sorted(m.items(), key=repr)): m for m in found}
        kept = [m for m in unique.values()
                if not any(o.items() < m.items() for o in unique.values())]
        return sorted(kept, key=lambda m: (self.cost(m), sum(self.distance(p, v)
                                                             for p, v in m.items()),
                                           repr(sorted(m.items(), key=repr))))[
            :MAX_WAYS_PER_RULE]

    def compare_ways(self, cmp: cx.Compare, blocks: _Blocks, depth: int) -> list[Moves]:
        if self.reference.compare(cmp) is True:
            return [{}]
        left, op, right = cx.oriented(cmp)
        if isinstance(left, cx.Ref) and isinstance(right, cx.Lit):
            base = left.name.partition(".")[0]
            if base not in self.catalog.indicators:
                return self.fact_ways(left.name, op, right.value, blocks, depth)
            return self.threshold_ways(cmp, left.name, op, right.value, blocks)
        return self.arithmetic_ways(cmp, blocks)

    def fact_ways(self, fact: str, op: str, value: Any, blocks: _Blocks,
                  depth: int) -> list[Moves]:
        """`fact == value` holds when one inference concluding it is true; `!=` when all are
        false."""
        if depth >= MAX_DEPTH:
            return []
        whens = [d.when.tree for d in self.compiled.derivations.values()
                 if d.derivation.fact == (fact, value)]
        if op == "==":
            return self.cheapest([m for w in whens for m in self.ways(w, True, blocks, depth + 1)])
        combos: list[Moves] = [{}]
        for when in whens:
            options = self.ways(when, False, blocks, depth + 1)
            combos = [m for a in combos for b in options for m in joined(a, b)][:MAX_BRANCHES]
        return self.cheapest(combos)

    def usable(self, path: str, blocks: _Blocks) -> bool:
        base = path.partition(".")[0]
        if base in self.settings.fixed:
            blocks.fixed.add(base)
            return False
        if lookup(self.values, path) is None:
            blocks.missing.add(path)
            return False
        return True

    def holds_with(self, cmp: cx.Compare, moves: Moves) -> bool:
        moved = profile_values(apply(self.compiled, self.profile, moves))
        return Reference(self.compiled, self.code, moved).compare(cmp) is True

    def threshold_ways(self, cmp: cx.Compare, path: str, op: str, limit: Any,
                       blocks: _Blocks) -> list[Moves]:
        if not self.usable(path, blocks):
            return []
        indicator = self.indicator(path)
        if indicator.type == IndicatorType.SET:
            return [{f"{path}.{limit}": op == "includes"}]
        candidates = self.candidates(path, indicator, limit)
        good = [{path: v} for v in candidates if self.holds_with(cmp, {path: v})]
        if isinstance(limit, int | float) and not isinstance(limit, bool):
            return self.past_other_limits(cmp, path, candidates, good)
        # every value of a category, not only the nearest: a condition may hold several
        # comparisons of one figure (`none_of` a list is one `!=` per value), and the nearest
        # value for one can fail another; the ways of the branch are merged and ranked
        return self.nearest(path, good, keep_all=indicator.type == IndicatorType.ENUM)

    def candidates(self, path: str, indicator: Indicator, limit: Any) -> list[Any]:
        kind, old = indicator.type, self.current(path)
        if kind == IndicatorType.BOOL:
            return [not old]
        if kind == IndicatorType.ENUM:
            return [v for v in indicator.values if v != old]
        if kind == IndicatorType.COUNTRY:      # the country asked for, or made at home
            return [c for c in dict.fromkeys([limit, self.code]) if c != old]
        if kind == IndicatorType.DATE:
            day = limit if isinstance(limit, dt.date) else dt.date.fromisoformat(str(limit))
            return [day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)]
        return self.numbers_near(path, float(limit))

    def past_other_limits(self, cmp: cx.Compare, path: str, tried: list[Any],
                          good: list[Moves]) -> list[Moves]:
        """The nearest value that fixes the comparison; and where that value breaks a
        comparison of the figure that holds now in a satisfied rule (`x > 1` against `x <= 1
        or x >= 2`), the nearest that fixes it past each limit such rules compare the figure
        with, one of which may keep that rule (x = 2)."""
        nearest = self.nearest(path, good)
        if not nearest or not any(self.reference.compare(other) is True and
                                  not self.holds_with(other, nearest[0])
                                  for other in self.compared(path) if other is not cmp):
            return nearest
        more = [v for limit in self.limits_of(path) for v in self.numbers_near(path, limit)
                if v not in tried]
        good = good + [{path: v} for v in dict.fromkeys(more) if self.holds_with(cmp, {path: v})]
        return self.nearest_per_zone(path, good)

    def compared(self, path: str) -> list[cx.Compare]:
        """Every comparison of the figure `path` with a number in the requirement of a rule
        satisfied now (worked out once per planner): what a fix of another rule must keep."""
        if self._compared is None:
            self._compared = {}
            checks = [r.require for rule_id, r in self.compiled.rules.items()
                      if self.base.verdicts.get(rule_id) == Verdict.SATISFIED]
            for cmp in (cmp for c in checks for cmp in cx.comparisons(c.tree)):
                left, _, right = cx.oriented(cmp)
                if isinstance(left, cx.Ref) and isinstance(right, cx.Lit) and \
                        isinstance(right.value, int | float) and not isinstance(right.value, bool):
                    self._compared.setdefault(left.name, []).append(cmp)
        return self._compared.get(path, [])

    def limits_of(self, path: str) -> list[float]:
        """Every number those rules compare the figure `path` with."""
        return sorted({float(cx.oriented(c)[2].value) for c in self.compared(path)})

    def nearest_per_zone(self, path: str, good: list[Moves]) -> list[Moves]:
        """The nearest value that works between each two limits of `compared`: values there
        hold or fail every such comparison alike, so they differ only in cost, while values in
        another zone may keep a satisfied rule as it is."""
        limits = self.limits_of(path)
        zones: dict[tuple[int, ...], Moves] = {}
        for moves in self.nearest(path, good, keep_all=True):
            value = moves[path]
            zones.setdefault(tuple((value > b) - (value < b) for b in limits), moves)
        return list(zones.values())

    def numbers_near(self, path: str, boundary: float) -> list[float]:
        """Values at and just either side of a boundary that the indicator's type allows."""
        kind = self.indicator(path).type
        if kind == IndicatorType.COUNT:
            low = math.floor(boundary)
            near = [low - 1, low, low + 1, low + 2]
        else:
            step = float(self.settings.step)
            near = [round(boundary + d, 12) for d in (-step, 0.0, step)]
        return [v for v in near if self.in_range(path, v) and v != self.current(path)]

    def in_range(self, path: str, value: float) -> bool:
        indicator = self.indicator(path)
        kind = indicator.type
        if kind in (IndicatorType.SHARE, IndicatorType.SHARE_MAP):
            return 0 <= value <= 1
        if kind == IndicatorType.SHARE_CHANGE:
            return -1 <= value <= 1
        if kind == IndicatorType.COUNT:
            return value >= 0
        if kind == IndicatorType.USD_BN and not indicator.signed:
            return value >= 0
        return math.isfinite(value)

    def nearest(self, path: str, good: list[Moves], keep_all: bool = False) -> list[Moves]:
        """The cheapest values that work, nearest the current one first: under `cost: count`
        every value of one figure costs the same, and only the distance keeps a number at its
        limit (0.2 for `at_most 0.2`) rather than a step past it."""
        ranked = sorted(good, key=lambda m: (self.cost(m), self.distance(path, m[path]),
                                             repr(m[path])))
        return ranked if keep_all else ranked[:1]

    def distance(self, path: str, value: Any) -> float:
        """How far `value` is from the figure's current value, in the figure's own units (steps
        of an ordered category, days of a date); 0 where no order applies."""
        indicator, old = self.indicator(path), self.current(path)
        if indicator.type in NUMERIC_TYPES or indicator.type == IndicatorType.SHARE_MAP:
            return abs(value - old)
        if indicator.type == IndicatorType.DATE:
            return abs((value - old).days)
        if indicator.type == IndicatorType.ENUM and indicator.ordered:
            return abs(indicator.values.index(value) - indicator.values.index(old))
        return 0.0

    def arithmetic_ways(self, cmp: cx.Compare, blocks: _Blocks) -> list[Moves]:
        """Move one operand of the arithmetic (each in turn) to where the comparison holds."""
        left, _, right = cx.oriented(cmp)
        term, limit = (left, right.value) if isinstance(right, cx.Lit) else \
            (cx.Arith("-", left, right), 0)
        found = []
        names = cx.refs(term)
        for name in dict.fromkeys(names):
            if not self.usable(name, blocks) or names.count(name) > 1:
                continue            # a name read twice is not solved for (x / (x + y))
            if self.indicator(name).type not in NUMERIC_TYPES | {IndicatorType.SHARE_MAP}:
                continue
            boundary = _solve(term, name, float(limit), self.values)
            if boundary is None:
                continue
            good = [{name: v} for v in self.numbers_near(name, boundary)
                    if self.holds_with(cmp, {name: v})]
            found += self.nearest(name, good)
        return found

    def rule_ways(self, rule_id: str, blocks: _Blocks) -> list[Moves]:
        """Ways to satisfy a violated rule, or to leave its `applies_to.when` scope."""
        rule = self.compiled.rules[rule_id]
        found = self.ways(rule.require.tree, True, blocks)
        if rule.applies_when is not None:
            found += self.ways(rule.applies_when.tree, False, blocks)
        return self.cheapest(found)

    def missing_inputs(self, rule_id: str) -> set[str]:
        """The figures a rule (through its scope and derived facts) reads that are missing."""
        return {n for n in self.reads(rule_id) if lookup(self.values, n) is None}

    def reads(self, rule_id: str) -> set[str]:
        """The figures a rule reads, in its requirement, its scope and the derived facts they
        test (indicators, `map.key`s; computed fields are left out, their operands are in)."""
        rule = self.compiled.rules[rule_id]
        checks = [rule.require] + ([rule.applies_when] if rule.applies_when else [])
        names: set[str] = set()
        seen: set[tuple[str, str]] = set()
        while checks:
            check = checks.pop()
            names |= {n for n in check.reads if not n.startswith("X_")}
            for fact in check.derived_reads - seen:
                seen.add(fact)
                checks += [d.when for d in self.compiled.derivations.values()
                           if d.derivation.fact == fact]
        return names

    def reads_figure(self, rule_id: str, path: str) -> bool:
        """Whether a rule reads the figure a move changes (a set's member moves the set)."""
        names = self.reads(rule_id)
        return path in names or path.partition(".")[0] in names


def merge(a: Moves, b: Moves) -> Moves | None:
    """Both sets of moves at once; None when they move one figure to different values."""
    if any(path in a and a[path] != value for path, value in b.items()):
        return None
    return {**a, **b}


def joined(a: Moves, b: Moves) -> list[Moves]:
    """Two comparisons of one condition that must hold together: both sets of moves at once.
    Where they move one figure to different values (a 0.3 ceiling and a cap on a sum both move
    a share), each value is tried with the rest: one of them may meet both, and the engine
    judges which does."""
    both = merge(a, b)
    return [both] if both is not None else [{**b, **a}, {**a, **b}]


def _solve(term: cx.Term, name: str, target: float, values: dict[str, Any]) -> float | None:
    """The value of `name` (read once in `term`) at which `term` equals `target`."""
    if isinstance(term, cx.Ref):
        return target if term.name == name else None
    if not isinstance(term, cx.Arith):
        return None
    inside_left = name in cx.refs(term.left)
    other = compute(term.right if inside_left else term.left, values)
    if other is None:
        return None
    inner = _invert(term.op, target, other, inside_left)
    if inner is None:                 # cx.arithmetic: None, never an infinity
        return None
    return _solve(term.left if inside_left else term.right, name, inner, values)


def _invert(op: str, target: float, other: float, unknown_is_left: bool) -> float | None:
    """x such that `x op other == target` (or `other op x == target`), in the policy
    language's arithmetic (figures as written), so that the engine finds x on the limit."""
    if op == "+":
        return cx.arithmetic("-", target, other)
    if op == "-":
        return cx.arithmetic("+", target, other) if unknown_is_left else \
            cx.arithmetic("-", other, target)
    if op == "*":
        return cx.arithmetic("/", target, other)
    if unknown_is_left:                                  # x / other
        return cx.arithmetic("*", target, other)
    return cx.arithmetic("/", other, target)             # other / x


# --- the search ------------------------------------------------------------------------------

# verdicts of a rule in `must` (it caps the tier) while it is left unfixed: violated, or waived
# under `scoring.excepted: violated`
_CAPPING = (Verdict.VIOLATED, Verdict.EXCEPTED)

@dataclass(order=True)
class _State:
    """A set of ways in the best-first search, ordered by cost (then by `tie`, the order
    states were made in, so that equal costs pop deterministically)."""

    cost: float
    tie: int
    last: int = field(compare=False)                      # index of the last rule given a way
    chosen: tuple[Way, ...] = field(compare=False)
    moves: Moves = field(compare=False)
    interacting: bool = field(default=False, compare=False)   # see _Search.verdicts_after


class _Search:
    def __init__(self, planner: _Planner) -> None:
        self.p = planner
        base = planner.base
        # the violated rules, and the waived ones the score does not count as satisfied (fixing
        # one makes it count: as satisfied where it was left out, or no longer as violated)
        scoring = planner.policy.scoring
        self.rules = [r for r, v in base.verdicts.items() if v == Verdict.VIOLATED or
                      (v == Verdict.EXCEPTED and scoring.excepted != "satisfied")]
        self.threshold = (planner.policy.tiers[planner.target].min_score - 0.05) / 100
        self.blocks: dict[str, _Blocks] = {}
        # every rule's part for every verdict, worked out once: the search sums them per state
        self.parts = {(r, v): self._contribution(r, v)
                      for r in planner.compiled.rules for v in Verdict}
        self.options: list[list[Way]] = [self.ways_for(r) for r in self.rules]
        self.must = [r for r in base.caps if self.p.order.index(base.caps[r]) > planner.target]
        # from each index on, the best part each rule can get from the ways of the rules there
        self.best_after = self._best_after()
        self.ceilings: dict[int, dict[tuple[str, Verdict], float]] = {}   # see ceiling
        self.judged_sets: dict[tuple, dict[str, Verdict]] = {}    # see verdicts_after
        self.reads: dict[str, set[str]] = {}
        self.moved = {way: {path.partition(".")[0] for path, _ in way.moves}
                      for opts in self.options for way in opts}
        self.broken = {way: self.broken_by(way) for way in self.moved}
        self.broken_reads = {way: {n.partition(".")[0] for r in broken for n in self.reads_of(r)}
                             for way, broken in self.broken.items()}
        self.breaking = any(self.broken.values())    # else no set of ways can interact
        # from each index on, (rule, its part now) of the rules a way breaks that read a figure
        # a way of the rules there moves: such a way may mend them (see bound)
        self.mendable = [self._mendable(i) for i in range(len(self.options) + 1)]

    # --- ways and their effects ------------------------------------------------------------
    def ways_for(self, rule_id: str) -> list[Way]:
        blocks = self.blocks.setdefault(rule_id, _Blocks())
        kept = []
        for moves in self.p.rule_ways(rule_id, blocks):
            effects = self.effects(moves)
            hidden = self.hidden(effects)
            if hidden:      # it would only hide verdicts behind figures the profile lacks
                blocks.missing |= {m for r in hidden for m in self.p.missing_inputs(r)}
            elif effects.get(rule_id, Verdict.VIOLATED) != Verdict.VIOLATED:
                kept.append(Way(tuple(sorted(moves.items())), effects))
        return kept

    def effects(self, moves: Moves) -> dict[str, Verdict]:
        """The verdicts a set of moves changes, judged by the engine."""
        judged = self.p.judge(moves)
        return {r: v for r, v in judged.verdicts.items() if v != self.p.base.verdicts[r]}

    def hidden(self, changed: dict[str, Verdict]) -> list[str]:
        """Rules judged on known figures before that the changes would turn unknown."""
        before = self.p.base.verdicts
        return [r for r, v in changed.items() if v == Verdict.UNKNOWN
                and before[r] in (Verdict.VIOLATED, Verdict.SATISFIED, Verdict.EXCEPTED)]

    # --- prediction ------------------------------------------------------------------------
    def contribution(self, rule_id: str, verdict: Verdict) -> float:
        """A rule's part in `earned - threshold x judged`; the target needs the sum >= 0."""
        return self.parts[(rule_id, verdict)]

    def _contribution(self, rule_id: str, verdict: Verdict) -> float:
        weight = float(self.p.compiled.rules[rule_id].rule.weight)
        scoring = self.p.policy.scoring
        verdict = score.counted(verdict, scoring)     # a waived violation, as the score counts it
        if verdict == Verdict.SATISFIED:
            return weight * (1 - self.threshold)
        if verdict == Verdict.VIOLATED:
            return -weight * self.threshold
        if verdict == Verdict.UNKNOWN and scoring.unknowns == "credit":
            return weight * (scoring.unknown_credit - self.threshold)
        return 0.0

    def _best_after(self) -> list[dict[str, float]]:
        """For each index, rule -> the highest part any way of the rules from that index on
        gives it (a rule no such way changes is absent)."""
        found: list[dict[str, float]] = [{}]
        for opts in reversed(self.options):
            best = dict(found[0])
            for way in opts:
                for rule, verdict in way.effects.items():
                    best[rule] = max(best.get(rule, -math.inf), self.parts[(rule, verdict)])
            found.insert(0, best)
        return found

    def bound(self, verdicts: dict[str, Verdict], index: int) -> float:
        """The most `earned - threshold x judged` can reach from these verdicts by adding ways
        of the rules from `index` on. A way sets the verdicts it changes and leaves the rest,
        so each rule ends at its part now or at one such a way gives it: the best of those.
        (Not the sum of each rule's best net gain: two fixes that each break the same third
        rule break it once, and a fix that helps nothing on balance can be left out.) A rule
        broken by the ways chosen may also be mended by a later way that moves a figure it
        reads (see verdicts_after): it may end at its part before the search too."""
        ceiling = self.ceiling(index)
        total = sum(map(ceiling.__getitem__, verdicts.items()))
        for rule, before in self.mendable[index]:
            total += max(before - ceiling[(rule, verdicts[rule])], 0.0)
        return total

    def ceiling(self, index: int) -> dict[tuple[str, Verdict], float]:
        """(rule, verdict) -> the most that rule can count for, from that verdict, with the
        ways of the rules from `index` on: worked out once per index, as `bound` runs for
        every set of ways the search tries (a max per rule in Python there was about a
        quarter of a search's time)."""
        found = self.ceilings.get(index)
        if found is None:
            best = self.best_after[index]
            found = self.ceilings[index] = {
                item: max(part, best.get(item[0], -math.inf)) for item, part in self.parts.items()}
        return found

    def gain(self, way: Way) -> float:
        base = self.p.base.verdicts
        return sum(self.contribution(r, v) - self.contribution(r, base[r])
                   for r, v in way.effects.items())

    def predicted(self, chosen: tuple[Way, ...]) -> dict[str, Verdict]:
        verdicts = dict(self.p.base.verdicts)
        for way in chosen:
            verdicts.update(way.effects)
        return verdicts

    def verdicts_after(self, chosen: tuple[Way, ...], moves: Moves,
                       interacting: bool | None = None) -> dict[str, Verdict]:
        """The verdicts a set of ways leads to: their separate effects added up, except where
        one way breaks a rule that reads a figure another way moves. There the sum is too
        gloomy (the other move may keep the rule: `b1 = true` breaks `s1 <= 0.1 or b1 ==
        false`, which `s1 = 0.1` for another rule keeps), so the merged moves are judged by the
        engine, once per set. (A sum too hopeful is caught when the set is confirmed.)"""
        if interacting is None:
            interacting = len(chosen) > 1 and self.interacting(chosen)
        if not interacting:
            return self.predicted(chosen)
        key = tuple(sorted(moves.items(), key=repr))
        if key not in self.judged_sets:
            self.judged_sets[key] = dict(self.p.judge(moves).verdicts)
        return self.judged_sets[key]

    def interacting(self, chosen: tuple[Way, ...]) -> bool:
        """Whether one way breaks a rule reading a figure another way moves."""
        return any(self.interacts(way, chosen[i + 1:]) for i, way in enumerate(chosen))

    def interacts(self, way: Way, others: tuple[Way, ...]) -> bool:
        return any(not self.broken_reads[way].isdisjoint(self.moved[other]) or
                   not self.broken_reads[other].isdisjoint(self.moved[way]) for other in others)

    def _mendable(self, index: int) -> list[tuple[str, float]]:
        moved = set().union(*(self.moved[way] for opts in self.options[index:] for way in opts))
        base = self.p.base.verdicts
        broken = {rule for rules in self.broken.values() for rule in rules}
        return [(rule, self.parts[(rule, base[rule])]) for rule in sorted(broken)
                if any(n.partition(".")[0] in moved for n in self.reads_of(rule))]

    def broken_by(self, way: Way) -> list[str]:
        """The rules a way makes count for less than they do now."""
        base = self.p.base.verdicts
        return [r for r, v in way.effects.items()
                if self.contribution(r, v) < self.contribution(r, base[r])]

    def reads_of(self, rule_id: str) -> set[str]:
        if rule_id not in self.reads:
            self.reads[rule_id] = self.p.reads(rule_id)
        return self.reads[rule_id]

    def reaches(self, predicted: dict[str, Verdict]) -> bool:
        """Whether these verdicts would earn the target tier, scored as judge scores them."""
        _, tier, _ = score.scored(self.p.compiled, predicted)
        return tier is not None and self.p.order.index(tier.id) <= self.p.target

    # --- best first ------------------------------------------------------------------------
    def run(self) -> RemedyPlan:
        unfixable_cap = [r for r in self.must if not self.fixers_after(r, -1)]
        if unfixable_cap:
            return self.none(unfixable_cap, capped=True)
        if self.bound(self.p.base.verdicts, 0) < -1e-9:
            return self.none([r for r, opts in zip(self.rules, self.options, strict=True)
                              if not opts], capped=False)
        return self.best_first()

    def fixers_after(self, rule_id: str, index: int) -> list[Way]:
        """Ways of rules after `index` that fix `rule_id` (its own, or as a side effect)."""
        return [w for opts in self.options[index + 1:] for w in opts
                if w.effects.get(rule_id, Verdict.VIOLATED) != Verdict.VIOLATED]

    def best_first(self) -> RemedyPlan:
        queue = [_State(0.0, 0, -1, (), {})]
        expanded = confirms = 0
        tie = 1
        while queue and expanded < MAX_STATES and confirms < MAX_CONFIRMS:
            state = heapq.heappop(queue)
            expanded += 1
            if state.chosen and self.reaches(self.verdicts_after(state.chosen, state.moves,
                                                                  state.interacting)):
                confirms += 1
                found = self.confirm(state)
                if found is not None:
                    return found
            for child in self.children(state):
                child.tie, tie = tie, tie + 1
                heapq.heappush(queue, child)
        if queue:
            return self.p.result(RemedyStatus.SEARCH_CAP, self.p.target, reason=(
                f"the search stopped after {expanded} sets of changes and {confirms} "
                "confirmations without a confirmed remedy"))
        return self.none([r for r, opts in zip(self.rules, self.options, strict=True)
                          if not opts or self.blocks[r].missing], capped=False,
                         head="no combination of the violated rules' fixes reaches "
                              f"{self.p.policy.tiers[self.p.target].id} when judged")

    def children(self, state: _State) -> list[_State]:
        result = []
        for index in range(state.last + 1, len(self.options)):
            for way in self.options[index]:
                moves = merge(state.moves, dict(way.moves))
                if moves is None:
                    continue
                chosen = (*state.chosen, way)
                # the set interacts if its parent did, or if the new way does with one of it
                interacting = state.interacting or (
                    self.breaking and self.interacts(way, state.chosen))
                if self.hopeless(chosen, moves, index, interacting):
                    continue
                result.append(_State(self.p.cost(moves), 0, index, chosen, moves, interacting))
        return result

    def hopeless(self, chosen: tuple[Way, ...], moves: Moves, index: int,
                 interacting: bool) -> bool:
        """No later way can lift this set to the target, or a capping rule is left unfixed."""
        verdicts = self.verdicts_after(chosen, moves, interacting)
        if self.bound(verdicts, index + 1) < -1e-9:
            return True
        return any(verdicts[r] in _CAPPING and not self.fixers_after(r, index)
                   for r in self.must)

    def confirm(self, state: _State) -> RemedyPlan | None:
        judged = self.p.judge(state.moves)
        before = self.p.base.verdicts
        if self.hidden({r: v for r, v in judged.verdicts.items() if v != before[r]}):
            return None
        if judged.tier is None or self.p.order.index(judged.tier.id) > self.p.target:
            return None
        return self.found(state, judged)

    def found(self, state: _State, judged: api.Judgement) -> RemedyPlan:
        before = self.p.base.verdicts
        after = judged.verdicts

        def went(old: set[Verdict], new: Verdict) -> tuple[str, ...]:
            return tuple(r for r in after if before[r] in old and after[r] == new)

        violated = set(_CAPPING)
        fixed_rules = went(violated, Verdict.SATISFIED)
        scoped_out = went(violated, Verdict.NOT_APPLICABLE)
        return self.p.result(
            RemedyStatus.FOUND, self.p.target,
            changes=self.changes(state, self.attribute(state, (*fixed_rules, *scoped_out))),
            cost=round(state.cost, 4), reached_tier=judged.tier.id, reached_score=judged.score,
            reached_coverage=round(judged.totals.coverage, 4),
            reached_provisional=judged.totals.coverage < self.p.policy.scoring.min_coverage,
            fixed_rules=fixed_rules, scoped_out=scoped_out,
            newly_violated=went({Verdict.SATISFIED, Verdict.NOT_APPLICABLE}, Verdict.VIOLATED))

    def attribute(self, state: _State, fixes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        """Figure -> the rules of the plan's fixes its change takes part in fixing.

        A change is for a rule when a chosen way moving that figure fixes the rule (judged by
        the engine: one cut can fix a rule and, through a derived fact, another) and the rule
        reads the figure (a way moving three figures for one rule does not make each of them
        fix every rule the way fixed). A fix that no single way made (the ways helped each
        other) is put on every change whose figure it reads, so every fix names its changes."""
        def by_ways(path: str) -> set[str]:
            return {r for w in state.chosen if path in dict(w.moves) for r in w.effects}

        paths = sorted(state.moves)
        rules = {p: [r for r in fixes if r in by_ways(p) and self.p.reads_figure(r, p)]
                 for p in paths}
        named = {r for found in rules.values() for r in found}
        for path in paths:
            rules[path] += [r for r in fixes if r not in named and self.p.reads_figure(r, path)]
        order = {r: i for i, r in enumerate(fixes)}
        return {p: tuple(sorted(found, key=order.__getitem__)) for p, found in rules.items()}

    def changes(self, state: _State, rules: dict[str, tuple[str, ...]]) -> tuple[Change, ...]:
        result = []
        for path, target in sorted(state.moves.items()):
            indicator = self.p.indicator(path)
            current = self.p.current(path)
            shown = (lambda v: "yes" if v else "no") if indicator.type == IndicatorType.SET \
                else (lambda v, i=indicator: show(i, v, precise=True))
            result.append(Change(path, label_of(self.p.catalog, path), _plain(current),
                                 _plain(target), shown(current), shown(target),
                                 round(self.p.move_cost(path, target), 4), rules[path],
                                 self.provenance(path)))
        return tuple(result)

    def provenance(self, path: str) -> Provenance | None:
        figure = self.p.profile.figure(path.partition(".")[0])
        if figure is None or not (figure.source or figure.illustrative or figure.note):
            return None
        return Provenance(figure.year, figure.source, figure.illustrative, figure.note)

    # --- no remedy -------------------------------------------------------------------------
    def none(self, rules: list[str], *, capped: bool, head: str | None = None) -> RemedyPlan:
        """Why the target is out of reach: the rules that cannot be fixed and what blocks them,
        and whether figures the profile lacks could change that."""
        target = self.p.policy.tiers[self.p.target]
        missing = {m for r in rules for m in self.blocks[r].missing}
        fixed = sorted({f for r in rules for f in self.blocks[r].fixed})
        if capped:
            caps = ", ".join(f"{r} (caps at {self.p.base.caps[r]})" for r in rules)
            head = f"{caps} must be fixed to reach {target.id}, and cannot be"
        else:
            head = head or (f"even with every fixable violated rule fixed the score stays "
                            f"under {target.id}'s {target.min_score:g}")
            if rules:
                head += f"; {', '.join(rules)} cannot be fixed"
            unknown = self.unknowns_could_help(rules)
            missing |= {m for r in unknown for m in self.p.missing_inputs(r)}
        why = []
        if fixed:
            why.append(f"the policy marks {', '.join(fixed)} as not the partner's to change")
        if missing:
            why.append(f"it needs figures the profile lacks ({', '.join(sorted(missing))}), "
                       "and a remedy never invents a figure")
        if not why:
            why.append("no change of the partner's own figures satisfies them" if rules else
                       "the fixes there are do not add up to it (some undo other rules)")
        status = RemedyStatus.UNKNOWN_DATA if missing else RemedyStatus.NONE
        return self.p.result(status, self.p.target, reason=f"{head}: {'; '.join(why)}",
                            missing=tuple(sorted(missing)))

    def unknowns_could_help(self, unfixable: list[str]) -> list[str]:
        """The unknown rules, when the target would be in reach were they (and the rules blocked
        only by missing figures) satisfied; otherwise none: more data would not change it."""
        verdicts = self.p.base.verdicts
        unknown = [r for r, v in verdicts.items() if v == Verdict.UNKNOWN]
        hoped = set(unknown + [r for r in unfixable if self.blocks[r].missing])
        best = self.bound({r: Verdict.SATISFIED if r in hoped else v
                           for r, v in verdicts.items()}, 0)
        return unknown if best >= -1e-9 else []


def _plain(value: Any) -> Any:
    """JSON-ready: dates as ISO text, tuples as lists."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return list(value) if isinstance(value, tuple) else value
