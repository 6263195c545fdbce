"""`tradepolicy docs`: the living documentation page of a policy and its scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import api, scenarios
from engine import docs as living
from engine.errors import InputError
from tests.conftest import assert_input_error

FEATURE = """\
Feature: Inputs from China
  Scenario: Viet Nam's share is too high
    Given the fixture policy
    When partner "VNM" is evaluated
    Then rule "inputs-share" is violated

  Scenario Outline: Rules named in examples count too
    Then rule "<rule>" is judged

    Examples:
      | rule     |
      | ts-risk  |

  Rule: grouped scenarios
    Scenario: A scenario inside a Rule block
      Then rule "bri" is judged
      And rule "inputs-share-extra" is not this rule
"""


@pytest.fixture
def features(fixture_dir: Path) -> Path:
    """features/ beside the fixture policy's folder, as in a checkout."""
    folder = fixture_dir.parent / "features"
    folder.mkdir()
    (folder / "inputs.feature").write_text(FEATURE)
    return folder


def _cucumber(path: Path, statuses: dict[int, list[str]]) -> Path:
    elements = [{"line": line, "name": f"s{line}", "type": "scenario",
                 "steps": [{"result": {"status": s}} for s in steps]}
                for line, steps in statuses.items()]
    path.write_text(json.dumps([{"uri": "features/inputs.feature", "elements": elements}]))
    return path


def test_scenarios_are_mapped_to_the_rules_their_steps_and_examples_name(features):
    found = scenarios.load_scenarios(features)
    assert [s.line for s in found] == [2, 7, 15]
    named = {rule: [s.line for s in found if s.names(rule)]
             for rule in ("inputs-share", "ts-risk", "bri", "inputs")}
    assert named == {"inputs-share": [2], "ts-risk": [7], "bri": [15], "inputs": []}


def test_results_mark_each_scenario_and_an_outline_fails_if_any_run_fails(features, tmp_path):
    results = scenarios.load_results(_cucumber(tmp_path / "c.json", {
        2: ["passed", "passed"], 7: ["passed", "failed"], 15: ["passed", "skipped"]}))
    found = {s.line: scenarios.result_of(s, results) for s in scenarios.load_scenarios(features)}
    assert found == {2: "passed", 7: "failed", 15: "skipped"}
    assert scenarios.result_of(scenarios.load_scenarios(features)[0], None) is None


def test_the_page_documents_every_rule_with_its_scenarios_and_results(fixture_dir, features,
                                                                     tmp_path):
    compiled = api.load_policy(fixture_dir / "policy.yaml")
    page = living.build(compiled, None, _cucumber(tmp_path / "c.json", {2: ["failed"]}))
    for rule_id in list(compiled.rules) + list(compiled.derivations):
        assert f'id="rule-{rule_id}"' in page
    section = page.split('id="rule-inputs-share"')[1].split('id="rule-')[0]
    assert "Viet Nam&#x27;s share is too high" in section and "✗</span> failed" in section
    assert "Specified by 1 scenario<" in section
    assert "Keep Chinese share of imports low" in section        # the rule's title
    assert "No scenario names this rule." in page.split('id="rule-ratio"')[1]
    assert "not run" in page                                     # scenarios absent from the run


def test_without_features_the_page_says_so(fixture_dir, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)          # no features/ in the working folder either
    page = living.build(api.load_policy(fixture_dir / "policy.yaml"))
    assert "No feature files were found" in page
    assert "No test results given" in page


def test_a_bad_feature_file_is_reported_at_its_line_and_column(fixture_dir, features):
    bad = features / "broken.feature"
    bad.write_text("Feature: x\n  Scenario: a\n    Given b\n  Examples:\n  | a |\n  oops: |\n")
    with pytest.raises(InputError) as caught:
        living.build(api.load_policy(fixture_dir / "policy.yaml"))
    assert_input_error(caught.value, bad, 6, 3, "expected")


@pytest.mark.parametrize(("content", "line", "col", "text"), [
    ('[{"uri": "a", ', 1, 15, "not JSON"),
    ('{"uri": "a"}', 1, 1, "expected a list of features"),
    ('[{"elements": []}]', 1, 1, "feature 1 has no 'uri'"),
    ('[{"uri": "x", "elements": 5}]', 1, 1, "feature 1's elements are not a list of objects"),
    ('[{"uri": "x", "elements": ["a"]}]', 1, 1, "elements are not a list of objects"),
    ('[{"uri": "x", "elements": [{"line": 2, "steps": [5]}]}]', 1, 1,
     "the steps of x, scenario line 2 are not a list of objects"),
])
def test_a_bad_results_file_is_reported(fixture_dir, tmp_path, content, line, col, text):
    path = tmp_path / "results.json"
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        living.build(api.load_policy(fixture_dir / "policy.yaml"), None, path)
    assert_input_error(caught.value, path, line, col, text)


