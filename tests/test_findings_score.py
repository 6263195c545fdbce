"""Findings and score: verdicts on missing data, scopes, and the numbers built from them.

Missing data is unknown, never a pass; a rule outside its scope is not applicable; the score,
coverage, subscores and tier follow from the weights as computed by hand in each test.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import api
from engine.models import Profile


def _profile(**indicators: Any) -> dict[str, Any]:
    return {"partner": {"code": "VNM"},
            "indicators": {k: {"value": v, "illustrative": True} for k, v in indicators.items()}}


def _rule(rule_id: str, demand: str, require: Any, weight: float = 1,
          **extra: Any) -> dict[str, Any]:
    return {"id": rule_id, "demand": demand, "title": rule_id, "rationale": "r", "weight": weight,
            "sources": ["s1"], "require": require, **extra}


def _tier(tier_id: str, min_score: float, rate: float) -> dict[str, Any]:
    return {"id": tier_id, "title": tier_id.title(), "min_score": min_score,
            "outcome": {"tariff_rate": rate, "legal_authority": "section_122",
                        "status": "in_force"}}


def _scoring_policy(ws, **scoring: Any) -> dict[str, Any]:
    """alpha: a (w3), b (w2); beta: c (w5), n (w7, only for MEX). Tiers 60 / 30 / 0."""
    data = ws.policy_data()
    data["derive"] = []
    data["demands"] = [{"id": "alpha", "title": "A", "intent": "i", "sources": ["s1"]},
                       {"id": "beta", "title": "B", "intent": "i", "sources": ["s1"]}]
    data["rules"] = [
        _rule("a", "alpha", "china_import_share <= 0.2", 3),
        _rule("b", "alpha", "rerouting_share <= 0.1", 2),
        _rule("c", "beta", "eapa_case_count <= 10", 5),
        _rule("n", "beta", "us_export_share <= 0.5", 7, applies_to={"partners": ["MEX"]}),
    ]
    data["tiers"] = [_tier("top", 60, 10), _tier("mid", 30, 25), _tier("low", 0, 50)]
    if scoring:
        data["scoring"] = scoring
    return data


# a satisfied (w3), b violated (w2), c unknown (w5, eapa missing), n not applicable (w7)
MIXED = _profile(china_import_share=0.1, rerouting_share=0.161, us_export_share=0.3)


# --- missing data --------------------------------------------------------------------------

def test_a_missing_indicator_makes_its_rule_unknown(ws):
    profile = ws.vnm_data()
    del profile["indicators"]["china_import_share"]
    card = ws.evaluate(profile=profile)
    finding = next(f for f in card.findings if f.rule == "inputs-share")
    assert finding.status.value == "unknown"
    assert finding.observed == {"china_import_share": None}
    assert finding.message == "cannot judge: Chinese share of imports not known for VNM"


def test_a_null_figure_is_unknown_not_zero(ws):
    profile = ws.vnm_data()
    profile["indicators"]["china_import_share"] = {"value": None, "note": "not found"}
    assert ws.verdicts(profile=profile)["inputs-share"] == "unknown"


@pytest.mark.parametrize("limit", [0.0, 0.2, 1.0])
def test_a_missing_indicator_is_never_satisfied_nor_violated_whatever_the_limit(ws, limit):
    data = ws.policy_data()
    data["rules"][0]["require"]["limit"] = limit
    profile = ws.vnm_data()
    del profile["indicators"]["china_import_share"]
    assert ws.verdicts(data, profile)["inputs-share"] == "unknown"


def test_a_missing_input_of_a_derived_fact_makes_the_rule_reading_it_unknown(ws):
    profile = ws.vnm_data()
    del profile["indicators"]["eapa_case_count"]
    assert ws.verdicts(profile=profile)["ts-risk"] == "unknown"


def test_a_derived_fact_decided_false_on_known_data_satisfies_the_rule(ws):
    profile = ws.vnm_data()
    profile["indicators"]["eapa_case_count"] = {"value": 1, "illustrative": True}
    assert ws.verdicts(profile=profile)["ts-risk"] == "satisfied"


def test_a_derived_fact_false_on_one_figure_is_decided_although_the_other_is_missing(ws):
    # risk-high needs rerouting_share > 0.10 AND eapa >= 5; eapa = 1 decides it alone
    profile = ws.vnm_data()
    profile["indicators"]["eapa_case_count"] = {"value": 1, "illustrative": True}
    del profile["indicators"]["rerouting_share"]
    assert ws.verdicts(profile=profile)["ts-risk"] == "satisfied"


def test_a_computed_value_with_a_zero_divisor_is_unknown(ws):
    profile = ws.vnm_data()
    profile["indicators"]["exports_to_us_usd_bn"] = {"value": 0, "illustrative": True}
    assert ws.verdicts(profile=profile)["ratio"] == "unknown"


def test_a_missing_share_map_key_is_unknown(ws):
    profile = ws.vnm_data()
    profile["indicators"]["by_group"] = {"value": {"solar": 0.1}, "illustrative": True}
    profile["indicators"]["screening_scope"] = {"value": ["sectors", "greenfield"],
                                                "illustrative": True}
    assert ws.verdicts(profile=profile)["scope"] == "unknown"


# --- composites with some figures missing ------------------------------------------------------

def _composite_verdict(ws, require: dict[str, Any], cis: float) -> str:
    data = ws.policy_data()
    data["rules"][0]["require"] = require
    profile = ws.vnm_data()
    profile["indicators"]["china_import_share"] = {"value": cis, "illustrative": True}
    del profile["indicators"]["rerouting_share"]
    return ws.verdicts(data, profile)["inputs-share"]


def test_a_composite_violated_on_known_data_is_violated_although_a_figure_is_missing(ws):
    # violation = (cis > 0.2) OR (rerouting > 0.1): the first alternative fires on known data
    require = {"all": ["china_import_share <= 0.2", "rerouting_share <= 0.1"]}
    assert _composite_verdict(ws, require, cis=0.365) == "violated"


def test_any_with_one_branch_failing_and_the_other_missing_is_unknown(ws):
    # the missing rerouting_share could still satisfy the `any`: no verdict on the known data
    require = {"any": ["china_import_share <= 0.2", "rerouting_share <= 0.1"]}
    assert _composite_verdict(ws, require, cis=0.365) == "unknown"


def test_any_with_one_branch_holding_is_satisfied_although_the_other_is_missing(ws):
    require = {"any": ["china_import_share <= 0.2", "rerouting_share <= 0.1"]}
    assert _composite_verdict(ws, require, cis=0.1) == "satisfied"


def test_all_with_the_known_part_holding_and_the_other_missing_is_unknown(ws):
    require = {"all": ["china_import_share <= 0.2", "rerouting_share <= 0.1"]}
    assert _composite_verdict(ws, require, cis=0.1) == "unknown"


def test_not_of_a_composite_is_judged_on_the_known_part(ws):
    # not (cis > 0.3 and rerouting > 0.1): cis = 0.1 makes the inner `and` false
    require = {"not": {"all": ["china_import_share > 0.3", "rerouting_share > 0.1"]}}
    assert _composite_verdict(ws, require, cis=0.1) == "satisfied"
    assert _composite_verdict(ws, require, cis=0.365) == "unknown"


# --- scopes ------------------------------------------------------------------------------------

def _scoped_policy(ws) -> dict[str, Any]:
    data = ws.policy_data()
    data["groups"] = {"usmca": ["MEX", "CAN"], "asean": ["VNM", "THA"]}
    data["rules"][0]["applies_to"] = {"groups": ["usmca"]}
    data["rules"][2]["applies_to"] = {"partners": ["VNM"]}
    data["rules"][4]["applies_to"] = {"groups": ["usmca"], "partners": ["VNM"]}
    data["rules"][5]["applies_to"] = {"groups": ["asean"]}
    return data


def test_group_and_partner_scopes_make_other_partners_not_applicable(ws):
    compiled = ws.compile(_scoped_policy(ws))
    vnm = ws.verdicts(compiled)
    assert vnm["inputs-share"] == "not_applicable"
    assert (vnm["bri"], vnm["scope"], vnm["ratio"]) == ("violated", "violated", "violated")
    mex = ws.vnm_data()
    mex["partner"] = {"code": "MEX"}
    mex_verdicts = ws.verdicts(compiled, mex)
    assert mex_verdicts["inputs-share"] == "violated"
    assert mex_verdicts["bri"] == mex_verdicts["ratio"] == "not_applicable"
    assert mex_verdicts["scope"] == "violated"          # in usmca: either membership counts


def test_a_not_applicable_finding_says_who_the_rule_covers(ws):
    card = ws.evaluate(_scoped_policy(ws))
    finding = next(f for f in card.findings if f.rule == "inputs-share")
    assert finding.message == "does not apply to VNM: it covers groups usmca"


@pytest.mark.parametrize(("share", "verdict"), [
    (None, "unknown"), (0.05, "not_applicable"), (0.1, "satisfied"), (0.3, "satisfied"),
])
def test_applies_to_when_decides_the_scope_and_missing_data_leaves_it_unknown(ws, share,
                                                                           verdict):
    profile = ws.vnm_data()
    if share is None:
        del profile["indicators"]["us_export_share"]
    else:
        profile["indicators"]["us_export_share"] = {"value": share, "illustrative": True}
    assert ws.verdicts(profile=profile)["ec"] == verdict


def test_an_unknown_scope_wins_over_a_violation(ws):
    profile = ws.vnm_data()
    del profile["indicators"]["us_export_share"]
    profile["indicators"]["export_control_alignment"] = {"value": "none", "illustrative": True}
    assert ws.verdicts(profile=profile)["ec"] == "unknown"


# --- score, coverage, subscores, tiers -------------------------------------------------------

def test_unknowns_excluded_leave_the_denominator(ws):
    card = ws.evaluate(_scoring_policy(ws, unknowns="exclude"), MIXED)
    assert {f.rule: f.status.value for f in card.findings} == {
        "a": "satisfied", "b": "violated", "c": "unknown", "n": "not_applicable"}
    assert card.score == 60.0                         # 100 * 3 / (3 + 2)
    assert card.coverage == 0.5                       # (3 + 2) / (3 + 2 + 5); n never counts
    assert card.counts == {"violated": 1, "satisfied": 1, "unknown": 1, "not_applicable": 1,
                           "excepted": 0}


@pytest.mark.parametrize(("credit", "score"), [
    (0.0, 30.0),                                      # 100 * 3 / 10
    (0.5, 55.0),                                      # 100 * (3 + 2.5) / 10
    (1.0, 80.0),                                      # 100 * (3 + 5) / 10
])
def test_unknowns_credited_earn_a_share_of_their_weight(ws, credit, score):
    card = ws.evaluate(_scoring_policy(ws, unknowns="credit", unknown_credit=credit), MIXED)
    assert card.score == score
    assert card.coverage == 0.5                       # coverage ignores the credit


def test_subscores_are_computed_per_demand(ws):
    excluded = ws.evaluate(_scoring_policy(ws), MIXED)
    assert {d.demand: d.score for d in excluded.demands} == {"alpha": 60.0, "beta": None}
    credited = ws.evaluate(_scoring_policy(ws, unknowns="credit", unknown_credit=0.5), MIXED)
    # beta has no rule judged on known data: credit for unknowns alone never makes a score
    assert {d.demand: d.score for d in credited.demands} == {"alpha": 60.0, "beta": None}
    beta = next(d for d in credited.demands if d.demand == "beta")
    assert beta.counts == {"violated": 0, "satisfied": 0, "unknown": 1, "not_applicable": 1,
                           "excepted": 0}


def test_the_fixture_partner_scores_by_hand(ws):
    # weights: inputs-share 3, five others 1; only ec (w1) satisfied: 100 * 1 / 8
    card = ws.evaluate()
    assert card.score == 12.5
    assert {d.demand: d.score for d in card.demands} == {"transshipment": 0.0, "inputs": 14.3}
    assert (card.tier, card.outcome.tariff_rate, card.outcome.status) == ("bad", 40.0,
                                                                           "struck_down")


def test_a_score_exactly_at_min_score_gets_that_tier(ws):
    # credit 0: 100 * 3 / 10 = 30.0, exactly the mid tier's bound
    card = ws.evaluate(_scoring_policy(ws, unknowns="credit", unknown_credit=0.0), MIXED)
    assert card.score == 30.0
    assert (card.tier, card.outcome.tariff_rate) == ("mid", 25.0)


def test_a_score_at_60_gets_the_top_tier_and_just_under_does_not(ws):
    assert ws.evaluate(_scoring_policy(ws), MIXED).tier == "top"          # 60.0
    data = _scoring_policy(ws)
    data["tiers"][0]["min_score"] = 60.1
    assert ws.evaluate(data, MIXED).tier == "mid"


def test_the_score_is_rounded_before_the_tier_is_chosen(ws):
    # 2 of 3 equal weights: 66.666... shows as 66.7 and reaches a 66.7 tier
    data = _scoring_policy(ws)
    data["rules"] = [_rule("a", "alpha", "china_import_share <= 0.2"),
                     _rule("b", "alpha", "rerouting_share <= 0.2"),
                     _rule("c", "beta", "us_export_share <= 0.2")]
    data["tiers"][0]["min_score"] = 66.7
    card = ws.evaluate(data, _profile(china_import_share=0.1, rerouting_share=0.161,
                                      us_export_share=0.3))
    assert card.score == 66.7
    assert card.tier == "top"


def test_nothing_judgeable_gives_no_score_no_tier_no_outcome(ws):
    card = ws.evaluate(_scoring_policy(ws), _profile())
    assert card.score is None and card.tier is None and card.outcome is None
    assert card.coverage == 0.0
    assert card.counts["unknown"] == 3 and card.counts["not_applicable"] == 1


def test_only_not_applicable_rules_give_no_score(ws):
    data = _scoring_policy(ws)
    data["rules"] = [data["rules"][3]]                # n: only for MEX
    card = ws.evaluate(data, MIXED)
    assert (card.score, card.tier, card.coverage) == (None, None, 0.0)


@pytest.mark.parametrize(("min_coverage", "provisional"), [(0.6, True), (0.5, False)])
def test_coverage_under_min_coverage_marks_the_verdict_provisional(ws, min_coverage,
                                                                   provisional):
    card = ws.evaluate(_scoring_policy(ws, min_coverage=min_coverage), MIXED)
    assert card.coverage == 0.5
    assert card.provisional is provisional


def test_a_violated_rule_with_caps_tier_lowers_the_tier(ws):
    data = _scoring_policy(ws)
    data["rules"][1]["caps_tier"] = "mid"             # b is violated
    card = ws.evaluate(data, MIXED)
    assert card.score == 60.0
    assert card.tier == "mid" and card.capped_by == ("b",)


# --- removing a figure never creates certainty ------------------------------------------------

SHARES = st.sampled_from([0.0, 0.05, 0.1, 0.2, 0.25, 0.3, 0.365, 1.0]) | st.floats(0, 1)
MONEY = st.sampled_from([0, 10, 136, 146, 162, 1000]) | st.floats(0, 1e6)
VALUES: dict[str, st.SearchStrategy] = {
    "china_import_share": SHARES,
    "rerouting_share": SHARES,
    "us_export_share": SHARES,
    "eapa_case_count": st.integers(0, 12),
    "bri_status": st.sampled_from(["mou_signed", "exited", "none", "unclear"]),
    "export_control_alignment": st.sampled_from(
        ["none", "multilateral_regimes", "case_by_case", "all_us_unilateral"]),
    "screening_scope": st.lists(st.sampled_from(["sectors", "greenfield"]), unique=True),
    "by_group": st.dictionaries(st.sampled_from(["steel", "solar"]), SHARES),
    "imports_from_china_usd_bn": MONEY,
    "exports_to_us_usd_bn": MONEY,
}


@st.composite
def profiles(draw) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(sorted(VALUES)), unique=True, min_size=1))
    return {name: draw(VALUES[name]) for name in names}


_PROPERTY_POLICY: list[Any] = []


def _property_policy(ws):
    """The fixture policy plus composites, a negation, a scope on a derived fact and a
    difference of two indicators (compiled once for every example)."""
    if not _PROPERTY_POLICY:
        data = ws.policy_data()
        data["rules"] += [
            _rule("any1", "inputs", {"any": ["china_import_share <= 0.2",
                                             "rerouting_share <= 0.1"]}),
            _rule("not1", "inputs", {"not": {"all": ["bri_status == 'unclear'",
                                                     "eapa_case_count > 3"]}}),
            _rule("scoped", "inputs", "us_export_share >= 0.2",
                  applies_to={"when": "transshipment_risk == 'high'"}),
            _rule("diff", "inputs", "imports_from_china_usd_bn - exports_to_us_usd_bn <= 10"),
        ]
        _PROPERTY_POLICY.append(ws.compile(data))
    return _PROPERTY_POLICY[0]


def _verdicts_of(compiled, indicators: dict[str, Any]) -> dict[str, str]:
    profile = Profile.model_validate(_profile(**indicators))
    return {f.rule: f.status.value for f in api.evaluate_partner(compiled, profile).findings}


def _less_data(indicators: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every way of removing one figure: a whole indicator, or one key of a share map."""
    variants = [(name, {k: v for k, v in indicators.items() if k != name})
                for name in indicators]
    for key in indicators.get("by_group", {}):
        smaller = {k: v for k, v in indicators["by_group"].items() if k != key}
        variants.append((f"by_group.{key}", indicators | {"by_group": smaller}))
    return variants


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(indicators=profiles())
def test_removing_a_figure_never_yields_a_verdict_that_was_not_there(ws, indicators):
    """For every rule, the verdict after removing one figure (an indicator, or a key of a
    share map) is the verdict before, or `unknown`. So removing an indicator never yields
    `satisfied` for a rule that was violated, unknown or not applicable, nor `violated` for
    one that was not violated: less data can only lose certainty. This holds through
    composites, negation, derived facts, scopes and arithmetic (three-valued logic is
    monotone in what is known)."""
    compiled = _property_policy(ws)
    before = _verdicts_of(compiled, indicators)
    for removed, smaller in _less_data(indicators):
        after = _verdicts_of(compiled, smaller)
        for rule, verdict in after.items():
            assert verdict in (before[rule], "unknown"), (removed, rule, before[rule], verdict)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_totals_by_weight_group_equal_the_rule_by_rule_sum(ws, data):
    """score.verdict_totals picks verdicts out by position when they come in the policy's
    rule order, as the engine gives them; in any other order, with an excepted verdict or
    with some rules left out it sums rule by rule. Every way must give the same totals."""
    from engine import score
    from engine.results import Verdict

    policy = _scoring_policy(ws, unknowns="credit", unknown_credit=0.5)
    policy["rules"] += [_rule("d", "alpha", "china_import_share <= 0.3", 2),
                        _rule("e", "beta", "rerouting_share <= 0.2", 3),
                        _rule("f", "beta", "eapa_case_count <= 5", 2)]
    compiled = ws.compile(policy)            # weights 3 2 5 7 2 3 2: groups of one and more
    ids = list(compiled.rules)
    picked = data.draw(st.lists(st.sampled_from(list(Verdict)), min_size=len(ids),
                                max_size=len(ids)))
    if data.draw(st.booleans()):             # as the engine gives them
        verdicts = dict(zip(ids, picked, strict=True))
    else:
        order = data.draw(st.permutations(ids))
        kept = data.draw(st.integers(min_value=1, max_value=len(ids)))
        verdicts = {rule: picked[ids.index(rule)] for rule in order[:kept]}
    by_rule = score.totals(score.weighted_verdicts(compiled, verdicts),
                           compiled.policy.scoring)
    assert score.verdict_totals(compiled, verdicts) == by_rule


