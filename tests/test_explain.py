"""Explain: each finding carries its numbers, in the indicator's unit, and its reasons.

Messages state the observed value, the limit and the gap; margins are positive inside the limit
and negative past it; `observed` lists the figures a rule read; `because` is the chain of
derived facts with the inference that concluded each and the figures it used.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.models import IndicatorType


def _finding(ws, rule: str = "inputs-share", require: Any = None,
             **indicators: Any):
    """The finding for `rule` on the fixture VNM, with `require` and figures replaced."""
    data = ws.policy_data()
    if require is not None:
        index = [r["id"] for r in data["rules"]].index(rule)
        data["rules"][index]["require"] = require
    profile = ws.vnm_data()
    for name, value in indicators.items():
        if value is None:
            profile["indicators"].pop(name, None)
        else:
            profile["indicators"][name] = {"value": value, "illustrative": True}
    card = ws.evaluate(data, profile)
    return next(f for f in card.findings if f.rule == rule)


def _threshold(indicator: str, comparison: str, limit: Any) -> dict[str, Any]:
    return {"indicator": indicator, "comparison": comparison, "limit": limit}


# --- messages with numbers -------------------------------------------------------------------

def test_the_fixture_partner_exceeds_the_share_limit_by_16_5_points(ws):
    finding = next(f for f in ws.evaluate().findings if f.rule == "inputs-share")
    assert finding.status.value == "violated"
    assert finding.message == "Chinese share of imports 36.5% exceeds the 20% limit by 16.5 points"
    assert finding.limit == 0.2
    assert finding.margin == pytest.approx(-0.165)
    assert finding.observed == {"china_import_share": 0.365}
    assert finding.sources == ("s1",)


@pytest.mark.parametrize(("comparison", "limit", "status", "message", "margin"), [
    ("at_least", 0.5, "violated", "US share of exports 30% is below the 50% minimum by 20 points",
     -0.2),
    ("at_least", 0.1, "satisfied", "US share of exports 30% meets the 10% minimum "
                                   "(20 points above)", 0.2),
    ("at_least", 0.3, "satisfied", "US share of exports 30% meets the 30% minimum (exactly)", 0),
    ("at_most", 0.5, "satisfied", "US share of exports 30% is within the 50% limit "
                                  "(20 points to spare)", 0.2),
    ("at_most", 0.3, "satisfied", "US share of exports 30% is within the 30% limit "
                                  "(at the limit)", 0),
    ("at_most", 0.25, "violated", "US share of exports 30% exceeds the 25% limit by 5 points",
     -0.05),
    ("below", 0.3, "violated", "US share of exports 30% reaches the 30% limit", 0),
    ("above", 0.2, "satisfied", "US share of exports 30% meets the 20% minimum (10 points above)",
     0.1),
])
def test_threshold_messages_state_value_limit_and_gap(ws, comparison, limit, status, message,
                                                      margin):
    finding = _finding(ws, require=_threshold("us_export_share", comparison, limit))
    assert (finding.status.value, finding.message) == (status, message)
    assert finding.margin == pytest.approx(margin)
    assert finding.limit == limit

def test_a_value_equal_to_an_above_limit_is_not_said_to_be_below_it(ws):
    finding = _finding(ws, require=_threshold("us_export_share", "above", 0.3))
    assert finding.status.value == "violated"
    assert "is below the 30%" not in finding.message


@pytest.mark.parametrize(("require", "message"), [
    (_threshold("imports_from_china_usd_bn", "at_most", 100),
     "Imports from China $162 bn exceeds the $100 bn limit by $62 bn"),
    (_threshold("eapa_case_count", "at_most", 5), "EAPA cases 7 exceeds the 5 limit by 2"),
    (_threshold("bri_status", "one_of", ["exited", "none"]),
     "BRI status is unclear; required: one of exited, none"),
    (_threshold("bri_status", "equals", "unclear"), "BRI status is unclear, as required"),
    (_threshold("export_control_alignment", "at_least", "all_us_unilateral"),
     "Export-control alignment is case_by_case; required: at least all_us_unilateral"),
    ("by_group.steel <= 0.25",
     "Chinese share by group (steel) 30% exceeds the 25% limit by 5 points"),
])
def test_messages_use_the_unit_of_the_indicator(ws, require, message):
    assert _finding(ws, require=require).message == message


def test_a_threshold_written_as_text_reads_like_the_mapping_form(ws):
    text = _finding(ws, require="us_export_share >= 0.5")
    reversed_ = _finding(ws, require="0.5 <= us_export_share")
    mapping = _finding(ws, require=_threshold("us_export_share", "at_least", 0.5))
    assert text.message == reversed_.message == mapping.message
    assert text.margin == reversed_.margin == mapping.margin == pytest.approx(-0.2)


def test_a_violated_composite_names_every_failing_check(ws):
    finding = next(f for f in ws.evaluate().findings if f.rule == "scope")
    assert finding.message == ("Screening scope is sectors; required: including greenfield; "
                               "Chinese share by group (steel) 30% exceeds the 25% limit by "
                               "5 points")
    assert [c.holds for c in finding.checks] == [False, False]


# --- margins -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("comparison", "limit", "value"), [
    ("at_most", 0.2, 0.365), ("at_most", 0.5, 0.365), ("below", 0.4, 0.365),
    ("at_least", 0.5, 0.365), ("at_least", 0.1, 0.365), ("above", 0.3, 0.365),
])
def test_the_margin_is_negative_past_the_limit_and_positive_inside(ws, comparison, limit, value):
    finding = _finding(ws, require=_threshold("china_import_share", comparison, limit),
                       china_import_share=value)
    assert (finding.margin < 0) == (finding.status.value == "violated")
    assert abs(finding.margin) == pytest.approx(abs(value - limit))

@pytest.mark.parametrize(("comparison", "value", "words"), [
    ("at_most", 0.20000000001, "exceeds the 20% limit by"),
    ("at_least", 0.19999999999, "is below the 20% minimum by"),
])
def test_a_figure_a_hair_past_its_limit_is_not_said_to_sit_on_it(ws, comparison, value, words):
    """Rounding off float noise must not round a real difference to 0: the verdict is a
    violation, so the margin is negative and the words say past, not 'reaches' or 'exactly'."""
    finding = _finding(ws, require=_threshold("china_import_share", comparison, 0.2),
                       china_import_share=value)
    assert finding.status.value == "violated"
    assert finding.margin < 0
    assert words in finding.message, finding.message


def test_the_margin_under_not_is_negative_when_violated(ws):
    finding = _finding(ws, require="not china_import_share > 0.2")
    assert finding.status.value == "violated"
    assert finding.margin is None or finding.margin < 0
    assert "meets" not in finding.message


def test_no_margin_for_comparisons_without_a_distance(ws):
    finding = _finding(ws, rule="bri")
    assert finding.margin is None and finding.limit == ["exited", "none"]


def test_an_arithmetic_condition_reports_its_computed_margin(ws):
    finding = next(f for f in ws.evaluate().findings if f.rule == "ratio")
    assert finding.status.value == "violated"
    assert finding.margin == pytest.approx(1.0 - 162 / 136, abs=1e-9)
    assert finding.limit == 1.0


# --- observed figures --------------------------------------------------------------------------

def test_observed_lists_every_figure_a_rule_reads_and_no_computed_field(ws):
    findings = {f.rule: f for f in ws.evaluate().findings}
    assert findings["scope"].observed == {"by_group.steel": 0.3, "screening_scope": ["sectors"]}
    assert findings["ratio"].observed == {"exports_to_us_usd_bn": 136,
                                          "imports_from_china_usd_bn": 162}
    assert findings["ts-risk"].observed == {}          # it reads only a derived fact


def test_observed_shows_a_missing_figure_as_none(ws):
    finding = _finding(ws, rule="ratio", exports_to_us_usd_bn=None)
    assert finding.status.value == "unknown"
    assert finding.observed == {"exports_to_us_usd_bn": None, "imports_from_china_usd_bn": 162}
    assert finding.message == "cannot judge: Exports to the US not known for VNM"


def test_an_unknown_scope_names_the_missing_figure(ws):
    finding = _finding(ws, rule="ec", us_export_share=None)
    assert finding.message == ("cannot judge whether the rule applies: US share of exports "
                               "not known for VNM")


def test_a_scope_that_does_not_hold_says_where_the_rule_applies(ws):
    finding = _finding(ws, rule="ec", us_export_share=0.05)
    assert finding.status.value == "not_applicable"
    assert finding.message == ("does not apply to VNM: it applies only where US share of "
                               "exports is at least 10% (here: 5%)")


def test_a_scope_written_limit_first_reads_the_same_way_round(ws):
    """`0.1 <= us_export_share` is `us_export_share >= 0.1`: at least 10%, not at most."""
    data = ws.policy_data()
    rule = next(r for r in data["rules"] if r["id"] == "ec")
    rule["applies_to"] = {"when": "0.1 <= us_export_share"}
    profile = ws.vnm_data()
    profile["indicators"]["us_export_share"] = {"value": 0.05, "illustrative": True}
    finding = next(f for f in ws.evaluate(data, profile).findings if f.rule == "ec")
    assert finding.message == ("does not apply to VNM: it applies only where US share of "
                               "exports is at least 10% (here: 5%)")


# --- because: the chain of derived facts -------------------------------------------------------

def test_because_names_the_fact_its_inference_and_the_figures_it_used(ws):
    finding = next(f for f in ws.evaluate().findings if f.rule == "ts-risk")
    assert finding.status.value == "violated"
    assert finding.message == "Transshipment risk is high (a derived fact; see because)"
    (step,) = finding.because
    assert (step.fact, step.value, step.status.value) == ("transshipment_risk", "high",
                                                          "concluded")
    assert step.derived_by == ("risk-high",)
    assert step.observed == {"eapa_case_count": 7, "rerouting_share": 0.161}
    assert step.shown == {"eapa_case_count": "7", "rerouting_share": "16.1%"}
    assert step.because == ()


@pytest.mark.parametrize(("eapa", "status", "observed"), [
    (1, "not_concluded", 1),
    (None, "unknown", None),
])
def test_because_says_when_the_fact_was_not_concluded_or_undecided(ws, eapa, status, observed):
    finding = _finding(ws, rule="ts-risk", eapa_case_count=eapa)
    (step,) = finding.because
    assert step.status.value == status
    assert step.observed["eapa_case_count"] == observed


def test_because_follows_a_chain_two_levels_deep(ws):
    data = ws.policy_data()
    data["derive"].append({"id": "level-two", "title": "t", "rationale": "r",
                           "sources": ["s1"], "conclude": {"circumvention": "likely"},
                           "when": "transshipment_risk == 'high' and china_import_share > 0.3"})
    data["rules"][1]["require"] = "circumvention != 'likely'"
    finding = next(f for f in ws.evaluate(data).findings if f.rule == "ts-risk")
    (outer,) = finding.because
    assert (outer.fact, outer.value, outer.derived_by) == ("circumvention", "likely",
                                                           ("level-two",))
    assert outer.observed == {"china_import_share": 0.365}
    (inner,) = outer.because
    assert (inner.fact, inner.derived_by, inner.status.value) == ("transshipment_risk",
                                                                  ("risk-high",), "concluded")
    assert inner.observed == {"eapa_case_count": 7, "rerouting_share": 0.161}


# --- digits: a limit as written, a value never reading equal to it unless it is -------------

@pytest.mark.parametrize(("rule", "require", "figures", "message"), [
    ("inputs-share", "china_import_share <= 0.2105", {"china_import_share": 0.3},
     "Chinese share of imports 30% exceeds the 21.05% limit by 8.95 points"),
    ("inputs-share", "china_import_share <= 0.20999", {"china_import_share": 0.21},
     "Chinese share of imports 21% exceeds the 20.999% limit by 0.001 points"),
    ("inputs-share", "china_import_share <= 0.21055", {"china_import_share": 0.21055},
     "Chinese share of imports 21.055% is within the 21.055% limit (at the limit)"),
    ("ratio", "imports_from_china_usd_bn / exports_to_us_usd_bn <= 1.19", {},
     "Imports from China / Exports to the US 1.1912 exceeds the 1.19 limit by 0.0012"),
    ("ratio", "imports_from_china_usd_bn / exports_to_us_usd_bn <= 1.195", {},
     "Imports from China / Exports to the US 1.1912 is within the 1.195 limit (0.0038 to "
     "spare)"),
    ("ratio", "imports_from_china_usd_bn / exports_to_us_usd_bn <= 1.005", {},
     "Imports from China / Exports to the US 1.19 exceeds the 1.005 limit by 0.19"),
])
def test_a_limit_reads_as_written_and_the_value_never_reads_equal_to_it_unless_it_is(
        ws, rule, require, figures, message):
    """The value gets more digits only when the usual rounding would put it on, or across,
    the limit (1.191 beside 1.19, but 1.19 beside 1.195)."""
    assert _finding(ws, rule=rule, require=require, **figures).message == message


@pytest.mark.parametrize(("figures", "message"), [
    ({"imports_from_china_usd_bn": 140, "exports_to_us_usd_bn": 127.79},
     "Imports from China / Exports to the US 1.096 exceeds the 1 limit by 0.096"),
    ({"imports_from_china_usd_bn": 152, "exports_to_us_usd_bn": 140},
     "Imports from China / Exports to the US 1.086 exceeds the 1 limit by 0.086"),
    ({"imports_from_china_usd_bn": 162, "exports_to_us_usd_bn": 119},
     "Imports from China / Exports to the US 1.36 exceeds the 1 limit by 0.36"),
])
def test_the_value_has_the_digits_of_its_gap_so_the_two_add_up(ws, figures, message):
    """South Korea's ratio read '1.1 exceeds the 1 limit by 0.096' and Japan's '1.09 ... by
    0.086': a reader who subtracts gets 0.1 and 0.09. The value is shown to the gap's decimals
    (1.096), never fewer."""
    assert _finding(ws, rule="ratio", require="imports_from_china_usd_bn / "
                    "exports_to_us_usd_bn <= 1.0", **figures).message == message


@pytest.mark.parametrize(("when", "value", "words"), [
    ("us_export_share >= 0.1", 0.09999, "at least 10% (here: 9.999%)"),
    ("us_export_share >= 0.1005", 0.05, "at least 10.05% (here: 5%)"),
])
def test_a_scope_shows_its_limit_as_written_and_the_figure_apart_from_it(ws, when, value,
                                                                         words):
    data = ws.policy_data()
    next(r for r in data["rules"] if r["id"] == "ec")["applies_to"] = {"when": when}
    profile = ws.vnm_data()
    profile["indicators"]["us_export_share"] = {"value": value, "illustrative": True}
    finding = next(f for f in ws.evaluate(data, profile).findings if f.rule == "ec")
    assert finding.message == f"does not apply to VNM: it applies only where US share of " \
                              f"exports is {words}"


# --- a minus sign ------------------------------------------------------------------------------

def test_a_negated_figure_reads_as_minus_it_in_its_unit(ws):
    """`-x` is parsed as `0 - x`: it reads 'minus x', and keeps x's unit (-36.5%, not -0.365)."""
    finding = _finding(ws, require="-china_import_share > -0.5")
    assert finding.status.value == "satisfied"
    assert finding.message == ("minus Chinese share of imports -36.5% meets the -50% minimum "
                               "(13.5 points above)")