def test_a_step_result_of_the_wrong_shape_is_a_failure_not_a_crash(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps([{"uri": "f/inputs.feature", "elements": [
        {"line": 2, "steps": [{"result": "passed"}]},
        {"line": 7, "steps": [{"result": {"status": "passed"}}]}]}]))
    assert scenarios.load_results(path) == {("inputs.feature", 2): "failed",
                                            ("inputs.feature", 7): "passed"}


def test_the_cli_writes_index_html_and_exits_2_on_bad_input_leaving_nothing(
        run_cli, fixture_dir, features, tmp_path):
    out = tmp_path / "site"
    done = run_cli("docs", "--policy", fixture_dir / "policy.yaml", "--output", out)
    assert done.returncode == 0, done.stderr
    assert (out / "index.html").read_text().startswith("<!DOCTYPE html>")
    (features / "broken.feature").write_text("Feature: x\n  Scenario: a\n    Given b\n"
                                             "  Examples:\n  | a |\n  oops: |\n")
    other = tmp_path / "site2"
    done = run_cli("docs", "--policy", fixture_dir / "policy.yaml", "--output", other)
    assert done.returncode == 2
    assert f"{features / 'broken.feature'}:6:3:" in done.stderr and "Traceback" not in done.stderr
    assert not other.exists()


@pytest.mark.parametrize("option", ["--features", "--output"])
def test_a_folder_name_longer_than_any_is_bad_input(run_cli, fixture_dir, tmp_path, option):
    """Path.is_dir() and Path.exists() raise, not answer no, for a name over 255 bytes."""
    long = tmp_path / ("f" * 300)
    args = {"--features": ["--output", tmp_path / "site", "--features", long],
            "--output": ["--output", long]}[option]
    done = run_cli("docs", "--policy", fixture_dir / "policy.yaml", *args)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(str(long)) and "Traceback" not in done.stderr


def test_the_shipped_policy_documents_every_rule_with_a_scenario():
    """The shipped features specify every shipped rule, so the page shows a scenario for each
    (test_feature_coverage checks the names; this checks the page finds them)."""
    compiled = api.load_policy()
    page = living.build(compiled)
    assert page.count("No scenario names this rule.") == 0
    assert page.count('class="card rule"') == len(compiled.rules) + len(compiled.derivations)


def test_an_overlay_page_lists_its_terms_and_exceptions():
    from engine import locate

    compiled = api.load_policy(locate.data_dir("policies") / "examples" / "deal-terms.yaml")
    page = living.build(compiled)
    assert 'id="variants"' in page
    for text in ("uk-epd-steel", "inputs-uk-steel-plant-ownership", "mex-melt-pour-transition",
                 "2026-12-31"):
        assert text in page, text


def test_an_overlay_page_shows_a_terms_limit_in_its_indicators_unit():
    from engine import locate

    compiled = api.load_policy(locate.data_dir("policies") / "examples" / "deal-terms.yaml")
    page = living.build(compiled)
    assert "<code>inputs-steel-share</code>: limit 10%; weight 2" in page
    assert "limit 0.1" not in page


def test_an_overlay_page_says_its_changed_rules_scenarios_state_the_base_rule(run_cli, tmp_path):
    """The example overlay tightens the rerouting ceiling to 8%, and its page listed under it
    the shipped scenarios saying 'exceeds the 10% limit' without a word: a reader took them for
    this policy's. The page now says whose rule they state, under each rule the overlay adds or
    changes only; the shipped policy's own page says nothing of it."""
    import re

    from engine import locate

    example = locate.data_dir("policies") / "examples" / "deal-terms.yaml"
    caveat = "This overlay adds or changes this rule"
    done = run_cli("docs", "--policy", example, "--output", tmp_path / "overlay")
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "overlay" / "index.html").read_text()
    cards = re.findall(r'<article class="card rule">.*?</article>', page, re.S)
    flagged = [re.search(r'id="rule-([^"]+)"', c).group(1) for c in cards if caveat in c]
    assert flagged == ["transshipment-rerouting-ceiling"]
    assert "most against <code>us-china-alignment</code>, which this overlay extends" in page
    done = run_cli("docs", "--output", tmp_path / "shipped")
    assert done.returncode == 0, done.stderr
    shipped = (tmp_path / "shipped" / "index.html").read_text()
    assert caveat not in shipped and "which this overlay extends" not in shipped
