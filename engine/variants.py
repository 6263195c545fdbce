"""Variants: a policy as it applies to one partner on one day, resolved on plain data.

Overlays (`extends:`), ad hoc `--set` changes, per-partner terms and the evaluation date all
become an ordinary policy before validation, so the rest of the pipeline never learns about them.
Every node of an assembled policy remembers the file (or command-line argument) it came from, so
a problem in an overlay points at the overlay's line, not at the merged result.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from engine.catalog import did_you_mean
from engine.errors import InputError, Problem, shown
from engine.load import Document, Path_, check_file_name, file_in_folder, load_yaml
from engine.models import (
    Changes,
    Dated,
    Overlay,
    RuleChange,
    ScoringChange,
    Strict,
    in_force_between,
    parse,
)

MAX_CHAIN = 16                   # overlays of overlays; far beyond any real use
LIST_SECTIONS = ("demands", "derive", "rules", "terms", "exceptions")


# --- an assembled policy: merged data that remembers where each part came from ---------------

@dataclass(frozen=True)
class Assembled:
    """Merged policy data; quacks like a Document (where, mark, error, is_quoted, problems)."""

    path: str                                    # the file the user named
    data: dict[str, Any]
    origins: dict[Path_, tuple[Any, Path_]]     # merged location -> (source, its location)
    chain: tuple[str, ...] = ()                 # the named file first, its bases after it
    catalog_from: str = ""                      # the file whose `indicators:` is in effect
    problems: tuple[Problem, ...] = ()
    # rules taken out (`disabled: true`, or not in force that day) -> where that was written:
    # a term's change to such a rule, or an exception for it, has nothing left to act on
    dropped: dict[str, tuple[Any, Path_]] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Document) -> Assembled:
        return cls(doc.path, doc.data, {(): (doc, ())}, (doc.path,), doc.path, doc.problems)

    def resolve(self, loc: Path_) -> tuple[Any, Path_]:
        loc = tuple(loc)
        for cut in range(len(loc), -1, -1):
            hit = self.origins.get(loc[:cut])
            if hit is not None:
                source, at = hit
                return source, (*at, *loc[cut:])
        return self.origins[()][0], loc

    def where(self, loc: Path_, *, key: bool = False) -> tuple[str, int, int]:
        source, at = self.resolve(loc)
        return source.where(at, key=key)

    def mark(self, loc: Path_, *, key: bool = False) -> tuple[int, int]:
        return self.where(loc, key=key)[1:]

    def is_quoted(self, loc: Path_) -> bool:
        source, at = self.resolve(loc)
        return source.is_quoted(at)

    error = Document.error          # built on `where`, so it answers from the right file


@dataclass
class _Item:
    """One list entry (a rule, demand, ...) being merged, with the origin of each changed part."""

    data: dict[str, Any]
    source: Any
    loc: Path_
    parts: dict[Path_, tuple[Any, Path_]] = field(default_factory=dict)


class _Merge:
    """Builds merged data from a base and a set of changes, keeping every origin."""

    def __init__(self, base: Assembled) -> None:
        self.base = base
        self.data = {k: copy.deepcopy(v) for k, v in base.data.items() if k not in LIST_SECTIONS}
        self.origins: dict[Path_, tuple[Any, Path_]] = {(): (base, ())}
        self.lists = {section: [_Item(copy.deepcopy(entry), base, (section, i))
                                for i, entry in enumerate(base.data.get(section) or [])]
                      for section in LIST_SECTIONS}
        self.problems: list[Problem] = []
        self.dropped = dict(base.dropped)

    def set(self, key: str, value: Any, source: Any, loc: Path_) -> None:
        self.data[key] = copy.deepcopy(value)
        self.origins[(key,)] = (source, loc)

    def put(self, section: str, key: str, value: Any, source: Any, loc: Path_) -> None:
        self.data.setdefault(section, {})[key] = copy.deepcopy(value)
        self.origins[(section, key)] = (source, loc)

    def append(self, section: str, entries: list, source: Any, loc: Path_) -> None:
        taken = {item.data.get("id") for item in self.lists[section]}
        what = section[:-1] if section != "derive" else "inference"
        # `change:` edits rules (and tiers) only: for anything else it is no way out
        hint = "change it under 'change:' instead of adding it again" if section == "rules" \
            else f"an overlay changes only rules and tiers: give this {what} a new id"
        for i, entry in enumerate(entries):
            if entry.get("id") in taken:
                self.problem(source, (*loc, i, "id"),
                             f"{what} '{entry['id']}' is already in the base policy", hint)
                continue
            self.lists[section].append(_Item(copy.deepcopy(entry), source, (*loc, i)))

    def problem(self, source: Any, loc: Path_, message: str, hint: str | None = None,
                *, key: bool = False) -> None:
        path, line, col = source.where(loc, key=key)
        self.problems.append(Problem(path, line, col, message, hint))

    def item(self, section: str, item_id: str) -> _Item | None:
        return next((i for i in self.lists[section] if i.data.get("id") == item_id), None)

    def ids(self, section: str) -> list[str]:
        return [str(i.data.get("id")) for i in self.lists[section]]

    def result(self, path: str, chain: tuple[str, ...], catalog_from: str) -> Assembled:
        """The merged policy; problems found while merging travel with it (as a Document's
        duplicate keys do), so validation reports them together with its own."""
        data = dict(self.data)
        origins = dict(self.origins)
        for section, items in self.lists.items():
            off = [item for item in items if item.data.pop("disabled", False)]
            if section == "rules" and off and len(off) == len(items):
                # said at the last `disabled`; the rules stay, so that validation does not
                # also blame the base policy's list for being empty
                self.problem(*off[-1].parts.get(("disabled",), (off[-1].source, off[-1].loc)),
                             "every rule is disabled: a policy needs at least one")
                off = []
            for item in off if section == "rules" else ():
                self.dropped[str(item.data.get("id"))] = item.parts.get(
                    ("disabled",), (item.source, item.loc))
            kept = [item for item in items if all(item is not gone for gone in off)]
            if not kept and section not in self.base.data:
                continue
            data[section] = [item.data for item in kept]
            for i, item in enumerate(kept):
                origins[(section, i)] = (item.source, item.loc)
                origins.update({(section, i, *part): at for part, at in item.parts.items()})
        return Assembled(path, data, origins, chain, catalog_from,
                         (*self.base.problems, *self.problems), self.dropped)


# --- overlays --------------------------------------------------------------------------------

def assemble(path: str | Path, shipped: Path, _trail: tuple[Path, ...] = ()) -> Assembled:
    """A policy file, with the chain of policies it `extends:` merged underneath it."""
    doc = load_yaml(path)
    if not (isinstance(doc.data, dict) and "extends" in doc.data):
        return Assembled.of(doc)
    overlay = parse(Overlay, doc)
    here = Path(path).resolve()
    base_path = base_of(here, overlay.extends, shipped, doc)
    trail = (*_trail, here)
    if base_path.resolve() in trail:
        names = " -> ".join(p.name for p in (*trail, base_path))
        raise doc.error(("extends",), f"overlays extend each other in a cycle: {names}")
    if len(trail) > MAX_CHAIN:          # the trail holds this overlay and those above it
        raise doc.error(("extends",), f"more than {MAX_CHAIN} overlays deep, counting from "
                                      f"{trail[0].name}")
    base = assemble(base_path, shipped, trail)
    return apply_overlay(base, overlay, doc)


def base_of(here: Path, named: str, shipped: Path, doc: Document) -> Path:
    """`extends:` names a shipped policy (`us-china-alignment`) or a file in the overlay's own
    folder tree (load.file_in_folder, as for `indicators:`), returned as written."""
    check_file_name(named, doc, ("extends",))
    if "/" not in named and not named.endswith((".yaml", ".yml")):
        candidate = shipped / f"{named}.yaml"
        if os.path.isfile(candidate):     # False, where Path.is_file raises, for a too long name
            return candidate
        known = sorted(p.stem for p in shipped.glob("*.yaml") if p.stem != "indicators")
        raise doc.error(("extends",), f"no shipped policy named '{named}'",
                        hint=did_you_mean(named, known) or f"shipped: {', '.join(known)}")
    folder = here.parent
    return file_in_folder(folder, named, doc, ("extends",),
                          f"'{named}' is outside the overlay's folder {folder}; copy the base "
                          "next to the overlay, or name a shipped policy", "base policy")


def apply_overlay(base: Assembled, overlay: Overlay, doc: Document) -> Assembled:
    check_mergeable(base)
    merge = _Merge(base)
    raw = doc.data
    for key in ("name", "title", "version", "description", "indicators"):
        if key in raw:
            merge.set(key, raw[key], doc, (key,))
    # `remedies` merges by key like `scoring`: an overlay that only changes the cost measure
    # must not silently drop the base's `fixed` figures (a US listing the partner cannot undo)
    for section in ("sources", "groups", "scoring", "remedies"):
        for key, value in (raw.get(section) or {}).items():
            merge.put(section, key, value, doc, (section, key))
    if "tiers" in raw:
        merge.set("tiers", raw["tiers"], doc, ("tiers",))
    for section in LIST_SECTIONS:
        merge.append(section, raw.get(section) or [], doc, (section,))
    apply_changes(merge, overlay.change, raw.get("change") or {}, doc, ("change",))
    if "tiers" in raw:
        blame_dropped_tiers(merge, raw["tiers"], doc)
    catalog_from = doc.path if "indicators" in raw else base.catalog_from
    return merge.result(doc.path, (doc.path, *base.chain), catalog_from)


MAP_SECTIONS = ("sources", "groups", "scoring", "remedies")


def check_mergeable(base: Assembled) -> None:
    """A base is validated once the overlay is merged into it, each problem at its own line;
    but merging walks its sections first, so a base whose `rules:` is not a list of mappings
    with text ids (or whose `sources:` is not a mapping...) would crash it. Those are refused
    first, as validation would word them."""
    if not isinstance(base.data, dict):
        raise base.error((), f"expected a mapping of keys at the top, got {shown(base.data)}")
    problems: list[Problem] = []
    for section in (*LIST_SECTIONS, "tiers"):
        problems += _list_problems(base, section, base.data.get(section))
    for section in MAP_SECTIONS:
        value = base.data.get(section)
        if value is not None and not isinstance(value, dict):
            problems += base.error((section,), f"{section}: expected a mapping, got "
                                               f"{shown(value)}").problems
    if problems:
        raise InputError(problems)


def _list_problems(base: Assembled, section: str, value: Any) -> list[Problem]:
    if value is None:
        return []
    if not isinstance(value, list):
        return base.error((section,), f"{section}: expected a list, got {shown(value)}").problems
    problems: list[Problem] = []
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            problems += base.error((section, i), f"{section}[{i}]: expected a mapping, got "
                                                 f"{shown(entry)}").problems
        elif not isinstance(entry.get("id", ""), str):
            problems += base.error((section, i, "id"), f"{section}[{i}].id: expected text, got "
                                                       f"{shown(entry['id'])}").problems
    return problems


def blame_dropped_tiers(merge: _Merge, tiers: Any, doc: Document) -> None:
    """A rule the overlay leaves capping at a tier its new `tiers:` drop: the mistake is the
    overlay's, so the rule's `caps_tier` is reported at the overlay's tiers, not at the base
    file's line that was right until the overlay came."""
    kept = {t.get("id") for t in tiers if isinstance(t, dict)} if isinstance(tiers, list) else set()
    for item in merge.lists["rules"]:
        cap = item.data.get("caps_tier")
        set_here = item.source is doc or ("caps_tier",) in item.parts
        if cap is not None and cap not in kept and not set_here:
            item.parts[("caps_tier",)] = (doc, ("tiers",))
    # likewise a base term's outcome for a tier the overlay's tiers drop (the overlay's own
    # terms are reported at their own lines when compiled)
    for item in merge.lists["terms"]:
        changed = (item.data.get("change") or {}).get("tiers") if item.source is not doc else {}
        for tier in changed if isinstance(changed, dict) else ():
            if tier not in kept:
                path, line, col = item.source.where((*item.loc, "change", "tiers", tier), key=True)
                merge.problem(doc, ("tiers",), f"these tiers leave out '{tier}', which the term "
                              f"'{item.data.get('id')}' changes at {path}:{line}:{col}",
                              f"keep a tier '{tier}'", key=True)


