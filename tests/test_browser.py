"""The HTML pages in a real browser: headless Chromium opens them from disk and checks that they
log no console error, request nothing but the file itself, show their key parts, fit a narrow
window, print, and show the numbers of the JSON output. Screenshots are saved under pytest's
tmp dir and copied to screenshots-for-lead/ (git-ignored) for a person to look at.

Skipped when no Chromium is installed (Debian package `chromium`), except in CI (CI=true),
where a missing browser is a failure: .ci/run installs it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.browser import Browser, find_chromium

ROOT = Path(__file__).resolve().parents[1]
FOR_LEAD = ROOT / "screenshots-for-lead"
OVERVIEW = "section[aria-labelledby=overview]"


@pytest.fixture(scope="module")
def browser():
    binary = find_chromium()
    if binary is None:
        reason = ("no Chromium binary found (install the Debian package `chromium`, or set "
                  "CHROMIUM to its path)")
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}; .ci/run installs it")
        pytest.skip(reason)
    with Browser(binary) as opened:
        yield opened


@pytest.fixture(scope="module")
def pages(tmp_path_factory, run_cli) -> dict[str, Path]:
    """The pages under test, written by the installed CLI as a user would."""
    folder = tmp_path_factory.mktemp("pages")
    made = {"all": folder / "all.html", "vnm": folder / "VNM.html",
            "json": folder / "all.json", "docs": folder / "docs"}
    for args in (["evaluate", "--all", "--format", "html", "-o", made["all"]],
                 ["evaluate", "VNM", "--format", "html", "-o", made["vnm"]],
                 ["evaluate", "--all", "--format", "json", "-o", made["json"]],
                 ["docs", "--output", made["docs"]]):
        done = run_cli(*args)
        assert done.returncode == 0, done.stderr
    made["docs"] = made["docs"] / "index.html"
    return made


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def _keep(path: Path) -> Path:
    """A copy for the lead to look at, outside git (.git/info/exclude lists the folder)."""
    FOR_LEAD.mkdir(exist_ok=True)
    shutil.copy(path, FOR_LEAD / path.name)
    return path


def _open(browser: Browser, path: Path, width: int = 1280, height: int = 1000) -> str:
    browser.resize(width, height)
    url = path.as_uri()
    browser.open(url)
    assert browser.console_errors() == []
    assert browser.requests() == [url], "the page loaded something besides itself"
    return url


def test_all_partners_overview_heat_map_and_numbers(browser, pages, shots):
    _open(browser, pages["all"])
    data = json.loads(pages["json"].read_text())
    partners = data["partners"]
    assert browser.visible("h1") == 1
    assert browser.visible(f"{OVERVIEW} table") == 2            # ranking and heat map
    assert browser.visible("article.partner") == len(partners)
    assert browser.visible("table.heat tbody tr") == len(partners)
    assert browser.visible("svg.bar") > len(partners) * 8
    shown = browser.evaluate(
        f"Object.fromEntries([...document.querySelectorAll('{OVERVIEW} table')[0].rows]"
        ".slice(1).map(r => [r.cells[0].innerText.slice(0, 3), r.cells[2].innerText]))")
    assert shown == {p["partner"]["code"]: "—" if p["score"] is None else f"{p['score']:g}"
                     for p in partners}
    _keep(browser.screenshot(shots / "evaluate-all-overview.png"))
    _keep(browser.screenshot_element(".heat-map", shots / "evaluate-all-heatmap.png"))


def test_one_partner_scorecard(browser, pages, shots):
    _open(browser, pages["vnm"])
    data = json.loads(pages["json"].read_text())
    vnm = next(p for p in data["partners"] if p["partner"]["code"] == "VNM")
    assert browser.visible("#overview") == 0
    assert browser.visible(".glance > div") == 4
    assert browser.visible(".chart li") == len(vnm["subscores"])
    assert browser.visible(".finding") == len(vnm["findings"])
    assert browser.visible(".finding.violated svg.bar") >= 1
    big = browser.evaluate("document.querySelector('.glance .big').innerText")
    assert big.startswith(f"{vnm['score']:g}")
    messages = browser.evaluate("[...document.querySelectorAll('.finding > p')]"
                                ".map(p => p.innerText)")
    assert {f["message"] for f in vnm["findings"]} <= set(messages)
    _keep(browser.screenshot(shots / "evaluate-VNM-top.png"))
    _keep(browser.screenshot(shots / "evaluate-VNM-full.png", full_page=True))
    assert browser.print_pdf().startswith(b"%PDF")


def test_pages_fit_a_narrow_window(browser, pages, shots):
    for name in ("vnm", "all", "docs"):
        _open(browser, pages[name], width=375, height=800)
        width = browser.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], f"{name}: the page scrolls sideways at 375px: {width}"
        assert browser.visible("h1") == 1
    _open(browser, pages["vnm"], width=375, height=800)
    _keep(browser.screenshot(shots / "evaluate-VNM-narrow.png"))


def test_docs_page(browser, pages, shots):
    _open(browser, pages["docs"])
    assert browser.visible("h1") == 1
    assert browser.visible("article.rule") > 10
    assert browser.visible(".scenario") > 10
    assert browser.visible("#tiers ~ .table-wrap table") >= 1
    _keep(browser.screenshot(shots / "docs-top.png"))
    _keep(browser.screenshot_element("article.rule", shots / "docs-first-rule.png"))


def test_hostile_partner_text_stays_text(browser, ws, tmp_path, run_cli):
    profile = ws.vnm_data()
    profile["partner"]["name"] = '<img src="https://example.invalid/x.png"><script>x()</script>'
    page = tmp_path / "hostile.html"
    done = run_cli("evaluate", ws.write_profile(profile), "--policy", ws.policy_path,
                   "--format", "html", "-o", page)
    assert done.returncode == 0, done.stderr
    _open(browser, page)       # no request for the image, no script error
    assert browser.evaluate("document.querySelectorAll('img, body script').length") == 0
    assert "<img" in browser.evaluate("document.querySelector('h2').innerText")


def test_compare_and_sweep_pages(browser, run_cli, tmp_path, shots):
    """The variant views: the partners that change with their causes, and the sweep grid with
    its flips; numbers as in the JSON of the same run."""
    example = ROOT / "policies" / "examples" / "deal-terms.yaml"
    made = {}
    for name, args in (("compare", ["compare", "--all", "--policy", example,
                                     "--as-of", "2026-03-01"]),
                       ("sweep", ["sweep", "--param",
                                  "inputs-china-import-share.limit=0.1:0.5:0.01", "--all"])):
        for fmt in ("html", "json"):
            made[name, fmt] = tmp_path / f"{name}.{fmt}"
            done = run_cli(*args, "--format", fmt, "-o", made[name, fmt])
            assert done.returncode == 0, done.stderr
    compared = json.loads(made["compare", "json"].read_text())
    _open(browser, made["compare", "html"])
    changed = [p["partner"]["code"] for p in compared["partners"] if p["changed"]]
    assert browser.visible("main tbody tr") == len(changed) > 0
    assert browser.visible("svg.move") == len(changed)
    _keep(browser.screenshot(shots / "compare.png"))
    swept = json.loads(made["sweep", "json"].read_text())
    _open(browser, made["sweep", "html"])
    assert browser.visible("main tbody tr") == len(swept["partners"])
    assert browser.visible(".strip .cell") == len(swept["partners"]) * len(swept["values"])
    flips = sum(len(p["flips"]) for p in swept["partners"])
    assert browser.visible(".strip .cell.flip") == flips > 0
    _keep(browser.screenshot(shots / "sweep.png"))
    _open(browser, made["sweep", "html"], width=375, height=800)
    width = browser.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], f"the sweep page scrolls sideways at 375px: {width}"
