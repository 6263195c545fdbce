"""Compile: validated policy + catalog -> ruleset JSON for the Rete engine, and a rule index.

Plain data only; durable-rules is never imported here. Every comparison is type-checked against
the indicator catalog (an unknown indicator or a text-vs-number comparison is an error, because
the engine would silently compare text). Each rule's violation condition (the negation of
`require`) becomes one engine rule per alternative (DNF branch), so no engine rule is an OR and
the branch count is exact. Branches are packed into rulesets under the engine's limits
(shared/DURABLE-RULES.md section 2). The engine names each ruleset by a digest of its content
(engine.rete), so policies that compile to the same rules share one network; the policy's own
hash, which reports print, is worked out when first asked for: compiling does not need it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from engine import conditions as cx
from engine import countries
from engine.catalog import did_you_mean, too_large
from engine.errors import InputError, Problem
from engine.load import Document
from engine.models import NUMERIC_TYPES, Catalog, Indicator, IndicatorType, Policy

MAX_BRANCHES_PER_RULE = 16     # alternatives one condition may expand to
MAX_BRANCHES_PER_RULESET = 64  # above 64 simultaneously true rules the engine fails (error 303)
MAX_TESTS_PER_FIELD = 64       # 512+ distinct tests on one field hang the engine
MAX_FIELDS = 250               # over 252 flattened fields: error 302
RESERVED_FIELDS = ("sid", "id", "kind", "name", "value", "$s")
COMPUTED_PREFIX = "X_"         # fact fields computed from arithmetic conditions
_ENGINE_OPS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}


@dataclass(frozen=True)
class Leaf:
    """One type-checked comparison, ready for the engine: `field op value`."""

    field: str
    op: str               # < <= > >= == != (in/not in/includes/excludes are expanded)
    value: Any            # engine encoding (rank for ordered enums, ordinal for dates)
    derived: tuple[str, str, str] | None = None   # ("derived" | "absent", fact, value): a join

    def test(self) -> dict[str, Any]:
        if self.op == "==":
            return {self.field: self.value}
        return {_ENGINE_OPS[self.op]: {self.field: self.value}}


@dataclass
class Check:
    """A condition compiled for three-valued judgement inside the Rete network.

    `when_true` are the engine rules (DNF branches) of the condition, `when_false` those of its
    negation: one firing means true, the other false, neither means the missing figures could
    go either way. A condition that tests a single profile field needs only one polarity (the
    other follows from that field being present), so `both` is False there and the other list
    is empty; conditions on derived facts always compile both.
    """

    tree: cx.Node
    when_true: list[str] = field(default_factory=list)
    when_false: list[str] = field(default_factory=list)
    both: bool = False
    reads: set[str] = field(default_factory=set)            # fact fields (indicators, map keys)
    derived_reads: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class CompiledRule:
    """A rule ready to judge: its model, its requirement compiled as a Check, and its scope
    (the partners it names, groups expanded, and a condition on the profile) when it has one."""

    rule: Any                     # models.Rule
    require: Check                # violation branches
    applies_partners: frozenset[str] | None = None
    applies_when: Check | None = None


@dataclass
class CompiledDerivation:
    """An inference (a derived fact) with its condition compiled as a Check."""

    derivation: Any               # models.Derivation
    when: Check


@dataclass
class CompiledPolicy:
    """A policy ready to evaluate: its rules and inferences compiled, the engine's rulesets
    (JSON for durable-rules), the files it came from, and what each evaluation step works
    out once per policy (`plan`)."""

    policy: Policy
    catalog: Catalog
    rules: dict[str, CompiledRule]
    derivations: dict[str, CompiledDerivation]
    derivation_order: list[str]                       # dependencies first
    computed: dict[str, cx.Term]                      # fact field -> arithmetic over indicators
    rulesets: list[tuple[str, dict[str, Any]]]        # (ruleset name, ruleset JSON)
    engine_rules: dict[str, tuple[str, str]]          # engine rule name -> (kind, id)
    path: str | None = None                           # the policy file, when loaded from one
    catalog_path: str | None = None                   # its catalog file (None: the shipped one)
    source: Any = None                                # the assembled data (engine.variants)
    settings: tuple[str, ...] = ()                    # --set changes applied
    source_stamps: tuple[tuple[str, Any], ...] = ()   # base files (size, mtime) when compiled
    shaped: dict[str, list[str]] = field(default_factory=dict)   # rule -> partner terms
    variants: dict[Any, CompiledPolicy] = field(default_factory=dict, repr=False)
    # the fact fields the engine rules test: field -> the sub-keys read (map keys, set members)
    # or None for a plain field; a fact carries only these (a slimmer fact is parsed faster)
    fact_fields: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    # sha256 of the policy and its catalog: `hash`, worked out on first use (about 1 ms at 100
    # rules; a sweep's variants and a partner's terms are compiled without it)
    content_hash: str | None = field(default=None, repr=False, compare=False)
    # what the evaluation steps work out once per compiled policy (engine.evaluate, findings,
    # score, explain); not an init field, so dataclasses.replace() starts a copy with none
    plans: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def hash(self) -> str:
        if self.content_hash is None:
            self.content_hash = policy_hash(self.policy, self.catalog)
        return self.content_hash

    def plan(self, name: str, build: Callable[[CompiledPolicy], Any]) -> Any:
        """What an evaluation step works out once per compiled policy, kept under `name`."""
        found = self.plans.get(name)
        if found is None:
            found = self.plans[name] = build(self)
        return found


def policy_hash(policy: Policy, catalog: Catalog) -> str:
    # the text of json.dumps([policy, catalog], sort_keys=True, separators=(",", ":"))
    canonical = f"[{_canonical(policy.model_dump(mode='json', by_alias=True))}," \
        f"{_catalog_text(catalog)}]"
    return hashlib.sha256(canonical.encode()).hexdigest()


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


_CATALOG_TEXT: dict[int, tuple[Catalog, str]] = {}


def _catalog_text(catalog: Catalog) -> str:
    """A catalog's canonical text, kept per catalog object (frozen; few per process)."""
    kept = _CATALOG_TEXT.get(id(catalog))
    if kept is None or kept[0] is not catalog:
        if len(_CATALOG_TEXT) >= 64:
            _CATALOG_TEXT.clear()
        kept = _CATALOG_TEXT[id(catalog)] = (catalog, _canonical(catalog.model_dump(mode="json")))
    return kept[1]


