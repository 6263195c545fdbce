"""Rete: the adapter's guards (shared/DURABLE-RULES.md §2 and §6), and canaries on the raw engine.

The adapter tests drive engine.rete directly with small hand-written rulesets. The canaries feed
durable_rules_engine the inputs the guards exist for (65 true rules, delete_state, 512 tests on
one field) in a subprocess with a timeout, so a crash or a hang fails one test, and a
durable-rules upgrade that changes the behaviour is noticed.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
import threading
import uuid
from typing import Any

import durable_rules_engine as dre
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import rete
from engine.errors import EngineError
from engine.evaluate import fire, prepare, profile_values, with_computed
from engine.findings import follower
from engine.rete import Network, engine_json, profile_payload


def _rule(op: str, field: str, value: Any) -> dict[str, Any]:
    test = {field: value} if op == "$eq" else {op: {field: value}}
    return {"all": [{"m": {"$and": [{"kind": "profile"}, test]}}]}


@pytest.fixture
def network():
    """A private network (a unique ruleset name), deleted from the engine afterwards."""
    created: list[Network] = []

    def make(rules: dict[str, Any]) -> Network:
        net = Network([(f"test-{uuid.uuid4().hex[:12]}:0", rules)])
        created.append(net)
        return net

    yield make
    for net in created:
        net.close()


SIGN_RULES = {"pos": _rule("$gt", "x", 0), "neg": _rule("$lt", "x", 0),
              "half": _rule("$gte", "x", 0.5), "tiny": _rule("$lt", "x", 1.0e-5),
              "huge": _rule("$gt", "x", 1.0e+300)}


def _expected_signs(x: float) -> set[str]:
    checks = {"pos": x > 0, "neg": x < 0, "half": x >= 0.5, "tiny": x < 1e-5, "huge": x > 1e300}
    return {name for name, holds in checks.items() if holds}


# --- the serialiser --------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "text"), [
    (1e-05, "1.0e-05"),
    (-1e-05, "-1.0e-05"),
    (1e16, "1.0e+16"),
    (5e-324, "5.0e-324"),
    (1.5e-07, "1.5e-07"),
    (0.25, "0.25"),
    (7, "7"),
    ({"a": [1e-05, {"b": -1e-05}], "c": 1e16}, '{"a":[1.0e-05,{"b":-1.0e-05}],"c":1.0e+16}'),
    ((1e-05, 2), "[1.0e-05,2]"),
    ([True, None, "x"], '[true,null,"x"]'),
])
def test_engine_json_writes_exponents_with_a_dotted_mantissa(value, text):
    assert engine_json(value) == text


def test_engine_json_leaves_text_that_looks_like_an_exponent_alone():
    value = {"note": "1e5 and 2E3", "k1e": 1e-05, "name": "Việt Nam"}
    assert engine_json(value) == '{"note":"1e5 and 2E3","k1e":1.0e-05,"name":"Việt Nam"}'


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, {"a": [1.0, math.nan]},
                                   [{"b": -math.inf}]])
def test_engine_json_refuses_nan_and_infinity(value):
    with pytest.raises(ValueError):
        engine_json(value)


def test_the_engine_reads_an_exponent_float_it_would_reject_in_repr_form(network):
    net = network({"tiny": _rule("$lt", "x", 1.0e-5)})
    assert net.fire(profile_payload({"x": 1e-06})) == {"tiny"}
    assert net.fire(profile_payload({"x": 2e-05})) == set()


_SIGN_NET: list[Network] = []


def _sign_network() -> Network:
    if not _SIGN_NET:      # one network for every hypothesis example (module lifetime)
        _SIGN_NET.append(Network([(f"test-signs-{uuid.uuid4().hex[:8]}:0", SIGN_RULES)]))
    return _SIGN_NET[0]


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_finite_float_survives_the_serialiser_and_the_engine(x):
    text = engine_json({"x": x, "nested": [x, {"y": x}]})
    assert json.loads(text) == {"x": x, "nested": [x, {"y": x}]}
    # the engine parses it (no error 204) and compares it as Python does
    assert _sign_network().fire(profile_payload({"x": x})) == _expected_signs(x)


# --- sessions are left empty ---------------------------------------------------------------

def test_the_same_profile_twice_fires_the_same_rules(network):
    net = network(SIGN_RULES)
    payload = profile_payload({"x": 0.75})
    first, second = net.fire(payload), net.fire(payload)
    assert first == second == {"pos", "half"}


def test_a_profile_evaluated_after_another_gives_its_own_result(network):
    net = network(SIGN_RULES)
    a, b = profile_payload({"x": 0.75}), profile_payload({"x": -3})
    results = [net.fire(a), net.fire(b), net.fire(a), net.fire(b)]
    assert results == [{"pos", "half"}, {"neg", "tiny"}, {"pos", "half"}, {"neg", "tiny"}]


def test_a_profile_with_no_matching_rule_fires_nothing_then_others_still_fire(network):
    net = network({"big": _rule("$gt", "x", 10)})
    assert net.fire(profile_payload({"x": 1})) == set()
    assert net.fire(profile_payload({"x": 11})) == {"big"}
    assert net.fire(profile_payload({"y": 11})) == set()        # missing field: nothing fires


def test_four_threads_sharing_one_network_lose_no_firing(network):
    rules = {f"above_{i}": _rule("$gt", "x", i / 10) for i in range(10)}
    rules |= {f"below_{i}": _rule("$lt", "y", i) for i in range(10)}
    net = network(rules)
    payloads = [profile_payload({"x": i / 7, "y": i % 11}) for i in range(50)]
    expected = [net.fire(p) for p in payloads]                  # single-threaded truth
    assert sum(len(e) for e in expected) > 400
    errors: list[str] = []

    def work(offset: int) -> None:
        for n in range(500):                                    # 4 x 500 = 2,000 evaluations
            i = (n + offset) % len(payloads)
            try:
                got = net.fire(payloads[i])
            except Exception as exc:      # reported below, not lost in a thread
                errors.append(f"payload {i}: {type(exc).__name__}: {exc}")
                continue
            if got != expected[i]:
                errors.append(f"payload {i}: {sorted(expected[i] - got)} lost")

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)           # switch threads often: races show up at once
    try:
        threads = [threading.Thread(target=work, args=(k * 13,)) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        sys.setswitchinterval(interval)
    assert not any(t.is_alive() for t in threads)
    assert errors == []


# --- guards that raise -----------------------------------------------------------------------

def test_a_fact_left_over_from_an_earlier_evaluation_raises_engine_error(network):
    """Code 2 (already observed) would make every rule look silent, so it is a loud bug."""
    net = network({"big": _rule("$gt", "x", 0.5)})
    handle = net.handles[0]
    leaked = profile_payload({"x": 0.9})
    code, _ = dre.assert_fact(handle, leaked)           # an evaluation that never retracted
    assert code == 0
    try:
        with pytest.raises(EngineError, match="never retracted"):
            net.fire(leaked)
    finally:
        dre.retract_fact(handle, leaked)
    # the session is usable again: nothing stale fires, fresh firings are reported
    assert net.fire(profile_payload({"x": 0.1})) == set()
    assert net.fire(profile_payload({"x": 0.9})) == {"big"}


def test_more_than_64_true_rules_is_an_engine_error_and_the_network_recovers(network):
    net = network({f"r{i}": _rule("$gt", "x", i) for i in range(65)})
    with pytest.raises(EngineError, match="error 303"):
        net.fire(profile_payload({"x": 1000}))
    assert net.fire(profile_payload({"x": 2.5})) == {"r0", "r1", "r2"}


def test_a_ruleset_the_engine_cannot_read_is_an_engine_error():
    with pytest.raises(EngineError, match="creating a ruleset"):
        Network([(f"test-bad-{uuid.uuid4().hex[:8]}:0",
                  {"r": {"all": [{"m": {"$nosuchop": {"x": 1}}}]}})])

def test_a_network_evicted_from_the_cache_does_not_silently_fire_nothing():
    rules = {"big": _rule("$gt", "x", 0.5)}
    held = rete.network_for([(f"test-held-{uuid.uuid4().hex[:8]}:0", rules)])
    assert held.fire(profile_payload({"x": 0.9})) == {"big"}
    for _ in range(rete.MAX_NETWORKS):          # other policies push it out of the cache
        rete.network_for([(f"test-other-{uuid.uuid4().hex[:8]}:0", rules)])
    try:
        fired = held.fire(profile_payload({"x": 0.9}))
    except EngineError:
        return                                  # refusing loudly is fine
    assert fired == {"big"}


def test_networks_are_cached_by_ruleset_name(ws):
    compiled = ws.compile()
    assert rete.network_for(compiled.rulesets) is rete.network_for(compiled.rulesets)


# --- forward chaining ------------------------------------------------------------------------

def _chained_policy(ws) -> dict[str, Any]:
    data = ws.policy_data()
    data["derive"] = [
        {"id": "level-two", "title": "t", "rationale": "r", "sources": ["s1"],
         "when": "transshipment_risk == 'high' and china_import_share > 0.3",
         "conclude": {"circumvention": "likely"}},
        *data["derive"],
    ]
    data["rules"][1]["require"] = "circumvention != 'likely'"
    return data


def _fired_and_verdict(ws, compiled, indicators: dict[str, Any]) -> tuple[set[str], str]:
    from engine.models import Profile

    profile = Profile.model_validate({"partner": {"code": "VNM"}, "indicators": indicators})
    values = with_computed(profile_values(profile), compiled)
    fired = fire(compiled, values, follower(compiled, values))
    return fired, ws.verdicts(compiled, {"partner": {"code": "VNM"},
                                         "indicators": indicators})["ts-risk"]


def test_a_derived_fact_can_rest_on_another_derived_fact(ws):
    compiled = ws.compile(_chained_policy(ws))
    assert compiled.derivation_order == ["risk-high", "level-two"]
    indicators = ws.vnm_data()["indicators"]
    fired, verdict = _fired_and_verdict(ws, compiled, indicators)
    assert {"d:risk-high:0", "d:level-two:0", "v:ts-risk:0"} <= fired
    assert verdict == "violated"


def test_a_chain_that_breaks_at_the_first_level_concludes_nothing(ws):
    compiled = ws.compile(_chained_policy(ws))
    indicators = ws.vnm_data()["indicators"] | {"eapa_case_count": 1}
    fired, verdict = _fired_and_verdict(ws, compiled, indicators)
    assert not {"d:risk-high:0", "d:level-two:0", "v:ts-risk:0"} & fired
    assert verdict == "satisfied"


def test_a_chain_missing_a_first_level_figure_is_unknown(ws):
    compiled = ws.compile(_chained_policy(ws))
    indicators = ws.vnm_data()["indicators"]
    del indicators["rerouting_share"]
    fired, verdict = _fired_and_verdict(ws, compiled, indicators)
    assert "v:ts-risk:0" not in fired
    assert verdict == "unknown"


# --- canaries on the raw engine (subprocess, timeout) ---------------------------------------

CANARY_PRELUDE = textwrap.dedent("""
    import json, sys
    import durable_rules_engine as dre

    def ruleset(name, n, value=lambda i: i):
        rules = {f"r{i}": {"all": [{"m": {"$and": [{"kind": "profile"},
                                                   {"$gt": {"x": value(i)}}]}}]}
                 for i in range(n)}
        return dre.create_ruleset(name, json.dumps(rules))

    def drain(handle, state):
        started = dre.start_action_for_state(handle, state)
        message, count = (started[1] if started else None), 0
        while message:
            count += 1
            message = dre.complete_and_start_action(handle, state)
        return count