# --- arithmetic on the figures as written ------------------------------------------------

@pytest.mark.parametrize(("require", "figures", "message"), [
    ("china_import_share + rerouting_share <= 0.3",
     {"china_import_share": 0.1, "rerouting_share": 0.2},
     "Chinese share of imports + Rerouting share 0.3 is within the 0.3 limit (at the limit)"),
    ("china_import_share / rerouting_share <= 7",
     {"china_import_share": 0.42, "rerouting_share": 0.06},
     "Chinese share of imports / Rerouting share 7 is within the 7 limit (at the limit)"),
    ("china_import_share - rerouting_share >= 0.1",
     {"china_import_share": 0.3, "rerouting_share": 0.2},
     "Chinese share of imports - Rerouting share 0.1 meets the 0.1 minimum (exactly)"),
])
def test_figures_that_add_up_to_the_limit_as_written_are_at_the_limit(ws, require, figures,
                                                                       message):
    """0.1 + 0.2 is 0.3 as a reader adds them. In float arithmetic it is 0.30000000000000004,
    which would violate `<= 0.3` ('exceeds the 0.3 limit by 0'); 0.42 / 0.06 would be
    7.000000000000001 and 0.3 - 0.2 0.09999999999999998."""
    data = ws.policy_data()
    data["derive"] = []
    data["rules"] = [_rule("sum", data["demands"][0]["id"], require)]
    card = ws.evaluate(data, _profile(**figures))
    finding = card.findings[0]
    assert (finding.status.value, finding.message, finding.margin) == \
        ("satisfied", message, 0)


@settings(max_examples=300, deadline=None)
@given(a=st.integers(-10**6, 10**6), b=st.integers(-10**6, 10**6), places=st.integers(0, 6))
def test_arithmetic_on_decimals_is_exact_as_written(a, b, places):
    """For figures written with up to six decimals (as profiles give them), each operation
    gives the float of the exact decimal result, so they undo each other exactly."""
    from decimal import Decimal

    from engine.conditions import arithmetic

    def written(n: int, scale: int = places) -> float:
        return float(Decimal(n).scaleb(-scale))

    x, y = written(a), written(b)
    assert arithmetic("+", x, y) == written(a + b)
    assert arithmetic("-", written(a + b), y) == x
    assert arithmetic("*", x, y) == written(a * b, 2 * places)
    if b:
        assert arithmetic("/", written(a * b, 2 * places), y) == x
