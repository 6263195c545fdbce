"""The on-disk cache (engine.cache): a run on unchanged files skips parsing, validating and
compiling, and the cache never makes a run different or failing.

Each test gets its own cache folder; `fresh_process()` forgets what this process has loaded,
as a new CLI run would, so the next load can only come from the disk (or from the files).
"""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CATALOG_FILE, POLICY_FILE

from engine import api, cache, yamlparse
from engine.errors import InputError


@pytest.fixture
def folder(ws, tmp_path: Path, monkeypatch) -> Path:
    """A private cache folder; the workspace's files are dated an hour back, as files are when
    a user runs them. A file changed seconds before a build is not cached (see below): by its
    change time too, which no one can set back, so the window is narrowed to what is changed
    once a build has started; the racy tests change files during the build."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRADEPOLICY_CACHE", str(folder))
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.0)
    for path in ws.root.iterdir():
        age(path)
    return folder


def age(path: Path, seconds: float = 3600) -> None:
    info = path.stat()
    os.utime(path, (info.st_atime - seconds, info.st_mtime - seconds))


def fresh_process() -> None:
    api._CACHE.clear()


def no_yaml_parsing(monkeypatch) -> None:
    def refuse(text, path):
        raise AssertionError(f"{path} was parsed, not read from the cache")

    monkeypatch.setattr(yamlparse, "parse", refuse)


def rewrite_keeping_size_and_time(path: Path, old: str, new: str) -> None:
    """An edit that neither size nor modification time shows (so only content can tell)."""
    assert len(old) == len(new)
    info = path.stat()
    path.write_text(path.read_text().replace(old, new, 1))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def test_an_unchanged_policy_and_profile_are_read_from_the_cache_without_parsing(
        ws, folder, monkeypatch):
    compiled = api.load_policy(ws.policy_path)
    first = api.evaluate_partner(compiled, api.load_partner(ws.vnm_path, compiled.catalog))
    assert len(list(folder.glob("*.pickle"))) == 2                 # the policy and the profile
    fresh_process()
    no_yaml_parsing(monkeypatch)
    again = api.load_policy(ws.policy_path)
    assert again is not compiled and again.hash == compiled.hash
    second = api.evaluate_partner(again, api.load_partner(ws.vnm_path, again.catalog))
    assert second == first
    assert api.load_policy(ws.policy_path) is again          # then kept in the process as before


def test_an_edit_is_noticed_by_content_even_when_size_and_time_are_unchanged(ws, folder):
    before = api.load_policy(ws.policy_path).rules["inputs-share"].rule.require.limit
    rewrite_keeping_size_and_time(ws.policy_path, "limit: 0.2}", "limit: 0.5}")
    fresh_process()
    after = api.load_policy(ws.policy_path).rules["inputs-share"].rule.require.limit
    assert (before, after) == (0.2, 0.5)


def test_a_changed_catalog_is_noticed_by_the_policy_and_by_a_cached_profile(ws, folder):
    compiled = api.load_policy(ws.policy_path)
    api.load_partner(ws.vnm_path, compiled.catalog)
    catalog = ws.catalog_path.read_text()
    ws.catalog_path.write_text(catalog.replace("china_import_share:", "china_imports_share:", 1))
    fresh_process()
    with pytest.raises(InputError) as policy_error:
        api.load_policy(ws.policy_path)
    assert "china_import_share" in str(policy_error.value)
    with pytest.raises(InputError) as profile_error:                # the profile is cached, but
        api.load_partner(ws.vnm_path, api.load_catalog(ws.catalog_path))   # checked again
    assert f"{ws.vnm_path}:3:3: unknown indicator 'china_import_share'" in str(
        profile_error.value)


def checkout(root: Path, limit: float) -> Path:
    """A working folder with its own shipped data (policies/ and partners/), as a checkout or
    a drafter's copy has: runs from there read their shipped policy and catalog from it."""
    (root / "partners").mkdir(parents=True)
    (root / "policies").mkdir()
    (root / "policies" / "us-china-alignment.yaml").write_text(
        POLICY_FILE.read_text().replace("limit: 0.2}", f"limit: {limit}}}", 1))
    shutil.copy(CATALOG_FILE, root / "policies" / "indicators.yaml")
    for path in (root / "policies").iterdir():
        age(path)
    return root


