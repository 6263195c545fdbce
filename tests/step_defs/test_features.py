"""Runs every .feature file under features/ with one generic step vocabulary.

The vocabulary (also listed in the README) lets a policy drafter write scenarios for a policy or
a partner without writing Python. Steps call the public API only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from engine import api, remedies
from engine.errors import InputError
from engine.models import Figure, Profile
from engine.results import RemedyStatus

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ROOT / "features"

scenarios(str(FEATURES))


@dataclass
class World:
    policy_path: Path | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    cards: dict = field(default_factory=dict)
    last: str | None = None
    settings: list[str] = field(default_factory=list)     # as --set on the command line
    day: dt.date = field(default_factory=dt.date.today)   # as --as-of
    folder: Path | None = None                            # where written overlays go
    comparison: Any = None
    swept: Any = None
    plans: dict = field(default_factory=dict)
    remedied: dict = field(default_factory=dict)
    refused: InputError | None = None                     # what checking the policy found

    @property
    def compiled(self):
        return api.load_policy(self.policy_path, tuple(self.settings))

    def change(self, setting: str) -> None:
        self.settings.append(setting)
        self.cards.clear()

    def moved(self, code: str):
        matches = [c for c in self.comparison.partners if c.code == code]
        assert matches, f"{code} was not compared"
        return matches[0]

    def row(self, code: str):
        matches = [r for r in self.swept.rows if r.code == code]
        assert matches, f"{code} was not swept"
        return matches[0]

    def card(self, code: str | None = None):
        return self.cards[code or self.last]

    def plan(self, code: str | None = None):
        """The remedy plan of the partner last evaluated (computed once per scenario)."""
        code = code or self.last
        if code not in self.plans:
            self.plans[code] = remedies.plan(self.compiled, self.profiles[code])
        return self.plans[code]

    def remedied_card(self, code: str | None = None):
        """The partner evaluated again with its remedy's changes written into its profile."""
        code = code or self.last
        if code not in self.remedied:
            plan = self.plan(code)
            assert plan.status == RemedyStatus.FOUND, plan.reason
            changed = remedies.apply(self.compiled, self.profiles[code],
                                     remedies.changes_of(self.compiled, plan))
            self.remedied[code] = api.evaluate_partner(self.compiled, changed)
        return self.remedied[code]

    def finding(self, rule: str, code: str | None = None):
        card = self.card(code)
        matches = [f for f in card.findings if f.rule == rule]
        assert matches, f"no rule {rule!r} in {[f.rule for f in card.findings]}"
        return matches[0]


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(folder=tmp_path)


def _profile(world: World, code: str) -> Profile:
    if code not in world.profiles:
        world.profiles[code] = api.load_partner(code, world.compiled.catalog).profile
    return world.profiles[code]


# --- Given -----------------------------------------------------------------------------------

@given("the shipped policy")
def shipped_policy(world: World) -> None:
    world.policy_path = None


@given(parsers.parse('the policy "{path}"'))
def named_policy(world: World, path: str) -> None:
    candidate = Path(path)
    world.policy_path = candidate if candidate.is_absolute() else ROOT / path


@given(parsers.parse('the partner "{code}"'))
def partner(world: World, code: str) -> None:
    _profile(world, code)
    world.last = code


@given(parsers.parse('the partner "{code}" without "{indicator}"'))
def partner_without(world: World, code: str, indicator: str) -> None:
    profile = _profile(world, code)
    assert indicator in profile.indicators, f"{code} has no {indicator} to remove"
    kept = {k: v for k, v in profile.indicators.items() if k != indicator}
    world.profiles[code] = profile.model_copy(update={"indicators": kept})
    world.last = code


@given(parsers.parse('the partner "{code}" with "{indicator}" set to {value}'))
def partner_with(world: World, code: str, indicator: str, value: str) -> None:
    """The value is read as tradepolicy reads a profile (its YAML: `yes` is text) and checked
    against the catalog, as a profile's figure is: a misspelt indicator or a value in the
    wrong unit fails the step instead of testing something else."""
    from engine.catalog import did_you_mean, profile_problems
    from engine.load import load_text

    profile = _profile(world, code)
    catalog = world.compiled.catalog
    assert indicator in catalog.indicators, \
        f"no indicator '{indicator}' in the catalog " \
        f"({did_you_mean(indicator, catalog.indicators) or 'see policies/indicators.yaml'})"
    parsed = load_text(value, f"the value {value}").data
    figure = Figure(value=parsed, illustrative=True, note="set by a scenario")
    changed = profile.model_copy(update={"indicators": {**profile.indicators, indicator: figure}})
    problems = [message for where, _, message, _ in profile_problems(changed, catalog)
                if where[1] == indicator]
    assert not problems, problems
    world.profiles[code] = changed
    world.last = code