def compile_policy(policy: Policy, catalog: Catalog, doc: Document | None = None) -> CompiledPolicy:
    """Check and compile; all problems in the policy are reported together."""
    compiler = _Compiler(policy, catalog, doc)
    compiled = compiler.run()
    if compiler.problems:
        raise InputError(compiler.problems)
    return compiled


def fnv1a_32(name: str) -> int:
    """The engine's only key for field names, sids and ids."""
    h = 0x811C9DC5
    for byte in name.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def _mapping(value: Any) -> dict:
    """`value` if it is a mapping, else none: the data here failed validation, so any part
    of it may have any shape (`conclude: non-aligned`)."""
    return value if isinstance(value, dict) else {}


def check_conditions(data: dict[str, Any], catalog: Catalog, doc: Document) -> list[Problem]:
    """Type-check every well-formed condition of a policy that failed validation, so that one
    run of `validate` reports these problems alongside the validation errors."""
    from pydantic import TypeAdapter, ValidationError

    from engine.models import Condition

    adapter = TypeAdapter(Condition)
    derived = {(k, v) for item in data.get("derive") or [] if isinstance(item, dict)
               for k, v in _mapping(item.get("conclude")).items() if isinstance(v, str)} \
        if isinstance(data.get("derive"), list) else set()
    compiler = _Compiler(None, catalog, doc, derived)
    for section, key in (("rules", "require"), ("derive", "when")):
        items = data.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            try:
                condition = adapter.validate_python(item.get(key) if isinstance(item, dict)
                                                    else None)
            except ValidationError:
                continue
            compiler.check(condition, (section, i, key), "x", needed="true", names=("t", "f"))
    return compiler.problems


def problems_beside(refused: list[Problem], data: Any, catalog: Catalog,
                    doc: Document) -> list[Problem]:
    """What the later passes (conditions, ids and references) find in a policy the model
    refused, so that one run lists them with its problems; except where the model refused a
    value itself (`demand: Bad Id`): 'unknown demand' too would be true, and noise."""
    if not isinstance(data, dict):
        return []
    later = [*check_conditions(data, catalog, doc), *check_references_of_data(data, catalog, doc)]
    at = {(p.path, p.line, p.col) for p in refused}
    return [p for p in later if (p.path, p.line, p.col) not in at]


def check_references_of_data(data: dict[str, Any], catalog: Catalog,
                             doc: Document) -> list[Problem]:
    """The id and reference checks of compile (an unknown source, demand, group or tier, a
    duplicate id, tiers out of order) on a policy that failed validation, read from its data:
    so that one run of `validate` reports them alongside the validation errors, not in a
    second round once those are mended. A reference is read where it is written as text;
    entries the model refused take part with what of theirs can be read."""
    compiler = _Compiler(None, catalog, doc, set())
    compiler.policy = _references_in(data)
    compiler.check_references()
    return compiler.problems


class _AnyId:
    """The ids of a section some of whose entries' ids cannot be read (`demands: oops`, an
    entry without an id): a reference to it is unknowable, not unknown."""

    def __contains__(self, item: object) -> bool:
        return True

    def __iter__(self):
        return iter(())


def _references_in(data: dict[str, Any]) -> SimpleNamespace:
    """What check_references reads of a policy, from data of any shape: text where text is
    written, None (or no entries) where it is not."""
    def entries(section: str) -> list[SimpleNamespace]:
        items = data.get(section, [])
        return [_entry_references(item) for item in items] if isinstance(items, list) \
            else [_entry_references(None)]          # unreadable: its ids unknowable

    remedies = _mapping(data.get("remedies"))
    fixed, weights = remedies.get("fixed"), remedies.get("weights")
    return SimpleNamespace(
        demands=entries("demands"), rules=entries("rules"), derive=entries("derive"),
        tiers=entries("tiers"), terms=entries("terms"), exceptions=entries("exceptions"),
        sources=_keys(data.get("sources", {})), groups=_keys(data.get("groups", {})),
        remedies=SimpleNamespace(fixed=_texts(fixed), weights=_mapping(weights)))


