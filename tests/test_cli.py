"""CLI: the installed `tradepolicy` console script, run in a subprocess.

Exit codes (0 done, 1 under --fail-under, 2 bad input or usage, 3 internal error), messages on
stderr as path:line:col with no traceback, atomic --output, the JSON contract, validate, schema,
explain and --version.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from conftest import tradepolicy_command
from jsonschema import Draft202012Validator

from engine.api import load_catalog
from engine.load import load_yaml


def _no_traceback(done) -> None:
    assert "Traceback" not in done.stdout and "Traceback" not in done.stderr, done.stderr


def _evaluate_json(run_cli, folder: Path, *extra: str):
    return run_cli("evaluate", folder / "VNM.yaml", "--policy", folder / "policy.yaml",
                   "--format", "json", *extra)


# --- evaluate --------------------------------------------------------------------------------

def test_evaluate_exits_0_and_prints_the_json_contract(run_cli, fixture_dir):
    done = _evaluate_json(run_cli, fixture_dir)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {"name", "version", "hash"} <= set(report["policy"])
    assert report["policy"]["name"] == "test-policy" and len(report["policy"]["hash"]) == 64
    (partner,) = report["partners"]
    assert {"partner", "score", "tier", "outcome", "coverage", "findings"} <= set(partner)
    assert partner["partner"] == {"code": "VNM", "name": "Viet Nam"}
    assert (partner["score"], partner["tier"], partner["coverage"]) == (12.5, "bad", 1.0)
    assert partner["outcome"] == {"tariff_rate": 40.0, "legal_authority": "ieepa",
                                  "effective": "2025-07-31", "expires": None,
                                  "review": None,
                                  "status": "struck_down", "note": None}
    keys = {"rule", "demand", "status", "observed", "limit", "margin", "message", "sources",
            "because"}
    assert all(keys <= set(f) for f in partner["findings"])
    assert [f["rule"] for f in partner["findings"]] == ["inputs-share", "ts-risk", "bri", "ec",
                                                        "scope", "ratio"]
    share = partner["findings"][0]
    assert (share["status"], share["limit"], share["margin"]) == ("violated", 0.2, -0.165)
    assert share["observed"] == {"china_import_share": 0.365}
    (because,) = partner["findings"][1]["because"]
    assert {"fact": "transshipment_risk", "value": "high", "derived_by": ["risk-high"],
            "observed": {"eapa_case_count": 7, "rerouting_share": 0.161}}.items() \
        <= because.items()


def test_the_json_is_byte_identical_between_runs(run_cli, fixture_dir):
    first, second = _evaluate_json(run_cli, fixture_dir), _evaluate_json(run_cli, fixture_dir)
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout


def test_partners_are_ordered_by_code(run_cli, fixture_dir):
    mex = fixture_dir / "MEX.yaml"
    mex.write_text((fixture_dir / "VNM.yaml").read_text().replace("code: VNM", "code: MEX"))
    done = run_cli("evaluate", fixture_dir / "VNM.yaml", mex, "--policy",
                   fixture_dir / "policy.yaml", "-f", "json")
    assert done.returncode == 0, done.stderr
    assert [p["partner"]["code"] for p in json.loads(done.stdout)["partners"]] == ["MEX", "VNM"]


def test_a_profile_named_twice_is_reported_once(run_cli, fixture_dir):
    again = fixture_dir / ".." / fixture_dir.name / "VNM.yaml"
    done = _evaluate_json(run_cli, fixture_dir, again, fixture_dir / "VNM.yaml")
    assert done.returncode == 0, done.stderr
    assert [p["partner"]["code"] for p in json.loads(done.stdout)["partners"]] == ["VNM"]


def test_a_shipped_partner_named_by_code_and_by_name_is_reported_once(run_cli):
    done = run_cli("evaluate", "VNM", "Viet Nam", "vnm", "-f", "json", "--no-remedies")
    assert done.returncode == 0, done.stderr
    assert [p["partner"]["code"] for p in json.loads(done.stdout)["partners"]] == ["VNM"]


@pytest.mark.parametrize(("threshold", "code"), [("50", 1), ("12.6", 1), ("12.5", 0), ("0", 0)])
def test_fail_under_exits_1_only_when_a_score_is_below_it(run_cli, fixture_dir, threshold,
                                                          code):
    done = _evaluate_json(run_cli, fixture_dir, "--fail-under", threshold)   # score 12.5
    assert done.returncode == code, done.stderr
    assert json.loads(done.stdout)["partners"][0]["score"] == 12.5


@pytest.mark.parametrize(("threshold", "shown"), [("nan", "nan"), ("-5", "-5"), ("101", "101"),
                                                  ("inf", "inf")])
def test_fail_under_outside_0_to_100_is_a_usage_error(run_cli, fixture_dir, threshold, shown):
    done = _evaluate_json(run_cli, fixture_dir, "--fail-under", threshold)
    assert done.returncode == 2, done.stderr
    assert ("Invalid value for '--fail-under': expected a score from 0 to 100, "
            f"got {shown}") in done.stderr
    assert done.stdout == ""
    _no_traceback(done)


@pytest.mark.parametrize(("day", "said"), [
    ("20250901", "expected a date as YYYY-MM-DD"), ("2025-W36-1", "expected a date as YYYY-MM-DD"),
    ("2025-9-1", "expected a date as YYYY-MM-DD"), ("2025-09-01x", "expected a date as YYYY-MM-DD"),
    # written as asked, but no such day: 'expected YYYY-MM-DD' would send the user to the form
    ("2025-02-30", "no such date (day is out of range for month)"),
    ("2025-13-01", "no such date (month must be in 1..12)")])
def test_as_of_takes_only_a_date_written_yyyy_mm_dd(run_cli, fixture_dir, day, said):
    done = _evaluate_json(run_cli, fixture_dir, "--as-of", day)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"--as-of {day}: {said}")
    _no_traceback(done)


def test_as_of_written_yyyy_mm_dd_is_taken(run_cli, fixture_dir):
    done = _evaluate_json(run_cli, fixture_dir, "--as-of", "2025-09-01")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["policy"]["as_of"] == "2025-09-01"


def test_the_table_format_names_score_tier_and_the_message(run_cli, fixture_dir):
    done = run_cli("evaluate", fixture_dir / "VNM.yaml", "--policy", fixture_dir / "policy.yaml",
                   env={"COLUMNS": "300"})            # wide enough that no message wraps
    assert done.returncode == 0, done.stderr
    assert "Score 12.5 / 100" in done.stdout and "[bad]" in done.stdout
    assert "Chinese share of imports 36.5% exceeds the 20% limit by 16.5 points" in done.stdout


# --- bad input -------------------------------------------------------------------------------

def test_a_bad_policy_exits_2_with_path_line_col_and_no_traceback(run_cli, fixture_dir):
    policy = fixture_dir / "policy.yaml"
    policy.write_text(policy.read_text().replace("indicator: china_import_share",
                                                 "indicator: china_imprt_share"))
    done = _evaluate_json(run_cli, fixture_dir)
    assert done.returncode == 2
    assert f"{policy}:25:26: unknown indicator 'china_imprt_share'" in done.stderr
    assert "did you mean 'china_import_share'?" in done.stderr
    assert done.stdout == ""
    _no_traceback(done)


def test_a_negative_count_limit_exits_2_at_its_place_from_a_file_or_a_setting(run_cli,
                                                                             fixture_dir):
    """The fixture's transshipment inference written `eapa_case_count >= -5` holds for any
    count, so it rested on the rerouting share alone without a word; a count's limit set
    below 0 on the command line is refused the same way."""
    policy = fixture_dir / "policy.yaml"
    text = policy.read_text()
    policy.write_text(text.replace("eapa_case_count >= 5", "eapa_case_count >= -5"))
    (line,) = [n for n, words in enumerate(text.splitlines(), 1) if "eapa_case_count" in words]
    col = text.splitlines()[line - 1].index("eapa_case_count >= 5") + 1
    for args in (["validate", policy], ["evaluate", fixture_dir / "VNM.yaml", "--policy", policy]):
        done = run_cli(*args)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(f"{policy}:{line}:{col}: eapa_case_count: a count cannot be "
                                      "negative (0 or more), not -5\n"), done.stderr
        assert done.stdout == ""
        _no_traceback(done)
    policy.write_text(text.replace("\ntiers:", "\n  - {id: cases, demand: transshipment, "
                                   "title: c, rationale: r, sources: [s1], "
                                   "require: 'eapa_case_count <= 9'}\ntiers:"))
    done = run_cli("evaluate", fixture_dir / "VNM.yaml", "--policy", policy,
                   "--set", "cases.limit=-1")
    assert done.returncode == 2, done.stderr
    assert done.stderr == ("--set cases.limit=-1: eapa_case_count: a count cannot be negative "
                           "(0 or more), not -1\n")
    _no_traceback(done)


def test_a_failing_run_leaves_no_output_file_and_no_temporary_file(run_cli, fixture_dir,
                                                                   tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "report.json"
    done = run_cli("evaluate", fixture_dir / "missing.yaml", "--policy",
                   fixture_dir / "policy.yaml", "-f", "json", "--output", target)
    assert done.returncode == 2
    assert "missing.yaml: no such file" in done.stderr
    assert list(out_dir.iterdir()) == []
    _no_traceback(done)


def test_output_on_success_writes_the_same_bytes_as_stdout(run_cli, fixture_dir, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "report.json"
    written = _evaluate_json(run_cli, fixture_dir, "--output", target)
    printed = _evaluate_json(run_cli, fixture_dir)
    assert written.returncode == printed.returncode == 0
    assert written.stdout == ""
    assert target.read_bytes() == printed.stdout.encode()
    assert [p.name for p in out_dir.iterdir()] == ["report.json"]        # no .tmp left


def _read_fifo_in_a_thread(fifo: Path) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as handle:
            got.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader, got


def _release(fifo: Path, reader: threading.Thread) -> None:
    """A reader still waiting (nothing opened the FIFO to write) gets end-of-file."""
    if reader.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    reader.join(timeout=10)


def test_output_to_a_fifo_writes_into_it_and_leaves_it_a_fifo(run_cli, fixture_dir, tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    reader, got = _read_fifo_in_a_thread(fifo)
    done = _evaluate_json(run_cli, fixture_dir, "--output", fifo)
    _release(fifo, reader)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(got[0])["partners"][0]["score"] == 12.5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.fifo", "ws"]   # no .tmp


def _char_device(path: Path, minor: int) -> Path:
    """A memory device (major 1: 3 is null, 7 is full) at `path`; skips where none can be made."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("this container may not make device nodes")
    return path


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="making a device node needs root")
def test_output_to_a_character_device_writes_into_it_and_leaves_it_a_device(run_cli,
                                                                            fixture_dir,
                                                                            tmp_path):
    null = _char_device(tmp_path / "null", 3)      # a private /dev/null, never the real one
    done = _evaluate_json(run_cli, fixture_dir, "--output", null)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISCHR(null.lstat().st_mode)
    assert os.major(null.lstat().st_rdev) == 1 and os.minor(null.lstat().st_rdev) == 3


