"""Catalog: the indicator catalog, and checking a partner profile against it.

The catalog is the profile schema: every indicator a profile may carry and a condition may read,
with its type and unit. A profile value of the wrong type or an unknown indicator is an error
pointing at the profile's line, with a did-you-mean.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from typing import Any

from engine import countries
from engine.errors import SHOWN_PER_FILE, InputError, Problem, in_reading_order, shown
from engine.load import Document
from engine.models import NUMERIC_TYPES, Catalog, Figure, Indicator, IndicatorType, Profile, parse

_ISO3 = re.compile(r"^[A-Z]{3}$")


def did_you_mean(word: str, choices: list[str] | set[str]) -> str | None:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def parse_profile(doc: Document, catalog: Catalog) -> Profile:
    """The profile in `doc` as the model reads it (check_profile checks it against the catalog
    next). When the model refuses it, the catalog's problems with the figures it does accept
    are reported too: a figure without its source would otherwise hide a mistyped indicator
    or value elsewhere in the file until it was mended, one round of fixes after another."""
    try:
        return parse(Profile, doc)
    except InputError as exc:
        found = exc.problems + _problems_of_accepted_figures(doc, catalog)
        raise InputError(in_reading_order(found)) from None


def _problems_of_accepted_figures(doc: Document, catalog: Catalog) -> list[Problem]:
    indicators = doc.data.get("indicators") if isinstance(doc.data, dict) else None
    if "partner" not in doc.data or not isinstance(indicators, dict):
        return []              # not a profile at all (a catalog's indicators are no figures)
    accepted = {}
    for name, raw in indicators.items():
        try:            # one figure at a time: the model refused some, and said so
            accepted |= Profile.model_validate({"partner": {"code": "XAA"},
                                                "indicators": {name: raw}}).indicators
        except ValueError:      # pydantic's ValidationError is a ValueError
            continue
    problems = profile_problems(Profile.model_construct(indicators=accepted), catalog)
    return [Problem(doc.path, *doc.mark(where, key=key), message, hint)
            for where, key, message, hint in problems]


def check_profile(profile: Profile, catalog: Catalog, doc: Document,
                  found: list[tuple[tuple[str, ...], bool, str, str | None]] | None = None) -> None:
    """Every indicator known, every value of its catalog type; all problems at once.
    `found`: profile_problems(profile, catalog), when the caller has it."""
    problems = []
    for where, key, message, hint in profile_problems(profile, catalog) if found is None \
            else found:
        line, col = doc.mark(where, key=key)
        problems.append(Problem(doc.path, line, col, message, hint))
    if problems:
        raise InputError(problems)


def profile_problems(profile: Profile,
                     catalog: Catalog) -> list[tuple[tuple[str, ...], bool, str, str | None]]:
    """What check_profile reports, without positions: (where, is it a key, message, hint)."""
    found = []
    for name, raw in profile.indicators.items():
        indicator = catalog.indicators.get(name)
        if indicator is None:
            # a did-you-mean costs a fuzzy match against the catalog; past what a report shows
            # of one file it is never read (and 90,000 of them took a minute)
            hint = did_you_mean(name, catalog.indicators.keys()) \
                if len(found) < SHOWN_PER_FILE else None
            found.append((("indicators", name), True, f"unknown indicator '{name}'", hint))
            continue
        if raw is None:
            found.append((("indicators", name), False,
                          f"{name}: no value; expected {kind_text(indicator)}", UNKNOWN_HINT))
            continue
        value = raw.value if isinstance(raw, Figure) else raw
        where = ("indicators", name, "value") if isinstance(raw, Figure) else ("indicators", name)
        problem = value_problem(indicator, value)
        if problem:
            inside, key, message = problem
            found.append((where + inside, key, f"{name}: {message}",
                          value_hint(indicator, value)))
    return found


# A bare null (`name: ~`, `name:`) is ambiguous: it could be read as 0 or as "not looked for".
# A figure not found is unknown, never 0, and says so with its provenance (docs/policy-language).
UNKNOWN_HINT = ("a figure not found is unknown, never 0: leave it out, or write "
                "{value: null, note: \"looked for, not found\"}")


def kind_text(indicator: Indicator) -> str:
    """What the catalog says a value of this indicator is, for 'expected ..., got ...'."""
    kind = indicator.type
    if kind == IndicatorType.USD_BN:
        return "an amount in US$ billions" + ("" if indicator.signed else " (0 or more)")
    if kind == IndicatorType.ENUM:
        return f"one of {', '.join(indicator.values or [])}"
    if kind == IndicatorType.SET:
        return f"a list of values from {', '.join(indicator.values or [])}"
    if kind == IndicatorType.SHARE_MAP:
        return f"a mapping of {', '.join(indicator.keys or [])} to shares from 0 to 1"
    return _KIND_TEXT[kind]


_KIND_TEXT = {
    IndicatorType.SHARE: "a share from 0 to 1 (36.5% is 0.365)",
    IndicatorType.SHARE_CHANGE: "a change of share as a fraction from -1 to 1 (5 points down is "
                                "-0.05)",
    IndicatorType.RATIO: "a ratio (a number)",
    IndicatorType.NUMBER: "a number",
    IndicatorType.COUNT: "a count (a whole number, 0 or more)",
    IndicatorType.PCT: "a rate in percent (145 is 145%)",
    IndicatorType.PP: "percentage points (a number, may be negative)",
    IndicatorType.BOOL: "true or false",
    IndicatorType.DATE: "a date written YYYY-MM-DD",
    IndicatorType.COUNTRY: "an ISO3 country code such as 'CHN'",
}


Located = tuple[tuple[str | int, ...], bool, str]


def value_problem(indicator: Indicator, value: Any) -> Located | None:
    """Why `value` does not fit the indicator's type, or None when it does; with where in the
    value the fault lies, so that it is reported there: () the value itself, (2,) a set's third
    member, ('soler', True) a share map's key, ('steel', False) its share."""
    if value is None:
        return None
    kind = indicator.type
    if kind == IndicatorType.SHARE_MAP:
        return _share_map_problem(indicator, value)
    if kind == IndicatorType.SET and isinstance(value, list):
        return _set_problem(value, indicator.values or [])
    message = _whole_value_problem(indicator, value)
    return ((), False, message) if message else None