# --- Given: variants a drafter tries without writing Python ----------------------------------

@given("the overlay:")
def overlay(world: World, docstring: str) -> None:
    """A policy written in the scenario itself (it may `extends:` a shipped policy by name)."""
    path = world.folder / "overlay.yaml"
    path.write_text(docstring + "\n", encoding="utf-8")
    world.policy_path = path


@given(parsers.parse('the limit of rule "{rule}" is {value}'))
def limit_is(world: World, rule: str, value: str) -> None:
    world.change(f"{rule}.limit={value}")


@given(parsers.parse('the limit of rule "{rule}" on {indicator} is {value}'))
def limit_on_is(world: World, rule: str, indicator: str, value: str) -> None:
    world.change(f"{rule}.limit[{indicator}]={value}")


@given(parsers.parse('the weight of rule "{rule}" is {value}'))
def weight_is(world: World, rule: str, value: str) -> None:
    world.change(f"{rule}.weight={value}")


@given(parsers.parse('rule "{rule}" is disabled'))
def disabled(world: World, rule: str) -> None:
    world.change(f"{rule}.disabled=true")


@given(parsers.parse('the minimum score of tier "{tier}" is {value}'))
def min_score_is(world: World, tier: str, value: str) -> None:
    world.change(f"{tier}.min_score={value}")


@given(parsers.parse("the evaluation date is {day}"))
def evaluation_date(world: World, day: str) -> None:
    world.day = dt.date.fromisoformat(day)
    world.cards.clear()


# --- When ------------------------------------------------------------------------------------

@when(parsers.parse('partner "{code}" is evaluated'))
def evaluate(world: World, code: str) -> None:
    world.cards[code] = api.evaluate_partner(world.compiled, _profile(world, code), world.day)
    world.last = code


@when(parsers.parse('the partners {codes} are compared with the policy "{baseline}"'))
def compared(world: World, codes: str, baseline: str) -> None:
    from engine.compare import compare

    base = None if baseline == "shipped" else ROOT / baseline
    partners = [api.load_partner(c.strip(' "')) for c in codes.split(",")]
    world.comparison = compare(world.compiled, api.load_policy(base), partners, world.day)


@when(parsers.parse('rule "{rule}" has its limit swept from {start} to {stop} by {step} '
                    "for {codes}"))
def swept(world: World, rule: str, start: str, stop: str, step: str, codes: str) -> None:
    from engine.sweep import parse_range, sweep

    target, values = parse_range(f"{rule}.limit={start}:{stop}:{step}")
    partners = [api.load_partner(c.strip(' "')) for c in codes.split(",")]
    world.swept = sweep(world.compiled, partners, target, values, world.day)


@when("the policy is checked")
def policy_checked(world: World) -> None:
    """Read, validated and compiled as every command reads it; a refusal is kept for Then."""
    world.refused = None
    try:
        api.load_policy(world.policy_path, tuple(world.settings))
    except InputError as exc:
        world.refused = exc


@when("it is evaluated")
def evaluate_last(world: World) -> None:
    evaluate(world, world.last)


# --- Then ------------------------------------------------------------------------------------

@then(parsers.parse('rule "{rule}" is {status}'))
def rule_status(world: World, rule: str, status: str) -> None:
    finding = world.finding(rule)
    assert finding.status.value == status.replace(" ", "_"), finding.message


@then(parsers.parse('the message of rule "{rule}" is "{text}"'))
def rule_message(world: World, rule: str, text: str) -> None:
    assert world.finding(rule).message == text


@then(parsers.parse('the message of rule "{rule}" says "{text}"'))
def rule_message_contains(world: World, rule: str, text: str) -> None:
    message = world.finding(rule).message
    assert text in message, message


@then(parsers.parse('the margin of rule "{rule}" is {margin:g}'))
def rule_margin(world: World, rule: str, margin: float) -> None:
    assert world.finding(rule).margin == pytest.approx(margin)


@then(parsers.parse('rule "{rule}" observed {indicator} = {value}'))
def rule_observed(world: World, rule: str, indicator: str, value: str) -> None:
    import yaml

    assert world.finding(rule).observed[indicator] == yaml.safe_load(value)


def _chain(links) -> list:
    """Every link of a because-chain, however deep."""
    return [link for b in links for link in (b, *_chain(b.because))]


