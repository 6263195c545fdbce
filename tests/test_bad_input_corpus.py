"""Every bad input, through every command that reads files, gets a clear answer.

Each case is run as `validate FILE`, `evaluate FILE` (the file as a partner profile) and
`evaluate VNM --policy FILE`, through the installed console script in a subprocess with a
timeout: exit 2, the file named on stderr, no traceback, no hang, and no `--output` file left.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine import locate

SHIPPED_POLICY = locate.default_policy().read_text()


def _bomb() -> str:
    text = 'a: &a ["lol", "lol"]\n'
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        text += f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}]\n"
    return text


def _policy_with(old: str, new: str) -> str:
    assert old in SHIPPED_POLICY, old
    return SHIPPED_POLICY.replace(old, new, 1)


TEXT_CASES: dict[str, str | bytes] = {
    "empty": "",
    "only-comment": "# nothing here\n",
    "tabs": "a:\n\tb: 1\n",
    "unclosed-quote": 'a: "x\n',
    "unclosed-flow": "a: [1, 2\n",
    "duplicate-key": "a: 1\na: 2\n",
    "alias-bomb": _bomb(),
    "python-tag": 'a: !!python/object/apply:os.system ["touch MARKER"]\n',
    "unknown-tag": "a: !custom 1\n",
    "merge-key": "<<: {a: 1}\n",
    "two-documents": "a: 1\n---\nb: 2\n",
    "invalid-utf8": b"a: \xff\xfe\n",
    "nul-byte": b"a: 1\x00\n",
    "binary": bytes(range(256)) * 8,
    "huge": "a: " + "x" * 3_000_000 + "\n",
    "deep-flow": "[" * 100_000,
    "deep-block": "".join("  " * i + "k:\n" for i in range(200)),
    "int-key": "1: a\n",
    "complex-key": "? [a, b]\n: c\n",
    "top-level-list": "- a\n- b\n",
    "top-level-scalar": "just text\n",
    "nan-share": "partner: {code: VNM}\nindicators:\n  china_import_share: .nan\n",
    "inf-share": "partner: {code: VNM}\nindicators:\n  china_import_share: .inf\n",
    "share-out-of-range": "partner: {code: VNM}\nindicators:\n  china_import_share: 36.5\n",
    "string-for-number": 'partner: {code: VNM}\nindicators:\n  china_import_share: "0.3"\n',
    "unknown-indicator": "partner: {code: VNM}\nindicators:\n  china_import_shar: 0.3\n",
    "unknown-key": "partner: {code: VNM}\nindicatorz: {}\n",
    "date-for-string": "partner: {code: VNM, name: 2024-01-01}\n",
    "number-for-code": "partner: {code: 123}\n",
    "code-names-no-country": "partner: {code: VNN}\n",
    "norway-false": "partner: {code: NOR}\nindicators:\n  on_circumvention_list: NO\n",
    "figure-without-source":
        "partner: {code: VNM}\nindicators:\n  china_import_share: {value: 0.3}\n",
    "policy-unknown-demand": _policy_with("demand: belt-and-road", "demand: belt-and-rod"),
    "policy-code-names-no-country": _policy_with('usmca: ["MEX", "CAN"]', 'usmca: ["MEX", "CNA"]'),
    "policy-duplicate-rule": _policy_with("id: bri-not-a-member", "id: deals-no-new-china-deal"),
    # found by fuzzing: validate's condition pass read `conclude` as a mapping (exit 3)
    "policy-conclude-not-a-mapping": _policy_with("conclude: {transshipment_risk: high}",
                                                  "conclude: non-aligned"),
    "policy-tier-overlap": _policy_with("min_score: 65", "min_score: 90"),
    "policy-tier-gap": _policy_with("min_score: 0", "min_score: 10"),
    "policy-unknown-indicator": _policy_with("indicator: china_deal_count",
                                             "indicator: china_deals_count"),
    "policy-unknown-key": _policy_with("    weight: 4\n", "    weigth: 4\n"),
    "policy-wrong-type": _policy_with("    weight: 4\n", "    weight: four\n"),
    "policy-share-limit-out-of-range": _policy_with("limit: 0.20", "limit: 20"),
    "policy-nan-limit": _policy_with("limit: 0.20", "limit: .nan"),
    "policy-negative-count-limit": _policy_with(
        "{indicator: china_deal_count, comparison: at_most, limit: 0}",
        "{indicator: china_deal_count, comparison: at_most, limit: -1}"),
    "policy-eval-attempt": _policy_with(
        "{indicator: china_deal_count, comparison: at_most, limit: 0}",
        "\"__import__('os').system('touch MARKER') == 0\""),
    "overlay-extends-itself": "extends: overlay-extends-itself.yaml\nname: v\n",
    "overlay-unknown-base": "extends: us-china-alignmnt\nname: v\n",
    "overlay-outside-folder": "extends: ../elsewhere.yaml\nname: v\n",
    # names longer than a file name may be (255 bytes): Path.is_file() raises, not False
    "overlay-base-name-too-long": f"extends: {'b' * 300}.yaml\nname: v\n",
    "overlay-shipped-name-too-long": f"extends: {'b' * 300}\nname: v\n",
    "overlay-catalog-name-too-long":
        f"extends: us-china-alignment\nname: v\nindicators: {'c' * 300}.yaml\n",
    "policy-catalog-name-too-long": _policy_with("\nsources:",
                                                 f"\nindicators: {'c' * 300}.yaml\nsources:"),
    # YAML's "\0" writes a NUL byte, which no file name holds: Path.resolve() raises ValueError
    "overlay-base-nul": 'extends: "base\\0.yaml"\nname: v\n',
    "policy-catalog-nul": _policy_with("\nsources:", '\nindicators: "c\\0.yaml"\nsources:'),
    # an empty name is a mistake, not "no catalog" (the shipped one was used) or "no base"
    "policy-catalog-empty": _policy_with("\nsources:", '\nindicators: ""\nsources:'),
    "overlay-base-empty": 'extends: ""\nname: v\n',
    "overlay-unknown-rule":
        "extends: us-china-alignment\nname: v\nchange:\n  rules:\n    nope: {limit: 1}\n",
    "overlay-bad-limit": "extends: us-china-alignment\nname: v\nchange:\n  rules:\n"
                         "    inputs-china-import-share: {limit: high}\n",
    "overlay-exception-expires-first":
        "extends: us-china-alignment\nname: v\nexceptions:\n  - {id: w, partner: VNM, "
        "rule: bri-not-a-member, justification: j, granted: 2026-01-02, expires: 2026-01-01}\n",
    "overlay-term-for-nobody": "extends: us-china-alignment\nname: v\nterms:\n"
                               "  - {id: t, title: t, sources: [seed-003]}\n",
    "policy-derived-cycle": _policy_with("\nrules:", """
  - id: cyc-a
    title: a
    rationale: r
    sources: [seed-003]
    when: "cyc_b == 'x'"
    conclude: {cyc_a: y}
  - id: cyc-b
    title: b
    rationale: r
    sources: [seed-003]
    when: "cyc_a == 'y'"
    conclude: {cyc_b: x}

