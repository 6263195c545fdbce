"""Variants: overlays, --set, terms, exceptions, --as-of, compare and sweep.

Built on the fixture policy (tests/fixtures/policy.yaml) so each case is small and its numbers can
be read off the fixture: VNM's china_import_share is 0.365 against `inputs-share`'s 0.2 limit.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from conftest import assert_input_error, dump_yaml

from engine import api
from engine.compare import compare
from engine.errors import InputError
from engine.report.variants import render_comparison, render_sweep
from engine.sweep import parse_range, sweep

DAY = dt.date(2026, 3, 1)


def _overlay(ws, body: str, name: str = "overlay.yaml", base: str = "policy.yaml"):
    return ws.write(name, f"extends: {base}\nname: variant\n{body}")


def _card(ws, policy_path, day=DAY, settings=()):
    compiled = api.load_policy(policy_path, settings)
    return api.evaluate_partner(compiled, api.load_partner(ws.vnm_path, compiled.catalog), day)


def _status(card) -> dict[str, str]:
    return {f.rule: f.status.value for f in card.findings}


# --- overlays --------------------------------------------------------------------------------

def test_an_overlay_changes_a_limit_and_keeps_everything_else(ws):
    base = _card(ws, ws.policy_path)
    assert _status(base)["inputs-share"] == "violated"
    path = _overlay(ws, "change:\n  rules:\n    inputs-share: {limit: 0.4}\n")
    card = _card(ws, path)
    assert _status(card)["inputs-share"] == "satisfied"
    assert {r: s for r, s in _status(card).items() if r != "inputs-share"} == \
        {r: s for r, s in _status(base).items() if r != "inputs-share"}


def test_an_overlay_of_an_overlay_composes_and_names_the_chain(ws):
    _overlay(ws, "change:\n  rules:\n    inputs-share: {limit: 0.4}\n", name="first.yaml")
    second = _overlay(ws, "change:\n  rules:\n    ratio: {disabled: true}\n", name="second.yaml",
                      base="first.yaml")
    card = _card(ws, second)
    assert _status(card)["inputs-share"] == "satisfied"
    assert "ratio" not in _status(card)
    stamp = api.stamp(api.load_policy(second))
    assert [p.rsplit("/", 1)[-1] for p in stamp.chain] == ["second.yaml", "first.yaml",
                                                            "policy.yaml"]
    assert stamp.hash != api.load_policy(ws.policy_path).hash


def test_a_cycle_of_overlays_is_refused_at_the_extends_line(ws):
    _overlay(ws, "", name="a.yaml", base="b.yaml")
    _overlay(ws, "", name="b.yaml", base="a.yaml")
    with pytest.raises(InputError) as caught:
        api.load_policy(ws.root / "a.yaml")
    assert_input_error(caught.value, ws.root / "b.yaml", 1, 10, "cycle: a.yaml -> b.yaml -> a.yaml")


def test_an_unknown_rule_in_change_is_reported_at_the_overlay_line(ws):
    path = _overlay(ws, "change:\n  rules:\n    input-share: {limit: 0.4}\n")
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    message = assert_input_error(caught.value, path, 5, 5, "no rule 'input-share' to change")
    assert "did you mean 'inputs-share'" in message


def test_a_wrongly_typed_limit_is_reported_at_the_overlay_value(ws):
    path = _overlay(ws, "change:\n  rules:\n    inputs-share: {limit: high}\n")
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert_input_error(caught.value, path, 5, 27, "compare it with a number, not 'high'")


def test_an_overlay_that_disables_every_rule_is_refused_at_its_own_line(ws):
    """It was reported as 'rules: must not be empty' at the base policy's list, a file the
    drafter did not touch."""
    rules = [rule["id"] for rule in ws.policy_data()["rules"]]
    path = _overlay(ws, "change:\n  rules:\n" +
                    "".join(f"    {rule}: {{disabled: true}}\n" for rule in rules))
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:10:23: every rule is disabled: a policy needs at least one"]   # the last true


def test_a_rule_with_two_limits_asks_which_one(ws):
    path = _overlay(ws, "change:\n  rules:\n    scope: {limit: 0.1}\n")
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    # the share map's key once: 'by_group' was listed too, three names for two limits
    assert_input_error(caught.value, path, 5, 20, "the rule has 2 limits (by_group.steel, "
                       "screening_scope); name one (limits: {by_group.steel: ...}")
    named = _overlay(ws, "change:\n  rules:\n    scope: {limits: {by_group: 0.1}}\n",
                     name="named.yaml")
    finding = next(f for f in _card(ws, named).findings if f.rule == "scope")
    assert "0.1" in str([c.limit for c in finding.checks])


def test_an_added_rule_with_a_taken_id_points_at_the_overlay(ws):
    path = _overlay(ws, "rules:\n  - id: ratio\n    demand: inputs\n    title: t\n"
                        "    rationale: r\n    sources: [s1]\n    require: 'ratio_x <= 1'\n")
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert_input_error(caught.value, path, 4, 9, "rule 'ratio' is already in the base policy")


@pytest.mark.parametrize(("section", "entry", "what"), [
    ("derive", "{id: risk-high, title: t, rationale: r, sources: [s1], when: 'eapa_case_count "
               ">= 1', conclude: {transshipment_risk: high}}", "inference"),
    ("demands", "{id: inputs, title: t, intent: i, sources: [s1]}", "demand")])
def test_re_adding_a_base_inference_or_demand_does_not_point_at_change(ws, section, entry, what):
    """`change:` edits rules and tiers only: sending the drafter there for an inference or a
    demand led to "unknown field 'derive' ('derive' belongs at the top level)", and back."""
    path = _overlay(ws, f"{section}:\n  - {entry}\n")
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    message = assert_input_error(caught.value, path, 4, 10,
                                 f"{what} '{entry[5:entry.index(',')]}' is already in the base "
                                 f"policy (an overlay changes only rules and tiers: give this "
                                 f"{what} a new id)")
    assert "under 'change:'" not in message


def test_an_overlay_may_not_reach_outside_its_folder(ws, tmp_path):
    inner = ws.root / "drafts"
    inner.mkdir()
    path = inner / "overlay.yaml"
    path.write_text("extends: ../policy.yaml\nname: v\n")
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert_input_error(caught.value, path, 1, 10, "outside the overlay's folder")


@pytest.mark.parametrize(("text", "line", "col"), [
    ('extends: "base\\0.yaml"\nname: v\n', 1, 10),
    ('extends: policy.yaml\nname: v\nindicators: "indicators\\0.yaml"\n', 3, 13)])
def test_a_file_name_holding_a_nul_byte_is_bad_input_at_its_line(ws, text, line, col):
    """YAML's "\\0" writes a NUL byte, which no file name can hold (the OS refuses it)."""
    path = ws.write("overlay.yaml", text)
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert_input_error(caught.value, path, line, col, "a file name cannot hold a NUL byte")


