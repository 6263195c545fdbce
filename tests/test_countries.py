"""Countries: a partner code names a country (ISO 3166-1 alpha-3) or is user-assigned.

A code that names no country matches no partner, so a typo (`VNN` for `VNM`) in a rule's
`applies_to`, a group, a term or an exception switched it off for everyone without a word, and
one in a `country` figure or limit decided a rule on a country that does not exist. Such a code
is refused where it is written, with the codes one typo away; the ranges ISO 3166-1 leaves to
users (AAA-AAZ, QMA-QZZ, XAA-XZZ, ZZA-ZZZ) stay open for synthetic partners.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import assert_input_error

from engine import api, checks, countries
from engine.errors import InputError
from engine.load import load_yaml
from engine.models import Profile, parse

# --- which codes name a partner --------------------------------------------------------------

@pytest.mark.parametrize("code", ["VNM", "MEX", "CHN", "NOR", "COD", "QAT", "USA"])
def test_an_assigned_iso_code_names_a_partner(code):
    assert countries.is_partner_code(code)


@pytest.mark.parametrize("code", ["AAA", "AAZ", "QMA", "QZZ", "XAA", "XAB", "XKX", "XZZ", "ZZA",
                                  "ZZZ"])
def test_a_user_assigned_code_names_a_partner(code):
    assert countries.is_partner_code(code)


@pytest.mark.parametrize("code", ["VNN", "ABA", "QLZ", "QAA", "ZYZ", "EUU", "UKK"])
def test_a_code_neither_assigned_nor_user_assigned_names_no_partner(code):
    """QLZ and ZYZ sit just outside user-assigned ranges; ABA and QAA share a first letter
    with one but are neither assigned nor reserved."""
    assert not countries.is_partner_code(code)


def test_the_assigned_codes_are_pycountry_s_with_its_names():
    import pycountry

    assert countries.assigned_codes() == {c.alpha_3: c.name for c in pycountry.countries}


def test_checking_a_code_does_not_import_pycountry():
    """Every run checks the country figures of the profiles it reads, from the disk cache or
    not; importing pycountry for that cost 6-24 ms of a 400 ms `evaluate`."""
    code = ("import sys\nfrom engine import countries\n"
            "assert countries.is_partner_code('VNM') and not countries.is_partner_code('VNN')\n"
            "print('pycountry' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "False"), done.stderr


def test_without_pycountry_s_data_file_its_api_answers(monkeypatch):
    """A pycountry that keeps its data elsewhere still gives the codes, only slower."""
    import pycountry

    monkeypatch.setattr(countries, "DATA_FILE", "no-such-file.json")
    _forget_countries()
    try:
        assert countries.assigned_codes() == {c.alpha_3: c.name for c in pycountry.countries}
        assert countries.code_for_name("Vietnam") == "VNM"
    finally:
        _forget_countries()


def _forget_countries() -> None:
    for cached in (countries.assigned_codes, countries._names, countries._entries):
        cached.cache_clear()


# --- what a mistyped code was meant to be ----------------------------------------------------

@pytest.mark.parametrize(("code", "hint"), [
    ("VNN", "did you mean 'VEN' (Venezuela, Bolivarian Republic of) or 'VNM' (Viet Nam)?"),
    ("UKK", "did you mean 'UKR' (Ukraine)?"),
    # two letters swapped first: difflib's closest match for MXE is Montenegro
    ("MXE", "did you mean 'MEX' (Mexico) or 'MNE' (Montenegro)?"),
    # at most four, the swap first, then the one-letter changes in order
    ("GRB", "did you mean 'GBR' (United Kingdom), 'BRB' (Barbados), 'GAB' (Gabon) or "
            "'GIB' (Gibraltar)?"),
])
def test_the_hint_names_the_codes_one_typo_away_with_their_countries(code, hint):
    assert countries.code_hint(code) == hint


@pytest.mark.parametrize(("written", "hint"), [
    ("vnm", "did you mean 'VNM' (Viet Nam)?"),          # lowercase
    ("VN", "did you mean 'VNM' (Viet Nam)?"),           # the two-letter code
    ("Vietnam", "did you mean 'VNM' (Viet Nam)?"),      # its common name
    ("republic of korea", "did you mean 'KOR' (Korea, Republic of)?"),
    ("mxe", "did you mean 'MEX' (Mexico) or 'MNE' (Montenegro)?"),   # lowercase and a typo
    ("xaa", "did you mean 'XAA'?"),                     # a user-assigned code in lowercase
    ("Narnia", None), ("Iran?", None), (5, None),
])
def test_a_country_written_other_than_as_three_capitals_is_told_its_code(written, hint):
    assert countries.written_code_hint(written) == hint


def test_a_code_no_typo_away_from_any_country_is_told_where_codes_of_one_s_own_go():
    assert countries.code_hint("ZYZ") == (
        "a code of your own must be one ISO 3166-1 leaves to users: AAA-AAZ, QMA-QZZ, XAA-XZZ "
        "or ZZA-ZZZ")


# --- a policy: every place that names partners -----------------------------------------------

def _policy_problems(ws, old: str, new: str) -> tuple[str, list[str]]:
    text = ws.policy_path.read_text()
    assert old in text, old
    path = ws.write_policy(text.replace(old, new, 1))
    return str(path), [str(p) for p in checks.validate_paths([path])]


SCOPE = '    applies_to: {when: "us_export_share >= 0.1"}'
TAIL = "tiers:\n"


def test_a_mistyped_partner_in_a_rule_s_scope_is_refused_at_the_code(ws):
    path, problems = _policy_problems(
        ws, SCOPE, '    applies_to: {partners: [VNM, VNN], when: "us_export_share >= 0.1"}')
    assert problems == [
        f"{path}:43:34: rules[3].applies_to.partners[1]: 'VNN' is not an ISO 3166-1 alpha-3 "
        "country code (did you mean 'VEN' (Venezuela, Bolivarian Republic of) or 'VNM' "
        "(Viet Nam)?)"]


def test_a_mistyped_member_of_a_group_is_refused_at_the_code(ws):
    path, problems = _policy_problems(ws, "description: d\n",
                                      "description: d\ngroups:\n  usmca: [MEX, CNA]\n")
    assert problems == [f"{path}:6:16: groups.usmca[1]: 'CNA' is not an ISO 3166-1 alpha-3 "
                        "country code (did you mean 'CAN' (Canada) or 'KNA' (Saint Kitts and "
                        "Nevis)?)"]


def test_a_mistyped_partner_of_a_term_or_an_exception_is_refused_at_the_code(ws):
    body = ("terms:\n"
            "  - {id: deal, title: t, partners: [THA, TAH], sources: [s1]}\n"
            "exceptions:\n"
            "  - {id: waiver, partner: MXE, rule: bri, justification: j, granted: 2025-01-01}\n"
            "tiers:\n")
    path, problems = _policy_problems(ws, TAIL, body)
    assert problems == [
        f"{path}:58:42: terms[0].partners[1]: 'TAH' is not an ISO 3166-1 alpha-3 country code "
        "(did you mean 'THA' (Thailand)?)",
        f"{path}:60:27: exceptions[0].partner: 'MXE' is not an ISO 3166-1 alpha-3 country code "
        "(did you mean 'MEX' (Mexico) or 'MNE' (Montenegro)?)"]


def test_a_partner_written_in_lowercase_or_by_name_is_told_its_code(ws):
    path, problems = _policy_problems(ws, "description: d\n",
                                      "description: d\ngroups:\n  usmca: [MEX, Canada, us]\n")
    assert problems == [
        f"{path}:6:16: groups.usmca[1]: expected a three-letter country code in capitals, such "
        "as 'CHN', got 'Canada' (did you mean 'CAN' (Canada)?)",
        f"{path}:6:24: groups.usmca[2]: expected a three-letter country code in capitals, such "
        "as 'CHN', got 'us' (did you mean 'USA' (United States)?)"]


def test_user_assigned_codes_are_accepted_wherever_partners_are_named(ws):
    body = ("groups:\n  synthetic: [XAA, XAB, AAA, QMA, ZZZ]\n"
            "terms:\n  - {id: deal, title: t, partners: [XKX], sources: [s1]}\n"
            "exceptions:\n"
            "  - {id: waiver, partner: XAB, rule: bri, justification: j, granted: 2025-01-01}\n"
            "tiers:\n")
    assert _policy_problems(ws, TAIL, body)[1] == []


@pytest.mark.parametrize(("files", "refused", "line", "col", "said"), [
    ({"overlay.yaml": "extends: policy.yaml\nname: variant\ngroups:\n"
                      "  asean: [VNM, THA, MYS, KHN]\n"},
     "overlay.yaml", 4, 26, "groups.asean[3]: 'KHN' is not an ISO 3166-1 alpha-3 country code "
                            "(did you mean 'CHN' (China), 'KEN' (Kenya), 'KHM' (Cambodia) "
                            "or 'SHN'"),
    ({"overlay.yaml": "extends: policy.yaml\nname: variant\nchange:\n"
                      "  rules:\n    bri: {applies_to: {partners: [PAM]}}\n"},
     "overlay.yaml", 5, 35, "change.rules.bri.applies_to.partners[0]: 'PAM' is not an ISO 3166-1 "
                            "alpha-3 country code (did you mean"),
    ({"base.yaml": None, "overlay.yaml": "extends: base.yaml\nname: variant\n"},
     "base.yaml", 43, 29, "'VNN' is not an ISO 3166-1 alpha-3"),
], ids=["an overlay's group", "a scope an overlay changes", "a base policy"])
def test_a_mistyped_code_is_refused_in_the_file_that_writes_it(ws, files, refused, line, col,
                                                               said):
    """An overlay's own code at the overlay's line; a base's at the base's. (`None`: the
    fixture policy, with a scope naming VNN.)"""
    for name, text in files.items():
        ws.write(name, text if text is not None else ws.policy_path.read_text().replace(
            SCOPE, '    applies_to: {partners: [VNN], when: "us_export_share >= 0.1"}'))
    with pytest.raises(InputError) as caught:
        api.load_policy(ws.root / "overlay.yaml")
    assert_input_error(caught.value, ws.root / refused, line, col, said)


# --- a profile names its own partner ---------------------------------------------------------

def _profile(tmp_path, text: str):
    path = tmp_path / "profile.yaml"
    path.write_text(text)
    return path, parse(Profile, load_yaml(path))


def test_a_profile_s_mistyped_code_is_refused_at_the_code(tmp_path):
    with pytest.raises(InputError) as caught:
        _profile(tmp_path, "partner:\n  code: UKK\n  name: Ukraine\n")
    assert str(caught.value) == (f"{tmp_path / 'profile.yaml'}:2:9: partner.code: 'UKK' is not "
                                 "an ISO 3166-1 alpha-3 country code (did you mean 'UKR' "
                                 "(Ukraine)?)")


@pytest.mark.parametrize("code", ["XAA", "XKX", "ZZZ", "NOR"])
def test_a_profile_of_a_user_assigned_or_assigned_code_loads(tmp_path, code):
    _, profile = _profile(tmp_path, f"partner: {{code: {code}}}\n")
    assert profile.partner.code == code


# --- a figure of a `country` indicator -------------------------------------------------------

def _country_catalog(ws) -> str:
    """The fixture catalog with a country indicator; the name a policy's `indicators:` takes."""
    catalog = ws.catalog_data()
    catalog["indicators"]["smelt_country"] = {"label": "Country of smelt", "type": "country",
                                              "description": "d", "source": "s"}
    return ws.write_catalog(catalog)


