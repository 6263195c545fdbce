"""Runs every .feature file under features/ with one generic step vocabulary.

The vocabulary (also listed in the README) lets a policy drafter write scenarios for a policy or
a partner without writing Python. Steps call the public API only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from engine import api, remedies
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
    plans: dict = field(default_factory=dict)
    remedied: dict = field(default_factory=dict)

    @property
    def compiled(self):
        return api.load_policy(self.policy_path)

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
def world() -> World:
    return World()


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
    import yaml

    profile = _profile(world, code)
    parsed = yaml.safe_load(value)
    figure = Figure(value=parsed, illustrative=True, note="set by a scenario")
    world.profiles[code] = profile.model_copy(
        update={"indicators": {**profile.indicators, indicator: figure}})
    world.last = code


# --- When ------------------------------------------------------------------------------------

@when(parsers.parse('partner "{code}" is evaluated'))
def evaluate(world: World, code: str) -> None:
    world.cards[code] = api.evaluate_partner(world.compiled, _profile(world, code))
    world.last = code


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