@pytest.mark.parametrize(("section", "written", "line", "col", "message"), [
    ("rules", "5", 1, 8, "rules: expected a list, got 5"),
    ("rules", "[5]", 1, 9, "rules[0]: expected a mapping, got 5"),
    ("rules", "[{id: [a]}]", 1, 14, "rules[0].id: expected text, got a list of 1 item"),
    ("tiers", "abc", 1, 8, "tiers: expected a list, got 'abc'"),
    ("sources", "[s1]", 1, 10, "sources: expected a mapping, got a list of 1 item"),
    ("scoring", "5", 1, 10, "scoring: expected a mapping, got 5"),
])
def test_a_base_of_the_wrong_shape_is_bad_input_at_its_own_line(ws, section, written, line,
                                                                 col, message):
    """Merging walked the base's sections before anything validated them: a base whose
    `rules:` is 5 (or a list of numbers, or sources a list) crashed the merge (exit 3)."""
    data = ws.policy_data()
    data.pop(section, None)
    base = ws.write("base.yaml", f"{section}: {written}\n" + dump_yaml(data))
    path = _overlay(ws, "sources: {s2: {title: t}}\nscoring: {unknowns: credit}\n"
                        "change: {tiers: {good: {min_score: 70}}}\n", base=base.name)
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert_input_error(caught.value, base, line, col, message)


def test_an_overlay_of_a_file_that_is_not_a_mapping_is_bad_input(ws):
    base = ws.write("base.yaml", "- a\n- b\n")
    with pytest.raises(InputError) as caught:
        api.load_policy(_overlay(ws, "", base=base.name))
    assert_input_error(caught.value, base, 1, 1, "expected a mapping of keys at the top")


def test_a_misspelt_shipped_policy_gets_a_suggestion(ws):
    path = ws.write("overlay.yaml", "extends: us-china-alignmnt\nname: v\n")
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert "did you mean 'us-china-alignment'" in assert_input_error(caught.value, path, 1, 10)


def test_an_edited_base_is_noticed_by_a_cached_overlay(ws):
    path = _overlay(ws, "")
    assert _status(_card(ws, path))["inputs-share"] == "violated"
    text = ws.policy_path.read_text().replace("limit: 0.2}", "limit: 0.5}")
    ws.policy_path.write_text(text + "# edited\n")
    assert _status(_card(ws, path))["inputs-share"] == "satisfied"


# --- --set -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("setting", "message"), [
    ("input-share.limit=0.3", "no rule 'input-share' to change (did you mean 'inputs-share'?)"),
    ("inputs-share.limt=0.3", "cannot set 'limt' of rule 'inputs-share' (did you mean 'limit'?)"),
    ("inputs-share.limit=high", "compare it with a number, not 'high'"),
    ("inputs-share.weight=0", "weight: must be more than 0, got 0"),
    ("inputs-share.limit", "expected TARGET.FIELD=VALUE"),
    ("god.min_score=70", "no tier 'god' to change (did you mean 'good'?)"),
    ("inputs-share.weight[x]=2", "only 'limit' takes an indicator in brackets"),
    # the value's own YAML problems: no ':1:1' after the argument, which is no file
    ("inputs-share.weight=1e400", "the number 1e400 is too large (over 1e300)"),
    ("inputs-share.limit=[0.2", "expected ',' or ']'"),
])
def test_a_bad_setting_names_the_argument(ws, setting, message):
    with pytest.raises(InputError) as caught:
        api.load_policy(ws.policy_path, (setting,))
    text = str(caught.value)
    assert text.startswith(f"--set {setting}: "), text
    assert message in text, text


@pytest.mark.parametrize(("setting", "status"), [
    ("inputs-share.limit=4e-1", "satisfied"), ("inputs-share.limit=1E-1", "violated"),
    ("inputs-share.limit=4.0e-1", "satisfied"),
])
def test_a_setting_takes_an_exponent_number_as_json_writes_it(ws, setting, status):
    assert _status(_card(ws, ws.policy_path, settings=(setting,)))["inputs-share"] == status


def _with_case_rule(ws) -> str:
    """The fixture policy plus a rule on a count (EAPA cases at most 9, as the shipped policy's
    evasion rule); returns the file name an overlay `extends`."""
    data = ws.policy_data()
    data["rules"].append({"id": "cases", "demand": "transshipment", "title": "Few EAPA cases",
                          "rationale": "r", "sources": ["s1"],
                          "require": {"indicator": "eapa_case_count", "comparison": "at_most",
                                      "limit": 9}})
    return ws.write_policy(data, "cases.yaml").name


NEGATIVE_COUNT = "eapa_case_count: a count cannot be negative (0 or more), not -1"


def test_a_negative_count_limit_set_on_the_command_line_is_refused(ws):
    """A count rule `--set` to -1 was accepted and held for no partner: a typo for 1."""
    path = ws.root / _with_case_rule(ws)
    with pytest.raises(InputError) as caught:
        api.load_policy(path, ("cases.limit=-1",))
    assert str(caught.value) == f"--set cases.limit=-1: {NEGATIVE_COUNT}"
    with pytest.raises(InputError) as caught:
        api.load_policy(path, ("cases.limit[eapa_case_count]=-1",))
    assert str(caught.value) == f"--set cases.limit[eapa_case_count]=-1: {NEGATIVE_COUNT}"
    assert _status(_card(ws, path, settings=("cases.limit=0",)))["cases"] == "violated"


def test_a_negative_count_limit_in_an_overlay_or_a_term_is_refused_at_its_line(ws):
    base = _with_case_rule(ws)
    path = _overlay(ws, "change:\n  rules:\n    cases: {limit: -1}\n", base=base)
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert_input_error(caught.value, path, 5, 20, NEGATIVE_COUNT)
    term = _overlay(ws, "terms:\n  - id: vnm-deal\n    title: A deal\n    partners: [VNM]\n"
                        "    sources: [s1]\n    change:\n      rules:\n"
                        "        cases: {limit: -1}\n", name="term.yaml", base=base)
    with pytest.raises(InputError) as caught:
        api.load_policy(term)
    assert_input_error(caught.value, term, 10, 24, NEGATIVE_COUNT)


def test_a_sweep_of_a_count_limit_below_zero_is_refused(ws):
    compiled = api.load_policy(ws.root / _with_case_rule(ws))
    partner = api.load_partner(ws.vnm_path, compiled.catalog)
    target, values = parse_range("cases.limit=-1:2:1")
    with pytest.raises(InputError) as caught:
        sweep(compiled, [partner], target, values, DAY)
    assert str(caught.value) == f"--param cases.limit=-1: {NEGATIVE_COUNT}"