def _entry_references(item: Any) -> SimpleNamespace:
    raw = _mapping(item)
    scope = raw.get("applies_to")
    min_score = raw.get("min_score")
    return SimpleNamespace(
        id=_text(raw.get("id")), demand=_text(raw.get("demand")),
        caps_tier=_text(raw.get("caps_tier")), limit_basis=_text(raw.get("limit_basis")),
        sources=_texts(raw.get("sources")), groups=_texts(raw.get("groups")),
        applies_to=SimpleNamespace(groups=_texts(scope.get("groups")))
        if isinstance(scope, dict) else None,
        min_score=min_score if isinstance(min_score, int | float)
        and not isinstance(min_score, bool) else None)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _texts(value: Any) -> list[str | None]:
    """A list's text items in place (None for the others, so that each keeps its index)."""
    return [_text(v) for v in value] if isinstance(value, list) else []


def _keys(value: Any) -> dict | _AnyId:
    return value if isinstance(value, dict) else _AnyId()


def _ids(items: list[Any]) -> set[str] | _AnyId:
    """The ids of a section's entries (only in data that failed validation can one be None)."""
    ids = {item.id for item in items}
    return _AnyId() if None in ids else ids


class _Compiler:
    def __init__(self, policy: Policy | None, catalog: Catalog, doc: Document | None,
                 derived_facts: set[tuple[str, str]] | None = None) -> None:
        self.policy, self.catalog, self.doc = policy, catalog, doc
        self.problems: list[Problem] = []
        self.computed: dict[str, cx.Term] = {}
        self.derived_facts = derived_facts if policy is None else \
            {d.fact for d in policy.derive}
        self.branch_tests: dict[str, list[Leaf]] = {}
        self.joins: dict[str, list[tuple[str, str]]] = {}
        self._derived_names: set[str] | None = None
        self._map_shares: dict[str, Indicator] = {}

    # --- reporting ---------------------------------------------------------------------------
    def problem(self, loc: cx.Loc, message: str, hint: str | None = None, *,
                key: bool = False, offset: int = 0) -> None:
        path, line, col = self.doc.where(loc, key=key) if self.doc else \
            (f"<policy {self.policy.name}>", None, None)
        if col is not None and isinstance(self._raw(loc), str):    # inside expression text
            col += offset + _quote_width(self.doc, loc)
        problem = Problem(path, line, col, message, hint)
        if problem not in self.problems:     # both polarities of a condition meet the same leaf
            self.problems.append(problem)

    def _changed(self, loc: cx.Loc) -> bool:
        """Whether the value at `loc` was put there by a change (an overlay's, a term's or a
        `--set`) rather than written in the entry holding it: where a problem it causes lies.
        Only an assembled policy knows (its `resolve`); a plain file changes nothing."""
        resolve = getattr(self.doc, "resolve", None)
        if resolve is None:
            return False
        source, at = resolve(loc)
        entry_source, entry_at = resolve(loc[:-1])
        return source is not entry_source or tuple(at) != (*entry_at, loc[-1])

    def _raw(self, loc: cx.Loc) -> Any:
        node: Any = self.doc.data if self.doc else None
        for part in loc:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    # --- the run -----------------------------------------------------------------------------
    def run(self) -> CompiledPolicy:
        self.check_references()
        derivations = {d.id: CompiledDerivation(d, self.check(d.when, ("derive", i, "when"), d.id,
                                                               needed="true", names=("d", "nd")))
                       for i, d in enumerate(self.policy.derive)}
        rules = {r.id: self.compile_rule(i, r) for i, r in enumerate(self.policy.rules)}
        order = self.order_derivations(derivations)
        rulesets, engine_rules = self.pack(rules, derivations)
        self.check_fields()
        return CompiledPolicy(self.policy, self.catalog, rules, derivations, order, self.computed,
                              rulesets, engine_rules,
                              fact_fields=self.fact_fields())

    def compile_rule(self, index: int, rule: Any) -> CompiledRule:
        loc = ("rules", index)
        compiled = CompiledRule(rule, self.check(rule.require, (*loc, "require"), rule.id,
                                                 needed="false", names=("s", "v")))
        scope = rule.applies_to
        if scope is not None:
            if scope.partners is not None or scope.groups is not None:
                members = set(scope.partners or [])
                for group in scope.groups or []:
                    members |= set(self.policy.groups.get(group, []))
                compiled.applies_partners = frozenset(members)
            if scope.when is not None:
                compiled.applies_when = self.check(scope.when, (*loc, "applies_to", "when"),
                                                   rule.id, needed="true", names=("a", "na"))
        return compiled

    def check_references(self) -> None:
        """Ids are unique; demands, sources, groups and tier bounds are consistent."""
        p = self.policy
        # rules and inferences share one space of ids; results name terms and exceptions by id
        for group in (("demands",), ("rules", "derive"), ("tiers",), ("terms",), ("exceptions",)):
            self.unique([(s, i, item.id) for s in group for i, item in enumerate(getattr(p, s))])
        self.check_rule_references()
        self.check_term_groups()
        self.check_sources()
        self.check_tiers()
        self.check_remedy_indicators()

    def check_remedy_indicators(self) -> None:
        """`remedies.fixed` and `remedies.weights` name catalog indicators."""
        settings = self.policy.remedies
        named = [(("remedies", "fixed", i), n) for i, n in enumerate(settings.fixed)]
        named += [(("remedies", "weights", n), n) for n in settings.weights]
        for loc, name in named:
            if name is not None and name not in self.catalog.indicators:
                self.problem(loc, f"unknown indicator '{name}'",
                             did_you_mean(name, self.catalog.indicators),
                             key=loc[1] == "weights")

    def check_rule_references(self) -> None:
        p = self.policy
        demand_ids, tier_ids = _ids(p.demands), _ids(p.tiers)
        for i, rule in enumerate(p.rules):
            if rule.demand is not None and rule.demand not in demand_ids:
                self.problem(("rules", i, "demand"), f"unknown demand '{rule.demand}'",
                             did_you_mean(rule.demand, demand_ids))
            if rule.applies_to and rule.applies_to.groups:
                for j, group in enumerate(rule.applies_to.groups):
                    if group is not None and group not in p.groups:
                        self.problem(("rules", i, "applies_to", "groups", j),
                                     f"unknown group '{group}'", did_you_mean(group, p.groups))
            if rule.caps_tier is not None and rule.caps_tier not in tier_ids:
                self.problem(("rules", i, "caps_tier"),
                             f"rule '{rule.id}' caps at unknown tier '{rule.caps_tier}'",
                             did_you_mean(rule.caps_tier, [t.id for t in p.tiers]))
            if rule.limit_basis not in (None, "illustrative") and rule.limit_basis not in p.sources:
                self.problem(("rules", i, "limit_basis"), f"unknown source '{rule.limit_basis}'",
                             did_you_mean(rule.limit_basis, [*p.sources, "illustrative"])
                             or "limit_basis is 'illustrative' or the id of a source")

    def check_term_groups(self) -> None:
        p = self.policy
        for i, term in enumerate(p.terms):
            for j, group in enumerate(term.groups or []):
                if group is not None and group not in p.groups:
                    self.problem(("terms", i, "groups", j), f"unknown group '{group}'",
                                 did_you_mean(group, p.groups))

    def check_sources(self) -> None:
        p = self.policy
        for section, items in (("demands", p.demands), ("rules", p.rules), ("derive", p.derive),
                               ("terms", p.terms), ("exceptions", p.exceptions)):
            for i, item in enumerate(items):
                for j, source in enumerate(item.sources):
                    if source is not None and source not in p.sources:
                        self.problem((section, i, "sources", j), f"unknown source '{source}'",
                                     did_you_mean(source, p.sources))

    def unique(self, entries: list[tuple[str, int, str]]) -> None:
        """Each (section, index, id) after the first of its id is reported at its id."""
        seen: dict[str, str] = {}
        for section, index, item_id in entries:
            if item_id is None:         # an entry without an id, in data that failed validation
                continue
            if item_id not in seen:
                seen[item_id] = section
                continue
            what = _KINDS[section] if seen[item_id] == section else "rule"
            also = "" if seen[item_id] == section else ": a rule and an inference share it"
            self.problem((section, index, "id"), f"duplicate {what} id '{item_id}'{also}")

    def check_tiers(self) -> None:
        bounds = [t.min_score for t in self.policy.tiers]
        for i in range(1, len(bounds)):
            if None in (bounds[i], bounds[i - 1]) or bounds[i] < bounds[i - 1]:
                continue            # None: not a number, in data that failed validation
            if self._changed(("tiers", i - 1, "min_score")) and \
                    not self._changed(("tiers", i, "min_score")):
                self.problem(("tiers", i - 1, "min_score"), "tiers go best first: min_score "
                             f"must be above the next tier's ({bounds[i - 1]} <= {bounds[i]})")
            else:
                self.problem(("tiers", i, "min_score"), "tiers go best first: min_score must be "
                             f"below the previous tier's ({bounds[i]} >= {bounds[i - 1]})")
        if bounds and bounds[-1] not in (0, None):
            self.problem(("tiers", len(bounds) - 1, "min_score"),
                         "the last tier must start at 0 so every score has a tier, "
                         f"not {bounds[-1]}")

    # --- conditions --------------------------------------------------------------------------
    def check(self, condition: Any, loc: cx.Loc, owner: str, *, needed: str,
              names: tuple[str, str]) -> Check:
        """Compile a condition's true and false forms (`names` prefix their engine rules).

        The `needed` polarity is always compiled (a rule's violation, a scope's or an
        inference's truth); the other only when the condition tests two or more fact fields,
        because only then can known figures decide it while others are missing."""
        try:
            tree = cx.parse_condition(condition, loc)
        except cx.ConditionError as exc:
            self.problem(exc.loc, str(exc), offset=exc.offset)
            return Check(cx.All(()))
        check = Check(tree)
        if self.empty_lists(tree):
            return check
        forms = {"true": cx.push_not(tree), "false": cx.negate(tree)}
        branches = {}
        for polarity, form in forms.items():
            try:
                branches[polarity] = cx.to_dnf(form, MAX_BRANCHES_PER_RULE)
            except ValueError as exc:
                self.problem(loc, f"condition {exc} (at most {MAX_BRANCHES_PER_RULE})")
                return check
        # the form as written first: if its comparisons are wrong, the negated form would only
        # repeat the same problems with operators the drafter never wrote
        leaves = {"true": [[self.leaves(cmp, check) for cmp in b] for b in branches["true"]]}
        if any(None in group for b in leaves["true"] for group in b):
            return check
        leaves["false"] = [[self.leaves(cmp, check) for cmp in b] for b in branches["false"]]
        fields = {leaf.derived[1:] if leaf.derived else leaf.field
                  for bs in leaves.values() for b in bs for group in b for leaf in group if leaf}
        # Deciding by presence is sound only for profile fields: a derived fact's join has to
        # have had the chance to fire, so conditions on derived facts are judged by firings.
        check.both = len(fields) > 1 or bool(check.derived_reads)
        prefix = dict(zip(("true", "false"), names, strict=True))
        for polarity in ("true", "false"):
            if polarity != needed and not check.both:
                continue
            target = check.when_true if polarity == "true" else check.when_false
            for n, branch in enumerate(leaves[polarity]):
                flat = [leaf for group in branch for leaf in group]
                if None in flat:
                    continue
                name = f"{prefix[polarity]}:{owner}:{n}"
                target.append(name)
                self.branch_tests[name] = [leaf for leaf in flat if leaf.derived is None]
                # each join alias binds a different fact, so one fact tested twice is one join
                self.joins[name] = sorted({leaf.derived for leaf in flat if leaf.derived})
        return check

    def empty_lists(self, tree: cx.Node) -> bool:
        """Report each `in` / `not in` an empty list (True if any). Expanded into alternatives
        it leaves no engine test and no figure read: `x in []` would be false and `x not in []`
        true even where x is missing, a verdict on no data."""
        found = False
        for cmp in cx.comparisons(tree):
            left, op, right = cx.oriented(cmp)
            if op in ("in", "not in") and isinstance(right, cx.Lit) and right.value == ():
                raw = self._raw(cmp.loc)
                word = raw.get("comparison", op) if isinstance(raw, dict) else op
                name = f"{left.name}: " if isinstance(left, cx.Ref) else ""
                self.fail(cmp, f"{name}'{word}' needs at least one value; an empty list holds "
                          "nothing")
                found = True
        return found

    def leaves(self, cmp: cx.Compare, check: Check) -> list[Leaf | None]:
        """A comparison checked against the catalog, as engine tests (None after an error)."""
        left, op, right = cx.oriented(cmp)
        if isinstance(left, cx.Ref) and isinstance(right, cx.Lit):
            return self.threshold_leaves(cmp, left.name, op, right.value, check)
        return [self.arithmetic_leaf(cmp, left, op, right, check)]

    def fail(self, cmp: cx.Compare, message: str, hint: str | None = None,
             part: str = "limit") -> list[None]:
        """Report at the comparison; in a threshold mapping, at its `indicator` or `limit`."""
        raw = self._raw(cmp.loc)
        loc = (*cmp.loc, part) if isinstance(raw, dict) and part in raw else cmp.loc
        self.problem(loc, message, hint, offset=cmp.offset)
        return [None]

    def fail_at_value(self, cmp: cx.Compare, message: str, hint: str | None,
                      value: Any) -> list[None]:
        """Report at `value` where a threshold's limit lists it (`limit: [CHN, IRM]`), else at
        the limit (or the comparison of an expression) as `fail` does."""
        raw = self._raw(cmp.loc)
        limit = raw.get("limit") if isinstance(raw, dict) else None
        if isinstance(limit, list) and value in limit:
            self.problem((*cmp.loc, "limit", limit.index(value)), message, hint)
            return [None]
        return self.fail(cmp, message, hint)

    def threshold_leaves(self, cmp: cx.Compare, name: str, op: str, value: Any,
                         check: Check) -> list[Leaf | None]:
        base, _, key = name.partition(".")
        if (key == "" and (base, value) in self.derived_facts) or self.is_derived(base):
            return self.derived_leaf(cmp, base, op, value, check)
        indicator = self.catalog.indicators.get(base)
        if indicator is None:
            return self.fail(cmp, f"unknown indicator '{name}'", self.suggest(name),
                             part="indicator")
        check.reads.add(name)
        if indicator.type == IndicatorType.SHARE_MAP:
            if key not in (indicator.keys or []):
                return self.fail(cmp, *_share_map_key_problem(base, key, indicator.keys or []))
            indicator = self.share_of_map(base, indicator)
        elif key:
            return self.fail(cmp, f"'{base}' has no keys; only share maps are read as name.key")
        try:
            return _typed_leaves(name, indicator, op, value)
        except _ValueProblem as exc:
            return self.fail_at_value(cmp, f"{name}: {exc}", exc.hint, exc.value)
        except ValueError as exc:
            return self.fail(cmp, f"{name}: {exc}")

    def is_derived(self, name: str) -> bool:
        if self._derived_names is None:
            self._derived_names = {fact for fact, _ in self.derived_facts}
        return name in self._derived_names

    def share_of_map(self, base: str, indicator: Indicator) -> Indicator:
        """A share map's key read as a share (one copy per map, not per comparison)."""
        if base not in self._map_shares:
            self._map_shares[base] = indicator.model_copy(
                update={"type": IndicatorType.SHARE, "keys": None})
        return self._map_shares[base]

    def derived_leaf(self, cmp: cx.Compare, name: str, op: str, value: Any,
                     check: Check) -> list[Leaf | None]:
        if (name, value) not in self.derived_facts:
            values = sorted(v for f, v in self.derived_facts if f == name)
            return self.fail(cmp, f"no derive rule concludes {name}: {value!r}",
                             f"it concludes {', '.join(values)}")
        if op not in ("==", "!="):
            return self.fail(cmp, f"the derived fact '{name}' is tested with == or !=, not {op}")
        check.derived_reads.add((name, value))
        kind = "derived" if op == "==" else "absent"   # absence is asserted once it is decided
        return [Leaf("", "==", value, (kind, name, value))]

    def arithmetic_leaf(self, cmp: cx.Compare, left: cx.Term, op: str, right: cx.Term,
                        check: Check) -> Leaf | None:
        if op not in ("<", "<=", ">", ">=", "==", "!="):
            self.fail(cmp, f"'{op}' needs an indicator on one side and a literal on the other")
            return None
        term, limit = (left, right.value) if isinstance(right, cx.Lit) else \
            (cx.Arith("-", left, right), 0)
        if isinstance(limit, bool) or not isinstance(limit, int | float):
            self.fail(cmp, f"arithmetic compares with a number, not {limit!r}")
            return None
        constants = [t.value for t in _literals(term)] + [limit]
        word = next((c for c in constants if isinstance(c, bool) or
                     not isinstance(c, int | float)), None)
        if word is not None:           # `x + true` would count true as 1; `x + 'a'` fails
            written = str(word).lower() if isinstance(word, bool) else repr(word)
            self.fail(cmp, f"arithmetic works on numbers, not {written}")
            return None
        if any(too_large(c) for c in constants):
            self.fail(cmp, "a number in this condition is too large to compare (over 1e300)")
            return None
        if not cx.refs(term):         # `1 == 2`: a verdict on no data, the same for everyone
            self.fail(cmp, "this comparison reads no figure: it would hold, or fail, for every "
                      "partner alike")
            return None
        if _divides_by_zero(term):    # `x / 0`: never computable, so unknown for everyone
            self.fail(cmp, "divides by zero: no partner's value could be computed")
            return None
        for name in cx.refs(term):
            problem = self.arithmetic_ref_problem(name)
            if problem:
                self.fail(cmp, *problem)
                return None
            check.reads.add(name)
        # Upper case cannot clash with a catalog name. The computed field counts as read, so a
        # value that cannot be computed (an unknown input, a zero divisor) makes the rule unknown.
        field_name = COMPUTED_PREFIX + hashlib.sha1(repr(term).encode()).hexdigest()[:10]
        self.computed[field_name] = term
        check.reads.add(field_name)
        return Leaf(field_name, op, float(limit))

    def arithmetic_ref_problem(self, name: str) -> tuple[str, str | None] | None:
        """Why `name` cannot take part in arithmetic, with a hint; None when it can."""
        base, _, key = name.partition(".")
        indicator = self.catalog.indicators.get(base)
        if indicator is None:
            return f"unknown indicator '{name}'", self.suggest(name)
        if indicator.type == IndicatorType.SHARE_MAP:
            keys = indicator.keys or []
            if key not in keys:
                return _share_map_key_problem(base, key, keys)
            return None
        if key:
            return f"'{base}' has no keys; only share maps are read as name.key", None
        if indicator.type not in NUMERIC_TYPES:
            return f"'{name}' is {indicator.type.value}, not a number: no arithmetic", None
        return None

    def suggest(self, name: str) -> str | None:
        names = set(self.catalog.indicators) | {f for f, _ in self.derived_facts}
        return did_you_mean(name, names)

    # --- derivation order and packing --------------------------------------------------------
    def order_derivations(self, derivations: dict[str, CompiledDerivation]) -> list[str]:
        concluders = {}
        for d_id, d in derivations.items():
            concluders.setdefault(d.derivation.fact, []).append(d_id)
        order: list[str] = []
        state: dict[str, str] = {}

        def visit(d_id: str, trail: list[str]) -> None:
            if state.get(d_id) == "done":
                return
            if state.get(d_id) == "open":
                cycle = " -> ".join([*trail[trail.index(d_id):], d_id])
                index = list(derivations).index(d_id)
                self.problem(("derive", index, "when"), f"derived facts form a cycle: {cycle}")
                return
            state[d_id] = "open"
            for fact in derivations[d_id].when.derived_reads:
                for dep in concluders.get(fact, []):
                    visit(dep, [*trail, d_id])
            state[d_id] = "done"
            order.append(d_id)

        for d_id in derivations:
            visit(d_id, [])
        return order

    def pack(self, rules: dict[str, CompiledRule], derivations: dict[str, CompiledDerivation]):
        names: list[tuple[str, str, str]] = []
        for d_id, d in derivations.items():
            names += [(b, "derive", d_id) for b in d.when.when_true + d.when.when_false]
        for r_id, r in rules.items():
            if r.applies_when:
                names += [(b, "applies", r_id)
                          for b in r.applies_when.when_true + r.applies_when.when_false]
            names += [(b, "rule", r_id) for b in r.require.when_true + r.require.when_false]
        shards: list[dict[str, Any]] = []
        shard_tests: set[tuple[str, str]] = set()
        per_field: dict[str, int] = {}           # distinct tests per field in the last shard
        over = False                             # some field of the last shard is over the cap
        for name, _, _ in names:
            branch = {_test_key(leaf) for leaf in self.branch_tests[name]}
            added = _per_field(branch - shard_tests)
            if not shards or len(shards[-1]) >= MAX_BRANCHES_PER_RULESET or over or \
                    any(per_field.get(f, 0) + n > MAX_TESTS_PER_FIELD for f, n in added.items()):
                shards.append({})
                shard_tests, per_field = set(), {}
                added = _per_field(branch)
            shards[-1][name] = self.engine_rule(name)
            shard_tests |= branch
            for f, n in added.items():
                per_field[f] = per_field.get(f, 0) + n
                over = over or per_field[f] > MAX_TESTS_PER_FIELD
        rulesets = [(f"{self.policy.name}:{i}", shard) for i, shard in enumerate(shards)]
        return rulesets, {b: (kind, i) for b, kind, i in names}

    def engine_rule(self, name: str) -> dict[str, Any]:
        tests = [{"kind": "profile"}, *(leaf.test() for leaf in self.branch_tests[name])]
        terms: list[dict[str, Any]] = [{"m": {"$and": tests}}]
        for n, (kind, fact, value) in enumerate(self.joins[name]):
            terms.append({f"d{n}": {"$and": [{"kind": kind}, {"name": fact},
                                              {"value": value}]}})
        return {"all": terms}

    def fact_fields(self) -> dict[str, tuple[str, ...] | None]:
        """Every fact field some engine rule tests, with the sub-keys read under it."""
        keys: dict[str, set[str] | None] = {}
        for leaf in (leaf for leaves in self.branch_tests.values() for leaf in leaves):
            base, _, key = leaf.field.partition(".")
            if key:
                keys[base] = (keys.get(base) or set()) | {key}
            else:
                keys.setdefault(base, None)
        return {name: tuple(sorted(sub)) if sub else None for name, sub in sorted(keys.items())}

    def check_fields(self) -> None:
        fields = _catalog_fields(self.catalog) | set(self.computed)
        if len(fields) > MAX_FIELDS:
            self.problem(("indicators",), f"{len(fields)} fact fields; the engine allows "
                         f"{MAX_FIELDS}")
        seen: dict[int, str] = {}
        for name in sorted(fields):
            other = seen.setdefault(_FNV.get(name) or fnv1a_32(name), name)
            if other != name:
                self.problem(("indicators",), f"field names '{other}' and '{name}' collide in "
                             "the engine's 32-bit hash; rename one")


