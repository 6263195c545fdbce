"""Shared fixtures for the unit tests: the fixture files, an editable copy of them, the CLI.

The fixture catalog, policy and VNM profile in tests/fixtures/ are small and self-contained
(the policy's `indicators: indicators.yaml` points at the fixture catalog). Tests never read the
shipped policies/ or partners/: a test that needs a variant copies the fixtures into its own
tmp_path and edits the copy.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

FIXTURES = Path(__file__).parent / "fixtures"
CATALOG_FILE = FIXTURES / "indicators.yaml"
POLICY_FILE = FIXTURES / "policy.yaml"
VNM_FILE = FIXTURES / "VNM.yaml"


class _PlainDumper(yaml.SafeDumper):
    """Never writes anchors/aliases (the loader refuses them), even for repeated objects."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True,
                     width=1000)


def tradepolicy_command() -> str:
    """The installed console script of the venv running the tests."""
    return shutil.which("tradepolicy") or str(Path(sys.executable).parent / "tradepolicy")


class Workspace:
    """A private copy of the fixture catalog, policy and profile, editable as plain data."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        for source in (CATALOG_FILE, POLICY_FILE, VNM_FILE):
            shutil.copy(source, root / source.name)
        self.catalog_path = root / CATALOG_FILE.name
        self.policy_path = root / POLICY_FILE.name
        self.vnm_path = root / VNM_FILE.name
        self._count = 0

    # --- the fixture data, fresh copies to edit -----------------------------------------------
    @staticmethod
    def policy_data() -> dict[str, Any]:
        return copy.deepcopy(yaml.safe_load(POLICY_FILE.read_text()))

    @staticmethod
    def catalog_data() -> dict[str, Any]:
        return copy.deepcopy(yaml.safe_load(CATALOG_FILE.read_text()))

    @staticmethod
    def vnm_data() -> dict[str, Any]:
        return copy.deepcopy(yaml.safe_load(VNM_FILE.read_text()))

    # --- files ----------------------------------------------------------------------------------
    def _name(self, stem: str) -> str:
        self._count += 1
        return f"{stem}-{self._count}.yaml"

    def write(self, name: str, content: str | bytes | dict[str, Any]) -> Path:
        path = self.root / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content if isinstance(content, str) else dump_yaml(content))
        return path

    def write_policy(self, data: dict[str, Any] | str, name: str | None = None) -> Path:
        """A policy file beside the fixture catalog (a new name each call: no stale cache)."""
        return self.write(name or self._name("policy"), data)

    def write_profile(self, data: dict[str, Any] | str, name: str | None = None) -> Path:
        return self.write(name or self._name("profile"), data)

    def write_catalog(self, data: dict[str, Any] | str, name: str | None = None) -> str:
        """A catalog file; returns the name a policy's `indicators:` key should hold."""
        path = self.write(name or self._name("catalog"), data)
        return path.name

    # --- the pipeline -----------------------------------------------------------------------------
    def compile(self, data: dict[str, Any] | str | None = None):
        from engine import api

        return api.load_policy(self.write_policy(data) if data is not None else self.policy_path)

    def evaluate(self, policy: Any = None, profile: dict[str, Any] | None = None):
        """A Scorecard for `profile` (default: the fixture VNM) under `policy` (a compiled
        policy, policy data, or None for the fixture policy)."""
        from engine import api

        compiled = policy if hasattr(policy, "rulesets") else self.compile(policy)
        path = self.write_profile(profile) if profile is not None else self.vnm_path
        partner = api.load_partner(path, compiled.catalog)
        return api.evaluate_partner(compiled, partner)

    def verdicts(self, policy: Any = None, profile: dict[str, Any] | None = None) -> dict:
        card = self.evaluate(policy, profile)
        return {f.rule: f.status.value for f in card.findings}


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "ws")


@pytest.fixture
def fixture_dir(ws: Workspace) -> Path:
    """A folder holding copies of indicators.yaml, policy.yaml and VNM.yaml."""
    return ws.root


@pytest.fixture(scope="session")
def run_cli():
    """Run the installed `tradepolicy` console script; returns the CompletedProcess (text)."""
    command = tradepolicy_command()

    def run(*args: str | Path, cwd: Path | None = None, timeout: float = 60,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, **(env or {})}
        return subprocess.run([command, *map(str, args)], capture_output=True, text=True,
                              cwd=cwd, timeout=timeout, check=False, env=full_env)

    return run


def assert_input_error(exc: BaseException, path: str | Path, line: int | None = None,
                       col: int | None = None, text: str | None = None) -> str:
    """`exc` is an InputError naming `path` (and `line:col` when given), saying `text`."""
    from engine.errors import InputError

    assert isinstance(exc, InputError), f"{type(exc).__name__}: {exc}"
    message = str(exc)
    where = f"{path}:"
    if line is not None:
        where += f"{line}:{col}:" if col is not None else f"{line}:"
    assert where in message, f"{where!r} not in {message!r}"
    if text is not None:
        assert text in message, f"{text!r} not in {message!r}"
    return message


@pytest.fixture(autouse=True, scope="session")
def _private_disk_cache(tmp_path_factory):
    """Tests (and the CLI processes they start) keep their on-disk cache in a folder of this
    session, never the user's ~/.cache."""
    os.environ["TRADEPOLICY_CACHE"] = str(tmp_path_factory.mktemp("tradepolicy-cache"))
    yield
