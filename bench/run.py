"""Benchmark: the engine side by side with its own floor, on one synthetic workload.

    python bench/run.py [--quick] [--json bench/results/latest.json]

Workload: 200 synthetic partners with user-assigned ISO codes (XAA, XAB, ...: clearly not real
countries) and random figures over the shipped indicator catalog (about 10% missing), and
generated policies of 20 and 100 rules (`at_most` limits on the catalog's share indicators, every
fifth rule an `any` of two; the fact carries only the fields these read). Measured in the same
run:
- engine evaluations/s: `api.judge` (validated profile in, verdicts + score + tier out) and
  `api.evaluate_partner` (the same plus full explanations);
- the bare durable-rules C core on the same compiled rulesets and pre-serialised facts (assert,
  drain by slicing names, retract: the most any adapter could reach), and the plain-Python
  reference evaluator; both as ratios to the engine;
- judge on profile objects it has never seen (what is kept per profile not yet worked out);
- at 20 and 100 rules: compile time (compile_policy on a validated model, what the compile
  target reads), load + validate + compile from the policy's YAML file (the catalog already
  loaded), and creating the rulesets in the C core (done at a policy's first evaluation);
  the shipped policy's load + validate + compile, and read from the disk cache instead;
- a sweep of 50 steps x 200 partners of a rule's limit, a rule's weight and a tier bound,
  each on a newly loaded policy;
- CLI cold start of `tradepolicy evaluate VNM` and `--help` on a normal install (a wheel
  built from this tree, installed bytecode-compiled into a temporary venv), median of several
  fresh processes; `evaluate VNM` both with the disk cache filled (every run after the first
  on unchanged files) and empty (the first), next to the third-party imports alone; peak RSS
  of one CLI run; RSS growth over 100,000 evaluations (--quick: 20,000), and per distinct
  policy judged once (200 of them, each deleted from the engine later).
Speeds are printed, never asserted: this is a measurement, not a test.

It measures the `engine` of the tree it sits in (put first on sys.path below), which is also
the tree the CLI's wheel is built from: with a non-editable install (`pip install .`, as the
README sets up), `engine` would otherwise come from site-packages, a copy that goes stale at
the first edit while the CLI numbers follow the tree.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import durable_rules_engine as dre  # noqa: E402

from engine import api, rete  # noqa: E402
from engine.compile import compile_policy  # noqa: E402
from engine.evaluate import prepare, profile_values  # noqa: E402
from engine.models import IndicatorType, Policy, Profile  # noqa: E402
from engine.reference import reference_score, reference_verdicts  # noqa: E402

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


SAMPLE_S = 0.1   # a timed sample runs whole passes for at least this long (see per_second)


def per_second(cases: dict[str, tuple[Callable, list]], seconds: float,
               rounds: int = 5) -> dict[str, list]:
    """Calls per second of each case's fn over its items, sample by sample: the cases take
    turns, one sample each, for about `seconds` per case (at least `rounds` rounds). A slow
    minute on a noisy machine then weighs on every case of a round alike, and a ratio is taken
    within each round. A sample is as many whole passes over the items as last SAMPLE_S: one
    pass of the bare core is 4-20 ms, about a scheduler time slice, so on a shared machine a
    single preemption doubled a sample (per-round engine/core ratios of 0.04-1.28 in one quick
    run).
    One unmeasured pass over all items first (what is kept per profile, the networks).
    Returns each case's rates, round by round."""
    passes = {}
    for name, (fn, items) in cases.items():
        begin = time.perf_counter()
        for item in items:
            fn(item)                                    # warm up, and size the samples
        passes[name] = max(1, math.ceil(SAMPLE_S / (time.perf_counter() - begin)))
    rates: dict[str, list] = {name: [] for name in cases}
    start = time.perf_counter()
    while time.perf_counter() - start < seconds * len(cases) or \
            len(rates[next(iter(rates))]) < rounds:
        for name, (fn, items) in cases.items():
            begin = time.perf_counter()
            for _ in range(passes[name]):
                for item in items:
                    fn(item)
            rates[name].append(passes[name] * len(items) / (time.perf_counter() - begin))
    return rates