_KINDS = {"demands": "demand", "rules": "rule", "derive": "inference", "tiers": "tier",
          "terms": "term", "exceptions": "exception"}
_FNV: dict[str, int] = {}       # the hashes of the catalog's field names, worked out once


def _catalog_fields(catalog: Catalog) -> set[str]:
    """The fact fields a catalog defines, plus the engine's own."""
    fields = set(RESERVED_FIELDS)
    for name, indicator in catalog.indicators.items():
        subkeys = indicator.keys or indicator.values if indicator.type in (
            IndicatorType.SHARE_MAP, IndicatorType.SET) else None
        fields |= {f"{name}.{k}" for k in subkeys} if subkeys else {name}
    if len(_FNV) < 100_000:
        _FNV.update((name, fnv1a_32(name)) for name in fields if name not in _FNV)
    return fields


def _quote_width(doc: Document, loc: cx.Loc) -> int:
    """Expression columns count from the text; a quoted YAML scalar starts one column later."""
    return 1 if doc.is_quoted(loc) else 0


def _share_map_key_problem(base: str, key: str, keys: list[str]) -> tuple[str, str | None]:
    if not key:
        return f"'{base}' is a share map: read one key, e.g. {base}.{keys[0]}", None
    return (f"'{base}' is a share map with no key '{key}' (its keys: {', '.join(keys)})",
            did_you_mean(key, keys))