def test_a_country_figure_that_names_no_country_is_refused_at_its_value(ws):
    """A figure IRM for Iran would never meet a rule asking none_of [IRN, ...]."""
    catalog = api.load_catalog(ws.root / _country_catalog(ws))
    path = ws.write_profile("partner: {code: MEX}\nindicators:\n"
                            "  smelt_country: {value: IRM, illustrative: true}\n")
    with pytest.raises(InputError) as caught:
        api.load_partner(path, catalog)
    assert str(caught.value) == (
        f"{path}:3:26: smelt_country: 'IRM' is not an ISO 3166-1 alpha-3 country code (did you "
        "mean 'ARM' (Armenia), 'IRL' (Ireland), 'IRN' (Iran, Islamic Republic of) or 'IRQ' "
        "(Iraq)?)")


@pytest.mark.parametrize("code", ["IRN", "XKX"])
def test_a_country_figure_of_an_assigned_or_user_assigned_code_loads(ws, code):
    catalog = api.load_catalog(ws.root / _country_catalog(ws))
    path = ws.write_profile(f"partner: {{code: MEX}}\nindicators:\n  smelt_country: {code}\n")
    assert api.load_partner(path, catalog).profile.indicators["smelt_country"] == code


@pytest.mark.parametrize(("written", "hint"), [
    ("Iran", " (did you mean 'IRN' (Iran, Islamic Republic of)?)"),
    ("ir", " (did you mean 'IRN' (Iran, Islamic Republic of)?)"),
    ("Persia", ""),                          # no country is written so: what a code is, only
])
def test_a_country_figure_not_written_as_a_code_says_what_a_code_is(ws, written, hint):
    catalog = api.load_catalog(ws.root / _country_catalog(ws))
    path = ws.write_profile(f"partner: {{code: MEX}}\nindicators:\n  smelt_country: {written}\n")
    with pytest.raises(InputError) as caught:
        api.load_partner(path, catalog)
    assert str(caught.value) == (f"{path}:3:18: smelt_country: expected an ISO3 country code "
                                 f"such as 'CHN', got '{written}'{hint}")