rules:"""),
}


def _make(case: str, folder: Path) -> Path:
    path = folder / f"{case}.yaml"
    if case == "missing":
        return path
    if case == "directory":
        path.mkdir()
    elif case == "fifo":
        os.mkfifo(path)
    elif case == "symlink-loop":
        other = folder / "other.yaml"
        other.symlink_to(path)
        path.symlink_to(other)
    else:
        data = TEXT_CASES[case]
        text = data if isinstance(data, bytes) else data.replace("MARKER", str(folder / "ran"))
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


CASES = [*TEXT_CASES, "missing", "directory", "fifo", "symlink-loop"]
MODES = ["validate", "profile", "policy"]


def _command(mode: str, path: Path, output: Path) -> list[str]:
    exe = shutil.which("tradepolicy") or str(Path(sys.executable).parent / "tradepolicy")
    if mode == "validate":
        return [exe, "validate", str(path)]
    if mode == "profile":
        return [exe, "evaluate", str(path), "--format", "json", "--output", str(output)]
    return [exe, "evaluate", "VNM", "--policy", str(path), "--format", "json",
            "--output", str(output)]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES)
def test_bad_input_exits_2_naming_the_file(case: str, mode: str, tmp_path: Path) -> None:
    path = _make(case, tmp_path)
    output = tmp_path / "out" / "result.json"
    output.parent.mkdir()
    run = subprocess.run(_command(mode, path, output), capture_output=True, text=True,
                         timeout=60, stdin=subprocess.DEVNULL)
    assert run.returncode == 2, (run.returncode, run.stdout[-500:], run.stderr[-2000:])
    assert "Traceback" not in run.stderr + run.stdout
    assert path.name in run.stderr, run.stderr[-1000:]
    assert list(output.parent.iterdir()) == [], "a failed run left an output file"
    assert not (tmp_path / "ran").exists(), "the input ran code"


def test_a_policy_cannot_read_a_catalog_outside_its_folder(tmp_path: Path) -> None:
    """`indicators: ../x.yaml` would read outside what the user pointed at: refused, named."""
    fixtures = Path(__file__).parent / "fixtures"
    (tmp_path / "sub").mkdir()
    shutil.copy(fixtures / "indicators.yaml", tmp_path / "catalog.yaml")
    policy = tmp_path / "sub" / "policy.yaml"
    policy.write_text((fixtures / "policy.yaml").read_text().replace(
        "indicators: indicators.yaml", "indicators: ../catalog.yaml"))
    exe = shutil.which("tradepolicy") or str(Path(sys.executable).parent / "tradepolicy")
    for args in (["validate", str(policy)], ["evaluate", "VNM", "--policy", str(policy)]):
        run = subprocess.run([exe, *args], capture_output=True, text=True, timeout=60)
        assert run.returncode == 2
        assert f"{policy}:5:" in run.stderr and "outside the policy's folder" in run.stderr