def test_output_over_a_private_file_keeps_its_mode(run_cli, fixture_dir, tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o600)
    done = _evaluate_json(run_cli, fixture_dir, "--output", target)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["partners"][0]["score"] == 12.5


def test_output_through_a_symlink_replaces_the_file_and_keeps_the_link(run_cli, fixture_dir,
                                                                       tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    done = _evaluate_json(run_cli, fixture_dir, "--output", link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert json.loads(real.read_text())["partners"][0]["score"] == 12.5


@pytest.mark.skipif(not Path("/proc/version").is_file(), reason="needs Linux /proc")
def test_a_policy_file_name_that_is_not_utf8_is_shown_in_the_report_not_a_crash(
        run_cli, fixture_dir, tmp_path):
    """A file name's undecodable bytes reach the report (the overlay chain) as lone surrogates,
    which a UTF-8 writer refuses: --output, and stdout under a strict locale, exited 3."""
    name = os.fsdecode(b"overlay-\xff.yaml")
    try:
        (fixture_dir / name).write_text("extends: policy.yaml\nname: v\n")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this filesystem refuses file names that are not UTF-8")
    args = ["evaluate", "VNM.yaml", "--policy", name, "--format", "json", "--no-remedies"]
    to_file = run_cli(*args, "--output", tmp_path / "out.json", cwd=fixture_dir)
    to_stdout = run_cli(*args, cwd=fixture_dir, env={"PYTHONIOENCODING": "utf-8:strict"})
    assert (to_file.returncode, to_stdout.returncode) == (0, 0), to_file.stderr + to_stdout.stderr
    written = (tmp_path / "out.json").read_text(encoding="utf-8")
    assert written == to_stdout.stdout
    assert '"overlay-\\udcff.yaml"' in written           # shown as stderr shows it
    assert json.loads(written)["policy"]["chain"][0] == name


def test_output_where_no_file_can_be_made_exits_2_naming_path_and_reason(run_cli, fixture_dir):
    done = _evaluate_json(run_cli, fixture_dir, "--output", "/proc/version")
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("/proc/version: cannot create a temporary file in /proc to "
                                  "replace it (No such file or directory)")
    assert done.stdout == ""
    _no_traceback(done)


def test_output_into_a_missing_folder_exits_2_and_makes_nothing(run_cli, fixture_dir, tmp_path):
    target = tmp_path / "missing" / "report.json"
    done = _evaluate_json(run_cli, fixture_dir, "--output", target)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"{target}: folder {target.parent} does not exist")
    assert not target.parent.exists()
    _no_traceback(done)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="making a device node needs root")