# --- a country a condition compares with ------------------------------------------------------

def _country_rule_problems(ws, require: str) -> tuple[str, list[str]]:
    """Problems of the fixture policy on the country catalog with one more rule (line 59)."""
    text = ws.policy_path.read_text().replace("indicators: indicators.yaml",
                                              f"indicators: {_country_catalog(ws)}")
    path = ws.write_policy(text.replace("tiers:\n", (
        "  - {id: smelt, demand: inputs, title: t, rationale: r, sources: [s1],\n"
        f"     require: {require}}}\n"
        "tiers:\n"), 1))
    return str(path), [str(p) for p in checks.validate_paths([path])]


@pytest.mark.parametrize(("written", "said"), [
    # `none_of [CHN, IRM]` would let a partner smelting in Iran pass
    ("IRM", "'IRM' is not an ISO 3166-1 alpha-3 country code (did you mean 'ARM' (Armenia), "
            "'IRL' (Ireland), 'IRN' (Iran, Islamic Republic of) or 'IRQ' (Iraq)?)"),
    ("Iran", "is a country: compare it with ISO3 codes such as 'CHN', not 'Iran' (did you "
             "mean 'IRN' (Iran, Islamic Republic of)?)"),
], ids=["mistyped", "written by name"])
def test_a_country_in_a_limit_list_that_is_no_code_is_refused_at_it(ws, written, said):
    path, problems = _country_rule_problems(
        ws, f"{{indicator: smelt_country, comparison: none_of, limit: [CHN, {written}]}}")
    assert problems == [f"{path}:58:76: smelt_country: {said}"]


def test_a_mistyped_country_as_the_limit_is_refused_at_the_limit(ws):
    path, problems = _country_rule_problems(
        ws, "{indicator: smelt_country, comparison: not_equals, limit: CHM}")
    assert problems == [
        f"{path}:58:73: smelt_country: 'CHM' is not an ISO 3166-1 alpha-3 country code (did "
        "you mean 'CHE' (Switzerland), 'CHL' (Chile), 'CHN' (China) or 'COM' (Comoros)?)"]


def test_a_mistyped_country_in_an_expression_is_refused_at_its_comparison(ws):
    path, problems = _country_rule_problems(ws, "\"smelt_country not in ['CHN', 'RUZ']\"")
    assert problems == [
        f"{path}:58:16: smelt_country: 'RUZ' is not an ISO 3166-1 alpha-3 country code (did "
        "you mean 'RUS' (Russian Federation)?)"]


def test_a_user_assigned_country_in_a_limit_is_accepted(ws):
    assert _country_rule_problems(
        ws, "{indicator: smelt_country, comparison: none_of, limit: [CHN, XKX]}")[1] == []