def _divides_by_zero(term: cx.Term) -> bool:
    """A `/` whose divisor reads no figure and is 0 (`x / 0`, `x / (2 - 2)`)."""
    if not isinstance(term, cx.Arith):
        return False
    if term.op == "/" and not cx.refs(term.right) and _constant(term.right) == 0:
        return True
    return _divides_by_zero(term.left) or _divides_by_zero(term.right)


def _constant(term: cx.Term) -> float | None:
    """The value of a term that reads no figure (its literals are numbers by now); None when
    it has none (a zero divisor, an overflow)."""
    if isinstance(term, cx.Lit):
        return term.value
    left, right = _constant(term.left), _constant(term.right)
    return None if left is None or right is None else cx.arithmetic(term.op, left, right)


def _literals(term: cx.Term) -> list[cx.Lit]:
    if isinstance(term, cx.Lit):
        return [term]
    if isinstance(term, cx.Arith):
        return _literals(term.left) + _literals(term.right)
    return []


def _test_key(leaf: Leaf) -> tuple[str, str]:
    return (leaf.field, f"{leaf.op}{leaf.value!r}")


def _per_field(tests: set[tuple[str, str]]) -> dict[str, int]:
    """How many of these distinct tests read each field (a dict: Counter is slower here)."""
    counts: dict[str, int] = {}
    for field_name, _ in tests:
        counts[field_name] = counts.get(field_name, 0) + 1
    return counts


