"""`tradepolicy schema policy`: the one schema an editor associates with every policy file takes
a full policy and an overlay (a file with `extends:`), and still refuses a wrong one."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from engine import locate
from engine.load import load_yaml

SHIPPED = locate.data_dir("policies")
POLICY_FILES = sorted(path for path in SHIPPED.rglob("*.yaml")
                      if "catalog" not in load_yaml(path).data)     # indicators.yaml is a catalog


@pytest.fixture(scope="module")
def validator(run_cli) -> Draft202012Validator:
    done = run_cli("schema", "policy")
    assert done.returncode == 0, done.stderr
    return Draft202012Validator(json.loads(done.stdout))


def _as_json(data):
    """YAML dates as the ISO strings the schema describes (what an editor's YAML reader gives)."""
    return json.loads(json.dumps(data, default=lambda value: value.isoformat()))


def _errors(validator, data) -> list[str]:
    return sorted(e.message for e in validator.iter_errors(_as_json(data)))


def test_every_shipped_file_kind_is_covered():
    kinds = {"extends" in load_yaml(path).data for path in POLICY_FILES}
    assert kinds == {True, False}, POLICY_FILES        # at least one policy and one overlay


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: str(p.relative_to(SHIPPED)))
def test_the_policy_schema_accepts_every_shipped_policy_and_overlay(validator, path):
    assert _errors(validator, load_yaml(path).data) == []


OVERLAY = {"extends": "us-china-alignment", "name": "o5", "title": "t", "version": "1",
           "change": {"rules": {"inputs-china-import-share": {"limit": 0.3}}}}


@pytest.mark.parametrize(("edit", "message"), [
    ({"chnage": {}}, "Additional properties are not allowed ('chnage' was unexpected)"),
    ({"change": {"rules": {"inputs-china-import-share": {"wieght": 2}}}},
     "Additional properties are not allowed ('wieght' was unexpected)"),
    ({"name": "Bad Name"}, "'Bad Name' does not match '^[a-z][a-z0-9_.-]*$'"),
    ({"extends": 3}, "3 is not of type 'string'"),
])
def test_the_policy_schema_refuses_a_wrong_overlay(validator, edit, message):
    assert _errors(validator, OVERLAY) == []
    assert message in _errors(validator, {**OVERLAY, **edit})


def test_a_file_without_extends_is_checked_as_a_full_policy(validator):
    partial = {k: v for k, v in OVERLAY.items() if k != "extends"}
    errors = _errors(validator, partial)
    assert "'rules' is a required property" in errors
    assert "Additional properties are not allowed ('change' was unexpected)" in errors