def ratio(rates: dict[str, list], top: str, bottom: str) -> float:
    """The median over rounds of top's rate / bottom's rate in the same round."""
    return statistics.median(a / b for a, b in zip(rates[top], rates[bottom], strict=True))


def ratio_spread(rates: dict[str, list], top: str, bottom: str) -> list[float]:
    """The quartiles (25th, 75th percentile) of the per-round ratios: how far to trust the
    median. On this machine a spread wider than the distance to a target means run again."""
    found = [a / b for a, b in zip(rates[top], rates[bottom], strict=True)]
    q1, _, q3 = statistics.quantiles(found, n=4, method="inclusive")
    return [round(q1, 3), round(q3, 3)]


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
            dre.retract_fact(handle, rete.PROFILE_RETRACTION)   # as the adapter retracts
        return fired

    return run, payloads


def rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


def installed_cli(workdir: Path) -> Path:
    """`tradepolicy` from a normal install: the project built as a wheel and installed,
    bytecode-compiled, into a fresh venv (not the install this script runs from).
    The venv reads the dependencies from this environment's site-packages through a .pth
    line, so no index is needed; that path is not a site dir, so the editable install's own
    .pth there is not processed and `engine` comes from the wheel."""
    wheels, venv = workdir / "wheels", workdir / "venv"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    target = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / \
        "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "-q", "--no-deps", "--compile", *map(str, wheels.glob("*.whl"))],
                   check=True, capture_output=True)
    deps = next(p for p in map(Path, sys.path) if p.name == "site-packages" and p.is_dir())
    (target / "bench_deps.pth").write_text(f"{deps}\n")
    subprocess.run([str(venv / "bin" / "python"), "-m", "compileall", "-q", str(target)],
                   check=True, capture_output=True)
    return venv / "bin" / "tradepolicy"


# Forks the command from a small process and reports what wait4 says of it. (The benchmark's
# own children would not do: Linux carries the parent's peak RSS into a child across exec.)
_CHILD = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status),
      usage.ru_utime + usage.ru_stime)
"""


def run_child(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds of one fresh process, run from a neutral
    folder, with `env` added to the environment."""
    done = subprocess.run([sys.executable, "-S", "-c", _CHILD, *args], capture_output=True,
                          text=True, cwd=tempfile.gettempdir(), check=True,
                          env={**os.environ, **(env or {})})
    elapsed, peak, code, cpu = done.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(args)} exited {code}: {done.stderr}")
    return float(elapsed), float(peak), float(cpu)


def cli_cold(commands: dict[str, tuple[list[str], Callable[[int], dict | None]]],
             runs: int) -> dict[str, dict]:
    """Per command: median and fastest wall ms, median CPU ms of `runs` fresh processes, and
    the peak RSS of one (on a noisy machine the fastest run is the one least slowed by others).
    The commands take turns, run after run, so that a slow minute on a noisy machine weighs on
    all of them alike; each first runs once unmeasured (warming the OS page cache).
    `commands` maps a name to (argv, env(run) -> what to add to run number `run`'s
    environment; run 0 is the unmeasured one)."""
    for argv, env in commands.values():
        run_child(argv, env(0))
    results: dict[str, list] = {name: [] for name in commands}
    for run in range(1, runs + 1):
        for name, (argv, env) in commands.items():
            results[name].append(run_child(argv, env(run)))
    return {name: {"wall_ms": round(statistics.median(r[0] for r in found) * 1000),
                   "fastest_ms": round(min(r[0] for r in found) * 1000),
                   "cpu_ms": round(statistics.median(r[2] for r in found) * 1000),
                   "peak_rss_mib": round(max(r[1] for r in found), 1)}
            for name, found in results.items()}


