"""`rules` and `explain RULE_ID`: a policy in plain words, rendered from its data."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import api, describe, locate


@pytest.fixture(scope="module")
def shipped():
    return api.load_policy()


@pytest.fixture(scope="module")
def deal_terms():
    return api.load_policy(locate.data_dir("policies") / "examples" / "deal-terms.yaml")


def test_rules_words_tier_outcomes_as_the_reports_do(deal_terms):
    text = describe.rules_text(deal_terms)
    for words in ("      10% under Section 122, in force (from 2026-02-20)\n",
                  "      15% under IEEPA, struck down (from 2026-02-20)\n",
                  "      100% under no stated legal authority, threatened (from 2026-01-24)\n"):
        assert words in text, words
    assert "section_122" not in text and "struck_down" not in text


def test_a_terms_limit_reads_in_the_unit_of_the_indicator_it_sets(deal_terms):
    assert "      changes inputs-steel-share: limit 10%; weight 2; title Chinese share of steel " \
        "imports at most 10% (UK deal term)\n" in describe.rules_text(deal_terms)


@pytest.mark.parametrize(("rule", "words"), [
    ("transshipment-circumvention-list",
     "      when violated: the partner is rated no higher than tier watch\n"),
    ("deals-no-new-china-deal",
     "      when violated: the partner is rated no higher than tier non-aligned\n"),
    ("inputs-usmca-rvc", "      applies to: groups usmca\n"),
])
def test_rules_says_whom_a_rule_covers_and_what_a_violation_costs(shipped, rule, words):
    text = describe.rules_text(shipped)
    entry = text[text.index(f"  - {rule} "):]
    entry = entry[:entry.index("\n  - ") + 1]
    assert words in entry, entry


@pytest.mark.parametrize(("rule", "words"), [
    ("deals-no-new-china-deal",
     ["in force: from 2026-01-24\n",
      "when violated: the partner is rated no higher than tier non-aligned\n"]),
    ("transshipment-circumvention-list",
     ["when violated: the partner is rated no higher than tier watch\n"]),
])
def test_explain_says_when_a_rule_is_in_force_and_what_a_violation_costs(shipped, rule, words):
    text = describe.rule_text(shipped, rule)
    for line in words:
        assert line in text, text


@pytest.mark.parametrize(("rule", "words"), [
    ("inputs-steel-share",
     "changed by term uk-epd-steel (from 2025-06-16) for GBR: limit 10%; weight 2; title Chinese "
     "share of steel imports at most 10% (UK deal term)\n"),
    ("inputs-usmca-steel-melt-pour",
     "excepted by mex-melt-pour-transition for MEX, granted 2025-07-01, expires 2026-12-31\n"),
])
def test_explain_names_the_terms_and_exceptions_that_vary_a_rule(deal_terms, rule, words):
    assert words in describe.rule_text(deal_terms, rule)


def test_explain_says_nothing_of_dates_or_variants_a_rule_does_not_have(shipped):
    text = describe.rule_text(shipped, "inputs-china-import-share")
    for absent in ("in force:", "when violated:", "applies to:", "changed by", "excepted by"):
        assert absent not in text


def test_a_terms_other_changes_read_as_words_not_python(ws):
    """A term changing a rule's sources, scope, requirement, severity or (folded) rationale was
    printed as Python data: "sources ['s1', 's2']", "applies_to {'partners': [...]}", "require
    {... <Comparison.AT_MOST: 'at_most'> ...}", and a rationale's line break broke the line."""
    (ws.root / "o.yaml").write_text(
        "extends: policy.yaml\nname: o\nsources:\n  s2: {title: Other}\n"
        "terms:\n  - id: t1\n    title: t\n    partners: [VNM]\n"
        "    sources: [s1]\n    change:\n      rules:\n        inputs-share:\n"
        "          severity: high\n          rationale: \"two\\nlines\"\n"
        "          sources: [s1, s2]\n          applies_to: {partners: [VNM, THA]}\n"
        "          require: {indicator: china_import_share, comparison: at_most, limit: 0.3}\n")
    text = describe.rules_text(api.load_policy(ws.root / "o.yaml"))
    line = next(x for x in text.splitlines() if "changes inputs-share:" in x)
    assert line.split(": ", 1)[1] == (
        "severity high; rationale two lines; sources s1, s2; applies to partners VNM, THA; "
        "require 'Chinese share of imports is at most 30%'")


def test_a_terms_change_to_a_rule_an_overlay_disabled_says_it_changes_nothing(tmp_path):
    """An overlay of deal-terms that disables inputs-steel-share keeps the UK term, whose
    change to that rule then acts on nothing: `rules` and `docs` listed it as 'limit 10%;
    weight 2; ...' all the same."""
    shipped = locate.data_dir("policies")
    for name in ("us-china-alignment.yaml", "indicators.yaml", "examples/deal-terms.yaml"):
        (tmp_path / Path(name).name).write_text((shipped / name).read_text())
    (tmp_path / "off.yaml").write_text("extends: deal-terms.yaml\nname: steel-off\nchange:\n"
                                       "  rules:\n    inputs-steel-share: {disabled: true}\n")
    compiled = api.load_policy(tmp_path / "off.yaml")
    said = "changes inputs-steel-share: nothing: the rule is disabled in this policy\n"
    assert said in describe.rules_text(compiled)
    kept = api.load_policy(tmp_path / "deal-terms.yaml")
    assert "changes inputs-steel-share: limit 10%; weight 2;" in describe.rules_text(kept)


def test_a_number_beside_arithmetic_reads_as_the_findings_say_it(ws):
    """`imports / exports <= 1.0` read 'is at most 1.0' in rules and explain, where its
    findings say 'exceeds the 1 limit': the same limit in two spellings."""
    compiled = api.load_policy(ws.policy_path)
    assert "requires imports from China / exports to the US is at most 1\n".lower() in \
        describe.rules_text(compiled).lower()
    finding = next(f for f in ws.evaluate(compiled).findings if f.rule == "ratio")
    assert "the 1 limit" in finding.message


def test_brackets_group_conditions_not_labels_that_contain_and(shipped):
    """tariffs-match-us-on-china read 'requires (Gap between the partner's and the US tariff on
    Chinese goods is at least -25 pp) or Share of notified US measures matched is at least 50%':
    the bracket was set because the label holds the word 'and', and suggests a grouping the rule
    does not have. Brackets mark a nested any/all, as in the transshipment inference."""
    text = describe.rules_text(shipped)
    assert ("requires Gap between the partner's and the US tariff on Chinese goods is at least "
            "-25 pp or Share of notified US measures matched is at least 50%\n") in text
    assert "when (Rerouting share of exports to the US is above 10% or " in text
    assert "(Gap" not in describe.rule_text(shipped, "tariffs-match-us-on-china")