# --- changes by id (overlays, terms and --set) -----------------------------------------------

def apply_changes(merge: _Merge, changes: Changes, raw: dict, source: Any, loc: Path_, *,
                  skip_dropped: bool = False) -> None:
    """Changes by id; `skip_dropped` (a term's) passes over rules the policy took out."""
    for rule_id, change in changes.rules.items():
        at = (*loc, "rules", rule_id)
        item = merge.item("rules", rule_id)
        if item is None and rule_id in merge.dropped:
            if not skip_dropped:
                merge.problem(source, at, f"no rule '{rule_id}' to change: it is disabled "
                                          f"{_place(*merge.dropped[rule_id])}", key=True)
            continue
        if item is None:
            term = next((t.data.get("id") for t in merge.lists["terms"]
                         if any(isinstance(r, dict) and r.get("id") == rule_id
                                for r in t.data.get("rules") or [])), None)
            merge.problem(source, at, f"no rule '{rule_id}' to change" + (
                f": it is added by the term '{term}'" if term else ""), key=True,
                hint="change it in the term's rules" if term
                else did_you_mean(rule_id, merge.ids("rules")))
            continue
        change_rule(merge, item, change, raw["rules"][rule_id], source, at)
    tiers = merge.data.get("tiers") or []
    for tier_id, tier_change in changes.tiers.items():
        at = (*loc, "tiers", tier_id)
        index = next((i for i, t in enumerate(tiers) if t.get("id") == tier_id), None)
        if index is None:
            merge.problem(source, at, f"no tier '{tier_id}' to change", key=True,
                          hint=did_you_mean(tier_id, [str(t.get("id")) for t in tiers]))
            continue
        for name in tier_change.model_fields_set:
            tiers[index][name] = copy.deepcopy(raw["tiers"][tier_id][name])
            merge.origins[("tiers", index, name)] = (source, (*at, name))


