"""Locate: where the shipped policy, catalog and partners are, and what a PARTNER argument names.

The working folder's policies/ and partners/ when it has them (a checkout, or a copy a drafter
edits), so that an edit there is what the next run evaluates; otherwise the copies inside the
package (engine/data/, copied by `pip install .`), or the checkout an editable install runs from.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from engine import countries
from engine.catalog import did_you_mean
from engine.errors import InputError

DEFAULT_POLICY = "us-china-alignment.yaml"
DEFAULT_CATALOG = "indicators.yaml"
_ISO3 = re.compile(r"^[A-Za-z]{3}$")


def data_dir(kind: str) -> Path:
    """`kind` is "policies" or "partners"; both always come from the same place."""
    return data_root() / kind


def data_root() -> Path:
    for root in (_working_folder(), Path(__file__).parent / "data", Path(__file__).parent.parent):
        if root is not None and _holds_shipped_data(root):
            return root
    return Path(__file__).parent.parent        # a broken install: the error names this path


def _working_folder() -> Path | None:
    try:
        return Path.cwd()
    except OSError:                            # it was deleted under us
        return None


def _holds_shipped_data(root: Path) -> bool:
    return (root / "policies" / DEFAULT_POLICY).is_file() and \
        (root / "policies" / DEFAULT_CATALOG).is_file() and (root / "partners").is_dir()


def default_policy() -> Path:
    return data_dir("policies") / DEFAULT_POLICY


def default_catalog() -> Path:
    return data_dir("policies") / DEFAULT_CATALOG


def shipped_partners() -> list[Path]:
    return sorted(data_dir("partners").glob("*.yaml"))


def resolve_partner(arg: str) -> Path:
    """A profile path, an ISO3 code of a shipped partner, or a country name."""
    if not arg.strip():     # Path("") is the working folder, which would be read as a profile
        raise InputError.at(repr(arg), "an empty partner argument is not a partner",
                            hint="name an ISO3 code, a country name or a profile path")
    path = Path(arg)
    # a folder is never a profile: MEX/ among the user's files must not hide the partner MEX
    # (os.path: Path.exists raises, not answers no, for a name longer than a file's)
    folder = os.path.isdir(path)
    if path.suffix in (".yaml", ".yml") or "/" in arg or (os.path.exists(path) and not folder):
        return path
    shipped = {p.stem.upper(): p for p in shipped_partners()}
    if _ISO3.match(arg) and arg.upper() in shipped:
        return shipped[arg.upper()]
    code = _code_for_name(arg)
    if code in shipped:
        return shipped[code]
    if folder:
        return path                 # no partner by that name: the loader says it is a folder
    hint = did_you_mean(arg.upper(), list(shipped)) or f"shipped: {', '.join(sorted(shipped))}"
    where = data_dir("partners")
    if code:
        raise InputError.at(arg, f"no profile for {code} in {where}", hint=hint)
    raise InputError.at(arg, "unknown partner: not a profile file, a shipped ISO3 code or a "
                        "country name", hint=hint)


def _code_for_name(name: str) -> str | None:
    """The ISO3 code a country name means. First any of a country's names as a reader writes
    them (countries.code_for_name: 'México', 'Republic of Korea' for pycountry's 'Korea,
    Republic of'); then pycountry's fuzzy search, when it finds one country only. The order
    matters: the fuzzy search alone gives PRK, North Korea, for 'Republic of Korea', South
    Korea's official name."""
    code = countries.code_for_name(name)
    if code is not None:
        return code
    import pycountry  # only for a name no country is written as: its database costs time to load

    written = name.strip()
    try:
        matches = pycountry.countries.search_fuzzy(written) if len(written) > 3 else []
    except LookupError:     # search_fuzzy raises, rather than returning [], when nothing matches
        return None
    return matches[0].alpha_3 if len(matches) == 1 else None
