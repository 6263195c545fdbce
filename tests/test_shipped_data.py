"""The shipped data is honest: every figure in partners/ says where it comes from, every real
figure is the one its source gives (shared/DOMAIN.md), and every rule a partner faces states the
limit it applies.

Unlike the unit tests (which read only tests/fixtures), these read the shipped policies/ and
partners/: they are checks on the data a reader sees, not on the engine.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from engine import api, locate
from engine.models import Figure

PARTNERS = sorted(locate.shipped_partners())
POLICIES = [locate.default_policy(),
            *sorted((locate.data_dir("policies") / "examples").glob("*.yaml"))]

# Every real (sourced) figure in partners/, as shared/DOMAIN.md gives it: section 5 unless noted.
# (partner, indicator): (value, year, source). A sourced figure not listed here names a source
# DOMAIN.md does not give for it; add it here only with the line of DOMAIN.md that gives it.
DOMAIN_FIGURES: dict[tuple[str, str], tuple[object, object, str]] = {
    ("VNM", "china_import_share"): (0.365, 2024, "Vietnam Customs via Shipbolt"),   # Jan-Apr 2024
    ("VNM", "imports_from_china_usd_bn"): (162, 2024, "Bloomberg via Emidas"),      # mirror figure
    ("VNM", "surplus_with_us_usd_bn"): (106, 2024, "Bloomberg via Emidas"),
    ("VNM", "chinese_greenfield_count"): (39, 2024, "fDi Markets"),                 # yr to Mar 2024
    ("VNM", "bri_status"): ("unclear", 2017, "VnExpress"),
    ("VNM", "rerouting_share"): (0.161, 2021, "Iyoha et al., HBS"),
    ("MEX", "china_import_share"): (0.21, 2024, "Dallas Fed"),
    ("MEX", "chinese_greenfield_count"): (41, 2024, "fDi Markets"),                 # yr to Mar 2024
    ("CAN", "us_export_share"): (0.759, 2024, "Statistics Canada"),
    ("CAN", "investment_screening"): (True, 2022, "UNCTAD Investment Policy Monitor"),
    ("CAN", "china_deal_count"): (1, 2026, "ABP Live"),                             # section 2
    ("MYS", "china_import_share"): (0.215, 2020, "MITI via UzDaily"),
    ("MYS", "bri_status"): ("mou_signed", "not given", "Devdiscourse"),             # year not found
    ("MYS", "investment_screening"): (False, 2018, "ISIS Malaysia"),
    ("JPN", "us_export_share"): (0.199, 2024, "Nippon.com"),
    ("JPN", "china_trade_share"): (0.201, 2024, "JP Reports"),
    ("KOR", "exports_to_us_usd_bn"): (127.79, 2024, "KITA via Aju Press"),
    ("KOR", "exports_to_china_usd_bn"): (133.02, 2024, "KITA via Aju Press"),
    ("IND", "imports_from_china_usd_bn"): (113.5, "FY2024-25", "Business Standard"),
    # derived from the same source's two figures: imports 113.5 minus the deficit 99.2
    ("IND", "exports_to_china_usd_bn"): (14.3, "FY2024-25", "Business Standard"),
    ("IND", "chinese_fdi_share"): (0.0032, 2025, "New Indian Express"),   # Apr 2000-Dec 2025
    ("IND", "investment_screening"): (True, 2026, "Business Standard"),
    ("GBR", "china_import_share"): (0.133, 2021, "ONS"),
    ("GBR", "us_export_share"): (0.188, 2018, "House of Commons Library"),
    ("PAN", "bri_status"): ("exited", 2025, "anews; WSJ via Live Mint (seed 003)"),
    # section 4: the US-Cambodia agreement, seen in summary
    ("KHM", "export_control_alignment"):
        ("case_by_case", 2025, "US-Cambodia reciprocal trade agreement, signed 26 Oct 2025"),
    ("KHM", "entity_list_enforcement"):
        (True, 2025, "US-Cambodia reciprocal trade agreement, signed 26 Oct 2025"),
}

# DOMAIN.md section 5, "Not found": such a figure stays missing (never filled in, not even as an
# illustrative guess), so the rules reading it are unknown.
NOT_FOUND = {
    "china_import_share": ["CAN", "JPN", "KOR", "IND"],
    "us_export_share": ["VNM", "MEX", "MYS", "KOR", "IND"],
    "chinese_greenfield_count": ["CAN", "JPN", "KOR", "GBR", "MYS"],
    "chinese_greenfield_capex_usd_bn": ["CAN", "JPN", "KOR", "GBR"],
    "bri_status": ["MEX", "CAN", "JPN", "KOR", "IND", "GBR"],
    "investment_screening": ["VNM", "MEX", "JPN", "KOR", "GBR"],
}


def _figures(path: Path):
    partner = api.load_partner(str(path), api.load_policy().catalog)
    return partner.profile.partner.code, partner.profile.indicators


@pytest.mark.parametrize("path", PARTNERS, ids=lambda p: p.stem)
def test_every_figure_says_where_it_comes_from(path):
    code, figures = _figures(path)
    for name, figure in figures.items():
        where = f"{code} {name}"
        assert isinstance(figure, Figure), f"{where}: a bare value carries no provenance"
        if figure.value is None:
            assert figure.note, f"{where}: a missing figure says it was looked for (a note)"
        elif figure.illustrative:
            assert figure.note, f"{where}: an invented figure says so in its note"
        else:
            assert figure.source and figure.year is not None, f"{where}: a real figure " \
                "carries its year and source"


@pytest.mark.parametrize("path", PARTNERS, ids=lambda p: p.stem)
def test_every_real_figure_is_the_one_its_source_gives(path):
    code, figures = _figures(path)
    for name, figure in figures.items():
        if figure.value is None or figure.illustrative:
            continue
        expected = DOMAIN_FIGURES.get((code, name))
        assert expected is not None, f"{code} {name}: sourced to {figure.source!r}, a figure " \
            "shared/DOMAIN.md does not give"
        assert (figure.value, figure.year, figure.source) == expected, f"{code} {name}"


def test_every_figure_domain_md_gives_is_in_the_profiles():
    sourced = {}
    for path in PARTNERS:
        code, figures = _figures(path)
        sourced.update({(code, n): f for n, f in figures.items()
                        if f.value is not None and not f.illustrative})
    assert sorted(set(DOMAIN_FIGURES) - set(sourced)) == []


@pytest.mark.parametrize("indicator", sorted(NOT_FOUND))
def test_a_figure_domain_md_did_not_find_stays_missing(indicator):
    for code in NOT_FOUND[indicator]:
        _, figures = _figures(locate.data_dir("partners") / f"{code}.yaml")
        figure = figures.get(indicator)
        assert figure is None or figure.value is None, f"{code} {indicator}: not found in " \
            f"DOMAIN.md section 5, but the profile gives {figure.value!r}"


# "at most 25%", "at least 40%", "At most $5bn", "At most 20 announced ..."
_STATED = re.compile(r"\bat (?:most|least) (\$?\d+(?:\.\d+)?\s*(?:%|bn)?)", re.IGNORECASE)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.stem)
def test_a_rule_s_title_states_the_limit_the_partner_faces(policy):
    """A title that names a limit names the one applied, for every partner: a term or an
    overlay that changes a limit changes the title with it."""
    compiled = api.load_policy(policy)
    day = dt.date.today()
    wrong = []
    for path in PARTNERS:
        card = api.evaluate_partner(compiled, api.load_partner(str(path), compiled.catalog), day)
        for finding in card.findings:
            stated = _STATED.findall(finding.title)
            if len(stated) != 1 or len(finding.checks) != 1 or not finding.checks[0].limit_shown:
                continue
            said, applied = stated[0].replace(" ", ""), finding.checks[0].limit_shown
            if said != applied.replace(" ", ""):
                wrong.append(f"{card.code} {finding.rule}: title says {said}, limit {applied}")
    assert wrong == []