# what every run of the CLI imports before any code of ours: the floor of a cold start
THIRD_PARTY = "import typer, pydantic.main, yaml, rich.console, rich.table, durable_rules_engine"
# ... and one pydantic model class, built lazily as ours are: defining it imports pydantic's
# schema machinery, which any CLI with pydantic models pays for (typer 0.29 imports it too, to
# coerce its parameters), so this is the floor of a typer CLI over pydantic models
THIRD_PARTY_AND_A_MODEL = THIRD_PARTY + """
from pydantic import BaseModel, ConfigDict
class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
    value: float"""


def measure_cli(workdir: Path, runs: int) -> dict:
    """--help, and `evaluate VNM` with the disk cache holding the shipped policy and VNM (every
    run after the first on unchanged files) and with an empty cache (the first run after an
    install or an edit); the two floors (THIRD_PARTY, THIRD_PARTY_AND_A_MODEL), for scale."""
    exe = str(installed_cli(workdir))
    python = str(Path(exe).parent / "python")
    found = cli_cold({
        "help": ([exe, "--help"], lambda run: None),
        "evaluate": ([exe, "evaluate", "VNM"],
                     lambda run: {"TRADEPOLICY_CACHE": str(workdir / "cache")}),
        "empty": ([exe, "evaluate", "VNM"],
                  lambda run: {"TRADEPOLICY_CACHE": str(workdir / f"empty-{run}")}),
        "floor": ([python, "-c", THIRD_PARTY], lambda run: None),
        "model_floor": ([python, "-c", THIRD_PARTY_AND_A_MODEL], lambda run: None)}, runs)
    results: dict = {"cli_runs": runs}
    for name, prefix in CLI_KEYS.items():
        for stat in ("wall", "fastest", "cpu"):
            key = f"{prefix}_ms" if stat == "wall" else f"{prefix}_{stat}_ms"
            results[key] = found[name][f"{stat}_ms"]
    results["cli_peak_rss_mib"] = max(found["evaluate"]["peak_rss_mib"],
                                      found["empty"]["peak_rss_mib"])
    return results


# how each measured command is named in the results (<prefix>_ms, _fastest_ms, _cpu_ms)
CLI_KEYS = {"help": "cli_help", "evaluate": "cli_evaluate_vnm",
            "empty": "cli_evaluate_vnm_empty_cache", "floor": "cli_third_party_imports",
            "model_floor": "cli_third_party_and_a_model"}


# --- sweep -----------------------------------------------------------------------------------

SWEEP_STEPS = 50


def sweep_hook(sweep_module, compiled, partners: list[Profile],
               folder: Path) -> tuple[Callable, dict]:
    """One 50-step sweep per kind of parameter over `partners`: a rule's limit, a rule's
    weight and a tier bound. The generated policy is written out and loaded as a user's would
    be, since a sweep changes the policy the way `--set` does. Returns `load`, which gives a
    newly loaded policy object each call (as each CLI run has), and per kind a function that
    sweeps a policy so loaded. The policy file is written in `folder`, which must outlive
    both."""
    import yaml

    path = folder / "policy.yaml"
    data = compiled.policy.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))

    def load():
        return api._load_policy(path)      # not api.load_policy: that returns the same object

    loaded = load()
    rule = next(r.id for r in loaded.policy.rules if hasattr(r.require, "indicator"))
    top = loaded.policy.tiers[0].id
    day = datetime.date(2026, 3, 1)
    chosen = [api.Partner(p, None) for p in partners]
    calls = {}
    for kind, param in (("limit", f"{rule}.limit=0:0.49:0.01"),
                        ("weight", f"{rule}.weight=1:50:1"),
                        ("tier_bound", f"{top}.min_score=50:99:1")):
        target, values = sweep_module.parse_range(param)
        assert len(values) == SWEEP_STEPS, param
        calls[kind] = (lambda policy, t=target, v=values:
                       sweep_module.sweep(policy, chosen, t, v, day))
    return load, calls