_SHARE, _SHARE_CHANGE = IndicatorType.SHARE, IndicatorType.SHARE_CHANGE
# Numbers no figure can be below 0 of (engine.catalog refuses such a figure in a profile): a
# limit below 0 makes a rule that never holds (`at_most -1`) or always does (`at_least -1`),
# a typo either way. pp, pct, share_change, ratio and number figures may be negative.
_NOT_NEGATIVE = {IndicatorType.COUNT: "a count cannot be negative (0 or more)",
                 IndicatorType.USD_BN: "an amount in US$ billions cannot be negative (0 or "
                                       "more, unless the catalog marks it signed: true)"}


def _typed_leaves(name: str, indicator: Indicator, op: str, value: Any) -> list[Leaf]:
    """Engine tests for `name op value`, checked against the indicator's type."""
    kind = indicator.type
    if kind in NUMERIC_TYPES:         # the common case: messages are written only on failure
        if not (op in _ENGINE_OPS or op == "=="):
            raise ValueError(f"'{op}' does not apply to a number")
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ValueError(f"is a number ({kind.value}); compare it with a number, "
                             f"not {value!r}")
        _check_number_limit(indicator, value)
        return [Leaf(name, op, value)]
    if kind == IndicatorType.BOOL:
        _require(op in ("==", "!=") and isinstance(value, bool),
                 f"is true/false; test it with equals/not_equals true or false, not {op} {value!r}")
        return [Leaf(name, op, value)]
    if kind == IndicatorType.SET:
        _require(op in ("includes", "excludes"), "is a set: use includes or excludes")
        _member(value, indicator.values or [])
        return [Leaf(f"{name}.{value}", "==", op == "includes")]
    if kind == IndicatorType.DATE:
        day = _as_date(value)
        _require(op in _ENGINE_OPS or op == "==", f"'{op}' does not apply to a date")
        return [Leaf(name, op, day.toordinal())]
    return _choice_leaves(name, indicator, op, value)


