"""Countries: which three-letter codes name a partner, and what a mistyped one was meant to be.

Policies name partners by code (a rule's `applies_to.partners`, `groups`, a term's `partners`,
an exception's `partner`), a profile names its own, and a `country` indicator's figures and
limits are codes. A code that names no country matches no partner, so a typo (`VNN` for `VNM`)
would switch a rule, a term or an exception off for everyone without a word (and `none_of
[IRM]` would pass a partner smelting in Iran): engine.models, engine.catalog and engine.compile
refuse it with these words and hints. A code names a partner when ISO 3166-1 assigns it
(pycountry's list, not one of ours) or reserves it for user assignment, as the synthetic
partners of the benchmark (XAA, XAB, ...) and any grouping of a drafter's own are.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import unicodedata
from typing import Any

# ISO 3166-1 leaves these to users: no country will ever be given one
USER_ASSIGNED = re.compile(r"^(?:AA[A-Z]|Q[M-Z][A-Z]|X[A-Z]{2}|ZZ[A-Z])$")
USER_RANGES = "AAA-AAZ, QMA-QZZ, XAA-XZZ or ZZA-ZZZ"
HINTED = 4          # codes a hint names at most: a typo is usually 1 to 4 letters from others
DATA_FILE = "databases/iso3166-1.json"      # inside the pycountry package, as its API reads it


def is_partner_code(code: str) -> bool:
    """An assigned ISO 3166-1 alpha-3 code, or one reserved for user assignment."""
    return USER_ASSIGNED.match(code) is not None or code in assigned_codes()


def code_problem(code: str) -> str | None:
    """Why a three-capital code names no partner (the one wording of every place that checks
    one), or None when it names one."""
    return None if is_partner_code(code) else f"'{code}' is not an ISO 3166-1 alpha-3 country code"


@functools.lru_cache(maxsize=1)
def assigned_codes() -> dict[str, str]:
    """Every assigned alpha-3 code -> its country's ISO name (as a scorecard names a partner)."""
    return {entry["alpha_3"]: entry["name"] for entry in _entries()}


def code_for_name(name: str) -> str | None:
    """The alpha-3 code a country written another way means: its two-letter code, its
    three-letter code in any case, or any of its names as a reader writes them, whatever the
    case, accents, spacing or comma order ('vn', 'México', 'Republic of Korea' for
    'Korea, Republic of'). None when it is none of these."""
    return _names().get(plain_name(name))


def plain_name(name: str) -> str:
    """A name without case, accents or extra spaces: ' México ' and 'mexico' are one."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


NAMED_BY = ("alpha_2", "alpha_3", "name", "official_name", "common_name")


@functools.lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Each way of writing a country (NAMED_BY, as plain_name writes it; an inverted 'Korea,
    Republic of' also as 'Republic of Korea') -> its alpha-3 code."""
    names: dict[str, str] = {}
    for entry in _entries():
        for attribute in NAMED_BY:
            written = entry.get(attribute)
            if not written:
                continue
            head, comma, tail = written.partition(", ")
            for form in (written, f"{tail} {head}" if comma else None):
                if form:
                    names.setdefault(plain_name(form), entry["alpha_3"])
    return names


@functools.lru_cache(maxsize=1)
def _entries() -> list[dict[str, str]]:
    """pycountry's ISO 3166-1 entries (NAMED_BY, where a country has them).

    Read from pycountry's own ISO 3166-1 file, the one `pycountry.countries` is built from,
    without importing pycountry: that import costs 6-24 ms (mostly looking up its own version
    in the installed packages' metadata), and every run checks the country figures of the
    profiles it reads, cached or not, where reading the file takes under 1 ms. Where the file
    is not (a pycountry that moved it), pycountry's API answers."""
    found = _read_data_file()
    if found is not None:
        return found
    import pycountry

    return [{attribute: getattr(country, attribute) for attribute in NAMED_BY
             if getattr(country, attribute, None)} for country in pycountry.countries]


def _read_data_file() -> list[dict[str, str]] | None:
    spec = importlib.util.find_spec("pycountry")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        try:
            with open(os.path.join(folder, DATA_FILE), encoding="utf-8") as handle:
                entries = json.load(handle)["3166-1"]
            return [{attribute: entry[attribute] for attribute in NAMED_BY if entry.get(attribute)}
                    for entry in entries]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
    return None


def json_schema() -> dict[str, object]:
    """The codes that name a partner as a JSON Schema (`tradepolicy schema`): each assigned
    code, so that an editor offers them and flags a typo as it is typed, or a user-assigned
    one. (Written out wherever a policy names partners, five places: pydantic resolves a
    `$ref` while it generates the schema, so one under $defs cannot be added afterwards.)"""
    return {"type": "string", "description": "ISO 3166-1 alpha-3 country code, or one of "
                                             f"your own in {USER_RANGES}",
            "anyOf": [{"enum": sorted(assigned_codes())}, {"pattern": USER_ASSIGNED.pattern}]}


def code_hint(code: str) -> str:
    """The assigned codes one typo away, named with their countries; when there are none,
    the ranges a code of one's own is written in."""
    near = one_typo_away(code)[:HINTED]
    if not near:
        return f"a code of your own must be one ISO 3166-1 leaves to users: {USER_RANGES}"
    named = [f"'{c}' ({assigned_codes()[c]})" for c in near]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " or " + named[-1]
    return f"did you mean {listed}?"


def written_code_hint(written: Any) -> str | None:
    """What a country written other than as three capitals was meant to be, in the words of
    code_hint: 'vnm', 'vn', 'VN' and 'Vietnam' mean VNM; 'vnn' is one typo from VEN and VNM.
    None when the text means no country (`Iran?`, a number)."""
    if not isinstance(written, str):
        return None
    code = code_for_name(written)
    if code is not None:
        return f"did you mean '{code}' ({assigned_codes()[code]})?"
    capitals = written.strip().upper()
    if not (len(capitals) == 3 and capitals.isascii() and capitals.isalpha()):
        return None
    if USER_ASSIGNED.match(capitals):
        return f"did you mean '{capitals}'?"
    return code_hint(capitals) if one_typo_away(capitals) else None


def one_typo_away(code: str) -> list[str]:
    """Assigned codes with two of `code`'s letters swapped, then those with one letter changed.
    Not difflib's closest match: on three letters it ties dozens of codes and picks among them
    by spelling, offering Montenegro (MNE) for MXE where Mexico (MEX) is one swap away."""
    known = assigned_codes()
    swapped = {_swap(code, i, j) for i, j in ((0, 1), (1, 2), (0, 2))} - {code}
    changed = {code[:i] + letter + code[i + 1:] for i in range(len(code))
               for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if letter != code[i]}
    swaps = sorted(c for c in swapped if c in known)
    return swaps + sorted(c for c in changed - swapped if c in known)


def _swap(code: str, i: int, j: int) -> str:
    letters = list(code)
    letters[i], letters[j] = letters[j], letters[i]
    return "".join(letters)