def measure_sweep(compiled, partners: list[Profile]) -> dict:
    """Wall time of a 50-step x 200-partner sweep of each kind, median of 3, each on a newly
    loaded policy: a sweep compiles each step's variant (`--set`) once and keeps it on the
    policy object, so sweeping the same object again skips 50 compiles, which no CLI run gets
    (timed that way before: 0.06 s for a tier bound whose first sweep took 0.89 s). That
    repeat is kept as sweep_<kind>_repeat_s. One unmeasured sweep of each kind first pays
    what a process pays once; what the process keeps across policy objects (the engine's
    networks, 32 at most, and what is worked out per profile) is still warm."""
    from engine import sweep as sweep_module

    with tempfile.TemporaryDirectory(prefix="tradepolicy-sweep-") as folder:
        found = _sweeps(*sweep_hook(sweep_module, compiled, partners, Path(folder)))
    found["sweep_50x200_s"] = found["sweep_limit_s"]
    found["sweep_note"] = (f"{SWEEP_STEPS} steps x {len(partners)} partners, "
                           f"{compiled.policy.name}")
    return found


def _sweeps(load: Callable, calls: dict) -> dict:
    found = {}
    for kind, call in calls.items():
        call(load())                                  # warm up: what a process does once
        found[f"sweep_{kind}_s"] = round(statistics.median(
            _timed(functools.partial(call, load())) for _ in range(3)) / 1000, 3)
        kept = load()
        call(kept)
        found[f"sweep_{kind}_repeat_s"] = round(statistics.median(
            _timed(functools.partial(call, kept)) for _ in range(3)) / 1000, 3)
    return found


def measure(quick: bool) -> dict:
    rng = random.Random(SEED)
    catalog = api.load_catalog()
    partners = synthetic_partners(catalog, 200, rng)
    seconds = 0.5 if quick else 2.0
    results: dict = {"machine": f"{platform.machine()}, {platform.python_version()}, "
                                f"{platform.system()}", "engine": str(Path(api.__file__).parent),
               "load_average_start": round(os.getloadavg()[0], 2),
               "partners": len(partners), "rules": {}}
    compiled_for = {}
    for n_rules in (20, 100):
        policy = generated_policy(catalog, n_rules, rng)
        compile_ms = statistics.median(
            _timed(lambda policy=policy: compile_policy(policy, catalog)) for _ in range(20))
        with tempfile.TemporaryDirectory(prefix="tradepolicy-bench-policy-") as folder:
            load = functools.partial(api._assemble_and_compile, policy_file(policy, folder))
            loaded_ms = statistics.median(_timed(load) for _ in range(20))
        compiled = compile_policy(policy, catalog)
        network_ms = statistics.median(_timed(functools.partial(new_network, compiled))
                                       for _ in range(20))
        run, payloads = bare_core_loop(compiled, partners)

        def reference(p, c=compiled):
            verdicts = reference_verdicts(c, p.partner.code, profile_values(p))
            return reference_score(c, verdicts)

        rates = per_second({
            "engine": (lambda p, c=compiled: api.judge(c, p), partners),
            "explained": (lambda p, c=compiled: api.evaluate_partner(c, p), partners),
            "bare": (run, payloads), "reference": (reference, partners)}, seconds,
            5 if quick else 11)
        median = {name: statistics.median(found) for name, found in rates.items()}
        compiled_for[n_rules] = compiled
        results["rules"][n_rules] = {
            "rulesets": len(compiled.rulesets), "compile_ms": round(compile_ms, 2),
            "load_validate_compile_ms": round(loaded_ms, 2), "network_ms": round(network_ms, 2),
            "engine_per_s": round(median["engine"]),
            "explained_per_s": round(median["explained"]),
            "bare_core_per_s": round(median["bare"]), "reference_per_s": round(median["reference"]),
            "engine_vs_bare_core": round(ratio(rates, "engine", "bare"), 3),
            "engine_vs_bare_core_quartiles": ratio_spread(rates, "engine", "bare"),
            "engine_vs_reference": round(ratio(rates, "engine", "reference"), 3),
            "engine_vs_reference_quartiles": ratio_spread(rates, "engine", "reference"),
            "rounds": len(rates["engine"])}
    shipped = ROOT / "policies" / "us-china-alignment.yaml"
    results["policy_load_validate_compile_ms"] = round(statistics.median(
        _timed(lambda: api._assemble_and_compile(shipped)) for _ in range(5)), 1)
    results["policy_from_disk_cache_ms"] = round(statistics.median(
        _timed(lambda: api._load_policy(shipped)) for _ in range(5)), 1)
    results.update(measure_sweep(compiled, partners))
    results.update(memory_in_a_new_process(20_000 if quick else 100_000))
    for n_rules, compiled in compiled_for.items():      # last: it leaves garbage behind
        results["rules"][n_rules]["engine_fresh_profiles_per_s"] = round(
            first_evaluations(compiled, partners))
    with tempfile.TemporaryDirectory(prefix="tradepolicy-bench-") as workdir:
        results.update(measure_cli(Path(workdir), 5 if quick else 11))
    return results