def _check_number_limit(indicator: Indicator, value: float) -> None:
    """Refuse a limit outside the range the indicator's figures take: a rule comparing them
    with it would hold for every partner or for none, whatever their figures."""
    kind = indicator.type
    _require(not too_large(value), "the limit is too large to compare (over 1e300)")
    if kind == _SHARE and not 0 <= value <= 1:
        raise ValueError(f"a share is a fraction 0..1 (20% is 0.2), not {value}")
    if kind == _SHARE_CHANGE and not -1 <= value <= 1:
        raise ValueError("a change of a share is a signed fraction -1..1 (2 points is 0.02), "
                         f"not {value}")
    signed = kind == IndicatorType.USD_BN and indicator.signed     # a balance, say
    if value < 0 and kind in _NOT_NEGATIVE and not signed:
        raise ValueError(f"{_NOT_NEGATIVE[kind]}, not {value}")


def _choice_leaves(name: str, indicator: Indicator, op: str, value: Any) -> list[Leaf]:
    """Enums and country codes: equality and membership; ordered enums also by rank."""
    is_enum = indicator.type == IndicatorType.ENUM
    values = list(value) if isinstance(value, tuple) else [value]
    for v in values:
        if is_enum:
            _member(v, indicator.values or [])
        else:
            _country(v)
    encode = (indicator.values or []).index if is_enum and indicator.ordered else (lambda v: v)
    _require(op not in ("in", "not in"), f"'{op}' needs a list of values")
    _require(not isinstance(value, tuple), f"'{op}' compares with one value, not a list")
    ranked = op in ("<", "<=", ">", ">=")
    _require(not ranked or (is_enum and indicator.ordered),
             f"'{op}' needs an ordered enum; {name} is not ordered")
    _require(op in _ENGINE_OPS or op == "==", f"'{op}' does not apply here")
    return [Leaf(name, op, encode(value))]


class _ValueProblem(ValueError):
    """A limit refused for one of its values, reported where that value is written."""

    def __init__(self, message: str, value: Any, hint: str | None = None) -> None:
        super().__init__(message)
        self.value, self.hint = value, hint


def _country(code: Any) -> None:
    """A code no partner has would make `equals` never and `none_of` always hold."""
    if not (isinstance(code, str) and len(code) == 3 and code.isupper()):
        raise _ValueProblem(f"is a country: compare it with ISO3 codes such as 'CHN', not "
                            f"{code!r}", code, countries.written_code_hint(code))
    problem = countries.code_problem(code)
    if problem:
        raise _ValueProblem(problem, code, countries.code_hint(code))


def _member(value: Any, values: list[str]) -> None:
    """Reported at the value itself: in `limit: [exited, nonee]` the list is not the typo."""
    if not (isinstance(value, str) and value in values):
        hint = did_you_mean(str(value), values)
        raise _ValueProblem(f"{value!r} is not one of {', '.join(values)}"
                            + (f"; {hint}" if hint else ""), value)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"is a date; compare it with YYYY-MM-DD, not {value!r}") from None


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)