@then(parsers.parse('rule "{rule}" rests on the derived fact {fact} = {value}'))
def rule_because(world: World, rule: str, fact: str, value: str) -> None:
    chain = _chain(world.finding(rule).because)
    assert any(b.fact == fact and b.value == value and b.status.value == "concluded"
               for b in chain), chain


@then(parsers.parse('the derived fact {fact} = {value} was concluded by "{derivation}"'))
def fact_concluded_by(world: World, fact: str, value: str, derivation: str) -> None:
    links = [b for f in world.card().findings for b in _chain(f.because)
             if b.fact == fact and b.value == value]
    assert links, f"no finding rests on {fact} = {value}"
    assert links[0].status.value == "concluded" and derivation in links[0].derived_by


@then(parsers.parse('its tier is "{tier}"'))
def tier_is(world: World, tier: str) -> None:
    assert world.card().tier == tier, (world.card().score, world.card().tier)


@then(parsers.parse("its score is {score:g}"))
def score_is(world: World, score: float) -> None:
    assert world.card().score == pytest.approx(score)


@then(parsers.parse("its score is at least {score:g}"))
def score_at_least(world: World, score: float) -> None:
    assert world.card().score is not None and world.card().score >= score


@then(parsers.parse("its score is below {score:g}"))
def score_below(world: World, score: float) -> None:
    assert world.card().score is not None and world.card().score < score


@then(parsers.parse("its tariff rate is {rate:g}%"))
def tariff_is(world: World, rate: float) -> None:
    assert world.card().outcome.tariff_rate == pytest.approx(rate)


@then(parsers.parse('its outcome status is "{status}"'))
def outcome_status(world: World, status: str) -> None:
    assert world.card().outcome.status == status


@then(parsers.parse("its outcome expires on {day}"))
def outcome_expires(world: World, day: str) -> None:
    assert world.card().outcome.expires == day


@then("its outcome has no expiry date")
def outcome_open_ended(world: World) -> None:
    assert world.card().outcome.expires is None


@then(parsers.parse('its legal authority is "{authority}"'))
def outcome_authority(world: World, authority: str) -> None:
    assert world.card().outcome.legal_authority == authority


@then(parsers.parse("its coverage is {coverage:g}%"))
def coverage_is(world: World, coverage: float) -> None:
    """As the reports show it: to the whole percent."""
    assert round(world.card().coverage * 100) == coverage, world.card().coverage


@then(parsers.parse("its coverage is below {coverage:g}%"))
def coverage_below(world: World, coverage: float) -> None:
    assert world.card().coverage * 100 < coverage


@then("its verdict is provisional")
def provisional(world: World) -> None:
    assert world.card().provisional


@then(parsers.parse('the subscore of demand "{demand}" is {score:g}'))
def subscore(world: World, demand: str, score: float) -> None:
    scores = {d.demand: d.score for d in world.card().demands}
    assert scores[demand] == pytest.approx(score)


@then(parsers.parse("it has {count:d} {status} findings"))
def count_of(world: World, count: int, status: str) -> None:
    assert world.card().counts[status.replace(" ", "_")] == count


@then(parsers.parse('partner "{first}" scores higher than partner "{second}"'))
def ranking(world: World, first: str, second: str) -> None:
    assert world.card(first).score > world.card(second).score


@then(parsers.parse('its tier was capped by rule "{rule}"'))
def capped_by(world: World, rule: str) -> None:
    assert rule in world.card().capped_by, world.card().capped_by


@then("its tier is not capped")
def not_capped(world: World) -> None:
    assert not world.card().capped_by, world.card().capped_by


# --- Then: variants --------------------------------------------------------------------------

@then(parsers.parse('rule "{rule}" would be {status} without its exception'))
def would_be(world: World, rule: str, status: str) -> None:
    note = world.finding(rule).exception
    assert note is not None and note.would_be == status, note


@then(parsers.parse('the exception for rule "{rule}" is {state}'))
def exception_state(world: World, rule: str, state: str) -> None:
    note = world.finding(rule).exception
    assert note is not None and note.state == state.replace(" ", "_"), note


@then(parsers.parse('rule "{rule}" was set by the term "{term}"'))
def set_by_term(world: World, rule: str, term: str) -> None:
    assert term in world.finding(rule).terms, world.finding(rule).terms


@then(parsers.parse('the terms "{term}" apply to it'))
def terms_apply(world: World, term: str) -> None:
    assert term in world.card().terms, world.card().terms


@then("no terms apply to it")
def no_terms(world: World) -> None:
    assert world.card().terms == (), world.card().terms