def test_output_to_a_device_that_refuses_the_write_exits_2(run_cli, fixture_dir, tmp_path):
    full = _char_device(tmp_path / "full", 7)      # a private /dev/full: every write fails
    done = _evaluate_json(run_cli, fixture_dir, "--output", full)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"{full}: cannot write it (No space left on device)")
    assert stat.S_ISCHR(full.lstat().st_mode)
    _no_traceback(done)


def test_output_to_a_pipe_whose_reader_stops_early_is_no_error(tmp_path):
    from engine.output import write_output

    fifo = tmp_path / "head.fifo"                   # as in `-o /dev/stdout | head -c 10`
    os.mkfifo(fifo)
    got: list[bytes] = []

    def head() -> None:
        with fifo.open("rb") as handle:
            got.append(handle.read(10))

    reader = threading.Thread(target=head, daemon=True)
    reader.start()
    write_output("x" * 1_000_000, fifo)             # far more than a pipe buffers
    reader.join(timeout=10)
    assert got == [b"x" * 10]


def test_output_to_a_directory_is_bad_input(run_cli, fixture_dir, tmp_path):
    done = _evaluate_json(run_cli, fixture_dir, "--output", tmp_path)
    assert done.returncode == 2
    assert "is a directory" in done.stderr
    _no_traceback(done)