def test_a_tier_bound_set_out_of_order_is_blamed_on_the_setting(ws):
    """Lowering the best tier's bound to the next one's makes the next tier look wrong, but the
    setting is the mistake (the fixture's tiers: good 80, bad 0)."""
    with pytest.raises(InputError) as caught:
        api.load_policy(ws.policy_path, ("good.min_score=0",))
    assert str(caught.value).startswith(
        "--set good.min_score=0: tiers go best first: min_score must be above the next tier's"
        " (0 <= 0)"), str(caught.value)
    assert "policy.yaml" not in str(caught.value)


def test_a_tier_bound_changed_out_of_order_by_an_overlay_is_blamed_on_its_line(ws):
    path = _overlay(ws, "change:\n  tiers:\n    good: {min_score: 0}\n")
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    message = assert_input_error(caught.value, path, 5, 23, "must be above the next tier's")
    assert str(ws.policy_path) not in message


def test_validate_blames_an_overlays_tier_bound_on_its_line(run_cli, fixture_dir):
    overlay = fixture_dir / "o5.yaml"
    overlay.write_text("extends: policy.yaml\nname: o5\nchange: {tiers: {good: {min_score: 0}}}\n")
    done = run_cli("validate", overlay)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"{overlay}:3:36: tiers go best first: min_score must be above"
                                  " the next tier's (0 <= 0)"), done.stderr


def test_a_tier_bound_a_term_sets_out_of_order_is_blamed_on_the_term(ws):
    """The term sits in the same file as the tiers: the line, not the file, tells them apart."""
    text = ws.policy_path.read_text() + (
        "terms:\n  - id: vnm-deal\n    title: A deal\n    partners: [VNM]\n"
        "    sources: [s1]\n    change:\n      tiers:\n        good: {min_score: 0}\n")
    path = ws.write_policy(text)
    line = len(text.splitlines())
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert_input_error(caught.value, path, line, 27, "must be above the next tier's (0 <= 0)")


def test_a_swept_tier_bound_out_of_order_is_blamed_on_the_param(ws):
    compiled = api.load_policy(ws.policy_path)
    partner = api.load_partner(ws.vnm_path, compiled.catalog)
    target, values = parse_range("good.min_score=0:20:10")
    with pytest.raises(InputError) as caught:
        sweep(compiled, [partner], target, values, DAY)
    assert str(caught.value).startswith("--param good.min_score=0: tiers go best first")


# an overlay's tiers that leave out the fixture's 'bad'
TIERS_WITHOUT_BAD = ("tiers:\n"
                     "  - {id: good, title: G, min_score: 50, outcome: {tariff_rate: 10,"
                     " legal_authority: ieepa, status: in_force}}\n"
                     "  - {id: worse, title: W, min_score: 0, outcome: {tariff_rate: 40,"
                     " legal_authority: ieepa, status: in_force}}\n")


def test_tiers_that_drop_a_capping_tier_are_blamed_on_the_overlay(ws):
    """The base rule's `caps_tier: bad` was right until the overlay's tiers dropped 'bad'."""
    data = ws.policy_data()
    data["rules"][0]["caps_tier"] = "bad"
    ws.write_policy(data, "capped.yaml")
    path = _overlay(ws, TIERS_WITHOUT_BAD, base="capped.yaml")
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    rule = data["rules"][0]["id"]
    message = assert_input_error(caught.value, path, 4, 3,
                                 f"rule '{rule}' caps at unknown tier 'bad'")
    assert "capped.yaml" not in message


def test_tiers_that_drop_a_tier_a_base_term_changes_are_blamed_on_the_overlay(ws):
    """The base term's `change: tiers: bad:` was right until the overlay's tiers dropped
    'bad': it was reported at the base's line, which the drafter never touched."""
    _overlay(ws, TERMS, name="deal.yaml")
    path = _overlay(ws, TIERS_WITHOUT_BAD, base="deal.yaml")
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    message = assert_input_error(caught.value, path, 3, 1,
                                 "these tiers leave out 'bad', which the term 'vnm-deal' "
                                 f"changes at {ws.root / 'deal.yaml'}:13:9 (keep a tier 'bad')")
    assert f"{ws.root / 'deal.yaml'}:13:9: no tier" not in message


def test_settings_change_limit_weight_and_tier_bounds(ws):
    base = _card(ws, ws.policy_path)
    lifted = _card(ws, ws.policy_path, settings=("inputs-share.limit=0.4",))
    assert _status(lifted)["inputs-share"] == "satisfied"
    assert lifted.score > base.score
    heavier = _card(ws, ws.policy_path, settings=("inputs-share.weight=5",))
    assert heavier.score < base.score
    bar = _card(ws, ws.policy_path, settings=(f"good.min_score={base.score}",))
    assert bar.tier == "good"


def test_a_setting_on_the_cli_is_named_in_the_json(run_cli, fixture_dir):
    done = run_cli("evaluate", fixture_dir / "VNM.yaml", "--policy", fixture_dir / "policy.yaml",
                   "--set", "inputs-share.limit=0.4", "--format", "json")
    assert done.returncode == 0, done.stderr
    policy = json.loads(done.stdout)["policy"]
    assert policy["settings"] == ["inputs-share.limit=0.4"]


@pytest.mark.parametrize("args", [
    ("--set", "nope.limit=1"),
    ("--as-of", "2025-13-01"),
    ("--set", "inputs-share.limit"),
])
def test_bad_variant_arguments_exit_2_and_write_nothing(run_cli, fixture_dir, args):
    out = fixture_dir / "out.json"
    done = run_cli("evaluate", fixture_dir / "VNM.yaml", "--policy", fixture_dir / "policy.yaml",
                   *args, "--format", "json", "--output", out)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and not out.exists()


# --- terms, exceptions, dates ------------------------------------------------------------------

TERMS = """\
terms:
  - id: vnm-deal
    title: A deal
    partners: [VNM]
    sources: [s1]
    effective: 2026-01-01
    change:
      rules:
        inputs-share: {limit: 0.4}
      tiers:
        bad: {outcome: {tariff_rate: 20, legal_authority: ieepa, status: in_force}}
    rules:
      - {id: extra, demand: inputs, title: t, rationale: r, sources: [s1],
         require: {indicator: rerouting_share, comparison: at_most, limit: 0.1}}
"""