def policy_file(policy: Policy, folder: str) -> Path:
    """The policy written out as YAML in `folder`, for timing load + validate + compile."""
    import yaml

    path = Path(folder) / "policy.yaml"
    data = policy.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def new_network(compiled) -> None:
    """The compiled rulesets created in durable-rules' C core and deleted again: what the
    first evaluation of a policy in a process adds to compiling it (not in compile_ms)."""
    rete.Network(compiled.rulesets).close()


def first_evaluations(compiled, partners: list[Profile], copies: int = 5) -> float:
    """judge/s on profiles it has never seen (new objects, equal content): what is kept per
    profile (values, serialised figures) is then worked out on every call."""
    fresh = [Profile.model_validate(p.model_dump()) for p in partners for _ in range(copies)]
    start = time.perf_counter()
    for profile in fresh:
        api.judge(compiled, profile)
    return len(fresh) / (time.perf_counter() - start)


SEED = 20250409


def memory_in_a_new_process(count: int) -> dict:
    """_memory in a process of its own (this script with --memory). Measured here, after the
    other cases, freed memory of theirs took up the growth: the same 20,000 evaluations read
    0.32 MiB after the earlier cases in one run and 0.0 MiB (from 170 MiB) in another whose
    sweeps had churned more, against 0.32 MiB from 42 MiB in a process doing nothing else."""
    done = subprocess.run([sys.executable, __file__, "--memory", str(count)], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout)


def memory_only(count: int) -> dict:
    rng = random.Random(SEED)
    catalog = api.load_catalog()
    return _memory(catalog, synthetic_partners(catalog, 200, rng), count, rng)


def _memory(catalog, partners, count: int, rng: random.Random) -> dict:
    compiled = compile_policy(generated_policy(catalog, 20, rng), catalog)
    for p in partners:
        api.judge(compiled, p)
    before = rss_mib()
    for i in range(count):
        api.judge(compiled, partners[i % len(partners)])
    return {"evaluations_for_rss": count, "rss_before_mib": round(before, 1),
            "rss_growth_mib": round(rss_mib() - before, 2),
            **_memory_per_policy(catalog, partners, 200, rng)}


def _memory_per_policy(catalog, partners, count: int, rng: random.Random) -> dict:
    """RSS growth per distinct 20-rule policy judged once: durable-rules keeps a deleted
    network's session memory (see engine.rete.network_for), so this is not 0."""
    policies = [compile_policy(generated_policy(catalog, 20, rng), catalog)
                for _ in range(count + rete.MAX_NETWORKS)]
    for compiled in policies[:rete.MAX_NETWORKS]:     # fill the cache: later ones evict
        api.judge(compiled, partners[0])
    before = rss_mib()
    for compiled in policies[rete.MAX_NETWORKS:]:
        api.judge(compiled, partners[0])
    return {"distinct_policies_for_rss": count,
            "rss_growth_per_policy_kib": round((rss_mib() - before) * 1024 / count)}


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