def test_an_unknown_partner_exits_2_naming_it(run_cli, fixture_dir):
    done = run_cli("evaluate", "QQQ", "--policy", fixture_dir / "policy.yaml")
    assert done.returncode == 2
    assert done.stderr.startswith("QQQ: unknown partner")
    _no_traceback(done)


@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_partner_argument_exits_2_saying_so(run_cli, fixture_dir, empty):
    done = run_cli("evaluate", empty, "--policy", fixture_dir / "policy.yaml")
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"{empty!r}: an empty partner argument is not a partner")
    assert "is a directory" not in done.stderr
    _no_traceback(done)


@pytest.mark.parametrize("name", ["Narnia", "Viet Namm", "NOPE"])
def test_a_name_no_country_matches_exits_2_listing_the_shipped_partners(run_cli, fixture_dir,
                                                                        name):
    done = run_cli("evaluate", name, "--policy", fixture_dir / "policy.yaml")
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"{name}: unknown partner: not a profile file")
    assert "shipped: " in done.stderr and "VNM" in done.stderr
    _no_traceback(done)

def test_a_folder_named_like_a_partner_does_not_hide_the_shipped_partner(run_cli, tmp_path):
    """An analyst keeping a folder per country (MEX/, Mexico/) still evaluates MEX: a folder is
    never a profile, so the code and the name come first; any other folder is still named."""
    for name in ("MEX", "Mexico", "reports"):
        (tmp_path / name).mkdir()
    done = run_cli("evaluate", "MEX", "Mexico", "--format", "json", "--no-remedies",
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [p["partner"]["code"] for p in json.loads(done.stdout)["partners"]] == ["MEX"]
    other = run_cli("evaluate", "reports", cwd=tmp_path)
    assert other.returncode == 2
    assert other.stderr.startswith("reports: is a directory, not a YAML file")


def _without_root(folder: Path) -> list[str]:
    """The prefix that runs a command as a user who may not read every file (root may), with
    `folder` theirs to read and write; empty when the tests do not run as root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, and no setpriv to run as another user")
    folder.chmod(0o777)
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    reachable = subprocess.run([*prefix, tradepolicy_command(), "--version"],
                               capture_output=True, text=True, timeout=60, check=False)
    if reachable.returncode != 0:   # e.g. a venv inside a private folder (.ci/run opens its own)
        pytest.skip(f"user nobody cannot run {tradepolicy_command()}: "
                    f"{reachable.stderr.strip()}")
    return prefix


def test_a_file_without_read_permission_is_reported_like_any_unreadable_file(fixture_dir):
    """click checked every path option and argument for readability before the command ran:
    validate stopped at the first unreadable file, hiding every other file's problems, and
    --output refused a file it may replace but not read."""
    shared = Path(tempfile.mkdtemp(prefix="tradepolicy-perm-"))
    try:
        prefix = _without_root(shared)
        for name in ("policy.yaml", "indicators.yaml", "VNM.yaml"):
            shutil.copy(fixture_dir / name, shared / name)
            (shared / name).chmod(0o644)
        secret, bad, out = shared / "secret.yaml", shared / "bad.yaml", shared / "out.json"
        secret.write_text("partner: {code: VNM}\n")
        bad.write_text("partner: {code: VNMX}\n")
        out.write_text("")
        secret.chmod(0o000)
        out.chmod(0o222)
        run = [*prefix, tradepolicy_command()]
        env = {**os.environ, "TRADEPOLICY_CACHE": "off"}
        checked = subprocess.run([*run, "validate", secret, bad], capture_output=True,
                                 text=True, timeout=60, env=env, check=False)
        assert checked.returncode == 2
        assert checked.stderr.splitlines()[0] == f"{secret}: cannot read: Permission denied"
        assert f"{bad}:1:17: partner.code: expected a three-letter" in checked.stderr
        written = subprocess.run([*run, "evaluate", shared / "VNM.yaml", "--policy",
                                  shared / "policy.yaml", "--format", "json", "--output", out],
                                 capture_output=True, text=True, timeout=60, env=env,
                                 check=False)
        assert written.returncode == 0, written.stderr
        out.chmod(0o644)
        assert json.loads(out.read_text())["partners"][0]["partner"]["code"] == "VNM"
    finally:
        shutil.rmtree(shared)


def _in_deleted_folder(tmp_path: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run tradepolicy from a working folder removed just before it starts, as a shell sitting
    in a folder another process deleted (a worktree, a build folder) does."""
    gone = tmp_path / "gone"
    gone.mkdir()
    script = 'cd "$1" && rmdir "$1" && shift && exec "$@"'
    return subprocess.run(["sh", "-c", script, "sh", str(gone), tradepolicy_command(),
                           *map(str, args)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "TRADEPOLICY_CACHE": str(tmp_path / "cache")},
                          check=False)


def test_a_working_folder_deleted_under_the_run_is_no_internal_error(fixture_dir, tmp_path):
    """Paths given in full still work (the overlay chain is shown in full); a relative path
    names nothing any more, which is bad input, not a bug."""
    overlay = fixture_dir / "overlay.yaml"
    overlay.write_text("extends: policy.yaml\nname: v\n")
    full = _in_deleted_folder(tmp_path, "evaluate", fixture_dir / "VNM.yaml", "--policy",
                              overlay, "--format", "json", "--no-remedies")
    assert full.returncode == 0, full.stderr
    assert json.loads(full.stdout)["policy"]["chain"][0] == str(overlay)
    relative = _in_deleted_folder(tmp_path, "evaluate", "../VNM.yaml", "--policy", overlay)
    assert relative.returncode == 2, relative.stderr
    assert relative.stderr.startswith("../VNM.yaml: no such file")
    output = _in_deleted_folder(tmp_path, "evaluate", fixture_dir / "VNM.yaml", "--policy",
                                overlay, "--output", "out.json")
    assert output.returncode == 2, output.stderr
    assert output.stderr.startswith("out.json: cannot reach it")
    docs = _in_deleted_folder(tmp_path, "docs", "--policy", overlay, "-o", tmp_path / "docs")
    assert docs.returncode == 0, docs.stderr
    assert (tmp_path / "docs" / "index.html").is_file()


def test_a_name_longer_than_any_file_name_exits_2_as_an_unknown_partner(run_cli, fixture_dir):
    """A name is first tried as a file; one longer than a file name may be (255 bytes) made
    that test raise instead of answering no."""
    name = "Narnia " * 50
    done = run_cli("evaluate", name, "--policy", fixture_dir / "policy.yaml")
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"{name}: unknown partner: not a profile file")
    _no_traceback(done)