def test_a_term_applies_only_to_its_partner_and_only_once_in_force(ws):
    path = _overlay(ws, TERMS)
    card = _card(ws, path)
    assert card.terms == ("vnm-deal",)
    found = {f.rule: f for f in card.findings}
    assert found["inputs-share"].status.value == "satisfied"
    assert found["inputs-share"].terms == ("vnm-deal",)
    assert found["extra"].status.value == "violated"          # 0.161 > 0.1
    assert card.outcome.tariff_rate == (20.0 if card.tier == "bad" else 10.0)
    before = _card(ws, path, day=dt.date(2025, 12, 31))
    assert before.terms == () and "extra" not in _status(before)
    other = ws.vnm_data()
    other["partner"]["code"] = "THA"
    compiled = api.load_policy(path)
    thai = api.evaluate_partner(compiled, api.load_partner(ws.write_profile(other),
                                                           compiled.catalog), DAY)
    assert thai.terms == () and "extra" not in _status(thai)


def test_of_two_terms_changing_one_rule_the_later_applies_and_both_are_named(ws):
    path = _overlay(ws, "terms:\n"
                        "  - {id: d1, title: t, partners: [VNM], sources: [s1],\n"
                        "     change: {rules: {bri: {weight: 2}}}}\n"
                        "  - {id: d2, title: t, partners: [VNM], sources: [s1],\n"
                        "     change: {rules: {bri: {weight: 5}}}}\n")
    (bri,) = [f for f in _card(ws, path).findings if f.rule == "bri"]
    assert (bri.weight, bri.terms) == (5.0, ("d1", "d2"))