def _place(source: Any, loc: Path_) -> str:
    """'at file:line:col', or 'by --set ...' for a command-line argument."""
    path, line, col = source.where(loc, key=True)
    return f"at {path}:{line}:{col}" if line is not None else f"by {path}"


def change_rule(merge: _Merge, item: _Item, change: RuleChange, raw: dict, source: Any,
                at: Path_) -> None:
    for name in change.model_fields_set - {"limit", "limits"}:
        item.data[name] = copy.deepcopy(raw[name])
        item.parts[(name,)] = (source, (*at, name))
    wanted: list[tuple[str | None, Any, Path_]] = []
    if "limit" in change.model_fields_set:
        wanted.append((None, raw["limit"], (*at, "limit")))
    for name, value in (raw.get("limits") or {}).items():
        wanted.append((name, value, (*at, "limits", name)))
    for name, value, value_at in wanted:
        problem = set_limit(item, name, value, source, value_at)
        if problem:
            merge.problem(source, value_at, *problem)


# --- limits: the one number (or value) a rule compares with ----------------------------------

@dataclass(frozen=True)
class Slot:
    """Where a limit sits in a rule's `require`: a threshold's `limit`, or a literal in an
    expression (with its character span)."""

    names: tuple[str, ...]           # the indicators compared with it
    loc: Path_                       # inside the rule
    span: tuple[int, int] | None = None