def test_an_overlay_of_a_shipped_policy_run_from_another_checkout_uses_that_checkouts_base(
        ws, folder, tmp_path, monkeypatch):
    """`extends: us-china-alignment` names the working folder's copy: the same overlay file run
    from another checkout must not get the base compiled in the first one (its files are
    unchanged, so their digests alone cannot tell)."""
    overlay = ws.write("overlay.yaml", "extends: us-china-alignment\nname: o\n")
    age(overlay)
    limits = []
    for root, limit in ((tmp_path / "a", 0.2), (tmp_path / "b", 0.5), (tmp_path / "a", 0.2)):
        if not root.exists():
            checkout(root, limit)
        monkeypatch.chdir(root)
        fresh_process()
        limits.append(api.load_policy(overlay).rules["inputs-share"].rule.require.limit)
    assert limits == [0.2, 0.5, 0.2]
    assert len(list(folder.glob("*.pickle"))) == 2              # one entry per checkout


def release(root: Path, limit: float, overlay: str = "extends: policy.yaml\nname: o\n") -> Path:
    """A folder holding the fixture policy with `limit` for inputs-share, its catalog and an
    overlay of it: one release of a drafter's policies."""
    root.mkdir(parents=True)
    (root / "policy.yaml").write_text(
        POLICY_FILE.read_text().replace("limit: 0.2}", f"limit: {limit}}}", 1))
    shutil.copy(CATALOG_FILE, root / "indicators.yaml")
    (root / "overlay.yaml").write_text(overlay)
    for path in root.iterdir():
        age(path)
    return root


def limits_as_links_move(link: Path, targets: list[Path], policy: Path) -> list[float]:
    """The inputs-share limit of `policy` in a fresh process after `link` is pointed at each
    target in turn (as `ln -sfn` does)."""
    limits = []
    for target in targets:
        link.unlink(missing_ok=True)
        link.symlink_to(target)
        fresh_process()
        limits.append(api.load_policy(policy).rules["inputs-share"].rule.require.limit)
    return limits


def test_a_policy_read_through_a_folder_link_follows_the_link(ws, folder, tmp_path):
    """`current -> releases/v2`: the overlay files are the same bytes, but their base is not.
    The entry recorded the base where the link pointed when it was written."""
    v1, v2 = release(tmp_path / "v1", 0.2), release(tmp_path / "v2", 0.5)
    current = tmp_path / "current"
    assert limits_as_links_move(current, [v1, v2, v1], current / "overlay.yaml") == \
        [0.2, 0.5, 0.2]


def test_a_base_named_through_a_link_follows_the_link(ws, folder, tmp_path):
    """`extends: base.yaml`, a link re-pointed from one base policy to another."""
    v1 = release(tmp_path / "r", 0.2, "extends: base.yaml\nname: o\n")
    (v1 / "policy-b.yaml").write_text((v1 / "policy.yaml").read_text().replace(
        "limit: 0.2}", "limit: 0.5}", 1))
    age(v1 / "policy-b.yaml")
    assert limits_as_links_move(v1 / "base.yaml", [v1 / "policy.yaml", v1 / "policy-b.yaml"],
                                v1 / "overlay.yaml") == [0.2, 0.5]


def test_a_catalog_named_through_a_link_follows_the_link(ws, folder, tmp_path):
    """`indicators: catalog.yaml`, a link re-pointed to a catalog that renames an indicator
    the policy reads: the policy must be checked against the catalog the link names now."""
    root = release(tmp_path / "r", 0.2)
    (root / "policy.yaml").write_text((root / "policy.yaml").read_text().replace(
        "indicators: indicators.yaml", "indicators: catalog.yaml", 1))
    (root / "renamed.yaml").write_text((root / "indicators.yaml").read_text().replace(
        "china_import_share:", "china_imports_share:", 1))
    for path in root.iterdir():
        age(path)
    assert limits_as_links_move(root / "catalog.yaml", [root / "indicators.yaml"],
                                root / "policy.yaml") == [0.2]
    (root / "catalog.yaml").unlink()
    (root / "catalog.yaml").symlink_to(root / "renamed.yaml")
    fresh_process()
    with pytest.raises(InputError) as caught:
        api.load_policy(root / "policy.yaml")
    assert "china_import_share" in str(caught.value)


def test_a_corrupt_or_truncated_entry_is_rebuilt(ws, folder):
    expected = api.load_policy(ws.policy_path).hash
    for entry in folder.glob("*.pickle"):
        entry.write_bytes(entry.read_bytes()[:100])
    fresh_process()
    assert api.load_policy(ws.policy_path).hash == expected
    fresh_process()
    assert api.load_policy(ws.policy_path).hash == expected      # and written whole again