def test_explain_finds_a_rule_a_term_adds_and_names_the_term(run_cli, ws):
    path = _overlay(ws, TERMS)
    done = run_cli("explain", "extra", "--policy", path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("extra: t\ndemand: inputs\n"
                                  "added by term vnm-deal (from 2026-01-01) for VNM: A deal\n"
                                  "requires: Rerouting share is at most 10%\n"), \
        done.stdout
    typo = run_cli("explain", "extr", "--policy", path)
    assert typo.returncode == 2 and "did you mean 'extra'?" in typo.stderr


def test_a_bad_term_is_reported_at_load_with_its_line(ws):
    path = _overlay(ws, TERMS.replace("{limit: 0.4}", "{limit: lots}"))
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert_input_error(caught.value, path, 11, 31, "not 'lots'")


EXCEPTION = """\
exceptions:
  - id: waiver
    partner: VNM
    rule: inputs-share
    justification: A transition period.
    granted: 2025-01-01
    expires: 2026-06-30
"""


@pytest.mark.parametrize(("treatment", "counts_as"), [
    ("excluded", None), ("satisfied", "satisfied"), ("violated", "violated")])
def test_an_excepted_violation_counts_as_the_policy_says(ws, treatment, counts_as):
    base = _card(ws, ws.policy_path)
    path = _overlay(ws, f"scoring: {{excepted: {treatment}}}\n{EXCEPTION}")
    card = _card(ws, path)
    finding = next(f for f in card.findings if f.rule == "inputs-share")
    assert finding.status.value == "excepted"
    assert finding.exception.would_be == "violated" and finding.exception.applied
    lifted = _card(ws, ws.policy_path, settings=("inputs-share.limit=0.4",))
    dropped = _card(ws, ws.policy_path, settings=("inputs-share.disabled=true",))
    expected = {None: dropped.score, "satisfied": lifted.score, "violated": base.score}
    assert card.score == expected[counts_as]


def test_an_expired_exception_no_longer_applies_and_says_so(ws):
    path = _overlay(ws, EXCEPTION)
    card = _card(ws, path, day=dt.date(2026, 7, 1))
    finding = next(f for f in card.findings if f.rule == "inputs-share")
    assert finding.status.value == "violated"
    assert finding.exception.state == "expired" and not finding.exception.applied
    assert "(exception waiver expired 2026-06-30)" in finding.message


WAIVER = """\
  - id: waiver
    partner: VNM
    rule: inputs-share
    justification: A transition period.
    granted: 2025-01-01
    expires: 2025-12-31
"""
RENEWAL = """\
  - id: renewal
    partner: VNM
    rule: inputs-share
    justification: The transition extended.
    granted: 2026-01-01
    expires: 2026-06-30
"""


@pytest.mark.parametrize("order", ["oldest first", "newest first"])
@pytest.mark.parametrize(("day", "applied"), [
    (dt.date(2025, 6, 1), "waiver"), (dt.date(2026, 3, 1), "renewal"), (dt.date(2026, 7, 1), None)])
def test_of_two_exceptions_for_one_rule_the_one_in_force_that_day_applies(ws, day, applied,
                                                                          order):
    """A renewed exception (one rule, one partner, back-to-back dates) waives the violation on
    every day one of them is in force, whichever is written first. It did only in the last
    one's dates: the first was overwritten by the second."""
    entries = WAIVER + RENEWAL if order == "oldest first" else RENEWAL + WAIVER
    card = _card(ws, _overlay(ws, f"exceptions:\n{entries}"), day=day)
    finding = next(f for f in card.findings if f.rule == "inputs-share")
    assert finding.status.value == ("excepted" if applied else "violated")
    if applied:
        assert finding.exception.id == applied and finding.exception.applied


def test_an_exception_for_an_unknown_rule_is_refused(ws):
    path = _overlay(ws, EXCEPTION.replace("rule: inputs-share", "rule: input-share"))
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert "did you mean 'inputs-share'" in assert_input_error(caught.value, path, 6, 11)


def test_a_rule_not_yet_in_force_is_left_out(ws):
    path = _overlay(ws, "change:\n  rules:\n    ratio: {effective: 2026-06-01}\n")
    assert "ratio" not in _status(_card(ws, path))
    assert "ratio" in _status(_card(ws, path, day=dt.date(2026, 6, 1)))


# --- compare and sweep -------------------------------------------------------------------------

def test_compare_names_the_rule_behind_each_change(ws):
    path = _overlay(ws, "change:\n  rules:\n    inputs-share: {limit: 0.4}\n")
    partner = api.load_partner(ws.vnm_path, api.load_policy(path).catalog)
    found = compare(api.load_policy(path), api.load_policy(ws.policy_path), [partner], DAY)
    change = found.partners[0]
    assert [(c.rule, c.before, c.after) for c in change.causes] == \
        [("inputs-share", "violated", "satisfied")]
    assert change.score_delta == round(change.after.score - change.before.score, 1) > 0


def test_compare_names_a_moved_tier_bound_beside_the_rules(ws):
    """A looser limit and a lower bar at once: the tier change was put down to the rule
    alone, though its score (12.5 -> 25) would not have reached the old bar of 80."""
    path = _overlay(ws, "change:\n  rules:\n    ratio: {limit: 2.0}\n  tiers:\n"
                        "    good: {min_score: 20}\n")
    compiled = api.load_policy(path)
    partner = api.load_partner(ws.vnm_path, compiled.catalog)
    change = compare(compiled, api.load_policy(ws.policy_path), [partner], DAY).partners[0]
    assert change.before.tier == "bad" and change.after.tier == "good", change
    assert [c.rule for c in change.causes] == ["ratio"]
    assert change.notes == ("tier bounds changed: good 80 → 20",)
    same = compare(api.load_policy(path), api.load_policy(path), [partner], DAY).partners[0]
    assert same.notes == ()


def test_a_rule_added_or_dropped_where_it_does_not_apply_changes_no_one(ws):
    """A rule that is not applicable never counts, so a partner outside its scope is not
    moved by adding it: compare listed every partner as changed ('12 of 12 partners change')
    with 'inputs-steel-asean: absent → not applicable' as the cause."""
    added = _overlay(ws, "rules:\n  - {id: thai-only, demand: inputs, title: t, rationale: r, "
                         "sources: [s1], applies_to: {partners: [THA]},\n"
                         "     require: {indicator: rerouting_share, comparison: at_most, "
                         "limit: 0.1}}\n", name="added.yaml")
    compiled = api.load_policy(added)
    partner = api.load_partner(ws.vnm_path, compiled.catalog)
    for variant, baseline in ((compiled, api.load_policy(ws.policy_path)),
                              (api.load_policy(ws.policy_path), compiled)):
        change = compare(variant, baseline, [partner], DAY).partners[0]
        assert change.causes == () and not change.changed, change


@pytest.mark.parametrize(("outcome", "said"), [
    ("legal_authority: section_232, effective: 2025-07-31",
     "(IEEPA, effective 2025-07-31) → 40% struck down (Section 232, effective 2025-07-31)"),
    ("legal_authority: ieepa, effective: 2026-01-01",
     "(IEEPA, effective 2025-07-31) → 40% struck down (IEEPA, effective 2026-01-01)"),
    ("legal_authority: ieepa, effective: 2025-07-31, expires: 2027-01-31",
     "(IEEPA, effective 2025-07-31) → 40% struck down (IEEPA, effective 2025-07-31, "
     "until 2027-01-31)"),
])
def test_compare_reports_an_outcome_whose_authority_or_date_alone_changed(ws, outcome, said):
    """Same rate and status under another legal authority (or from another day, or ending on
    another day) is another outcome for the partner: a tariff struck down under one statute
    may stand under another, and a rate that ends is not one that lasts."""
    path = _overlay(ws, "change:\n  tiers:\n    bad:\n      outcome: {tariff_rate: 40, "
                        f"status: struck_down, {outcome}}}\n")
    partner = api.load_partner(ws.vnm_path, api.load_policy(path).catalog)
    change = compare(api.load_policy(path), api.load_policy(ws.policy_path), [partner],
                     DAY).partners[0]
    assert change.before.tier == change.after.tier == "bad"
    assert change.outcome_changed and change.changed
    assert change.notes == (f"outcome of tier bad: 40% struck down {said}",)


def test_compare_on_the_cli_defaults_to_the_base_of_an_overlay(run_cli, fixture_dir):
    (fixture_dir / "o.yaml").write_text("extends: policy.yaml\nname: v\nchange:\n  rules:\n"
                                        "    inputs-share: {limit: 0.4}\n")
    done = run_cli("compare", fixture_dir / "VNM.yaml", "--policy", fixture_dir / "o.yaml",
                   "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["before"]["name"] != data["after"]["name"] or data["before"]["hash"] != \
        data["after"]["hash"]
    assert data["partners"][0]["causes"][0]["rule"] == "inputs-share"


def test_every_pinned_flip_agrees_with_evaluate_at_that_value(ws):
    compiled = api.load_policy(ws.policy_path)
    partner = api.load_partner(ws.vnm_path, compiled.catalog)
    low = _card(ws, ws.policy_path)              # the score does not depend on the bounds
    target, values = parse_range("good.min_score=10:30:10")
    result = sweep(compiled, [partner], target, values, DAY)
    (flip,) = result.rows[0].flips
    assert flip.at == low.score and flip.inclusive is False
    at = _card(ws, ws.policy_path, settings=(f"good.min_score={flip.at}",))
    past = _card(ws, ws.policy_path, settings=(f"good.min_score={flip.at + 0.05}",))
    assert (at.tier, past.tier) == (flip.from_tier, flip.to_tier)


def test_a_limit_sweep_pins_the_flip_at_the_observed_value(ws):
    compiled = api.load_policy(ws.policy_path, ("good.min_score=50",))
    partner = api.load_partner(ws.vnm_path, compiled.catalog)
    target, values = parse_range("inputs-share.limit=0.1:0.5:0.1")
    flips = sweep(compiled, [partner], target, values, DAY).rows[0].flips
    assert [(f.at, f.inclusive) for f in flips] == [(0.365, True)]
    assert _card(ws, ws.policy_path, settings=("good.min_score=50", "inputs-share.limit=0.365")
                 ).tier == flips[0].to_tier
    assert _card(ws, ws.policy_path, settings=("good.min_score=50", "inputs-share.limit=0.3649")
                 ).tier == flips[0].from_tier


@pytest.mark.parametrize(("param", "flip"), [
    ("inputs-share.limit=0.165:0.565:0.1", (0.365, True)),    # the new tier's first step
    ("inputs-share.limit=0.565:0.165:0.1", (0.365, False)),   # the old tier's last step
])
def test_a_figure_on_a_swept_value_is_still_pinned(ws, param, flip):
    """The tier changes at the partner's figure (0.365): pinned when it falls on a step, from
    either side, never left 'between' two steps."""
    compiled = api.load_policy(ws.policy_path, ("good.min_score=50",))
    partner = api.load_partner(ws.vnm_path, compiled.catalog)
    target, values = parse_range(param)
    (found,) = sweep(compiled, [partner], target, values, DAY).rows[0].flips
    assert (found.at, found.inclusive) == flip
    beyond = found.at + (0.0001 if found.before > found.after else -0.0001)
    tiers = [_card(ws, ws.policy_path, settings=("good.min_score=50",
                                                 f"inputs-share.limit={v}")).tier
             for v in (found.at, beyond)]
    assert tiers == ([found.to_tier] * 2 if found.inclusive else
                     [found.from_tier, found.to_tier])


def test_a_score_on_a_swept_tier_bound_is_pinned_just_past_it(ws):
    score = _card(ws, ws.policy_path).score
    compiled = api.load_policy(ws.policy_path)
    partner = api.load_partner(ws.vnm_path, compiled.catalog)
    target, values = parse_range(f"good.min_score={score - 10}:{score + 10}:10")
    (found,) = sweep(compiled, [partner], target, values, DAY).rows[0].flips
    assert (found.after, found.at, found.inclusive) == (score, score, False)


@pytest.mark.parametrize(("param", "message"), [
    ("inputs-share.limit=0:1:0", "STEP must be positive"),
    ("inputs-share.limit=0:1", "START:STOP:STEP"),
    ("inputs-share.limit=0:1:0.0001", "at most 1,000"),
    ("inputs-share.limit=a:1:0.1", "'a' is not a number"),
    ("inputs-share", "expected TARGET.FIELD=START:STOP:STEP"),
    # Decimal read 1e400 as a whole number: the argument came back as 401 digits
    ("inputs-share.limit=0.1,1e400", "'1e400' is too large (over 1e300)"),
    ("inputs-share.limit=0:1e400:1e398", "'1e400' is too large (over 1e300)"),
])
def test_a_bad_sweep_range_is_bad_input(param, message):
    with pytest.raises(InputError) as caught:
        parse_range(param)
    assert str(caught.value).startswith(f"--param {param}: ") and len(str(caught.value)) < 200
    assert message in str(caught.value)


def test_a_bad_sweep_range_and_a_bad_field_are_reported_together():
    with pytest.raises(InputError) as caught:
        parse_range("inputs-share.limt=a:1:0.1")
    assert str(caught.value).splitlines() == [
        "--param inputs-share.limt=a:1:0.1: 'a' is not a number",
        "--param inputs-share.limt=a:1:0.1: cannot set 'limt' of rule 'inputs-share'"
        " (did you mean 'limit'?)"]


def test_sweep_steps_are_exact_decimals():
    assert parse_range("x.limit=0.1:0.3:0.1")[1] == [0.1, 0.2, 0.3]
    assert parse_range("x.limit=3:1:1")[1] == [3, 2, 1]


def test_rules_lists_outcome_histories_terms_and_exceptions(run_cli):
    from engine import locate

    example = locate.data_dir("policies") / "examples" / "deal-terms.yaml"
    done = run_cli("rules", "--policy", example)
    assert done.returncode == 0, done.stderr
    assert "15% under IEEPA, struck down (from 2026-02-20)" in done.stdout
    assert "uk-epd-steel (from 2025-06-16)" in done.stdout
    assert "mex-melt-pour-transition: MEX from inputs-usmca-steel-melt-pour" in done.stdout


def test_a_dated_rule_added_by_a_term_follows_its_own_dates(ws):
    dated = "effective: 2026-06-01, require: {indicator: rerouting_share"
    path = _overlay(ws, TERMS.replace("require: {indicator: rerouting_share", dated))
    assert "extra" not in _status(_card(ws, path, day=dt.date(2026, 3, 1)))
    assert _status(_card(ws, path, day=dt.date(2026, 6, 1)))["extra"] == "violated"


@pytest.mark.parametrize("written", ['"2026-06-01"', "2026-06-01T00:00:00"])
def test_a_date_written_in_quotes_or_as_midnight_counts_as_that_day(ws, written):
    """Validation reads "2026-06-01" (and a midnight timestamp) as the day; the dates a term
    and the rules it brings are judged by were read from the plain data and compared text (or
    a datetime) with a date: exit 3 for any partner the term covers."""
    body = TERMS.replace("effective: 2026-01-01", 'effective: "2026-01-01"').replace(
        "require: {indicator: rerouting_share",
        f"effective: {written}, require: {{indicator: rerouting_share")
    path = _overlay(ws, body)
    assert "extra" not in _status(_card(ws, path, day=dt.date(2026, 3, 1)))
    assert _status(_card(ws, path, day=dt.date(2026, 6, 1)))["extra"] == "violated"
    assert _card(ws, path, day=dt.date(2025, 12, 31)).terms == ()


def test_variants_of_a_policy_stay_bounded(ws, monkeypatch):
    monkeypatch.setattr(api, "MAX_VARIANTS", 3)
    compiled = api.load_policy(ws.policy_path)
    for limit in (0.1, 0.2, 0.3, 0.4, 0.5):
        api.with_settings(compiled, (f"inputs-share.limit={limit}",))
    assert len(compiled.variants) == 3
    assert ("settings", ("inputs-share.limit=0.5",)) in compiled.variants


def test_an_exception_for_a_rule_not_yet_in_force_is_no_error_that_day(ws):
    path = _overlay(ws, "change:\n  rules:\n    inputs-share: {effective: 2026-06-01}\n"
                        + EXCEPTION)
    assert "inputs-share" not in _status(_card(ws, path, day=dt.date(2026, 3, 1)))
    assert _status(_card(ws, path, day=dt.date(2026, 6, 1)))["inputs-share"] == "excepted"


def test_a_rule_that_terms_and_exceptions_name_can_still_be_disabled(ws, run_cli):
    """`disabled: true` takes a rule out of the policy, so a term's change to it and an
    exception for it have nothing left to act on. Both were refused at the base's line with
    a did-you-mean to another rule ("no rule 'inputs-share' to change (did you mean ...)"),
    so no overlay and no --set could switch off a rule a deal term names."""
    deal = _overlay(ws, TERMS + EXCEPTION, name="deal.yaml")
    card = _card(ws, deal, settings=("inputs-share.disabled=true",))
    assert "inputs-share" not in _status(card)
    assert card.terms == ("vnm-deal",) and _status(card)["extra"] == "violated"
    path = _overlay(ws, "change:\n  rules:\n    inputs-share: {disabled: true}\n",
                    name="without.yaml", base="deal.yaml")
    assert "inputs-share" not in _status(_card(ws, path))
    for command in ("validate", "rules", "docs"):
        args = ("--policy", path, "--output", ws.root / "site") if command == "docs" else \
            ("--policy", path) if command == "rules" else (path,)
        done = run_cli(command, *args)
        assert done.returncode == 0, done.stderr


def test_a_change_to_a_rule_a_term_adds_names_the_term(ws):
    """It read "no rule 'extra' to change" with a did-you-mean to another rule, as if the id
    were misspelt: the rule is there, but only inside its term."""
    deal = _overlay(ws, TERMS, name="deal.yaml")
    with pytest.raises(InputError) as caught:
        api.load_policy(deal, ("extra.limit=0.2",))
    message = str(caught.value)
    assert "--set extra.limit=0.2: no rule 'extra' to change: it is added by the term " \
           "'vnm-deal' (change it in the term's rules)" in message
    assert "did you mean" not in message


def test_a_change_to_a_rule_a_base_disabled_says_so(ws):
    _overlay(ws, "change:\n  rules:\n    inputs-share: {disabled: true}\n", name="first.yaml")
    path = _overlay(ws, "change:\n  rules:\n    inputs-share: {limit: 0.4}\n",
                    name="second.yaml", base="first.yaml")
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    message = assert_input_error(caught.value, path, 5, 5, "no rule 'inputs-share' to change: "
                                 f"it is disabled at {ws.root / 'first.yaml'}:5:20")
    assert "did you mean" not in message


def test_a_term_group_and_an_exception_source_are_checked_like_a_rules(ws):
    body = TERMS.replace("partners: [VNM]", "groups: [asean]") + \
        EXCEPTION.replace("    expires: 2026-06-30\n", "    sources: [s2]\n")
    path = _overlay(ws, "groups: {aseaan: [VNM]}\n" + body)
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert_input_error(caught.value, path, 7, 14, "unknown group 'asean'")
    assert "did you mean 'aseaan'" in str(caught.value)
    assert_input_error(caught.value, path, 24, 15, "unknown source 's2'")


HOSTILE = ("[bold]Evil[/] </td><script>alert(1)</script> | pipe `tick` **b** _u_ [l](http://x)"
           " &amp; \u2028 x\n# Heading\nline2")


def _hostile_run(ws):
    """The fixture VNM renamed to HOSTILE, under a policy whose version is hostile too."""
    data = ws.vnm_data()
    data["partner"] = {"code": "XEV", "name": HOSTILE}
    policy = ws.policy_data()
    policy["version"] = "1 | <b>v</b>"
    compiled = api.load_policy(ws.write_policy(policy))
    return compiled, api.load_partner(ws.write_profile(data), compiled.catalog)


def _one_row(markdown: str, header: str) -> str:
    """The table's only data row; every line of the table has the header's number of cells."""
    lines = markdown.splitlines()
    table = lines[lines.index(header):]
    assert len(table) == 3, table          # header, rule, one row: no line break got through
    cells = {len(re.split(r"(?<!\\)\|", line)) for line in table}
    assert cells == {len(header.split("|"))}
    return table[2]


def _assert_escaped(markdown: str, row: str) -> None:
    assert not re.search(r"(?<!\\)[<`*_\[&]", row.split(" | ")[0])
    assert row.startswith(r"| XEV \[bold\]Evil\[/\] \</td\>\<script\>alert(1)\</script\> \|"
                          r" pipe \`tick\` \*\*b\*\* \_u\_ \[l\](http://x) \&amp;   x # Heading"
                          r" line2 | ")
    assert r"1 \| \<b\>v\</b\>" in markdown and "<b>" not in markdown


def test_compare_markdown_escapes_partner_and_policy_text(ws):
    compiled, partner = _hostile_run(ws)
    variant = api.load_policy(compiled.path, ("inputs-share.limit=0.4",))
    found = compare(variant, compiled, [partner], DAY)
    markdown = render_comparison(found, "markdown")
    row = _one_row(markdown, "| partner | before | after | Δ score | because |")
    _assert_escaped(markdown, row)
    assert row.endswith(r"| inputs-share: violated → satisfied |")


def test_sweep_markdown_escapes_partner_and_policy_text(ws):
    compiled, partner = _hostile_run(ws)
    target, values = parse_range("inputs-share.limit=0.1:0.5:0.2")
    markdown = render_sweep(sweep(compiled, [partner], target, values, DAY), "markdown")
    _assert_escaped(markdown, _one_row(markdown, "| partner | tiers | flips |"))


def test_compare_and_sweep_markdown_say_the_day_and_the_overlay_chain(ws):
    """The day changes verdicts (rules and terms have dates), and the table, the JSON and the
    HTML of compare and sweep all state it with the overlay chain; the markdown said neither,
    so a memo of an --as-of run read like one of today's."""
    base = api.load_policy(ws.policy_path)
    partner = api.load_partner(ws.vnm_path, base.catalog)
    variant = api.load_policy(_overlay(ws, ""))
    compared = render_comparison(compare(variant, base, [partner], DAY), "markdown")
    after = next(line for line in compared.splitlines() if line.startswith("- **After:**"))
    assert after.endswith("overlay chain: overlay.yaml → policy.yaml; as of 2026-03-01"), after
    assert next(line for line in compared.splitlines() if line.startswith(
        "- **Before:**")).endswith("as of 2026-03-01")
    target, values = parse_range("inputs-share.limit=0.1:0.5:0.2")
    swept = render_sweep(sweep(variant, [partner], target, values, DAY), "markdown")
    assert "overlay chain: overlay.yaml → policy.yaml; as of 2026-03-01" in swept


@pytest.mark.parametrize(("depth", "refused"), [(16, False), (17, True)])
def test_an_overlay_chain_may_be_16_deep(ws, depth, refused):
    """docs/policy-language.md: an overlay may extend an overlay, up to 16 deep."""
    base = "policy.yaml"
    for n in range(1, depth + 1):
        path = _overlay(ws, "", f"deep{n}.yaml", base)
        base = path.name
    if not refused:
        assert api.load_policy(path).rules
        return
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert f"more than 16 overlays deep, counting from deep{depth}.yaml" in str(caught.value)


# --- remedy settings in an overlay -----------------------------------------------------------

def _khm_remedy(ws, remedies_yaml: str):
    """Cambodia's remedy under an overlay of the shipped policy with this `remedies:` block."""
    from engine import remedies

    path = ws.write("rem.yaml", f"extends: us-china-alignment\nname: rem\n{remedies_yaml}")
    compiled = api.load_policy(path)
    khm = api.load_partner("KHM", compiled.catalog).profile
    return compiled.policy.remedies, remedies.plan(compiled, khm, DAY)


def test_an_overlay_changing_the_remedy_cost_keeps_the_bases_fixed_figures(ws):
    """Setting only `cost` used to replace the whole block, so KHM's remedy delisted it from EO
    14326, a US act the shipped policy marks as not Cambodia's to change."""
    settings, plan = _khm_remedy(ws, "remedies: {cost: count}\n")
    assert settings.cost == "count"
    assert settings.fixed == api.load_policy().policy.remedies.fixed
    assert "on_circumvention_list" in settings.fixed
    assert plan.status.value == "none" and not plan.changes
    assert "the policy marks on_circumvention_list" in plan.reason


def test_an_overlay_clears_the_bases_fixed_figures_with_an_empty_list(ws):
    settings, plan = _khm_remedy(ws, "remedies: {fixed: []}\n")
    assert settings.fixed == [] and settings.cost == "relative"
    assert plan.status.value == "found"
    assert ("on_circumvention_list", True, False) in {(c.indicator, c.current, c.target)
                                                      for c in plan.changes}


def test_an_unknown_fixed_figure_in_an_overlay_is_blamed_on_the_overlay(ws):
    path = ws.write("rem.yaml", "extends: us-china-alignment\nname: rem\n"
                                "remedies:\n  fixed: [on_circumvention_lst]\n")
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert_input_error(caught.value, path, 4)


def _cells(out: str, index: int) -> list[str]:
    """Column `index` of each table row (a row's lines joined, folds undone by dropping the
    spaces rich pads with)."""
    rows: list[list[str]] = []
    for line in out.splitlines():
        parts = line.split("│")
        if len(parts) < 3:
            rows.append([])                  # a rule between rows, or the table's edges
            continue
        if not rows:
            rows.append([])
        rows[-1].append(parts[index].strip())
    return ["".join(r) for r in rows if r]


def test_compare_and_sweep_tables_fit_an_80_column_terminal(run_cli):
    """Both tables were 160 wide whatever the terminal, so an 80-column one wrapped every line
    and broke the borders. They follow COLUMNS as evaluate's does; the causes of a change keep
    most of the room and read whole, and a sweep's strip of 31 steps stays on one line."""
    from engine import locate

    example = locate.data_dir("policies") / "examples" / "deal-terms.yaml"
    compared = run_cli("compare", "GBR", "MEX", "--against", example, env={"COLUMNS": "80"})
    swept = run_cli("sweep", "--param", "aligned.min_score=70:100:1", "GBR", "MEX",
                    env={"COLUMNS": "80"})
    for done in (compared, swept):
        assert done.returncode == 0, done.stderr
        assert max(map(len, done.stdout.splitlines())) <= 80, done.stdout
    causes = "".join(_cells(compared.stdout, 6)).replace(" ", "")
    as_json = json.loads(run_cli("compare", "GBR", "MEX", "--against", example, "-f",
                                 "json").stdout)
    rules = [c["rule"] for p in as_json["partners"] for c in p["causes"] if c.get("rule")]
    assert rules and all(f"{rule}:" in causes for rule in rules), compared.stdout
    strips = [line.split("│")[2].strip() for line in swept.stdout.splitlines()
              if line.startswith(("│ GBR", "│ MEX"))]
    assert len(strips) == 2 and all(len(s) == 31 and set(s) <= set("ACWN·") for s in strips), \
        swept.stdout


def test_an_unchanged_score_reads_0_not_plus_0(ws):
    """A partner whose verdicts or outcome change but not its score read 'Δ +0', as a gain."""
    from dataclasses import replace

    base = api.load_policy(ws.policy_path)
    partner = api.load_partner(ws.vnm_path, base.catalog)
    found = compare(api.load_policy(ws.policy_path, ("inputs-share.limit=0.4",)), base,
                    [partner], DAY)
    change = found.partners[0]
    change = replace(change, after=replace(change.after, score=change.before.score))
    found = replace(found, partners=(change,))
    assert change.changed and change.score_delta == 0
    row = _one_row(render_comparison(found, "markdown"),
                   "| partner | before | after | Δ score | because |")
    assert row.split(" | ")[3] == "0"
    assert "│ 0 " in render_comparison(found, "table")
    html = render_comparison(found, "html")
    assert '<span aria-hidden="true">=</span> 0</span>' in html, html


def test_a_policy_compiled_from_its_model_applies_its_terms_and_dates_as_its_file_does():
    """compile_policy on a Policy model (library use, the benchmark) has no file behind it:
    a rule not yet in force crashed evaluate_partner with AttributeError, and partner terms
    were silently ignored. Each partner now faces what the file-loaded policy gives it."""
    import datetime as dt

    from engine import locate
    from engine.compile import compile_policy

    from_file = api.load_policy(locate.data_dir("policies") / "examples" / "deal-terms.yaml")
    from_model = compile_policy(from_file.policy, from_file.catalog)
    for code in ("GBR", "KHM", "MEX", "VNM"):
        partner = api.load_partner(code, from_file.catalog)
        for day in (dt.date(2025, 9, 1), dt.date(2026, 3, 1)):
            want = api.evaluate_partner(from_file, partner, day)
            got = api.evaluate_partner(from_model, partner, day)
            assert (got.score, got.tier, got.terms) == (want.score, want.tier, want.terms)
            assert [(f.rule, f.status) for f in got.findings] == \
                [(f.rule, f.status) for f in want.findings]


@pytest.mark.parametrize("parameter", ["inputs-steel-share.weight=0.5:4:0.5",
                                       "watch.min_score=30:60:5"])
def test_a_weight_or_bound_sweep_agrees_with_set_at_every_step(parameter):
    """Such a step is scored on the policy with that one number changed, not compiled again
    (next test): it agrees with the same --set evaluated on its own, for partners with terms
    (GBR's changes the swept rule, KHM's the watch tier's outcome) and without."""
    import datetime as dt

    from engine import locate

    example = locate.data_dir("policies") / "examples" / "deal-terms.yaml"
    compiled = api.load_policy(example)
    partners = [api.load_partner(c, compiled.catalog) for c in ("GBR", "KHM", "VNM")]
    day = dt.date(2026, 3, 1)
    target, values = parse_range(parameter)
    result = sweep(compiled, partners, target, values, day)
    for row in result.rows:
        partner = next(p for p in partners if p.profile.partner.code == row.code)
        for value, tier, score in zip(values, row.tiers, row.scores, strict=True):
            card = api.evaluate_partner(api.load_policy(example, (f"{target}={value!r}",)),
                                        partner, day)
            assert (tier, score) == (card.tier, card.score), (row.code, value)


@pytest.mark.parametrize("parameter", ["inputs-share.weight=1:3:0.25", "good.min_score=50:90:5"])
def test_a_weight_or_bound_sweep_compiles_only_its_ends(ws, parameter, monkeypatch):
    """A weight or a tier bound changes no engine rule, yet each step validated and compiled
    the whole policy: most of such a sweep (0.9 s for 50 steps of a 100-rule policy, newly
    loaded). Only the range's two ends are compiled now, which checks the change as a --set
    is checked; a value out of range at an end is still refused."""
    compiled = api.load_policy(ws.policy_path)
    partner = api.load_partner(ws.vnm_path, compiled.catalog)
    target, values = parse_range(parameter)
    compiles = []
    real = api._compile
    monkeypatch.setattr(api, "_compile", lambda *a, **k: compiles.append(1) or real(*a, **k))
    sweep(compiled, [partner], target, values, DAY)
    assert len(compiles) == 2
    out_of_range = target + ("=0:1:0.5" if target.endswith("weight") else "=-10:90:5")
    with pytest.raises(InputError):                     # 0 and -10 at the low end
        sweep(compiled, [partner], *parse_range(out_of_range), DAY)