def limit_slots(require: Any, loc: Path_ = ("require",)) -> list[Slot]:
    if isinstance(require, str):
        return _expression_slots(require, loc)
    if not isinstance(require, dict):
        return []
    if "indicator" in require:
        return [Slot((str(require["indicator"]),), (*loc, "limit"))]
    slots: list[Slot] = []
    for key in ("all", "any"):
        for i, part in enumerate(require.get(key) or []):
            slots += limit_slots(part, (*loc, key, i))
    if "not" in require:
        slots += limit_slots(require["not"], (*loc, "not"))
    return slots


def _expression_slots(text: str, loc: Path_) -> list[Slot]:
    if "\n" in text.strip():        # spans are columns of one line
        return []
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return []
    lead = len(text) - len(text.lstrip())
    slots = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
            continue
        sides = (node.left, node.comparators[0])
        constant = [s for s in sides if _is_literal(s)]
        other = [s for s in sides if not _is_literal(s)]
        if len(constant) == 1 and len(other) == 1:
            names = tuple(sorted(_names_in(other[0])))
            lit = constant[0]
            slots.append(Slot(names, loc, (lead + lit.col_offset, lead + lit.end_col_offset)))
    return slots


def _is_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return isinstance(node.operand, ast.Constant)
    return isinstance(node, ast.List | ast.Tuple) and all(_is_literal(e) for e in node.elts)


def _names_in(node: ast.AST) -> set[str]:
    """The indicators a side reads: `by_group.steel` once, not also its map `by_group`."""
    maps = {id(n.value) for n in ast.walk(node) if isinstance(n, ast.Attribute)}
    return {_dotted(n) for n in ast.walk(node)
            if isinstance(n, ast.Name | ast.Attribute) and id(n) not in maps} - {""}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return ""