@then(parsers.parse('the policy has no rule "{rule}"'))
def no_rule(world: World, rule: str) -> None:
    """Absent from this evaluation, yet a rule of the policy somewhere (disabled, not yet in
    force, or added by a term): a misspelt id is no proof of absence."""
    compiled = world.compiled
    known = {r.id for r in compiled.policy.rules} | set(compiled.source.dropped) | \
        {r.id for t in compiled.policy.terms for r in t.rules}
    assert rule in known, f"no rule '{rule}' anywhere in the policy"
    assert rule not in {f.rule for f in world.card().findings}


@then("it has no tariff outcome on record")
def no_outcome(world: World) -> None:
    assert world.card().tier is not None and world.card().outcome is None


@then(parsers.parse('partner "{code}" moves from tier "{before}" to tier "{after}"'))
def moves(world: World, code: str, before: str, after: str) -> None:
    change = world.moved(code)
    assert (change.before.tier, change.after.tier) == (before, after), change


@then(parsers.parse('partner "{code}" keeps tier "{tier}"'))
def keeps(world: World, code: str, tier: str) -> None:
    change = world.moved(code)
    assert change.before.tier == change.after.tier == tier, change


@then(parsers.parse('partner "{code}" does not change'))
def unchanged(world: World, code: str) -> None:
    assert not world.moved(code).changed, world.moved(code)


@then(parsers.parse('the score of partner "{code}" changes by {delta:g}'))
def score_delta(world: World, code: str, delta: float) -> None:
    assert world.moved(code).score_delta == pytest.approx(delta), world.moved(code)


@then(parsers.parse('partner "{code}" changed because rule "{rule}" went from {before} to '
                    "{after}"))
def changed_because(world: World, code: str, rule: str, before: str, after: str) -> None:
    causes = {c.rule: (c.before, c.after) for c in world.moved(code).causes}
    assert causes.get(rule) == (before.replace(" ", "_"), after.replace(" ", "_")), causes


@then(parsers.parse('partner "{code}" flips from "{before}" to "{after}" at {value:g}'))
def flips_at(world: World, code: str, before: str, after: str, value: float) -> None:
    flips = [(f.from_tier, f.to_tier, f.at, f.inclusive) for f in world.row(code).flips]
    assert (before, after, pytest.approx(value), True) in flips, flips


@then(parsers.parse('partner "{code}" flips from "{before}" to "{after}" just past {value:g}'))
def flips_past(world: World, code: str, before: str, after: str, value: float) -> None:
    flips = [(f.from_tier, f.to_tier, f.at, f.inclusive) for f in world.row(code).flips]
    assert (before, after, pytest.approx(value), False) in flips, flips


@then(parsers.parse('partner "{code}" never changes tier'))
def never_flips(world: World, code: str) -> None:
    assert world.row(code).flips == (), world.row(code).flips


# --- Then: a policy checked --------------------------------------------------------------------

@then(parsers.parse('it is refused at line {line:d}, column {col:d}: "{text}"'))
def refused_at(world: World, line: int, col: int, text: str) -> None:
    """One problem at that place says exactly `text` (its message, then its hint), as
    `tradepolicy validate` prints it after `path:line:col: `."""
    assert world.refused is not None, "the policy was accepted"
    found = [str(p).removeprefix(f"{p.path}:") for p in world.refused.problems]
    assert f"{line}:{col}: {text}" in found, found


@then("it is accepted")
def accepted(world: World) -> None:
    assert world.refused is None, str(world.refused)


# --- remedies --------------------------------------------------------------------------------

def _tier_rank(world: World, tier: str) -> int:
    return [t.id for t in world.compiled.policy.tiers].index(tier)


@then(parsers.parse('its remedy reaches tier "{tier}"'))
def remedy_reaches(world: World, tier: str) -> None:
    plan = world.plan()
    assert plan.status == RemedyStatus.FOUND, plan.reason
    assert plan.target == tier, plan.target
    card = world.remedied_card()
    assert _tier_rank(world, card.tier) <= _tier_rank(world, tier), (card.score, card.tier)


@then(parsers.parse('its remedy changes "{indicator}" from {old} to {new}'))
def remedy_changes(world: World, indicator: str, old: str, new: str) -> None:
    import yaml

    changes = {c.indicator: c for c in world.plan().changes}
    assert indicator in changes, list(changes)
    change = changes[indicator]
    assert change.current == pytest.approx(yaml.safe_load(old))
    assert change.target == pytest.approx(yaml.safe_load(new))


@then(parsers.parse("its remedy has {count:d} changes"))
def remedy_count(world: World, count: int) -> None:
    assert len(world.plan().changes) == count, world.plan().changes