# the targets this benchmark is read against (issue #7), each: what, where in the results,
# which way is better, the bound; CLI times are medians, as the issue asks
TARGETS = (
    ("judge/s at 20 rules", ("rules", 20, "engine_per_s"), ">=", 25_000),
    ("judge/s at 100 rules", ("rules", 100, "engine_per_s"), ">=", 8_500),
    ("explained/s at 20 rules", ("rules", 20, "explained_per_s"), ">=", 10_000),
    ("engine / bare core at 20 rules", ("rules", 20, "engine_vs_bare_core"), ">=", 0.8),
    ("engine / bare core at 100 rules", ("rules", 100, "engine_vs_bare_core"), ">=", 0.8),
    ("compile ms at 100 rules", ("rules", 100, "compile_ms"), "<=", 5),
    ("sweep 50 x 200 s", ("sweep_50x200_s",), "<=", 1),
    ("evaluate VNM cold ms, cache filled", ("cli_evaluate_vnm_ms",), "<=", 250),
    ("--help cold ms", ("cli_help_ms",), "<=", 150),
    ("peak RSS of a CLI run MiB", ("cli_peak_rss_mib",), "<=", 100),
)


def against_targets(results: dict) -> list[dict]:
    """Each target with what this run measured and whether it was met; a ratio whose
    per-round quartiles lie on both sides of its bound is marked unclear: this run cannot
    tell. On this machine, runs in loaded minutes read the 100-rule engine/core ratio anywhere
    from 0.37 to 0.93 (bench runs: 0.79-0.93) and calmer ones at 0.60-0.62: load does not
    cancel out of a ratio taken within a round, so a ratio target "met" in a loaded run may
    not be met."""
    found = []
    for what, where, way, bound in TARGETS:
        parent = results
        for key in where[:-1]:
            parent = parent[key]
        measured = parent[where[-1]]
        met = measured >= bound if way == ">=" else measured <= bound
        target = {"target": what, "measured": measured, "bound": f"{way} {bound:,}",
                  "met": met}
        quartiles = parent.get(f"{where[-1]}_quartiles")
        if quartiles:
            target["quartiles"] = quartiles
            target["unclear"] = quartiles[0] < bound <= quartiles[1]
        found.append(target)
    return found


def print_targets(targets: list[dict]) -> None:
    print("against the targets:")
    for t in targets:
        unclear = f", unclear: quartiles {t['quartiles'][0]}-{t['quartiles'][1]}" \
            if t.get("unclear") else ""
        print(f"  {t['target']:<35} {t['measured']:>10,} {t['bound']:>10}  "
              f"{'met' if t['met'] else 'missed'}{unclear}")