def _whole_value_problem(indicator: Indicator, value: Any) -> str | None:
    kind = indicator.type
    if kind in NUMERIC_TYPES:
        return _numeric_problem(indicator, value)
    if kind == IndicatorType.ENUM and _is_scalar(value):
        return _member_problem(value, indicator.values or [])
    if kind == IndicatorType.COUNTRY and _is_code(value):
        return countries.code_problem(value)
    if _fits(kind, value):
        return None
    # worded only when wrong: this check runs on every figure of every profile loaded
    return f"expected {kind_text(indicator)}, got {shown(value)}"


def _fits(kind: IndicatorType, value: Any) -> bool:
    """A yes/no or date of its shape (an enum, set or country of the wrong shape: no)."""
    if kind == IndicatorType.BOOL:
        return isinstance(value, bool)
    if kind == IndicatorType.DATE:     # a datetime (2025-05-01T00:00:00) is a date to isinstance
        return type(value) is dt.date  # but cannot be compared with one
    return False


def value_hint(indicator: Indicator, value: Any) -> str | None:
    """What a refused value was likely meant to be, where its message does not say: the
    countries one typo from a code that names none, the code of a country written otherwise
    ('Iran', 'vn')."""
    if indicator.type != IndicatorType.COUNTRY:
        return None
    return countries.code_hint(value) if _is_code(value) else countries.written_code_hint(value)


def _is_code(value: Any) -> bool:
    """Written as a country code (three capitals), whether or not it names a country."""
    return isinstance(value, str) and _ISO3.match(value) is not None


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list) and value is not None


def _numeric_problem(indicator: Indicator, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"expected {kind_text(indicator)}, got {shown(value)}"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN and infinity are not numbers here; a missing figure is left out"
    if too_large(value):
        return f"{value:.3g} is too large to compare (over 1e300)" if isinstance(value, float) \
            else "the number is too large to compare (over 1e300)"
    kind = indicator.type
    if kind == IndicatorType.COUNT and (not isinstance(value, int) or value < 0):
        return f"expected a whole number >= 0, got {shown(value)}"
    if kind == IndicatorType.SHARE and not 0 <= value <= 1:
        return f"a share is a fraction from 0 to 1 (36.5% is 0.365), got {shown(value)}"
    if kind == IndicatorType.SHARE_CHANGE and not -1 <= value <= 1:
        return ("a change of a share is a signed fraction from -1 to 1 (3 points up is 0.03), "
                f"got {shown(value)}")
    if kind == IndicatorType.USD_BN and value < 0 and not indicator.signed:
        return f"expected US$ billions >= 0, got {shown(value)}"
    return None


def too_large(value: Any) -> bool:
    """Beyond what a float holds (a 400-digit whole number) or near it: no verdict rests on it."""
    try:
        return abs(float(value)) > 1e300
    except OverflowError:
        return True


def _member_problem(value: Any, values: list[str]) -> str | None:
    if isinstance(value, str) and value in values:
        return None
    hint = did_you_mean(str(value), values) if isinstance(value, str) else None
    text = f"{shown(value)} is not one of {', '.join(values)}"
    return f"{text}; {hint}" if hint else text


def _set_problem(members: list[Any], values: list[str]) -> Located | None:
    for index, member in enumerate(members):
        if message := _member_problem(member, values):
            return (index,), False, message
    return None


def _share_map_problem(indicator: Indicator, value: Any) -> Located | None:
    if not isinstance(value, dict):
        return (), False, f"expected {kind_text(indicator)}, got {shown(value)}"
    for key, share in value.items():
        if key not in (indicator.keys or []):
            hint = did_you_mean(key, indicator.keys or [])
            return (key,), True, f"unknown key '{key}'" + (f"; {hint}" if hint else "")
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            return (key,), False, f"{key}: a share is a fraction from 0 to 1, got {shown(share)}"
    return None
