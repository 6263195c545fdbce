"""Benchmark: the engine side by side with its own floor, on one synthetic workload.

    python bench/run.py [--quick] [--json bench/results/latest.json]

Workload: 200 synthetic partners with user-assigned ISO codes (XAA, XAB, ...: clearly not real
countries) and random figures over the shipped indicator catalog (about 10% missing), and
generated policies of 20 and 100 rules (thresholds over every type, some composites). Measured
in the same run:
- engine evaluations/s: `api.judge` (validated profile in, verdicts + score + tier out) and
  `api.evaluate_partner` (the same plus full explanations);
- the bare durable-rules C core on the same compiled rulesets and pre-serialised facts (assert,
  drain by slicing names, retract: the most any adapter could reach), and the plain-Python
  reference evaluator; both as ratios to the engine;
- policy load + validate + compile time; CLI cold start; peak RSS of one CLI run; RSS growth
  over 100,000 evaluations.
Speeds are printed, never asserted: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import durable_rules_engine as dre

from engine import api, rete
from engine.compile import compile_policy
from engine.evaluate import prepare, profile_values
from engine.models import IndicatorType, Policy, Profile
from engine.reference import reference_score, reference_verdicts

ROOT = Path(__file__).resolve().parents[1]
NUMERIC = {IndicatorType.SHARE, IndicatorType.RATIO, IndicatorType.COUNT, IndicatorType.USD_BN,
           IndicatorType.PCT, IndicatorType.PP, IndicatorType.NUMBER, IndicatorType.SHARE_CHANGE}


def synthetic_partners(catalog, n: int, rng: random.Random) -> list[Profile]:
    codes = [f"X{a}{b}" for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    return [Profile.model_validate({"partner": {"code": code, "name": f"Synthetic {code}"},
                                    "indicators": _figures(catalog, rng)})
            for code in codes[:n]]


def _figures(catalog, rng: random.Random) -> dict:
    figures = {}
    for name, ind in catalog.indicators.items():
        if rng.random() < 0.1:
            continue                                  # about 10% missing: unknown, never 0
        figures[name] = {"value": _value(ind, rng), "illustrative": True}
    return figures


def _value(ind, rng: random.Random):
    kind = ind.type
    if kind == IndicatorType.SHARE:
        return round(rng.random(), 3)
    if kind == IndicatorType.COUNT:
        return rng.randint(0, 40)
    if kind in NUMERIC:
        return round(rng.uniform(-50 if ind.signed or kind == IndicatorType.PP else 0, 200), 2)
    if kind == IndicatorType.BOOL:
        return rng.random() < 0.5
    if kind == IndicatorType.ENUM:
        return rng.choice(ind.values)
    if kind == IndicatorType.SET:
        return rng.sample(ind.values, rng.randint(0, len(ind.values)))
    if kind == IndicatorType.DATE:
        return f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    if kind == IndicatorType.COUNTRY:
        return rng.choice(["CHN", "MEX", "RUS", "VNM"])
    return {k: round(rng.random(), 3) for k in ind.keys}


def generated_policy(catalog, n_rules: int, rng: random.Random) -> Policy:
    numeric = [n for n, i in catalog.indicators.items() if i.type == IndicatorType.SHARE]
    rules = []
    for i in range(n_rules):
        a, b = rng.sample(numeric, 2)
        require = {"indicator": a, "comparison": "at_most", "limit": round(rng.random(), 2)}
        if i % 5 == 4:                                 # every fifth rule is a composite
            require = {"any": [require, f"{b} >= {round(rng.random(), 2)}"]}
        rules.append({"id": f"r{i:03d}", "demand": f"d{i % 4}", "title": "t", "rationale": "r",
                      "sources": ["s"], "weight": 1 + i % 3, "require": require})
    return Policy.model_validate({
        "name": f"bench-{n_rules}", "title": "bench", "version": "1", "description": "d",
        "sources": {"s": {"title": "synthetic"}},
        "demands": [{"id": f"d{i}", "title": "d", "intent": "i", "sources": ["s"]}
                    for i in range(4)],
        "rules": rules,
        "tiers": [{"id": "top", "title": "t", "min_score": 80, "outcome": _outcome(10)},
                  {"id": "low", "title": "t", "min_score": 0, "outcome": _outcome(40)}]})


def _outcome(rate: int) -> dict:
    return {"tariff_rate": rate, "legal_authority": "unspecified", "status": "threatened"}


def per_second(fn, items: list, seconds: float) -> float:
    """Calls per second of fn over items, repeated for about `seconds`."""
    for item in items[:20]:
        fn(item)                                        # warm up
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for item in items:
            fn(item)
        count += len(items)
    return count / (time.perf_counter() - start)


def bare_core_loop(compiled, partners: list[Profile]):
    """The same rulesets through durable-rules' C core with nothing around it."""
    network = rete.network_for(compiled.rulesets)
    payloads = [prepare(compiled, p)[1] for p in partners]     # the very facts judge asserts

    def run(payload: str) -> set[str]:
        fired = set()
        for handle in network.handles:
            code, state = dre.assert_fact(handle, payload)
            if code == 0:
                started = dre.start_action_for_state(handle, state)
                message = started[1] if started else None
                while message:
                    fired.add(message[2:message.index('"', 2)])
                    message = dre.complete_and_start_action(handle, state)
            dre.retract_fact(handle, payload)
        return fired

    return run, payloads


def rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


def cli_cold(args: list[str], runs: int) -> tuple[float, float]:
    exe = shutil.which("tradepolicy") or str(Path(sys.executable).parent / "tradepolicy")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([exe, *args], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return statistics.median(times) * 1000, peak


def measure(quick: bool) -> dict:
    rng = random.Random(20250409)
    catalog = api.load_catalog()
    partners = synthetic_partners(catalog, 200, rng)
    seconds = 0.5 if quick else 2.0
    results: dict = {"machine": f"{platform.machine()}, {platform.python_version()}, "
                                f"{platform.system()}", "partners": len(partners), "rules": {}}
    for n_rules in (20, 100):
        policy = generated_policy(catalog, n_rules, rng)
        compile_ms = statistics.median(
            _timed(lambda policy=policy: compile_policy(policy, catalog)) for _ in range(20))
        compiled = compile_policy(policy, catalog)
        engine = per_second(lambda p, c=compiled: api.judge(c, p), partners, seconds)
        explained = per_second(lambda p, c=compiled: api.evaluate_partner(c, p), partners,
                               seconds)
        run, payloads = bare_core_loop(compiled, partners)
        bare = per_second(run, payloads, seconds)

        def reference(p, c=compiled):
            verdicts = reference_verdicts(c, p.partner.code, profile_values(p))
            return reference_score(c, verdicts)

        plain = per_second(reference, partners, seconds)
        results["rules"][n_rules] = {
            "rulesets": len(compiled.rulesets), "compile_ms": round(compile_ms, 2),
            "engine_per_s": round(engine), "explained_per_s": round(explained),
            "bare_core_per_s": round(bare), "reference_per_s": round(plain),
            "engine_vs_bare_core": round(engine / bare, 3),
            "engine_vs_reference": round(engine / plain, 3)}
    results["policy_load_validate_compile_ms"] = round(statistics.median(
        _timed(lambda: api._load_policy(ROOT / "policies" / "us-china-alignment.yaml"))
        for _ in range(5)), 1)
    results.update(_memory(catalog, partners, 20_000 if quick else 100_000, rng))
    help_ms, _ = cli_cold(["--help"], 5)
    evaluate_ms, peak = cli_cold(["evaluate", "VNM"], 5)
    results.update({"cli_help_ms": round(help_ms), "cli_evaluate_vnm_ms": round(evaluate_ms),
                    "cli_peak_rss_mib": round(peak, 1)})
    return results


def _memory(catalog, partners, count: int, rng: random.Random) -> dict:
    compiled = compile_policy(generated_policy(catalog, 20, rng), catalog)
    for p in partners:
        api.judge(compiled, p)
    before = rss_mib()
    for i in range(count):
        api.judge(compiled, partners[i % len(partners)])
    return {"evaluations_for_rss": count, "rss_before_mib": round(before, 1),
            "rss_growth_mib": round(rss_mib() - before, 2)}


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def print_table(results: dict) -> None:
    print(f"machine: {results['machine']}; {results['partners']} synthetic partners")
    print(f"{'rules':>5} {'rulesets':>8} {'compile ms':>10} {'engine/s':>9} {'explained/s':>11} "
          f"{'bare core/s':>11} {'reference/s':>11} {'eng/core':>8} {'eng/ref':>7}")
    for n, r in results["rules"].items():
        print(f"{n:>5} {r['rulesets']:>8} {r['compile_ms']:>10} {r['engine_per_s']:>9,} "
              f"{r['explained_per_s']:>11,} {r['bare_core_per_s']:>11,} "
              f"{r['reference_per_s']:>11,} {r['engine_vs_bare_core']:>8} "
              f"{r['engine_vs_reference']:>7}")
    print(f"shipped policy load+validate+compile: {results['policy_load_validate_compile_ms']} ms")
    print(f"CLI cold start (median of 5): --help {results['cli_help_ms']} ms, evaluate VNM "
          f"{results['cli_evaluate_vnm_ms']} ms; peak RSS of a CLI run "
          f"{results['cli_peak_rss_mib']} MiB")
    print(f"RSS growth over {results['evaluations_for_rss']:,} evaluations: "
          f"{results['rss_growth_mib']} MiB (from {results['rss_before_mib']} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, 20,000 for RSS")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    args = parser.parse_args()
    results = measure(args.quick)
    print_table(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {args.json}")


if __name__ == "__main__":
    main()