def print_table(results: dict) -> None:
    print(f"machine: {results['machine']}; {results['partners']} synthetic partners; engine "
          f"from {results['engine']}")
    print(f"load average (1 min, {os.cpu_count()} CPUs): {results['load_average_start']} at the "
          f"start, {results['load_average_end']} at the end; other work on the machine moves "
          "every figure, the ratios included")
    print(f"{'rules':>5} {'rulesets':>8} {'compile ms':>10} {'engine/s':>9} {'fresh/s':>8} "
          f"{'explained/s':>11} {'bare core/s':>11} {'reference/s':>11} {'eng/core':>18} "
          f"{'eng/ref':>18} {'rounds':>6}")
    for n, r in results["rules"].items():
        core, ref = r["engine_vs_bare_core_quartiles"], r["engine_vs_reference_quartiles"]
        print(f"{n:>5} {r['rulesets']:>8} {r['compile_ms']:>10} {r['engine_per_s']:>9,} "
              f"{r['engine_fresh_profiles_per_s']:>8,} {r['explained_per_s']:>11,} "
              f"{r['bare_core_per_s']:>11,} {r['reference_per_s']:>11,} "
              f"{r['engine_vs_bare_core']:>6} ({core[0]}-{core[1]}) "
              f"{r['engine_vs_reference']:>6} ({ref[0]}-{ref[1]}) {r['rounds']:>6}")
    print("(ratios: median of the per-round ratios, their quartiles in brackets)")
    print("(fresh/s: judge on profile objects it has never seen, nothing kept per profile yet)")
    print("policy load (YAML) + validate + compile, ms: " + ", ".join(
        f"{n} rules {r['load_validate_compile_ms']}" for n, r in results["rules"].items())
        + "; compile ms above is compile_policy on a validated model alone; creating the "
        "rulesets in the C core at first use adds " + ", ".join(
        f"{r['network_ms']}" for r in results["rules"].values()) + " ms")
    print(f"shipped policy load+validate+compile: {results['policy_load_validate_compile_ms']} "
          f"ms; from the disk cache: {results['policy_from_disk_cache_ms']} ms")
    print(f"sweep {results['sweep_note']}, each on a newly loaded policy: a limit "
          f"{results['sweep_limit_s']} s, a weight {results['sweep_weight_s']} s, a tier bound "
          f"{results['sweep_tier_bound_s']} s (the same policy object swept again, its 50 "
          f"variants kept: {results['sweep_limit_repeat_s']} / "
          f"{results['sweep_weight_repeat_s']} / {results['sweep_tier_bound_repeat_s']} s)")
    r = results
    print(f"CLI cold start, wheel install (median of {r['cli_runs']}, fastest in brackets): "
          f"--help {r['cli_help_ms']} ms ({r['cli_help_fastest_ms']}), evaluate VNM "
          f"{r['cli_evaluate_vnm_ms']} ms ({r['cli_evaluate_vnm_fastest_ms']}), with an empty "
          f"disk cache {r['cli_evaluate_vnm_empty_cache_ms']} ms "
          f"({r['cli_evaluate_vnm_empty_cache_fastest_ms']}); peak RSS of a CLI run "
          f"{r['cli_peak_rss_mib']} MiB")
    print(f"  median CPU ms: --help {r['cli_help_cpu_ms']}, evaluate VNM "
          f"{r['cli_evaluate_vnm_cpu_ms']}, with an empty disk cache "
          f"{r['cli_evaluate_vnm_empty_cache_cpu_ms']}")
    print(f"  floors: the third-party imports alone {r['cli_third_party_imports_ms']} ms "
          f"({r['cli_third_party_imports_fastest_ms']}); with one pydantic model class "
          f"{r['cli_third_party_and_a_model_ms']} ms "
          f"({r['cli_third_party_and_a_model_fastest_ms']})")
    print(f"RSS growth over {results['evaluations_for_rss']:,} evaluations: "
          f"{results['rss_growth_mib']} MiB (from {results['rss_before_mib']} MiB); per distinct "
          f"20-rule policy judged once: {results['rss_growth_per_policy_kib']} KiB "
          "(durable-rules keeps a deleted network's session)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, 20,000 for RSS")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--memory", type=int, help=argparse.SUPPRESS)   # the RSS child
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tradepolicy-bench-cache-") as cache:
        os.environ["TRADEPOLICY_CACHE"] = cache       # never the user's own disk cache
        if args.memory:
            print(json.dumps(memory_only(args.memory)))
            return
        results = measure(args.quick)
    results["load_average_end"] = round(os.getloadavg()[0], 2)
    results["targets"] = against_targets(results)
    print_table(results)
    print_targets(results["targets"])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {args.json}")


if __name__ == "__main__":
    main()
