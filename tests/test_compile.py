"""Compile: policy + catalog -> engine rulesets; every check a drafter relies on.

Type checks against the catalog, references between sections, derived facts and their order,
the engine's limits (branches per rule, rules and distinct tests per ruleset, field-name
hashes), the restricted expression parser, and the content hash.
"""

from __future__ import annotations

import random
import string
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import Workspace, assert_input_error

from engine import api
from engine.compile import (
    MAX_BRANCHES_PER_RULE,
    MAX_BRANCHES_PER_RULESET,
    MAX_TESTS_PER_FIELD,
    fnv1a_32,
)
from engine.errors import InputError

POLICY_TEXT = (Path(__file__).parent / "fixtures" / "policy.yaml").read_text()
REQUIRE_COL = 14          # `    require: ` puts a rule's require value at column 14


def _edited(ws: Workspace, old: str, new: str) -> Path:
    assert old in POLICY_TEXT, old
    return ws.write_policy(POLICY_TEXT.replace(old, new, 1))


def _refused(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    return caught.value


def _with_require(ws: Workspace, require: Any, rule: int = 0) -> dict[str, Any]:
    data = ws.policy_data()
    data["rules"][rule]["require"] = require
    return data


def _refused_data(ws: Workspace, data: dict[str, Any]) -> str:
    with pytest.raises(InputError) as caught:
        ws.compile(data)
    return str(caught.value)


SHARE_LINE = "require: {indicator: china_import_share, comparison: at_most, limit: 0.2}"
TS_LINE = "require: \"transshipment_risk != 'high'\""


# --- the catalog decides what a condition may read -------------------------------------------

def test_unknown_indicator_in_a_threshold_points_at_it_with_did_you_mean(ws):
    path = _edited(ws, "indicator: china_import_share", "indicator: china_imprt_share")
    error = _refused(path)
    assert_input_error(error, path, 25, 26, "unknown indicator 'china_imprt_share' "
                                            "(did you mean 'china_import_share'?)")


@pytest.mark.parametrize("text", ["china_import_share <= 0.3 and china_imprt_share <= 0.2",
                                  "china_imprt_share <= 0.2"])
def test_unknown_indicator_inside_expression_text_points_at_the_word(ws, text):
    """Also when the word opens the text: the caret stood under the opening quote."""
    path = _edited(ws, SHARE_LINE, f'require: "{text}"')
    col = REQUIRE_COL + 1 + text.index("china_imprt_share")
    assert_input_error(_refused(path), path, 25, col, "did you mean 'china_import_share'?")


@pytest.mark.parametrize("limit", [1.5, -0.1, 20])
def test_a_share_limit_outside_0_to_1_is_refused(ws, limit):
    path = _edited(ws, "limit: 0.2}", f"limit: {limit}}}")
    assert_input_error(_refused(path), path, 25, 74,
                       f"a share is a fraction 0..1 (20% is 0.2), not {limit}")


@pytest.mark.parametrize("limit", [0, 1, 0.0, 1.0])
def test_share_limits_of_exactly_0_and_1_are_accepted(ws, limit):
    compiled = ws.compile(_with_require(ws, {"indicator": "china_import_share",
                                             "comparison": "at_most", "limit": limit}))
    assert "inputs-share" in compiled.rules


def _with_share_change(ws) -> dict[str, Any]:
    """The fixture policy over a catalog that also has a share_change indicator."""
    catalog = ws.catalog_data()
    catalog["indicators"]["share_change"] = {"label": "Change in the Chinese share",
                                             "type": "share_change", "description": "d",
                                             "source": "s"}
    data = ws.policy_data()
    data["indicators"] = ws.write_catalog(catalog)
    return data


@pytest.mark.parametrize("require", [
    {"indicator": "share_change", "comparison": "at_most", "limit": 2},
    "share_change <= -3"])
def test_a_share_change_limit_written_in_points_is_refused(ws, require):
    """A change of a share is a fraction too (+2 points is 0.02): a limit of 2 meant +200
    points, which no share can move, so the rule held for every partner without a word."""
    data = _with_share_change(ws)
    data["rules"][0]["require"] = require
    assert "a change of a share is a signed fraction -1..1 (2 points is 0.02), not " \
        in _refused_data(ws, data)


def test_a_share_change_written_in_points_in_a_profile_is_refused(ws):
    from engine import api

    catalog = api.load_catalog(ws.root / _with_share_change(ws)["indicators"])
    path = ws.write_profile("partner: {code: VNM}\nindicators:\n  share_change: 3\n")
    with pytest.raises(InputError) as caught:
        api.load_partner(path, catalog)
    assert_input_error(caught.value, path, 3, 17, "share_change: a change of a share is a "
                                                  "signed fraction from -1 to 1 (3 points up "
                                                  "is 0.03), got 3")
    fine = ws.write_profile("partner: {code: VNM}\nindicators:\n  share_change: -1\n")
    assert api.load_partner(fine, catalog).profile.figure("share_change").value == -1


@pytest.mark.parametrize(("comparison", "limit"), [("at_most", -1), ("at_least", -1),
                                                  ("below", -0.5)])
def test_a_negative_count_limit_is_refused_at_the_limit(ws, comparison, limit):
    """`at_most -1` on a count can never hold (and `at_least -1` always does): a typo for a
    limit of 1 or 0, which every partner failed, or passed, without a word."""
    line = f"require: {{indicator: eapa_case_count, comparison: {comparison}, limit: {limit}}}"
    path = _edited(ws, SHARE_LINE, line)
    col = 5 + line.rindex(str(limit))               # the rule's keys are indented 4 spaces
    assert_input_error(_refused(path), path, 25, col,
                       f"eapa_case_count: a count cannot be negative (0 or more), not {limit}")


@pytest.mark.parametrize("text", ["eapa_case_count <= -1", "-1 >= eapa_case_count",
                                  "eapa_case_count >= 0 and eapa_case_count < -2"])
def test_a_negative_count_limit_in_expression_text_is_refused(ws, text):
    path = _edited(ws, SHARE_LINE, f'require: "{text}"')
    col = REQUIRE_COL + 1 + (text.index(" and ") + 5 if " and " in text else 0)
    assert_input_error(_refused(path), path, 25, col, "eapa_case_count: a count cannot be "
                                                      "negative (0 or more), not -")


def test_a_negative_limit_on_an_amount_in_us_dollars_is_refused(ws):
    message = _refused_data(ws, _with_require(ws, {"indicator": "imports_from_china_usd_bn",
                                                   "comparison": "at_most", "limit": -2.5}))
    assert "imports_from_china_usd_bn: an amount in US$ billions cannot be negative (0 or " \
           "more, unless the catalog marks it signed: true), not -2.5" in message


def _with_signed_kinds(ws) -> dict[str, Any]:
    """The fixture policy over a catalog with the kinds of number that may be negative."""
    catalog = ws.catalog_data()
    for name, kind in (("gap_pp", {"type": "pp"}), ("share_change", {"type": "share_change"}),
                       ("surplus_usd_bn", {"type": "usd_bn", "signed": True}),
                       ("rate_pct", {"type": "pct"}), ("trend", {"type": "number"}),
                       ("gap_ratio", {"type": "ratio"})):
        catalog["indicators"][name] = {"label": name, **kind, "description": "d", "source": "s"}
    data = ws.policy_data()
    data["indicators"] = ws.write_catalog(catalog)
    return data


@pytest.mark.parametrize("require", [
    {"indicator": "gap_pp", "comparison": "at_least", "limit": -25},     # the shipped gap rule
    {"indicator": "share_change", "comparison": "at_most", "limit": -0.02},
    {"indicator": "surplus_usd_bn", "comparison": "above", "limit": -10},
    {"indicator": "rate_pct", "comparison": "at_least", "limit": -5},
    "trend >= -1.5", "gap_ratio > -1",
    "eapa_case_count - 3 >= -1",                       # arithmetic: a difference may be negative
    "imports_from_china_usd_bn - exports_to_us_usd_bn <= -5",
    "eapa_case_count >= 0"])
def test_a_negative_limit_where_the_value_may_be_negative_is_accepted(ws, require):
    data = _with_signed_kinds(ws)
    data["rules"][0]["require"] = require
    assert "inputs-share" in ws.compile(data).rules


def test_text_compared_with_a_number_indicator_is_refused(ws):
    path = _edited(ws, "limit: 0.2}", "limit: high}")
    assert_input_error(_refused(path), path, 25, 74,
                       "is a number (share); compare it with a number, not 'high'")


def test_a_number_compared_with_an_enum_is_refused(ws):
    message = _refused_data(ws, _with_require(ws, "bri_status == 3"))
    assert "bri_status: 3 is not one of mou_signed, exited, none, unclear" in message


def test_a_text_indicator_in_arithmetic_is_refused(ws):
    message = _refused_data(ws, _with_require(ws, "bri_status + 1 <= 2"))
    assert "'bri_status' is enum, not a number: no arithmetic" in message


@pytest.mark.parametrize(("require", "word"), [("china_import_share + true <= 1", "true"),
                                               ("china_import_share * 'abc' <= 1", "'abc'"),
                                               ("2 - [1, 2] >= china_import_share", "(1, 2)")])
def test_a_literal_that_is_no_number_in_arithmetic_is_refused(ws, require, word):
    """`x + true` would count true as 1, and `x * 'abc'` failed only when evaluated (an
    internal error): both are refused where they are written."""
    message = _refused_data(ws, _with_require(ws, require))
    assert f"arithmetic works on numbers, not {word}" in message


@pytest.mark.parametrize(("require", "said"), [
    # `1 == 2` was violated for every partner, explained as "1 is 1; required: 2"
    ("1 == 2", "this comparison reads no figure"),
    ("1 < 2 and china_import_share <= 0.2", "this comparison reads no figure"),
    # unknown for every partner, "a computed value (a zero divisor ...) not known"
    ("china_import_share / 0 <= 1", "divides by zero"),
    ("china_import_share / (2 - 2) <= 1", "divides by zero"),
])
def test_a_comparison_that_is_the_same_for_every_partner_is_refused(ws, require, said):
    assert said in _refused_data(ws, _with_require(ws, require))


@pytest.mark.parametrize("require", ["china_import_share / (2 - 1) <= 1",
                                     "(china_import_share - china_import_share) / 2 <= 1"])
def test_a_constant_divisor_other_than_zero_is_accepted(ws, require):
    ws.compile(_with_require(ws, require))


def test_an_enum_value_not_in_the_list_is_refused_with_did_you_mean(ws):
    path = _edited(ws, "limit: [exited, none]}", "limit: [exited, nonee]}")
    assert_input_error(_refused(path), path, 37, 74,           # at 'nonee', not the list
                       "bri_status: 'nonee' is not one of mou_signed, exited, none, unclear; "
                       "did you mean 'none'?")


def test_an_empty_list_of_values_is_refused_at_its_limit(ws):
    """`one_of: []` had no engine test at all: a partner without the figure was violated (and
    scored 0), `none_of: []` satisfied it (a missing figure read as a pass), and a policy of
    such rules alone had no network to evaluate (an internal error)."""
    path = _edited(ws, "limit: [exited, none]}", "limit: []}")
    assert_input_error(_refused(path), path, 37, None, "bri_status: 'one_of' needs at least one "
                       "value; an empty list holds nothing")
    path = _edited(ws, "comparison: one_of, limit: [exited, none]}",
                   "comparison: none_of, limit: []}")
    assert_input_error(_refused(path), path, 37, None, "'none_of' needs at least one value")
    for text in ("bri_status in []", "not (china_import_share not in ())"):
        message = _refused_data(ws, _with_require(ws, text))
        assert "needs at least one value; an empty list holds nothing" in message, message


def test_an_ordered_enum_compiles_at_least_to_a_rank_in_the_violation_form(ws):
    compiled = ws.compile()
    rules = {name: rule for _, shard in compiled.rulesets for name, rule in shard.items()}
    assert compiled.rules["ec"].require.when_false == ["v:ec:0"]
    tests = rules["v:ec:0"]["all"][0]["m"]["$and"]
    # values: [none, multilateral_regimes, case_by_case, all_us_unilateral]; at_least
    # case_by_case is violated below rank 2
    assert tests == [{"kind": "profile"}, {"$lt": {"export_control_alignment": 2}}]


@pytest.mark.parametrize(("stage", "verdict"), [
    ("none", "violated"), ("multilateral_regimes", "violated"),
    ("case_by_case", "satisfied"), ("all_us_unilateral", "satisfied"),
])
def test_an_ordered_enum_is_judged_by_rank(ws, stage, verdict):
    profile = ws.vnm_data()
    profile["indicators"]["export_control_alignment"] = {"value": stage, "illustrative": True}
    assert ws.verdicts(profile=profile)["ec"] == verdict


def test_ranking_an_unordered_enum_is_refused(ws):
    message = _refused_data(ws, _with_require(ws, {"indicator": "bri_status",
                                                   "comparison": "at_least",
                                                   "limit": "exited"}))
    assert "'>=' needs an ordered enum; bri_status is not ordered" in message

def test_one_misused_comparison_is_reported_once(ws):
    path = _edited(ws, SHARE_LINE, "require: {indicator: bri_status, comparison: at_least, "
                                   "limit: exited}")
    error = _refused(path)
    assert len(error.problems) == 1, str(error)
    assert "'<'" not in str(error)          # the drafter never wrote '<'


# --- derived facts -------------------------------------------------------------------------

@pytest.mark.parametrize(("eapa", "verdict"), [(7, "satisfied"), (1, "violated"),
                                                (None, "unknown")])
def test_a_derived_fact_tested_with_equals_in_require_is_judged_three_ways(ws, eapa, verdict):
    """docs/policy-language.md: derived facts are tested with == or != anywhere."""
    path = _edited(ws, TS_LINE, "require: \"transshipment_risk == 'high'\"")
    profile = ws.vnm_data()
    if eapa is None:
        del profile["indicators"]["eapa_case_count"]
    else:
        profile["indicators"]["eapa_case_count"] = {"value": eapa, "illustrative": True}
    assert ws.verdicts(api.load_policy(path), profile)["ts-risk"] == verdict


def test_a_derived_fact_compared_by_order_is_refused(ws):
    path = _edited(ws, TS_LINE, "require: \"transshipment_risk < 'high'\"")
    assert_input_error(_refused(path), path, 31, REQUIRE_COL + 1,
                       "the derived fact 'transshipment_risk' is tested with == or !=, not <")


def test_a_derived_value_no_derive_rule_concludes_is_refused(ws):
    path = _edited(ws, TS_LINE, "require: \"transshipment_risk != 'low'\"")
    assert_input_error(_refused(path), path, 31, REQUIRE_COL + 1,
                       "no derive rule concludes transshipment_risk: 'low' (it concludes high)")


def _derivation(d_id: str, when: str, fact: str) -> dict[str, Any]:
    return {"id": d_id, "title": d_id, "rationale": "r", "sources": ["s1"], "when": when,
            "conclude": {fact: "yes"}}


def test_cyclic_derived_facts_are_refused(ws):
    data = ws.policy_data()
    data["derive"] = [_derivation("a", "fact_b == 'yes' and rerouting_share > 0.1", "fact_a"),
                      _derivation("b", "fact_a == 'yes'", "fact_b")]
    data["rules"][1]["require"] = "fact_a != 'yes'"
    assert "derived facts form a cycle: a -> b -> a" in _refused_data(ws, data)


def test_a_derived_fact_that_needs_itself_is_refused(ws):
    data = ws.policy_data()
    data["derive"][0]["when"] = "transshipment_risk == 'high' or rerouting_share > 0.5"
    assert "derived facts form a cycle: risk-high -> risk-high" in _refused_data(ws, data)


def test_derivations_are_ordered_dependencies_first(ws):
    data = ws.policy_data()
    data["derive"] = [_derivation("top", "fact_a == 'yes'", "fact_b"),
                      _derivation("base", "rerouting_share > 0.1", "fact_a"),
                      *data["derive"]]
    order = ws.compile(data).derivation_order
    assert order.index("base") < order.index("top")


# --- references between sections ------------------------------------------------------------

def test_a_duplicate_rule_id_is_refused_at_the_second(ws):
    path = _edited(ws, "  - id: ts-risk", "  - id: inputs-share")
    assert_input_error(_refused(path), path, 26, 9, "duplicate rule id 'inputs-share'")


def test_a_rule_id_equal_to_a_derive_id_is_refused(ws):
    path = _edited(ws, "  - id: ts-risk", "  - id: risk-high")
    assert "duplicate rule id 'risk-high'" in str(_refused(path))


def test_a_duplicate_inference_id_is_called_an_inference(ws):
    data = ws.policy_data()
    data["derive"].append(dict(data["derive"][0]))
    message = _refused_data(ws, data)
    assert "duplicate inference id 'risk-high'" in message and "rule id" not in message


@pytest.mark.parametrize("section", ["terms", "exceptions"])
def test_a_duplicate_term_or_exception_id_is_refused(ws, section):
    """Results name terms and exceptions by id ("excepted by waiver until ..."): two of one
    id were accepted, so a reader could not tell which one applied."""
    entry = {"terms": {"id": "deal", "title": "t", "partners": ["VNM"], "sources": ["s1"]},
             "exceptions": {"id": "waiver", "partner": "VNM", "rule": "inputs-share",
                            "justification": "j", "granted": "2025-01-01"}}[section]
    data = ws.policy_data()
    data[section] = [entry, {**entry, "partners": ["THA"]} if section == "terms" else entry]
    assert f"duplicate {section[:-1]} id '{entry['id']}'" in _refused_data(ws, data)


def test_a_duplicate_demand_id_is_refused(ws):
    data = ws.policy_data()
    data["demands"].append(dict(data["demands"][0]))
    assert "duplicate demand id 'transshipment'" in _refused_data(ws, data)


def test_an_unknown_demand_is_refused_with_did_you_mean(ws):
    path = _edited(ws, "    demand: inputs\n    title: Keep", "    demand: input\n    title: Keep")
    assert_input_error(_refused(path), path, 20, 13,
                       "unknown demand 'input' (did you mean 'inputs'?)")


@pytest.mark.parametrize(("section", "index"), [("rules", 0), ("demands", 1), ("derive", 0)])
def test_an_unknown_source_is_refused(ws, section, index):
    data = ws.policy_data()
    data[section][index]["sources"] = ["s1", "s11"]
    assert "unknown source 's11' (did you mean 's1'?)" in _refused_data(ws, data)


def test_an_unknown_limit_basis_is_refused(ws):
    data = ws.policy_data()
    data["rules"][0]["limit_basis"] = "seed-9"
    assert "unknown source 'seed-9'" in _refused_data(ws, data)


@pytest.mark.parametrize(("written", "hint"), [
    ("ilustrative", "did you mean 'illustrative'?"),
    ("made-up", "limit_basis is 'illustrative' or the id of a source")])
def test_a_misspelt_limit_basis_says_what_to_write(ws, written, hint):
    """'illustrative' is the word for a limit no real measure uses; misspelt it was only an
    "unknown source 'ilustrative'", with no hint of the word meant."""
    data = ws.policy_data()
    data["rules"][0]["limit_basis"] = written
    assert f"unknown source '{written}' ({hint})" in _refused_data(ws, data)


def test_an_unknown_group_is_refused_with_did_you_mean(ws):
    data = ws.policy_data()
    data["groups"] = {"asean": ["VNM", "THA"]}
    data["rules"][0]["applies_to"] = {"groups": ["aseen"]}
    assert "unknown group 'aseen' (did you mean 'asean'?)" in _refused_data(ws, data)


def test_an_unknown_caps_tier_is_refused(ws):
    data = ws.policy_data()
    data["rules"][0]["caps_tier"] = "god"
    assert "unknown tier 'god' (did you mean 'good'?)" in _refused_data(ws, data)


# --- tiers -----------------------------------------------------------------------------------

def _tiers(*bounds: float) -> list[dict[str, Any]]:
    outcome = {"tariff_rate": 10, "legal_authority": "ieepa", "status": "in_force"}
    return [{"id": f"t{i}", "title": "T", "min_score": b, "outcome": dict(outcome)}
            for i, b in enumerate(bounds)]


@pytest.mark.parametrize(("bounds", "message"), [
    ((80, 80, 0), "min_score must be below the previous tier's (80 >= 80)"),
    ((50, 80, 0), "min_score must be below the previous tier's (80 >= 50)"),
    ((80, 10), "the last tier must start at 0 so every score has a tier, not 10"),
])
def test_tier_bounds_must_strictly_decrease_to_zero(ws, bounds, message):
    data = ws.policy_data()
    data["tiers"] = _tiers(*bounds)
    assert message in _refused_data(ws, data)


def test_a_single_tier_at_zero_is_accepted(ws):
    data = ws.policy_data()
    data["tiers"] = _tiers(0)
    assert [t.id for t in ws.compile(data).policy.tiers] == ["t0"]


# --- engine limits ---------------------------------------------------------------------------

def _alternatives(n: int) -> str:
    return " or ".join(f"china_import_share <= {i / 100}" for i in range(1, n + 1))


def test_a_condition_at_the_branch_limit_compiles(ws):
    assert ws.compile(_with_require(ws, _alternatives(MAX_BRANCHES_PER_RULE)))


def test_a_condition_expanding_past_the_branch_limit_is_refused(ws):
    message = _refused_data(ws, _with_require(ws, _alternatives(MAX_BRANCHES_PER_RULE + 1)))
    assert f"expands to more than {MAX_BRANCHES_PER_RULE} alternatives" in message


def test_a_violation_form_that_multiplies_out_past_the_limit_is_refused(ws):
    # not (any of five pairs) = all of five (a or b) = 2**5 alternatives
    pairs = [{"all": ["china_import_share <= 0.1", "rerouting_share <= 0.1"]} for _ in range(5)]
    message = _refused_data(ws, _with_require(ws, {"any": pairs}))
    assert "expands to more than 16 alternatives" in message


def _share_catalog(names: list[str]) -> dict[str, Any]:
    return {"catalog": "gen", "version": 1, "indicators": {
        n: {"label": n, "type": "share", "description": "d", "source": "s"} for n in names}}


def _generated_policy(ws: Workspace, names: list[str],
                      requires: list[str]) -> dict[str, Any]:
    data = ws.policy_data()
    data["indicators"] = ws.write_catalog(_share_catalog(names))
    data["derive"] = []
    data["rules"] = [{"id": f"r{i:03d}", "demand": "inputs", "title": "t", "rationale": "r",
                      "sources": ["s1"], "require": req} for i, req in enumerate(requires)]
    return data


def _engine_tests(rule: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(field, operator, value) of every test in an engine rule's profile term."""
    result = []
    for test in rule["all"][0]["m"]["$and"]:
        (key, body), = test.items()
        if key.startswith("$"):
            (field, value), = body.items()
            result.append((field, key, value))
        elif key != "kind":
            result.append((key, "$eq", body))
    return result


def _profile(values: dict[str, float]) -> dict[str, Any]:
    return {"partner": {"code": "VNM"},
            "indicators": {k: {"value": v, "illustrative": True} for k, v in values.items()}}


def test_200_threshold_rules_are_sharded_under_64_rules_and_all_evaluate(ws):
    names = [f"s{i}" for i in range(20)]
    limits = [round((i + 1) / 201, 6) for i in range(200)]
    requires = [f"{names[i % 20]} <= {limits[i]}" for i in range(200)]
    compiled = ws.compile(_generated_policy(ws, names, requires))
    sizes = [len(shard) for _, shard in compiled.rulesets]
    assert max(sizes) <= MAX_BRANCHES_PER_RULESET
    assert sum(sizes) == 200 and len(sizes) >= 4
    all_engine_rules = [n for _, shard in compiled.rulesets for n in shard]
    assert len(set(all_engine_rules)) == 200
    for values in ({n: 0.999 for n in names},                       # all 200 true at once
                   {n: round(i / 20, 3) for i, n in enumerate(names)},
                   {n: 0.0 for n in names}):
        verdicts = ws.verdicts(compiled, _profile(values))
        expected = {f"r{i:03d}": "violated" if values[names[i % 20]] > limits[i]
                    else "satisfied" for i in range(200)}
        assert verdicts == expected


def test_at_most_64_distinct_tests_on_one_field_per_ruleset(ws):
    # each rule `x <= a or x >= b` is violated when a < x < b: two distinct tests on x in one
    # engine rule, so the per-field cap, not the rule cap, decides where shards split
    lows = [round(i / 1000, 3) for i in range(150)]
    highs = [round(0.5 + i / 1000, 3) for i in range(150)]
    requires = [f"x <= {a} or x >= {b}" for a, b in zip(lows, highs, strict=True)]
    compiled = ws.compile(_generated_policy(ws, ["x"], requires))
    for _, shard in compiled.rulesets:
        distinct = Counter(f for f, _, _ in {t for r in shard.values() for t in _engine_tests(r)})
        assert distinct["x"] <= MAX_TESTS_PER_FIELD
    assert sum(len(s) for _, s in compiled.rulesets) == 150
    assert len(compiled.rulesets) >= 300 // MAX_TESTS_PER_FIELD
    for x in (0.0, 0.1, 0.1005, 0.3, 0.55, 0.6495, 0.7, 1.0):
        expected = {f"r{i:03d}": "violated" if lows[i] < x < highs[i] else "satisfied"
                    for i in range(150)}
        assert ws.verdicts(compiled, _profile({"x": x})) == expected, x


def _colliding_names() -> tuple[str, str]:
    """Two indicator names with the same 32-bit FNV-1a hash (a seeded birthday search)."""
    rng = random.Random(20260101)
    seen: dict[int, str] = {}
    for _ in range(2_000_000):
        name = "".join(rng.choices(string.ascii_lowercase, k=10))
        other = seen.setdefault(fnv1a_32(name), name)
        if other != name:
            return other, name
    raise AssertionError("no collision found")


def test_fnv1a_32_matches_the_reference_values():
    assert fnv1a_32("") == 0x811C9DC5
    assert fnv1a_32("a") == 0xE40C292C
    assert fnv1a_32("foobar") == 0xBF9CF968


def test_colliding_field_names_are_refused(ws):
    first, second = _colliding_names()
    assert fnv1a_32(first) == fnv1a_32(second) and first != second
    catalog = ws.catalog_data()
    for name in (first, second):
        catalog["indicators"][name] = {"label": name, "type": "share", "description": "d",
                                       "source": "s"}
    data = ws.policy_data()
    data["indicators"] = ws.write_catalog(catalog)
    message = _refused_data(ws, data)
    assert "collide" in message
    assert first in message and second in message


def test_more_fact_fields_than_the_engine_allows_are_refused(ws):
    data = ws.policy_data()
    catalog = ws.catalog_data()
    for i in range(250):
        catalog["indicators"][f"extra_{i}"] = {"label": "x", "type": "count",
                                               "description": "d", "source": "s"}
    data["indicators"] = ws.write_catalog(catalog)
    assert "fact fields; the engine allows 250" in _refused_data(ws, data)


@pytest.mark.parametrize("name", ["sid", "id", "kind"])
def test_an_indicator_named_like_a_reserved_fact_field_is_refused_or_judged_right(ws, name):
    catalog = ws.catalog_data()
    catalog["indicators"][name] = {"label": "Reserved", "type": "count", "description": "d",
                                   "source": "s"}
    data = ws.policy_data()
    data["indicators"] = ws.write_catalog(catalog)
    data["rules"][0]["require"] = f"{name} <= 5"
    try:
        compiled = ws.compile(data)
    except InputError as exc:
        assert name in str(exc)
        return
    profile = ws.vnm_data()
    profile["indicators"] = {name: {"value": 3, "illustrative": True}}
    assert ws.verdicts(compiled, profile)["inputs-share"] == "satisfied"


# --- expressions are parsed, never evaluated -----------------------------------------------

@pytest.mark.parametrize(("expression", "message"), [
    ("__import__('os').system('touch MARKER') == 0",
     "a function call is not allowed in a condition"),
    ("open('MARKER', 'w') == 1", "a function call is not allowed in a condition"),
    ("(lambda: 1)() == 1", "a function call is not allowed in a condition"),
    ("(lambda x: x) == 1", "a lambda is not allowed in a condition"),
    ("a.b.c > 1", "only one level of dotted key is allowed"),
    ("[x for x in y] == 1", "a comprehension is not allowed in a condition"),
    ("china_import_share ** 2 > 1", "arithmetic other than + - * / is not allowed in a condition"),
    ("china_import_share[0] > 1", "indexing with [...] is not allowed in a condition"),
    ("china_import_share is None", "'is' is not allowed; compare with <, <=, >, >=, ==, !="),
    ("china_import_share == None", "None is not a value"),
    ("china_import_share", "expected a comparison"),
    ("china_import_share <= 0.2 if true else false", "expected a comparison"),
    ("china_import_share <=", "cannot parse condition"),
])
def test_expressions_outside_the_small_grammar_are_refused(ws, expression, message):
    path = ws.write_policy(_with_require(ws, expression))
    error = _refused(path)
    assert message in str(error)
    assert all(p.path == str(path) and p.line is not None for p in error.problems)
    assert not (ws.root / "MARKER").exists() and not Path("MARKER").exists()


def test_a_dunder_attribute_is_not_a_way_into_python(ws):
    message = _refused_data(ws, _with_require(ws, "china_import_share.__class__ == 1"))
    assert "'china_import_share' has no keys" in message

def test_a_share_map_without_a_key_in_arithmetic_is_refused(ws):
    with pytest.raises(InputError, match="by_group"):
        ws.compile(_with_require(ws, "by_group * 2 <= 1"))

def test_an_unknown_share_map_key_in_arithmetic_is_refused(ws):
    with pytest.raises(InputError, match="nickel"):
        ws.compile(_with_require(ws, "by_group.nickel * 2 <= 1"))


def test_an_unknown_share_map_key_in_a_threshold_is_refused(ws):
    message = _refused_data(ws, _with_require(ws, "by_group.stel <= 0.2"))
    assert "is a share map" in message and "did you mean 'steel'?" in message


# --- the content hash ------------------------------------------------------------------------

def test_the_hash_is_the_same_when_the_same_content_is_read_again(ws):
    first = ws.compile(POLICY_TEXT)
    second = ws.compile(POLICY_TEXT)                 # another file, read and compiled anew
    assert first is not second
    assert first.hash == second.hash
    assert len(first.hash) == 64 and int(first.hash, 16) >= 0


def test_comments_and_layout_do_not_change_the_hash(ws):
    reformatted = "# a comment\n" + ws.write_policy(ws.policy_data()).read_text()
    assert ws.compile(reformatted).hash == ws.compile(POLICY_TEXT).hash


def test_the_hash_changes_when_a_limit_changes(ws):
    changed = POLICY_TEXT.replace("limit: 0.2}", "limit: 0.25}")
    assert ws.compile(changed).hash != ws.compile(POLICY_TEXT).hash


def test_the_hash_changes_when_the_catalog_changes(ws):
    catalog = ws.catalog_data()
    catalog["indicators"]["china_import_share"]["label"] = "China's share of imports"
    data = ws.policy_data()
    data["indicators"] = ws.write_catalog(catalog)
    assert ws.compile(data).hash != ws.compile(POLICY_TEXT).hash


def test_ruleset_names_carry_the_policy_name_and_shard(ws):
    compiled = ws.compile()
    assert [name for name, _ in compiled.rulesets] == \
        [f"test-policy:{i}" for i in range(len(compiled.rulesets))]


def test_the_hash_is_the_sha256_of_the_policy_and_its_catalog(ws):
    import hashlib
    import json

    compiled = ws.compile()
    canonical = json.dumps([compiled.policy.model_dump(mode="json", by_alias=True),
                            compiled.catalog.model_dump(mode="json")],
                           sort_keys=True, separators=(",", ":"))
    assert compiled.hash == hashlib.sha256(canonical.encode()).hexdigest()


def test_policies_that_compile_to_the_same_rules_share_one_network(ws):
    from engine import evaluate, rete

    data = ws.policy_data()
    base = ws.compile(data)
    data["rules"][0]["weight"] = data["rules"][0].get("weight", 1) + 5
    reweighted = ws.compile(data)
    data["rules"][0]["require"]["limit"] = 0.123
    new_limit = ws.compile(data)
    assert reweighted.hash != base.hash
    network = rete.network_for(base.rulesets, evaluate.fact_plan(base).network_key)
    assert rete.network_for(reweighted.rulesets) is network
    assert rete.network_for(new_limit.rulesets) is not network

def test_an_edited_catalog_is_read_again(ws):
    import os

    before = api.load_policy(ws.policy_path)
    catalog = ws.catalog_data()
    catalog["indicators"]["china_import_share"]["label"] = "Share of imports from China"
    ws.write("indicators.yaml", catalog)
    for path in (ws.catalog_path, ws.policy_path):   # new times, whatever the clock's grain
        os.utime(path, ns=(10**18, 10**18))
    after = api.load_policy(ws.policy_path)
    assert after.catalog.indicators["china_import_share"].label == "Share of imports from China"
    assert after.hash != before.hash


def test_an_unchanged_policy_compiles_again_when_its_catalog_changes(tmp_path):
    import os
    import shutil
    import time

    from engine import api

    fixtures = Path(__file__).parent / "fixtures"
    for name in ("policy.yaml", "indicators.yaml"):
        shutil.copy(fixtures / name, tmp_path / name)
    first = api.load_policy(tmp_path / "policy.yaml")
    assert api.load_policy(tmp_path / "policy.yaml") is first      # cached while unchanged
    catalog = tmp_path / "indicators.yaml"
    catalog.write_text(catalog.read_text().replace("label: Rerouting share",
                                                   "label: Share of exports rerouted"))
    later = time.time_ns() + 10**9
    os.utime(catalog, ns=(later, later))
    again = api.load_policy(tmp_path / "policy.yaml")
    assert again is not first and again.hash != first.hash
    assert again.catalog.indicators["rerouting_share"].label == "Share of exports rerouted"