def choose_slot(require: Any, name: str | None) -> Slot | tuple[str, str | None]:
    """The slot a `limit` (name None) or `limits: {name: ...}` means, or why none fits."""
    slots = limit_slots(require)
    if name is not None:
        slots = [s for s in slots if name in s.names or any(n.startswith(f"{name}.")
                                                            for n in s.names)]
    if len(slots) == 1:
        return slots[0]
    every = sorted({n for s in limit_slots(require) for n in s.names})
    if not slots and name is not None:
        return (f"the rule compares nothing with '{name}'", did_you_mean(name, every))
    if not slots:
        return ("the rule has no limit to change (change its 'require' instead)", None)
    return (f"the rule has {len(slots)} limits ({', '.join(every)}); name one",
            f"limits: {{{every[0]}: ...}}, or --set RULE.limit[{every[0]}]=...")


def set_limit(item: _Item, name: str | None, value: Any, source: Any,
              at: Path_) -> tuple[str, str | None] | None:
    slot = choose_slot(item.data.get("require"), name)
    if isinstance(slot, tuple):
        return slot
    parent, key = _walk(item.data, slot.loc[:-1]), slot.loc[-1]
    if slot.span is None:           # a threshold's `limit`
        parent[key] = copy.deepcopy(value)
    else:                           # a literal inside an expression
        start, end = slot.span
        parent[key] = parent[key][:start] + _literal(value) + parent[key][end:]
    item.parts[slot.loc] = (source, at)
    return None


def _walk(node: Any, loc: Path_) -> Any:
    for part in loc:
        node = node[part]
    return node


def _literal(value: Any) -> str:
    if isinstance(value, dt.date):
        return repr(value.isoformat())
    return repr(value)


# --- ad hoc changes: --set TARGET.FIELD=VALUE ------------------------------------------------

_SET = re.compile(r"^(?P<target>[^=\[\]]+?)\.(?P<field>[a-z_]+)(?:\[(?P<which>[^\]]+)\])?"
                  r"=(?P<value>.*)$", re.S)
RULE_FIELDS = ("limit", "weight", "severity", "caps_tier", "disabled")
TIER_FIELDS = ("min_score",)
SCORING_FIELDS = tuple(ScoringChange.model_fields)


@dataclass(frozen=True)
class Setting:
    """One `--set`, as a change in the overlay language and a Document that points at the
    argument itself."""

    text: str
    option: str                  # the command-line option it came from (--set, --param)
    section: str                 # rules | tiers | scoring
    target: str
    field: str
    which: str | None
    value: Any

    def as_changes(self) -> dict[str, Any]:
        if self.section == "scoring":
            return {"scoring": {self.field: self.value}}
        key = "limits" if self.which else self.field
        value = {self.which: self.value} if self.which else self.value
        return {"change": {self.section: {self.target: {key: value}}}}

    def document(self) -> Document:
        """The argument as a document that answers every position with the argument itself."""
        return _Argument(f"{self.option} {self.text}", self.as_changes(), {}, {})


class _Argument(Document):
    """A command-line argument: no file, so no line or column to point at."""

    def where(self, loc: Path_, *, key: bool = False) -> tuple[str, Any, Any]:
        return (self.path, None, None)


def parse_setting(text: str, option: str = "--set") -> Setting:
    """`RULE.limit=0.25`, `RULE.limit[indicator]=3`, `RULE.weight=2`, `TIER.min_score=70`,
    `scoring.unknown_credit=0.5`; the value is read as YAML (0.25, true, high, [a, b])."""
    where = f"{option} {text}"
    match = _SET.match(text.strip())
    if not match:
        raise InputError.at(where, "expected TARGET.FIELD=VALUE, e.g. "
                            "--set transshipment-rerouting-ceiling.limit=0.15")
    target, name, which = match["target"], match["field"], match["which"]
    if target == "scoring":
        section, fields = "scoring", SCORING_FIELDS
    elif name in TIER_FIELDS:
        section, fields = "tiers", TIER_FIELDS
    else:
        section, fields = "rules", RULE_FIELDS
    if name not in fields:
        what = "scoring" if section == "scoring" else f"{section[:-1]} '{target}'"
        raise InputError.at(where, f"cannot set '{name}' of {what}",
                            hint=did_you_mean(name, [*fields, *TIER_FIELDS])
                            or f"fields: {', '.join(fields)}")
    if which and name != "limit":
        raise InputError.at(where, f"only 'limit' takes an indicator in brackets, not '{name}'")
    value = _setting_value(match["value"], where) if match["value"].strip() else None
    if value is None:
        raise InputError.at(where, "the value is missing after '='")
    return Setting(text, option, section, target, name, which, value)


