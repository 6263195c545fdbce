"""Checks: `validate` for any file kind, reporting every problem in every file.

The kind is read from the top-level keys: `partner` is a profile, `catalog` an indicator
catalog, `extends` an overlay (checked with the chain it extends), `rules` a policy. A policy
that fails validation still has its well-formed conditions type-checked, so one run lists a
duplicate key, a misspelt indicator and a wrong type together.
"""

from __future__ import annotations

from pathlib import Path

from engine import api, locate
from engine.catalog import check_profile, parse_profile
from engine.compile import check_conditions, check_references_of_data, compile_policy
from engine.errors import InputError, Problem, in_reading_order
from engine.load import Document, load_yaml
from engine.models import Catalog, Policy, file_kind, parse


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
    elif kind == "overlay":
        api.load_policy(path)          # the whole chain, assembled and compiled
    else:
        return policy_problems(path, doc)
    return []


def kind_of(doc: Document) -> str:
    kind = file_kind(doc.data)
    if kind is not None:
        return kind
    raise doc.error((), "not a policy (no 'rules'), overlay (no 'extends'), partner profile "
                    "(no 'partner') or indicator catalog (no 'catalog')")


def policy_problems(path: Path, doc: Document) -> list[Problem]:
    catalog = _catalog_for(path, doc)
    try:
        policy = parse(Policy, doc)
    except InputError as exc:
        later = [*check_conditions(doc.data, catalog, doc),
                 *check_references_of_data(doc.data, catalog, doc)]
        # where the model refused a value (`demand: Bad Id`), it alone is said ('unknown
        # demand' too would be true, and noise)
        refused = {(p.line, p.col) for p in exc.problems}
        return [*exc.problems, *(p for p in later if (p.line, p.col) not in refused)]
    try:
        compile_policy(policy, catalog, doc)
    except InputError as exc:
        return exc.problems
    return []


def _catalog_for(path: Path, doc: Document) -> Catalog:
    named = doc.data.get("indicators") if isinstance(doc.data, dict) else None
    catalog = api.catalog_of(path, named, doc) if isinstance(named, str) else None
    return api.load_catalog(catalog or locate.default_catalog())


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, result = set(), []
    for p in problems:
        key = (p.path, p.line, p.col, p.message)
        if key not in seen:
            seen.add(key)
            result.append(p)
    return result