def test_a_figure_too_large_for_a_float_is_refused_or_judged(run_cli, fixture_dir):
    """Either answer is fine: bad input at the figure's line (exit 2), or a verdict (exit 0,
    and 10**400 EAPA cases make the transshipment risk high). Never a crash."""
    profile = fixture_dir / "huge.yaml"
    profile.write_text("partner: {code: VNM}\nindicators:\n"
                       f"  eapa_case_count: {{value: 1{'0' * 400}, illustrative: true}}\n")
    done = run_cli("evaluate", profile, "--policy", fixture_dir / "policy.yaml", "-f", "json")
    _no_traceback(done)
    assert done.returncode in (0, 2), done.stderr
    if done.returncode == 2:
        assert f"{profile}:3:" in done.stderr
    else:
        findings = json.loads(done.stdout)["partners"][0]["findings"]
        assert next(f for f in findings if f["rule"] == "ts-risk")["status"] == "violated"

def test_a_policy_that_validates_evaluates_without_a_crash(run_cli, fixture_dir):
    policy = fixture_dir / "policy.yaml"
    policy.write_text(policy.read_text().replace(
        "imports_from_china_usd_bn / exports_to_us_usd_bn <= 1.0",
        f"imports_from_china_usd_bn <= 1{'0' * 400}"))
    checked = run_cli("validate", policy)
    _no_traceback(checked)
    if checked.returncode == 2:                     # refused: it must say where
        assert f"{policy}:56:" in checked.stderr
        return
    assert checked.returncode == 0
    done = _evaluate_json(run_cli, fixture_dir)
    _no_traceback(done)
    assert done.returncode == 0

def test_an_unexpected_exception_exits_3(monkeypatch, capsys, fixture_dir):
    from engine import api, cli

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "evaluate", broken)
    monkeypatch.setattr(sys, "argv", ["tradepolicy", "evaluate", str(fixture_dir / "VNM.yaml"),
                                      "--policy", str(fixture_dir / "policy.yaml")])
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == 3
    assert "boom" in capsys.readouterr().err


# --- usage -----------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("evaluate",),                                           # no partner
    ("evaluate", "VNM", "--bogus"),                          # unknown option
    ("evaluate", "VNM", "--format", "xml"),                  # unknown format
    ("evaluate", "VNM", "--all"),                            # both
    ("frobnicate",),                                         # unknown command
    ("schema", "profile"),                                   # unknown schema kind
    (),                                                      # nothing at all
])
def test_usage_errors_exit_2_without_a_traceback(run_cli, args):
    done = run_cli(*args)
    assert done.returncode == 2, (args, done.stdout, done.stderr)
    _no_traceback(done)


@pytest.mark.parametrize(("values", "empty"), [("0.1,,0.2", "value 2 of 3"),
                                               ("0.1,0.2,", "value 3 of 3"),
                                               (",0.1", "value 1 of 2")])
def test_sweep_with_an_empty_value_in_its_list_exits_2_naming_it(run_cli, fixture_dir, values,
                                                                 empty):
    param = f"inputs-share.limit={values}"
    done = run_cli("sweep", fixture_dir / "VNM.yaml", "--policy", fixture_dir / "policy.yaml",
                   "--param", param)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"--param {param}: {empty} is empty")
    assert done.stdout == ""
    _no_traceback(done)