def _changing_during_the_build(monkeypatch, path: Path, change: Callable[[Path], None]) -> None:
    """The next policy build reads its files, then `path` changes before the cache records
    the files' digests: the race an entry must not be written in."""
    build = api._policy_to_keep
    pending = [change]

    def changing(policy_path):
        value = build(policy_path)
        while pending:
            pending.pop()(path)
        return value

    monkeypatch.setattr(api, "_policy_to_keep", changing)


def test_a_file_modified_during_its_build_is_not_cached_until_the_next_run(ws, folder,
                                                                          monkeypatch):
    """Its digest, taken after the build, could be of content the build never read."""
    _changing_during_the_build(monkeypatch, ws.policy_path,
                               lambda p: p.write_text(p.read_text() + "\n"))
    api.load_policy(ws.policy_path)
    assert [p.name for p in folder.glob("*.pickle")] == []
    fresh_process()
    api.load_policy(ws.policy_path)
    assert len(list(folder.glob("*.pickle"))) == 1


def test_a_file_changed_seconds_before_its_build_is_not_cached(ws, folder, monkeypatch):
    """Within RACY_SECONDS of the build a file's times cannot tell a change the build missed
    from one it read (a coarse clock, a copy in progress); dated back an hour, its change
    time still says it was just written."""
    monkeypatch.setattr(cache, "RACY_SECONDS", 2.0)
    ws.policy_path.write_text(ws.policy_path.read_text() + "\n")
    age(ws.policy_path)
    api.load_policy(ws.policy_path)
    assert [p.name for p in folder.glob("*.pickle")] == []


def test_a_file_replaced_during_its_build_by_one_dated_earlier_is_not_cached(ws, folder,
                                                                            monkeypatch):
    """`cp -p`, `tar x` or `touch -d` give new bytes an old modification time; had the build
    read the old bytes, an entry recorded with the new bytes' digest would serve the old
    value for as long as the file stays as it is. Its change time is new, so no entry."""
    def replace_keeping_an_old_date(path: Path) -> None:
        info = path.stat()
        path.write_text(path.read_text().replace("limit: 0.2}", "limit: 0.25}", 1))
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))

    _changing_during_the_build(monkeypatch, ws.policy_path, replace_keeping_an_old_date)
    api.load_policy(ws.policy_path)
    assert [p.name for p in folder.glob("*.pickle")] == []
    fresh_process()
    rule = api.load_policy(ws.policy_path).policy.rules[0]
    assert rule.require.limit == 0.25


def test_a_folder_that_cannot_be_written_only_costs_the_cache(ws, tmp_path, monkeypatch):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    monkeypatch.setenv("TRADEPOLICY_CACHE", str(not_a_folder / "cache"))
    assert api.load_policy(ws.policy_path).rules


class Planted:
    """What another user could write as an entry: unpickling it creates `marker`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_folder_others_can_write_is_not_used(ws, folder, tmp_path):
    """Entries are pickles, which run code when read: in a folder others can write
    (TRADEPOLICY_CACHE=/tmp, a shared team folder) anyone could plant one that runs as
    whoever reads it next. Such a folder is neither read nor written."""
    import pickle

    from engine import cache

    expected = api.load_policy(ws.policy_path).hash       # written while the folder is private
    folder.chmod(0o1777)
    marker = tmp_path / "ran"
    for entry in folder.glob("*.pickle"):
        entry.write_bytes(pickle.dumps((cache.FORMAT, [], Planted(marker))))
    fresh_process()
    assert api.load_policy(ws.policy_path).hash == expected
    assert not marker.exists(), "a planted entry ran"


def test_off_turns_it_off(ws, tmp_path, monkeypatch):
    monkeypatch.setenv("TRADEPOLICY_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    api.load_policy(ws.policy_path)
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_a_file_whose_name_is_not_utf8_is_cached_like_any_other(ws, folder, monkeypatch):
    """Python holds a name's undecodable bytes as lone surrogates, which UTF-8 cannot encode:
    the entry's key could not be made, and every run on such a file exited 3."""
    name = os.fsdecode(b"VNM-\xff.yaml")
    try:
        path = ws.write_profile(ws.vnm_path.read_text(), name)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this filesystem refuses file names that are not UTF-8")
    age(path)
    compiled = api.load_policy(ws.policy_path)
    first = api.load_partner(path, compiled.catalog).profile
    fresh_process()
    no_yaml_parsing(monkeypatch)
    assert api.load_partner(path, compiled.catalog).profile == first
    assert len(list(folder.glob("*.pickle"))) == 2