def _setting_value(text: str, where: str) -> Any:
    """The value of a setting, read as YAML. Its problems name the argument alone: a line and
    column ('--set x.weight=1e400:1:1') would read as a place in a file of that name."""
    from engine.load import load_text

    try:
        return load_text(text, where).data
    except InputError as exc:
        raise InputError([replace(p, line=None, col=None) for p in exc.problems]) from None


def apply_settings(base: Assembled, settings: list[Setting]) -> Assembled:
    """`--set` changes on top of a policy; each is checked like an overlay's `change:`."""
    if not settings:
        return base
    merge = _Merge(base)
    for setting in settings:
        doc = setting.document()
        if setting.section == "scoring":
            parse(_ScoringOnly, doc)
            merge.put("scoring", setting.field, setting.value, doc, ("scoring", setting.field))
            continue
        changes = parse(_ChangeOnly, doc).change
        apply_changes(merge, changes, doc.data["change"], doc, ("change",))
    return merge.result(base.path, base.chain, base.catalog_from)


class _ChangeOnly(Strict):        # the `change:` block of an overlay, alone
    change: Changes


class _ScoringOnly(Strict):
    scoring: ScoringChange


# --- terms and dates: the policy one partner faces on one day --------------------------------

def terms_for(data: dict[str, Any], code: str, day: dt.date) -> list[int]:
    """Indexes of the terms in force for partner `code` on `day`."""
    groups = data.get("groups") or {}
    chosen = []
    for i, term in enumerate(data.get("terms") or []):
        members = set(term.get("partners") or [])
        for group in term.get("groups") or []:
            members |= set(groups.get(group) or [])
        if code in members and in_force(term, day):
            chosen.append(i)
    return chosen


def in_force(entry: dict[str, Any], day: dt.date) -> bool:
    """Whether a dated entry (plain data: a rule, a term) is in force on `day`. Its dates are
    read as validation read them: "2026-06-01" in quotes, or a midnight timestamp, is that day
    (compared as written, text or a datetime against a date raised TypeError)."""
    dates = (entry.get("effective"), entry.get("expires"))
    if any(d is not None and type(d) is not dt.date for d in dates):
        dated = Dated.model_validate({"effective": dates[0], "expires": dates[1]})
        dates = (dated.effective, dated.expires)
    return in_force_between(*dates, day)


def with_terms(base: Assembled, indexes: list[int], terms: list[Any]) -> tuple[Assembled,
                                                                             dict[str, list[str]]]:
    """The policy with the chosen terms applied, and rule id -> the terms that shaped it."""
    if not indexes:
        return base, {}
    merge = _Merge(base)
    shaped: dict[str, list[str]] = {}
    for index in indexes:
        term, raw = terms[index], base.data["terms"][index]
        at = ("terms", index)
        apply_changes(merge, term.change, raw.get("change") or {}, base, (*at, "change"),
                      skip_dropped=True)
        merge.append("rules", raw.get("rules") or [], base, (*at, "rules"))
        for rule_id in [*term.change.rules, *(r.id for r in term.rules)]:
            shaped.setdefault(rule_id, []).append(term.id)
        for tier_id in term.change.tiers:
            shaped.setdefault(f"tier:{tier_id}", []).append(term.id)
    return merge.result(base.path, base.chain, base.catalog_from), shaped


def rule_alone(base: Assembled, rule_id: str) -> Assembled:
    """The policy reduced to one rule (with every inference it may read): what a sweep re-judges
    at each step, since a rule's limit changes no other rule's verdict."""
    merge = _Merge(base)
    for item in merge.lists["rules"]:
        item.data["disabled"] = item.data.get("id") != rule_id
    merge.lists["terms"] = []
    merge.lists["exceptions"] = [i for i in merge.lists["exceptions"]
                                 if i.data.get("rule") == rule_id]
    return merge.result(base.path, base.chain, base.catalog_from)


def in_force_on(base: Assembled, day: dt.date) -> Assembled:
    """Only the rules in force on `day` (the others are left out, as the policy then stood)."""
    rules = base.data.get("rules") or []
    if all(in_force(rule, day) for rule in rules):
        return base
    merge = _Merge(base)
    for item in merge.lists["rules"]:
        if not in_force(item.data, day):
            item.data["disabled"] = True
    return merge.result(base.path, base.chain, base.catalog_from)


__all__ = ["Assembled", "Setting", "apply_settings", "assemble", "in_force_on",
           "limit_slots", "parse_setting", "terms_for", "with_terms"]
