"""`tradepolicy schema report`: the JSON Schema of `evaluate --format json`, generated from the
typed contract in engine/report/json_.py, holds for real outputs and declares every key."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from jsonschema import Draft202012Validator

from engine import api, locate
from engine.report import json_
from engine.results import Report


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json_.schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def shipped_output() -> dict:
    compiled = api.load_policy()
    partners = api.load_partners([str(p) for p in locate.shipped_partners()], compiled.catalog)
    return json.loads(json_.render(api.evaluate(compiled, partners)))


def _errors(validator: Draft202012Validator, data: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(data)]


def test_every_shipped_partner_validates(validator, shipped_output):
    assert len(shipped_output["partners"]) == len(locate.shipped_partners())
    assert _errors(validator, shipped_output) == []


def test_a_partner_with_unknowns_and_bare_figures_validates(validator, ws):
    profile = ws.vnm_data()
    for name in list(profile["indicators"])[:3]:       # missing figures: unknown verdicts
        del profile["indicators"][name]
    profile["indicators"]["eapa_case_count"] = 14      # a bare figure: no provenance at all
    card = ws.evaluate(profile=profile)
    assert card.counts["unknown"] > 0
    data = json.loads(json_.render(Report(api.stamp(ws.compile()), (card,))))
    assert data["partners"][0]["provenance"]["eapa_case_count"] == {"value": 14, "source": None}
    assert _errors(validator, data) == []


def test_a_key_the_schema_does_not_declare_fails_at_every_level(validator, shipped_output):
    places = [lambda d: d, lambda d: d["policy"], lambda d: d["partners"][0],
              lambda d: d["partners"][0]["findings"][0],
              lambda d: d["partners"][0]["findings"][0]["checks"][0],
              lambda d: next(f for p in d["partners"] for f in p["findings"] if f["because"])
              ["because"][0]]
    for place in places:
        data = copy.deepcopy(shipped_output)
        place(data)["undeclared"] = 1
        assert any("undeclared" in e for e in _errors(validator, data)), place(data).keys()


def test_every_object_in_the_schema_is_closed():
    """additionalProperties false wherever properties are listed: json_.py cannot emit a key the
    schema does not declare without the schema tests failing."""
    open_objects = []

    def walk(node, where: str) -> None:
        if isinstance(node, dict):
            if "properties" in node and node.get("additionalProperties") is not False:
                open_objects.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(json_.schema(), "#")
    assert open_objects == []


def test_the_schema_names_the_verdicts_of_the_engine():
    schema = json_.schema()
    assert set(schema["$defs"]["Verdict"]["enum"]) == {v.value for v in api.Verdict}


def test_out_of_range_numbers_fail(validator, shipped_output):
    data = copy.deepcopy(shipped_output)
    data["partners"][0]["score"] = 101
    data["partners"][0]["coverage"] = 1.5
    errors = _errors(validator, data)
    assert any("score" in e for e in errors) and any("coverage" in e for e in errors)


def test_the_cli_prints_the_same_schema(run_cli):
    done = run_cli("schema", "report")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json_.schema()


def test_an_outcome_that_ends_says_when_in_the_json(validator):
    """On 2025-09-01 India's tier carried the 15% IEEPA rate of the shipped outcome history,
    in force from 2025-08-07 through 2026-02-19: the JSON gave its start and not its end, so a
    reader could not tell that the rate shown would stop the next February."""
    compiled = api.load_policy()
    report = api.evaluate(compiled, api.load_partners(["IND", "VNM"], compiled.catalog),
                          dt.date(2025, 9, 1))
    data = json.loads(json_.render(report))
    outcomes = {p["partner"]["code"]: p["outcome"] for p in data["partners"]}
    assert {k: outcomes["IND"][k] for k in ("tariff_rate", "status", "effective", "expires")} \
        == {"tariff_rate": 15.0, "status": "in_force", "effective": "2025-08-07",
            "expires": "2026-02-19"}
    assert outcomes["VNM"] is None               # no outcome of its tier in force that day
    assert _errors(validator, data) == []
    assert json_.schema()["$defs"]["OutcomeJSON"]["required"] == [
        "tariff_rate", "legal_authority", "effective", "expires", "review", "status", "note"]