""")


def _canary(body: str, timeout: float) -> subprocess.CompletedProcess[str]:
    code = CANARY_PRELUDE + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout, check=False)


def test_canary_64_true_rules_fire_and_65_fail_with_error_303():
    done = _canary("""
        for n in (64, 65):
            handle = ruleset(f"canary{n}", n)
            fact = json.dumps({"kind": "profile", "x": 1000, "sid": "s", "id": "f"})
            try:
                code, state = dre.assert_fact(handle, fact)
                print(n, "fired", drain(handle, state))
            except dre.error as exc:
                print(n, "error", str(exc).rsplit(" ", 1)[-1])
    """, timeout=20)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["64 fired 64", "65 error 303"]


def test_canary_delete_state_where_nothing_fired():
    """Observed with durable-rules 2.0.28 as built here: `delete_state` on a session where a
    fact was asserted and no rule fired returns normally, and the session keeps firing; on a
    session id never used it raises error 309. DURABLE-RULES.md §2 reports a SIGSEGV for the
    first case (seen elsewhere, under other conditions). The guard does not depend on which:
    the adapter never calls delete_state. This canary fails if the behaviour changes (a crash
    or an error here means the upgrade made the hazard worse)."""
    done = _canary("""
        handle = ruleset("canary-delete", 1, value=lambda i: 5)
        code, _ = dre.assert_fact(handle, json.dumps({"kind": "profile", "x": 1,
                                                       "sid": "s", "id": "f"}))
        print("asserted", code, flush=True)
        dre.delete_state(handle, "s")
        print("returned", flush=True)
        code, state = dre.assert_fact(handle, json.dumps({"kind": "profile", "x": 10,
                                                           "sid": "s", "id": "g"}))
        print("fired", drain(handle, state), flush=True)
        try:
            dre.delete_state(handle, "never-used")
            print("unused: returned")
        except dre.error as exc:
            print("unused: error", str(exc).rsplit(" ", 1)[-1])
    """, timeout=20)
    assert done.returncode == 0, f"process died ({done.returncode}): {done.stderr}"
    assert done.stdout.split("\n")[:4] == ["asserted 1", "returned", "fired 1",
                                           "unused: error 309"]


@pytest.mark.slow
def test_canary_512_distinct_tests_on_one_field_hang_the_engine():
    """Expected outcome: the assert never returns (100% CPU), so the subprocess is killed at
    the timeout. 511 distinct tests still answer at once (control, printed first)."""
    body = """
        handle = ruleset("canary511", 511, value=lambda i: i + 0.5)
        print("511", dre.assert_fact(handle, json.dumps({"kind": "profile", "x": -1,
                                                         "sid": "s", "id": "f"}))[0],
              flush=True)
        handle = ruleset("canary512", 512, value=lambda i: i + 0.5)
        dre.assert_fact(handle, json.dumps({"kind": "profile", "x": -1, "sid": "s", "id": "f"}))
        print("512 returned", flush=True)
    """
    with pytest.raises(subprocess.TimeoutExpired) as caught:
        _canary(body, timeout=10)
    output = caught.value.stdout or b""
    text = output.decode() if isinstance(output, bytes) else output
    assert "511 1" in text and "512 returned" not in text


def test_an_evaluation_leaves_no_fact_behind_though_it_retracts_by_sid_and_id_alone(ws):
    """fire() retracts the profile and every derived fact by their ids only; each must be gone
    from every ruleset: asserting it again by hand is new to the engine (code 0 or 1, never 2)."""
    from engine.models import Profile

    compiled = ws.compile(_chained_policy(ws))
    profile = Profile.model_validate({"partner": {"code": "VNM"},
                                      "indicators": ws.vnm_data()["indicators"]})
    values = with_computed(profile_values(profile), compiled)
    follow = follower(compiled, values)
    first = fire(compiled, values, follow)
    assert {"d:risk-high:0", "d:level-two:0"} <= first      # derived facts were asserted
    net = rete.network_for(compiled.rulesets)
    derived = [rete.derived_payload(*fact) for fact in follow(first)]
    for handle in net.handles:
        for text in (prepare(compiled, profile)[1], *derived):
            code, _ = dre.assert_fact(handle, text)
            try:
                assert code != 2, text
            finally:
                dre.retract_fact(handle, text)
    assert fire(compiled, values, follow) == first          # and the next evaluation is whole
