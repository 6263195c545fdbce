"""Checks: `validate` for any file kind, reporting every problem in every file.

The kind is read from the top-level keys: `partner` is a profile, `catalog` an indicator
catalog, `extends` an overlay (checked with the chain it extends), `rules` a policy. A policy
or overlay is loaded as every command loads it (its terms compiled, its exceptions' rules
looked up), so what validates also evaluates; one that fails validation still has its
conditions, ids and references checked (engine.api), so one run lists a duplicate key, a
misspelt indicator, an unknown source and a wrong type together.
"""

from __future__ import annotations

from pathlib import Path

from engine import api
from engine.catalog import check_profile, parse_profile
from engine.errors import InputError, Problem, in_reading_order
from engine.load import Document, load_yaml
from engine.models import Catalog, file_kind, parse


def validate_paths(paths: list[Path]) -> list[Problem]:
    """Every problem of every file, each file's from its top down."""
    problems: list[Problem] = []
    for path in paths:
        try:
            problems += validate_file(path)
        except InputError as exc:
            problems += exc.problems
    return in_reading_order(_unique(problems))


def validate_file(path: Path) -> list[Problem]:
    doc = load_yaml(path)
    try:
        kind = kind_of(doc)
    except InputError as exc:
        return [*doc.problems, *exc.problems]
    if kind == "profile":
        catalog = api.load_catalog()
        check_profile(parse_profile(doc, catalog), catalog, doc)
    elif kind == "catalog":
        parse(Catalog, doc)
    else:       # a policy or an overlay (with the chain it extends) as every command loads it
        api.load_policy(path)
    return []


def kind_of(doc: Document) -> str:
    kind = file_kind(doc.data)
    if kind is not None:
        return kind
    raise doc.error((), "not a policy (no 'rules'), overlay (no 'extends'), partner profile "
                    "(no 'partner') or indicator catalog (no 'catalog')")


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, result = set(), []
    for p in problems:
        key = (p.path, p.line, p.col, p.message)
        if key not in seen:
            seen.add(key)
            result.append(p)
    return result