@pytest.mark.parametrize(("command", "option"), [("evaluate", "--set"), ("sweep", "--param")])
def test_the_example_a_malformed_setting_shows_works_on_the_shipped_policy(run_cli, command,
                                                                           option):
    """The example is read from the message, so renaming its rule in the policy fails here."""
    done = run_cli(command, "VNM", option, "nonsense")
    assert done.returncode == 2, done.stderr
    example = re.search(rf"e\.g\. {option} (\S+)", done.stderr)[1]
    tried = run_cli(command, "VNM", option, example, "-f", "json")
    assert tried.returncode == 0, (example, tried.stderr)


@pytest.mark.parametrize(("command", "shown"), [
    ("evaluate", ["evaluate [OPTIONS] [PARTNER]...", "  PARTNER...  ", "--policy FILE",
                  "--output FILE", "--fail-under SCORE", "--set TARGET.FIELD=VALUE",
                  "--as-of YYYY-MM-DD"]),
    ("compare", ["compare [OPTIONS] [PARTNER]...", "  PARTNER...  ", "--against FILE"]),
    ("sweep", ["sweep [OPTIONS] [PARTNER]...", "--param TARGET.FIELD=VALUES"]),
    ("validate", ["validate [OPTIONS] {PATH}...", "  PATH...  "]),
    ("explain", ["explain [OPTIONS] {RULE_ID}", "  RULE_ID  "]),
    ("schema", ["schema [OPTIONS] {policy|partner|catalog|report}",
                "  policy|partner|catalog|report  Which file kind."]),
    ("docs", ["--output DIR", "--features DIR", "--results FILE"]),
])
def test_help_names_each_value_in_words_not_a_python_type(run_cli, command, shown):
    done = run_cli(command, "--help", env={"COLUMNS": "100"})
    assert done.returncode == 0, done.stderr
    assert [text for text in shown if text not in done.stdout] == []
    assert re.findall(r"<(?:list\[\w+\]|str|float|path)>", done.stdout) == []


