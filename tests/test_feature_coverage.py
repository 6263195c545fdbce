"""The features are the policy's documentation: every shipped rule, inference and demand must be
named by some scenario, so a rule added without a specification fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine import api, locate

ROOT = Path(__file__).resolve().parents[1]
FEATURES = sorted((ROOT / "features").rglob("*.feature"))
POLICIES = [p for p in sorted(locate.data_dir("policies").glob("*.yaml"))
            if p.name != locate.DEFAULT_CATALOG]


def _scenario_text() -> str:
    """Only steps and titles count, not comments."""
    lines = []
    for path in FEATURES:
        lines += [line for line in path.read_text().splitlines()
                  if not line.strip().startswith("#")]
    return "\n".join(lines)


def test_there_are_features_and_policies() -> None:
    assert FEATURES, "no .feature files under features/"
    assert POLICIES, "no shipped policy"


@pytest.mark.parametrize("policy_path", POLICIES, ids=lambda p: p.name)
def test_every_rule_and_inference_is_named_in_a_scenario(policy_path: Path) -> None:
    compiled = api.load_policy(policy_path)
    text = _scenario_text()
    ids = list(compiled.rules) + list(compiled.derivations)
    unnamed = [i for i in ids if not re.search(rf'"{re.escape(i)}"', text)]
    assert not unnamed, f"rules with no scenario naming them: {unnamed}"


@pytest.mark.parametrize("policy_path", POLICIES, ids=lambda p: p.name)
def test_every_demand_has_a_feature(policy_path: Path) -> None:
    compiled = api.load_policy(policy_path)
    text = _scenario_text()
    missing = [d.id for d in compiled.policy.demands if d.id not in text]
    assert not missing, f"demands no feature mentions: {missing}"