def test_a_negative_amount_of_money_puts_its_minus_before_the_dollar(ws):
    """'-$162 bn', as money is written: it read '$-162 bn' (a trade deficit, a negated
    figure), in messages, rules and the provenance table alike."""
    finding = _finding(ws, require="-imports_from_china_usd_bn <= -100")
    assert finding.status.value == "satisfied"
    assert finding.message == ("minus Imports from China -$162 bn is within the -$100 bn limit "
                               "($62 bn to spare)")


def test_a_negated_figure_reads_as_minus_it_in_the_rules_words(ws):
    from engine import describe

    data = ws.policy_data()
    next(r for r in data["rules"] if r["id"] == "inputs-share")["require"] = \
        "-china_import_share > -0.5"
    assert "requires: minus Chinese share of imports is above -50%\n" in \
        describe.rule_text(ws.compile(data), "inputs-share")


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from([None, *IndicatorType]),
       limit=st.floats(-1e4, 1e4, allow_nan=False).map(lambda v: round(v, 4)),
       offset=st.sampled_from([0.0, 1e-12, -1e-9, 1e-6, -1e-4, 0.003, -0.04, 0.5, -3.0, 70.0]),
       literal=st.booleans())
def test_the_quick_words_for_a_value_beside_its_limit_are_the_searched_ones(kind, limit, offset,
                                                                            literal):
    """show_pair skips its digit search when the usual rounding cannot bring the value onto or
    past the limit; the words must be the ones the search would have found."""
    from types import SimpleNamespace

    from engine import explain

    indicator = SimpleNamespace(type=kind) if kind else None
    observed = limit + offset
    assert explain.show_pair(indicator, observed, limit, literal) == \
        _searched(indicator, observed, limit, literal)


def _searched(indicator, observed, limit, literal):
    """show_pair with its shortcut off: the digit search every time."""
    from engine import explain

    apart = explain._apart
    explain._apart = lambda *_: False
    try:
        return explain.show_pair(indicator, observed, limit, literal)
    finally:
        explain._apart = apart
