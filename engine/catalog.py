"""Catalog: the indicator catalog, and checking a partner profile against it.

The catalog is the profile schema: every indicator a profile may carry and a condition may read,
with its type and unit. A profile value of the wrong type or an unknown indicator is an error
pointing at the profile's line, with a did-you-mean.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

from engine.errors import InputError, Problem
from engine.load import Document
from engine.models import NUMERIC_TYPES, Catalog, Figure, Indicator, IndicatorType, Profile

_ISO3 = re.compile(r"^[A-Z]{3}$")


def did_you_mean(word: str, choices: list[str] | set[str]) -> str | None:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def check_profile(profile: Profile, catalog: Catalog, doc: Document) -> None:
    """Every indicator known, every value of its catalog type; all problems at once."""
    problems = []
    for where, key, message, hint in profile_problems(profile, catalog):
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
            found.append((("indicators", name), True, f"unknown indicator '{name}'",
                          did_you_mean(name, catalog.indicators.keys())))
            continue
        value = raw.value if isinstance(raw, Figure) else raw
        where = ("indicators", name, "value") if isinstance(raw, Figure) else ("indicators", name)
        message = value_problem(indicator, value)
        if message:
            found.append((where, False, f"{name}: {message}", None))
    return found


def value_problem(indicator: Indicator, value: Any) -> str | None:
    """Why `value` does not fit the indicator's type, or None when it does."""
    if value is None:
        return None
    kind = indicator.type
    if kind in NUMERIC_TYPES:
        return _numeric_problem(indicator, value)
    if kind == IndicatorType.BOOL:
        return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
    if kind == IndicatorType.ENUM:
        return _member_problem(value, indicator.values or [])
    if kind == IndicatorType.SET:
        if not isinstance(value, list):
            return f"expected a list of values from {indicator.values}"
        return next((p for v in value if (p := _member_problem(v, indicator.values or []))), None)
    if kind == IndicatorType.DATE:
        return None if isinstance(value, dt.date) else "expected a date written YYYY-MM-DD"
    if kind == IndicatorType.COUNTRY:
        ok = isinstance(value, str) and _ISO3.match(value)
        return None if ok else f"expected an ISO3 country code such as 'CHN', got {value!r}"
    return _share_map_problem(indicator, value)


def _numeric_problem(indicator: Indicator, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        hint = " (write small numbers with a dot: 1.0e-5)" if isinstance(value, str) else ""
        return f"expected a number, got {value!r}{hint}"
    if too_large(value):
        return f"{value:.3g} is too large to compare (over 1e300)" if isinstance(value, float) \
            else "the number is too large to compare (over 1e300)"
    kind = indicator.type
    if kind == IndicatorType.COUNT and (not isinstance(value, int) or value < 0):
        return f"expected a whole number >= 0, got {value!r}"
    if kind == IndicatorType.SHARE and not 0 <= value <= 1:
        return f"a share is a fraction from 0 to 1 (36.5% is 0.365), got {value!r}"
    if kind == IndicatorType.USD_BN and value < 0 and not indicator.signed:
        return f"expected US$ billions >= 0, got {value!r}"
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
    text = f"{value!r} is not one of {', '.join(values)}"
    return f"{text}; {hint}" if hint else text


def _share_map_problem(indicator: Indicator, value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"expected a mapping of {', '.join(indicator.keys or [])} to shares"
    for key, share in value.items():
        if key not in (indicator.keys or []):
            hint = did_you_mean(key, indicator.keys or [])
            return f"unknown key '{key}'" + (f"; {hint}" if hint else "")
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            return f"{key}: a share is a fraction from 0 to 1, got {share!r}"
    return None