@pytest.mark.parametrize("command", ["evaluate", "compare", "sweep", "validate", "docs"])
def test_help_imports_no_step_of_the_engine(command):
    """--help stays fast: the commands import the engine's steps only when they run."""
    code = ("import atexit, sys\n"
            "atexit.register(lambda: print(sorted(m for m in sys.modules "
            "if m.split('.')[0] == 'engine'), file=sys.stderr))\n"
            f"sys.argv = ['tradepolicy', {command!r}, '--help']\n"
            "from engine.cli import main\n"
            "main()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "['engine', 'engine.cli', 'engine.errors']"


def test_version_prints_the_installed_version(run_cli):
    done = run_cli("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"tradepolicy {version('tradepolicy')}"


@pytest.mark.parametrize("module", ["engine", "engine.cli"])
def test_python_m_runs_the_command(module, tmp_path):
    """`python -m engine.cli` used to exit 0 printing nothing: a check that compared two
    outputs made that way compared two empty files."""
    done = subprocess.run([sys.executable, "-m", module, "evaluate", "VNM", "--format", "json"],
                          capture_output=True, text=True, timeout=120, check=False,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [p["partner"]["code"] for p in json.loads(done.stdout)["partners"]] == ["VNM"]


# --- validate, explain, schema ---------------------------------------------------------------

def test_validate_reports_every_problem_in_one_file(run_cli, fixture_dir):
    policy = fixture_dir / "policy.yaml"
    text = policy.read_text()
    text = text.replace("title: Test\n", "title: Test\ntitle: Again\n", 1)        # line 3
    text = text.replace("weight: 3", "weight: heavy")                            # line 24
    text = text.replace("indicator: china_import_share", "indicator: china_imprt_share")
    policy.write_text(text)
    done = run_cli("validate", policy)
    assert done.returncode == 2
    found = [line for line in done.stderr.splitlines() if line.startswith(f"{policy}:")]
    assert found == [
        f"{policy}:3:1: duplicate key 'title' (first on line 2)",
        f"{policy}:24:13: rules[0].weight: expected a number, got 'heavy'",
        f"{policy}:26:26: unknown indicator 'china_imprt_share' "
        "(did you mean 'china_import_share'?)",
    ]
    _no_traceback(done)


def test_validate_lists_a_file_s_problems_from_its_top_down(run_cli, fixture_dir):
    """The model's pass runs before the conditions' pass: a weight refused at line 38 was
    listed before an unknown indicator at line 25."""
    policy = fixture_dir / "policy.yaml"
    text = policy.read_text()
    text = text.replace("indicator: china_import_share", "indicator: china_imprt_share")  # 25
    text = text.replace("    require: {indicator: bri_status",
                        "    weight: heavy\n    require: {indicator: bri_status", 1)    # 37
    policy.write_text(text)
    done = run_cli("validate", policy)
    found = [line.split(": ")[0] for line in done.stderr.splitlines()
             if line.startswith(f"{policy}:")]
    assert found == [f"{policy}:25:26", f"{policy}:37:13"], done.stderr


def test_a_partner_code_that_names_no_country_exits_2_pointing_at_it(run_cli, fixture_dir):
    """`VNN` for `VNM` in an exception waived nothing for anyone and validated clean."""
    policy = fixture_dir / "policy.yaml"
    policy.write_text(policy.read_text().replace("tiers:\n", (
        "exceptions:\n"
        "  - {id: waiver, partner: VNN, rule: bri, justification: j, granted: 2025-01-01}\n"
        "tiers:\n"), 1))
    for args in (("validate", policy), ("evaluate", fixture_dir / "VNM.yaml", "--policy", policy)):
        done = run_cli(*args)
        assert done.returncode == 2, done.stderr
        assert done.stderr.splitlines() == [
            f"{policy}:58:27: exceptions[0].partner: 'VNN' is not an ISO 3166-1 alpha-3 country "
            "code (did you mean 'VEN' (Venezuela, Bolivarian Republic of) or 'VNM' (Viet Nam)?)",
            "  58 |   - {id: waiver, partner: VNN, rule: bri, justification: j, granted: "
            "2025-01-01}",
            "     |                           ^"]
        _no_traceback(done)


def test_validate_accepts_the_fixture_policy_and_catalog(run_cli, fixture_dir):
    done = run_cli("validate", fixture_dir / "policy.yaml", fixture_dir / "indicators.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2 file(s) valid"


def test_validate_reports_problems_across_files(run_cli, fixture_dir):
    (fixture_dir / "a.yaml").write_text("catalog: x\nversion: 1\nversion: 2\nindicators: {}\n")
    (fixture_dir / "b.yaml").write_text("[")
    done = run_cli("validate", fixture_dir / "a.yaml", fixture_dir / "b.yaml")
    assert done.returncode == 2
    assert f"{fixture_dir / 'a.yaml'}:3:1: duplicate key 'version'" in done.stderr
    assert f"{fixture_dir / 'b.yaml'}:" in done.stderr


def test_explain_prints_a_rule(run_cli, fixture_dir):
    done = run_cli("explain", "inputs-share", "--policy", fixture_dir / "policy.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("inputs-share: Keep Chinese share of imports low\n")
    assert "Chinese share of imports is at most 20%" in done.stdout or \
        "Chinese share of imports at most 20%" in done.stdout


def test_explain_an_unknown_rule_exits_2_with_did_you_mean(run_cli, fixture_dir):
    done = run_cli("explain", "inputs-shar", "--policy", fixture_dir / "policy.yaml")
    assert done.returncode == 2
    assert "no rule 'inputs-shar' in policy test-policy" in done.stderr
    assert "did you mean 'inputs-share'?" in done.stderr
    _no_traceback(done)


@pytest.mark.parametrize("kind", ["policy", "partner", "catalog"])
def test_schema_prints_a_valid_draft_2020_12_schema(run_cli, kind):
    done = run_cli("schema", kind)
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize(("kind", "fixture"), [("policy", "policy.yaml"),
                                               ("catalog", "indicators.yaml")])
def test_the_schemas_accept_the_fixture_files(run_cli, fixture_dir, kind, fixture):
    schema = json.loads(run_cli("schema", kind).stdout)
    data = json.loads(json.dumps(load_yaml(fixture_dir / fixture).data,
                                 default=lambda value: value.isoformat()))
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(data)]
    assert errors == []


def test_the_partner_schema_refuses_a_share_written_as_a_percentage(run_cli):
    schema = json.loads(run_cli("schema", "partner").stdout)
    indicators = schema["properties"]["indicators"]["properties"]
    share = next(name for name, spec in indicators.items()
                 if {"type": "number", "minimum": 0, "maximum": 1} in spec["anyOf"])
    profile = {"partner": {"code": "VNM"}, "indicators": {share: 36.5}}
    assert list(Draft202012Validator(schema).iter_errors(profile))
    profile["indicators"][share] = 0.365
    assert not list(Draft202012Validator(schema).iter_errors(profile))


@pytest.mark.parametrize(("code", "refused"), [("VNM", False), ("XAA", False), ("QZZ", False),
                                               ("VNN", True), ("vnm", True), ("QLA", True)])
def test_the_schemas_take_only_codes_that_name_a_partner(run_cli, code, refused):
    """An editor flags a mistyped partner code (or country figure) while it is typed, as
    validate would: assigned ISO 3166-1 codes and user-assigned ones (QLA is neither)."""
    partner = Draft202012Validator(json.loads(run_cli("schema", "partner").stdout))
    country = next(name for name, ind in load_catalog().indicators.items()
                   if ind.type == "country")
    policy = Draft202012Validator(json.loads(run_cli("schema", "policy").stdout))
    overlay = {"extends": "us-china-alignment", "name": "o", "groups": {"mine": [code]}}
    assert bool(list(partner.iter_errors({"partner": {"code": code}}))) is refused
    assert bool(list(partner.iter_errors({"partner": {"code": "VNM"},
                                          "indicators": {country: code}}))) is refused
    assert bool(list(policy.iter_errors(overlay))) is refused


def test_the_working_folder_s_policies_and_partners_are_the_shipped_ones(run_cli, tmp_path):
    """A drafter edits policies/ and partners/ in a checkout (or a copy) and runs from there:
    the edit is what is evaluated, even with the package installed from an older copy.
    Elsewhere the copies installed with the package are used."""
    import shutil

    repo = Path(__file__).resolve().parent.parent
    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    elsewhere.mkdir()
    for kind in ("policies", "partners"):
        shutil.copytree(repo / kind, work / kind)
    profile = work / "partners" / "VNM.yaml"
    profile.write_text(profile.read_text().replace("value: 0.365", "value: 0.123", 1))
    env = {"TRADEPOLICY_CACHE": str(tmp_path / "cache")}

    def observed(cwd: Path) -> float:
        done = run_cli("evaluate", "VNM", "--format", "json", "--no-remedies", cwd=cwd, env=env)
        assert done.returncode == 0, done.stderr
        findings = json.loads(done.stdout)["partners"][0]["findings"]
        return next(f["observed"]["china_import_share"] for f in findings
                    if "china_import_share" in f["observed"])

    assert observed(work) == 0.123
    assert observed(elsewhere) == 0.365


@pytest.mark.parametrize(("args", "said"), [
    (["evaluate", "VNM", "--format", "xml"],
     "Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', 'markdown', "
     "'html'."),
    (["evaluate", "VNM", "--fail-under", "abc"],
     "Invalid value for '--fail-under': expected a number, got 'abc'"),
    (["schema", "bogus"], "'bogus' is not one of 'policy', 'partner', 'catalog', 'report'."),
])
def test_a_bad_option_value_is_said_in_plain_words(run_cli, args, said):
    """typer checks option values with pydantic, whose wording ('Value error, ...', 'Input
    should be a valid number') is translated like a file's problems."""
    done = run_cli(*args)
    assert done.returncode == 2
    assert said in done.stderr, done.stderr
    assert "Value error" not in done.stderr and "Input should" not in done.stderr


def test_the_garbage_collector_runs_while_a_command_works_and_is_on_after(monkeypatch,
                                                                          fixture_dir):
    """main() keeps the cyclic collector off only while a command imports the engine (its
    objects are then frozen, see cli._imported): a long sweep must still collect garbage, and
    a caller running main() in its own process gets the collector back on, even after a
    usage error stopped the command before it imported anything."""
    import gc

    from engine import api, cli

    seen = []

    def recording(*args, **kwargs):
        seen.append(gc.isenabled())
        raise RuntimeError("stop here")

    monkeypatch.setattr(api, "evaluate", recording)
    for argv, code in ((["evaluate", str(fixture_dir / "VNM.yaml"), "--policy",
                         str(fixture_dir / "policy.yaml")], 3),
                       (["evaluate", "--format", "nope"], 2)):
        monkeypatch.setattr(sys, "argv", ["tradepolicy", *argv])
        with pytest.raises(SystemExit) as caught:
            cli.main()
        assert caught.value.code == code
        assert gc.isenabled()
    assert seen == [True]


@pytest.mark.parametrize(("name", "code"), [("Republic of Korea", "KOR"),
                                            ("Korea, Republic of", "KOR"),
                                            ("México", "MEX"), (" Mexico ", "MEX"),
                                            ("viet nam", "VNM"), ("MX", "MEX")])
def test_a_country_is_found_by_any_of_its_names_as_written(run_cli, name, code):
    """'Republic of Korea' is South Korea's official name: pycountry's fuzzy search alone
    answers PRK (North Korea) for it, which would be the wrong country had it a profile. Case,
    accents, spaces and the comma order of 'Korea, Republic of' do not matter."""
    done = run_cli("evaluate", name, "-f", "json", "--no-remedies")
    assert done.returncode == 0, done.stderr
    assert [p["partner"]["code"] for p in json.loads(done.stdout)["partners"]] == [code]


def test_a_name_of_two_countries_names_neither(run_cli):
    done = run_cli("evaluate", "Korea")
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Korea: unknown partner")
    _no_traceback(done)


def test_a_file_with_thousands_of_problems_shows_the_first_fifty_and_counts_the_rest(
        run_cli, fixture_dir):
    """A data file passed as a profile (here 5,000 names the catalog does not know): each is
    a problem, but the report shows 50 with their lines, and says how many more there are."""
    data = yaml.safe_load((fixture_dir / "VNM.yaml").read_text())
    data["indicators"].update({f"not_an_indicator_{i}": 1 for i in range(5000)})
    profile = fixture_dir / "big.yaml"
    profile.write_text(yaml.safe_dump(data, sort_keys=False))
    done = run_cli("evaluate", profile, "--policy", fixture_dir / "policy.yaml")
    assert done.returncode == 2
    reported = [line for line in done.stderr.splitlines() if "unknown indicator" in line]
    assert len(reported) == 50
    assert reported[0].startswith(f"{profile}:") and "'not_an_indicator_0'" in reported[0]
    assert done.stderr.rstrip().endswith(
        f"{profile}: 4,950 more problems not shown (the first 50 are above)")
    assert done.stdout == ""
    _no_traceback(done)
