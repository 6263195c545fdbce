"""`rules` and `explain RULE_ID`: a policy in plain words, rendered from its data."""

from __future__ import annotations

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
    assert "      changes inputs-steel-share: limit 10%, weight 2\n" in \
        describe.rules_text(deal_terms)