@then(parsers.parse("its remedy costs {cost:g}"))
def remedy_cost(world: World, cost: float) -> None:
    assert world.plan().cost == pytest.approx(cost, abs=1e-4)


@then(parsers.parse('its remedy fixes rule "{rule}"'))
def remedy_fixes(world: World, rule: str) -> None:
    assert rule in world.plan().fixed_rules, world.plan().fixed_rules
    assert next(f for f in world.remedied_card().findings if f.rule == rule).status == "satisfied"


@then("its remedy invents no figure")
def remedy_invents_nothing(world: World) -> None:
    profile = world.profiles[world.last]
    for change in world.plan().changes:
        figure = profile.figure(change.indicator.partition(".")[0])
        assert figure is not None and figure.value is not None, change.indicator


@then(parsers.parse('with its remedy its score is {score:g}'))
def remedied_score(world: World, score: float) -> None:
    assert world.remedied_card().score == pytest.approx(score)
    assert world.plan().reached_score == pytest.approx(score)


@then(parsers.parse('with its remedy its tier is "{tier}"'))
def remedied_tier(world: World, tier: str) -> None:
    assert world.remedied_card().tier == tier == world.plan().reached_tier


@then(parsers.parse("with its remedy it has {count:d} {status} findings"))
def remedied_count(world: World, count: int, status: str) -> None:
    assert world.remedied_card().counts[status.replace(" ", "_")] == count


@then(parsers.parse('it has no remedy because "{text}"'))
def no_remedy(world: World, text: str) -> None:
    plan = world.plan()
    assert plan.status not in (RemedyStatus.FOUND, RemedyStatus.TOP_TIER), plan
    assert not plan.changes and text in plan.reason, plan.reason


@then("it needs no remedy")
def needs_no_remedy(world: World) -> None:
    assert world.plan().status == RemedyStatus.TOP_TIER


# --- the vocabulary refuses what a scenario writer may mistype ---------------------------------
# A step that quietly accepted a typo would let a scenario pass while testing something else.

@pytest.mark.parametrize(("indicator", "value", "said"), [
    ("china_import_shar", "0.15", "no indicator 'china_import_shar' in the catalog (did you "
                                  "mean 'china_import_share'?)"),
    ("china_import_share", "15", "a share is a fraction from 0 to 1"),
    ("steel_melted_poured_in_region", "yes", "expected true or false, got 'yes'"),
    ("bri_status", "exitted", "did you mean 'exited'?")])
def test_a_figure_a_scenario_sets_is_checked_as_a_profiles_would_be(tmp_path, indicator, value,
                                                                   said):
    """`with "china_import_shar" set to 0.15` added an unknown figure and left the real one
    (0.365) in place; 15 for 15%, `yes` (True to PyYAML, text to tradepolicy) and a misspelt
    category were taken as written."""
    with pytest.raises(AssertionError) as caught:
        partner_with(World(folder=tmp_path), "MEX", indicator, value)
    assert said in str(caught.value)


def test_the_policy_has_no_rule_needs_a_rule_the_policy_knows(tmp_path):
    """`the policy has no rule "inputs-china-import-shar"` passed on the misspelling."""
    world = World(folder=tmp_path)
    evaluate(world, "VNM")
    with pytest.raises(AssertionError) as caught:
        no_rule(world, "inputs-china-import-shar")
    assert "no rule 'inputs-china-import-shar' anywhere in the policy" in str(caught.value)


def test_it_is_refused_needs_the_problem_at_that_place_in_those_words(tmp_path):
    """A refusal step that passed on any refusal would pass on the wrong problem, or on a typo
    in the scenario's expected words."""
    world = World(folder=tmp_path)
    policy_checked(world)
    with pytest.raises(AssertionError) as caught:
        refused_at(world, 1, 1, "anything")
    assert "the policy was accepted" in str(caught.value)
    overlay(world, "extends: us-china-alignment\nname: v\ngroups:\n  g: [VNN]\n")
    policy_checked(world)
    refused_at(world, 4, 7, "groups.g[0]: 'VNN' is not an ISO 3166-1 alpha-3 country code "
                            "(did you mean 'VEN' (Venezuela, Bolivarian Republic of) or 'VNM' "
                            "(Viet Nam)?)")
    with pytest.raises(AssertionError) as caught:
        refused_at(world, 4, 8, "groups.g[0]: 'VNN' is not an ISO 3166-1 alpha-3 country code")
    assert "4:7: groups.g[0]: 'VNN'" in str(caught.value)
    with pytest.raises(AssertionError):
        accepted(world)