def test_no_home_folder_only_costs_the_cache(ws, monkeypatch):
    """No HOME and no passwd entry for the user (a container run with an arbitrary uid):
    Path.home() raises, which made every run an internal error."""
    import pwd

    for name in ("TRADEPOLICY_CACHE", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)

    def no_such_user(uid):
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(pwd, "getpwuid", no_such_user)
    assert api.load_policy(ws.policy_path).rules["inputs-share"].rule.require.limit == 0.2


def test_a_policy_with_a_problem_is_never_cached(ws, folder):
    data = ws.policy_data()
    rule = next(r for r in data["rules"] if r["id"] == "inputs-share")
    rule["require"]["limit"] = "high"
    path = ws.write_policy(data)
    with pytest.raises(InputError):
        api.load_policy(path)
    assert not list(folder.glob("*.pickle"))


def test_the_cli_gives_the_same_output_from_the_cache(run_cli, tmp_path):
    env = {"TRADEPOLICY_CACHE": str(tmp_path / "cli-cache")}
    runs = [run_cli("evaluate", "VNM", "MEX", "--format", "json", "--as-of", "2026-03-01",
                    env=env) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0]
    assert len(list((tmp_path / "cli-cache").glob("*.pickle"))) == 3
    assert runs[0].stdout == runs[1].stdout and '"VNM"' in runs[0].stdout


def test_pruning_removes_only_its_own_entries(ws, folder, monkeypatch):
    """TRADEPOLICY_CACHE may name a folder the user keeps other files in, pickles included."""
    from engine import cache

    folder.mkdir(parents=True)
    theirs = [folder / f"model_{n}.pickle" for n in range(70)] + \
        [folder / "tradepolicy-notes.pickle", folder / "notes.txt"]
    for path in theirs:
        path.write_bytes(b"the user's own")
        age(path, 7200)                                   # older than any entry
    monkeypatch.setattr(cache, "MAX_ENTRIES", 1)
    compiled = api.load_policy(ws.policy_path)
    api.load_partner(ws.vnm_path, compiled.catalog)      # a second entry: the oldest goes
    assert all(path.read_bytes() == b"the user's own" for path in theirs)
    ours = [p.name for p in folder.iterdir() if p not in theirs]
    assert len(ours) == 1 and ours[0].startswith("tradepolicy-"), ours


def test_an_overlay_extending_by_name_follows_the_working_folders_shipped_policy(
        tmp_path, monkeypatch):
    """`extends: us-china-alignment` names the shipped policy, read from the working folder's
    policies/ when it has one: an entry built from another folder (or the installed copy) is
    not that folder's, even when the two bases' contents are the same."""
    import shutil

    monkeypatch.setenv("TRADEPOLICY_CACHE", str(tmp_path / "cache"))
    checkout = Path(__file__).resolve().parents[1]
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("extends: us-china-alignment\nname: variant\nversion: '1'\n")
    folders = [tmp_path / "one", tmp_path / "two"]
    for root in folders:
        shutil.copytree(checkout / "policies", root / "policies")
        shutil.copytree(checkout / "partners", root / "partners")
        for path in [*root.rglob("*"), overlay]:
            age(path)
    monkeypatch.chdir(folders[0])
    limit = api.load_policy(overlay).rules["inputs-china-import-share"].rule.require.limit
    base = folders[1] / "policies" / "us-china-alignment.yaml"
    base.write_text(base.read_text().replace(
        "comparison: at_most, limit: 0.20}", "comparison: at_most, limit: 0.30}", 1))
    age(base)
    fresh_process()
    monkeypatch.chdir(folders[1])
    compiled = api.load_policy(overlay)
    assert (limit, compiled.rules["inputs-china-import-share"].rule.require.limit) == (0.2, 0.3)
    assert api.stamp(compiled).chain == (str(overlay), "us-china-alignment (shipped)")


def test_an_entry_holding_another_kind_of_value_is_rebuilt(ws, folder):
    """A well-formed, fresh entry whose value is not what the loader builds (a pickle put in
    the user's own cache by hand or by another tool) is a miss, not an internal error."""
    expected = api.load_policy(ws.policy_path).hash
    for entry in folder.glob("*.pickle"):
        layout, files, _ = pickle.loads(entry.read_bytes())
        entry.write_bytes(pickle.dumps((layout, files, {"not": "a compiled policy"})))
    fresh_process()
    assert api.load_policy(ws.policy_path).hash == expected
