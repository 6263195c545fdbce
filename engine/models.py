"""Models: plain data from load -> validated pydantic objects (extra keys forbidden, frozen).

Units are explicit: a share is a fraction 0..1, money is USD billions, a tariff rate is percent,
dates are ISO. Conditions are validated for shape here and parsed into expression trees by
engine.conditions; checking them against the indicator catalog happens in engine.compile.
"""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from engine import countries

ID = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.-]*$", max_length=80)]
NAME = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]


def _names_a_country(code: str) -> str:
    """A partner code must name a country or be user-assigned (engine.countries): a code that
    names none matches no partner, so a typo would switch off what it is written in."""
    problem = countries.code_problem(code)
    if problem is None:
        return code
    raise PydanticCustomError("country_code", problem, {"hint": countries.code_hint(code)})


class _CountryCodesInSchemas:
    """ISO3 in a JSON Schema: the codes themselves (countries.json_schema), not only their
    shape, so an editor checks them as validate does."""

    @staticmethod
    def __get_pydantic_json_schema__(core_schema: Any, handler: Any) -> dict[str, Any]:
        return countries.json_schema()


ISO3_PATTERN = r"^[A-Z]{3}$"
ISO3 = Annotated[str, Field(pattern=ISO3_PATTERN), AfterValidator(_names_a_country),
                 _CountryCodesInSchemas()]
# a file named by a policy (`indicators:`, `extends:`): an empty name is a mistake, not "none"
FILE_NAME = Annotated[StrictStr, Field(min_length=1)]
Number = StrictInt | StrictFloat
Scalar = StrictBool | StrictInt | StrictFloat | StrictStr | dt.date


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)


# --- the indicator catalog -------------------------------------------------------------------

class IndicatorType(StrEnum):
    SHARE = "share"
    SHARE_CHANGE = "share_change"
    RATIO = "ratio"
    NUMBER = "number"
    COUNT = "count"
    USD_BN = "usd_bn"
    PCT = "pct"
    PP = "pp"
    BOOL = "bool"
    ENUM = "enum"
    SET = "set"
    DATE = "date"
    COUNTRY = "country"
    SHARE_MAP = "share_map"


NUMERIC_TYPES = frozenset({IndicatorType.SHARE, IndicatorType.SHARE_CHANGE, IndicatorType.RATIO,
                           IndicatorType.NUMBER, IndicatorType.COUNT, IndicatorType.USD_BN,
                           IndicatorType.PCT, IndicatorType.PP})


class Indicator(Strict):
    label: StrictStr
    type: IndicatorType
    description: StrictStr
    source: StrictStr
    values: list[NAME] | None = None
    ordered: StrictBool = False
    keys: list[NAME] | None = None
    signed: StrictBool = False

    @model_validator(mode="after")
    def _options_fit_type(self) -> Indicator:
        if (self.type in (IndicatorType.ENUM, IndicatorType.SET)) != (self.values is not None):
            raise ValueError("'values' is required for enum and set indicators, and only there")
        if (self.type == IndicatorType.SHARE_MAP) != (self.keys is not None):
            raise ValueError("'keys' is required for share_map indicators, and only there")
        if self.ordered and self.type != IndicatorType.ENUM:
            raise ValueError("'ordered' applies only to enum indicators")
        if self.signed and self.type != IndicatorType.USD_BN:
            # a count is never negative, pp and share_change always may be: a `signed` there
            # would say the catalog's author expects something no check does
            raise ValueError("'signed' applies only to usd_bn indicators")
        return self


RESERVED_NAMES = frozenset({"sid", "id", "kind", "name", "value"})   # the engine's own fields


class Catalog(Strict):
    catalog: NAME | ID
    version: StrictInt
    indicators: dict[NAME, Indicator]

    @field_validator("indicators")
    @classmethod
    def _no_reserved_names(cls, indicators: dict) -> dict:
        clash = sorted(RESERVED_NAMES & set(indicators))
        if clash:
            raise ValueError(f"indicator names {', '.join(clash)} are reserved by the engine "
                             "(every fact carries them); rename them")
        return indicators


# --- partner profiles ------------------------------------------------------------------------

# A profile value is any plain YAML value here: only the catalog knows which shape each
# indicator takes, so engine.catalog.check_profile judges it and can say what was expected
# (a union of shapes here reported only its last branch: "expected true or false" for a share).
PlainValue = Any


class Figure(Strict):
    """One figure with its provenance. value None means: looked for, not found (unknown)."""

    value: PlainValue
    year: StrictInt | StrictStr | None = None
    source: StrictStr | None = None
    illustrative: StrictBool = False
    note: StrictStr | None = None

    @field_validator("year")
    @classmethod
    def _year_is_written_in_full(cls, year: int | str | None) -> int | str | None:
        # a year as a number is the calendar year ("FY2024-25" is text): 24, -5 or 20244 is
        # a typo that would be printed as the figure's provenance
        if isinstance(year, int) and not 1900 <= year <= 2100:
            raise ValueError(f"a year is written in full, such as 2024, not {year}")
        return year

    @model_validator(mode="after")
    def _provenance_is_honest(self) -> Figure:
        if self.source and self.year is None:
            raise ValueError("a figure with a 'source' needs its 'year'")
        if self.value is not None and not self.source and not self.illustrative:
            raise ValueError("a figure without a 'source' must say 'illustrative: true'")
        if self.source and self.illustrative:
            raise ValueError("a figure is either sourced or illustrative, not both")
        return self


def _figure_or_bare(value: Any) -> str:
    # called with raw data when validating and with model instances when serialising
    if isinstance(value, Figure):
        return "figure"
    return "figure" if isinstance(value, dict) and "value" in value else "bare"


FigureOrBare = Annotated[
    Annotated[Figure, Tag("figure")]
    | Annotated[PlainValue, Tag("bare")],
    Discriminator(_figure_or_bare),
]


class PartnerInfo(Strict):
    code: ISO3
    name: StrictStr | None = None
    note: StrictStr | None = None


class Profile(Strict):
    partner: PartnerInfo
    indicators: dict[StrictStr, FigureOrBare] = Field(default_factory=dict)

    def figure(self, name: str) -> Figure | None:
        """The figure for an indicator, bare values wrapped as unsourced; None when absent."""
        raw = self.indicators.get(name)
        if raw is None:
            return None
        return raw if isinstance(raw, Figure) else Figure.model_construct(value=raw)


# --- conditions ------------------------------------------------------------------------------

class Comparison(StrEnum):
    AT_MOST = "at_most"
    AT_LEAST = "at_least"
    BELOW = "below"
    ABOVE = "above"
    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    ONE_OF = "one_of"
    NONE_OF = "none_of"
    INCLUDES = "includes"
    EXCLUDES = "excludes"


class Threshold(Strict):
    indicator: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")]
    comparison: Comparison
    limit: Scalar | list[StrictStr]


class AllOf(Strict):
    all: list[Condition] = Field(min_length=1)


class AnyOf(Strict):
    any: list[Condition] = Field(min_length=1)


class NotOf(Strict):
    not_: Condition = Field(alias="not")
    model_config = ConfigDict(populate_by_name=False)


def _condition_kind(value: Any) -> str:
    # called with raw data when validating and with model instances when serialising
    if isinstance(value, str):
        return "expression"
    if isinstance(value, BaseModel):
        return {Threshold: "threshold", AllOf: "all", AnyOf: "any", NotOf: "not"}[type(value)]
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return key
    return "threshold"


Condition = Annotated[
    Annotated[Threshold, Tag("threshold")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")]
    | Annotated[Annotated[str, Field(min_length=1, max_length=2000)], Tag("expression")],
    Discriminator(_condition_kind),
]
# AllOf, AnyOf and NotOf refer to Condition by name: with defer_build, pydantic resolves it
# when one is first validated, so importing the models builds no schema (and a run that reads
# its policy and profiles from the disk cache never builds one).

# --- policies --------------------------------------------------------------------------------

class Source(Strict):
    title: StrictStr
    publisher: StrictStr | None = None
    date: dt.date | None = None
    file: StrictStr | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None


class Scoring(Strict):
    unknowns: Literal["exclude", "credit"] = "exclude"
    unknown_credit: Annotated[Number, Field(ge=0, le=1)] = 0.0
    min_coverage: Annotated[Number, Field(ge=0, le=1)] = 0.0
    # how an excepted (waived) violation counts: left out of the score, counted as satisfied,
    # or still counted as violated (the waiver is then only recorded)
    excepted: Literal["excluded", "satisfied", "violated"] = "excluded"


def in_force_between(effective: dt.date | None, expires: dt.date | None, day: dt.date) -> bool:
    """From `effective` through `expires`, both days included; open-ended where absent."""
    return (effective is None or effective <= day) and (expires is None or day <= expires)


class Dated(Strict):
    """In force from `effective` through `expires` (both days included); open-ended if absent."""

    effective: dt.date | None = None
    expires: dt.date | None = None

    @model_validator(mode="after")
    def _expires_after_effective(self) -> Dated:
        if self.effective and self.expires and self.expires < self.effective:
            raise ValueError(f"expires {self.expires} is before effective {self.effective}")
        return self

    def in_force(self, on: dt.date) -> bool:
        return in_force_between(self.effective, self.expires, on)


class Remedies(Strict):
    """How a remedy (the cheapest changes of figures that reach the next tier) is costed.

    cost: `relative` prices a numeric change |new - old| / max(|old|, |new|) (0..1 on one side
    of zero, so going from 0 to anything costs 1) and each step of a bool, enum, set, country
    or date `discrete_cost`; `count` prices every changed figure 1. `weights` multiply one
    indicator's cost; `fixed` indicators are never changed (e.g. a US listing the partner cannot
    undo). A moved figure stops at the limit, or `step` past a strict one (counts move by 1).
    """

    cost: Literal["relative", "count"] = "relative"
    discrete_cost: Annotated[Number, Field(gt=0, le=1000)] = 1.0
    step: Annotated[Number, Field(gt=0, le=1)] = 0.001
    fixed: list[NAME] = Field(default_factory=list)
    weights: dict[NAME, Annotated[Number, Field(gt=0, le=1000)]] = Field(default_factory=dict)


class Demand(Strict):
    id: ID
    title: StrictStr
    intent: StrictStr
    sources: list[ID] = Field(min_length=1)


class AppliesTo(Strict):
    partners: list[ISO3] | None = None
    groups: list[ID] | None = None
    when: Condition | None = None


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Rule(Dated):
    id: ID
    demand: ID
    title: StrictStr
    rationale: StrictStr
    severity: Severity = Severity.MEDIUM
    weight: Annotated[Number, Field(gt=0, le=100)] = 1
    sources: list[ID] = Field(min_length=1)
    limit_basis: ID | None = None
    applies_to: AppliesTo | None = None
    caps_tier: ID | None = None     # a violation puts the partner no higher than this tier
    require: Condition


class Derivation(Strict):
    id: ID
    title: StrictStr
    rationale: StrictStr
    sources: list[ID] = Field(min_length=1)
    when: Condition
    conclude: dict[NAME, NAME] = Field(min_length=1, max_length=1)

    @property
    def fact(self) -> tuple[str, str]:
        return next(iter(self.conclude.items()))


class LegalAuthority(StrEnum):
    IEEPA = "ieepa"
    SECTION_232 = "section_232"
    SECTION_301 = "section_301"
    SECTION_122 = "section_122"
    AD_CVD = "ad_cvd"
    UNSPECIFIED = "unspecified"


class OutcomeStatus(StrEnum):
    THREATENED = "threatened"
    ANNOUNCED = "announced"
    IN_FORCE = "in_force"
    PAUSED = "paused"
    STRUCK_DOWN = "struck_down"
    SUPERSEDED = "superseded"


class Outcome(Dated):
    tariff_rate: Annotated[Number, Field(ge=0, le=1000)]
    legal_authority: LegalAuthority
    review: dt.date | None = None
    status: OutcomeStatus
    note: StrictStr | None = None


class Tier(Strict):
    id: ID
    title: StrictStr
    min_score: Annotated[Number, Field(ge=0, le=100)]
    # one outcome, or its history: the one in force on the evaluation date applies
    outcome: Outcome | list[Outcome]

    @field_validator("outcome")
    @classmethod
    def _one_outcome_per_start(cls, outcome: Outcome | list[Outcome]) -> Outcome | list[Outcome]:
        if outcome == []:           # the tier would have no tariff on any day
            raise ValueError("an outcome history needs at least one outcome")
        # of two in force on one day, the later `effective` applies; two starting the same
        # day (or both undated) would leave the tariff to the order they are written in
        starts = [o.effective for o in outcome] if isinstance(outcome, list) else []
        twice = next((day for day in starts if starts.count(day) > 1), False)
        if twice is not False:
            when = f"on {twice}" if twice else "without an 'effective' date"
            raise ValueError(f"two outcomes take effect {when}: which applies would depend "
                             "on the order they are written in")
        return outcome

    def outcome_on(self, day: dt.date) -> Outcome | None:
        history = [self.outcome] if isinstance(self.outcome, Outcome) else self.outcome
        in_force = [o for o in history if o.in_force(day)]
        return max(in_force, key=lambda o: o.effective or dt.date.min) if in_force else None


# --- variants: changes by id, per-partner terms, exceptions ---------------------------------

class RuleChange(Dated):
    """What an overlay, a term or `--set` may change in an existing rule."""

    limit: Scalar | list[StrictStr] | None = None          # the rule's one limit
    limits: dict[StrictStr, Scalar | list[StrictStr]] | None = None   # by indicator, if several
    weight: Annotated[Number, Field(gt=0, le=100)] | None = None
    severity: Severity | None = None
    caps_tier: ID | None = None
    title: StrictStr | None = None
    rationale: StrictStr | None = None
    sources: list[ID] | None = None
    limit_basis: ID | None = None
    applies_to: AppliesTo | None = None
    require: Condition | None = None
    disabled: StrictBool = False


class TierChange(Strict):
    title: StrictStr | None = None
    min_score: Annotated[Number, Field(ge=0, le=100)] | None = None
    outcome: Outcome | list[Outcome] | None = None


class Changes(Strict):
    rules: dict[ID, RuleChange] = Field(default_factory=dict)
    tiers: dict[ID, TierChange] = Field(default_factory=dict)


class Term(Dated):
    """Terms agreed with one partner or a group: its own limits, extra rules, outcomes."""

    id: ID
    title: StrictStr
    partners: list[ISO3] | None = None
    groups: list[ID] | None = None
    sources: list[ID] = Field(min_length=1)
    change: Changes = Field(default_factory=Changes)
    rules: list[Rule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names_who(self) -> Term:
        if not self.partners and not self.groups:
            raise ValueError("a term names the 'partners' or 'groups' it applies to")
        return self


class Waiver(Strict):
    """An exception granted to one partner for one rule (`exceptions:` in the policy)."""

    id: ID
    partner: ISO3
    rule: ID
    justification: StrictStr
    granted: dt.date
    expires: dt.date | None = None
    sources: list[ID] = Field(default_factory=list)

    @model_validator(mode="after")
    def _expires_after_granted(self) -> Waiver:
        if self.expires and self.expires < self.granted:
            raise ValueError(f"expires {self.expires} is before granted {self.granted}")
        return self

    def state_on(self, day: dt.date) -> str:
        if day < self.granted:
            return "not_yet_granted"
        return "expired" if self.expires and day > self.expires else "active"


class Policy(Strict):
    name: ID
    title: StrictStr
    version: StrictStr
    description: StrictStr
    indicators: FILE_NAME | None = None
    sources: dict[ID, Source] = Field(min_length=1)
    scoring: Scoring = Field(default_factory=Scoring)
    groups: dict[ID, list[ISO3]] = Field(default_factory=dict)
    demands: list[Demand] = Field(min_length=1)
    derive: list[Derivation] = Field(default_factory=list)
    rules: list[Rule] = Field(min_length=1)
    tiers: list[Tier] = Field(min_length=1)
    terms: list[Term] = Field(default_factory=list)
    exceptions: list[Waiver] = Field(default_factory=list)
    remedies: Remedies = Field(default_factory=Remedies)

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_text(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError("quote the version so it stays text, e.g. version: \"1.0\"")
        return value


# --- validation with positions ---------------------------------------------------------------

# The key that marks each kind of file, in the order they are tried (engine.checks reads the
# same table to validate any file), and how a message names each kind.
FILE_KINDS = (("partner", "profile"), ("catalog", "catalog"), ("extends", "overlay"),
              ("rules", "policy"))
KIND_NAMES = {"profile": "a partner profile", "catalog": "an indicator catalog",
              "overlay": "a policy overlay", "policy": "a policy"}


def file_kind(data: Any) -> str | None:
    """The kind of file `data` is, from its top-level keys; None when no kind's key is there."""
    keys = data if isinstance(data, dict) else {}
    return next((kind for key, kind in FILE_KINDS if key in keys), None)


def parse(model: type[BaseModel], doc: Any) -> Any:
    """Validate a loaded Document against a model; every problem mapped to its line:col."""
    from pydantic import ValidationError

    from engine.errors import InputError, shown

    if not isinstance(doc.data, dict):
        raise doc.error((), f"expected a mapping of keys at the top, got {shown(doc.data)}")
    _check_kind(model, doc)
    try:
        result = model.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError([*doc.problems, *validation_problems(doc, exc, model)]) from None
    if doc.problems:
        raise InputError(list(doc.problems))
    return result


def _check_kind(model: type[BaseModel], doc: Any) -> None:
    """A file of another kind (a profile given as the policy) is named as such at line 1, not
    reported as dozens of unknown fields and the other kind's data dumped as wrong values."""
    from engine.errors import InputError

    wanted = {Profile: "profile", Catalog: "catalog", Policy: "policy", Overlay: "overlay"}
    expected = wanted.get(model)
    marker = next((key for key, kind in FILE_KINDS if kind == expected), None)
    found = file_kind(doc.data)
    if expected and marker not in doc.data and found not in (None, expected):
        raise InputError.at(doc.path, f"this is {KIND_NAMES[found]}, not {KIND_NAMES[expected]}",
                            1, 1)


def validation_problems(doc: Any, exc: Any, model: type[BaseModel]) -> list[Any]:
    """pydantic errors as Problems at their line:col; a union failing several ways is one."""
    errors = [(error, _data_loc(doc.data, error["loc"], error["type"]))
              for error in exc.errors(include_url=False)]
    problems, seen = [], set()
    for error, loc, shapes in _merge_union_branches(errors):
        problem = _problem(doc, error, loc, shapes, model)
        key = (problem.line, problem.col)
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    return problems


def _merge_union_branches(errors: list[tuple[dict, tuple]]) -> list[tuple[dict, tuple, list]]:
    """A union (`Outcome | list[Outcome]`) reports every branch. A wrong-shape error is
    dropped where another branch got inside the value and found what is wrong there; the
    wrong-shape errors left at one place become one 'expected a mapping or a list'."""
    from engine.errors import SHAPES

    def deeper(loc: tuple) -> bool:
        return any(other[:len(loc)] == loc and len(other) > len(loc) for _, other in errors)

    merged: list[tuple[dict, tuple, list]] = []
    shapes_at: dict[tuple, list] = {}
    for error, loc in errors:
        if error["type"] not in SHAPES:
            merged.append((error, loc, []))
        elif not deeper(loc):
            if loc not in shapes_at:
                shapes_at[loc] = []
                merged.append((error, loc, shapes_at[loc]))
            shapes_at[loc].append(SHAPES[error["type"]])
    return merged


def _problem(doc: Any, error: dict, loc: tuple, shapes: list[str],
             model: type[BaseModel]) -> Any:
    from engine.errors import Problem

    kind = error["type"]
    if kind == "extra_forbidden":
        path, line, col = doc.where(loc, key=True)
        return Problem(path, line, col, f"unknown field '{loc[-1]}'",
                       _unknown_field_hint(str(loc[-1]), loc[:-1], model))
    if kind == "missing":
        path, line, col = doc.where(loc[:-1])
        return Problem(path, line, col, f"missing required field '{loc[-1]}'")
    path, line, col = doc.where(loc)
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    return Problem(path, line, col, f"{where}: {_friendly(error, shapes)}", _hint(error))


def _hint(error: dict) -> str | None:
    """Our own errors may carry a hint; a country not written as three capitals ('vnm', 'VN',
    'Vietnam') is told the code it means."""
    ctx = error.get("ctx") or {}
    if ctx.get("hint"):
        return ctx["hint"]
    if error["type"] == "string_pattern_mismatch" and ctx.get("pattern") == ISO3_PATTERN:
        return countries.written_code_hint(error.get("input"))
    return None


def _unknown_field_hint(word: str, parent_loc: tuple, model: type[BaseModel]) -> str | None:
    """Where `word` belongs when it is a field elsewhere in this kind of file, else the closest
    field name: never `word` itself (it is valid somewhere, just not here)."""
    import difflib

    places = field_places(model)
    parent = next((p for p in reversed(parent_loc) if isinstance(p, str)), None)
    if word in places:
        if parent in places[word]:      # valid under this key in another kind of entry
            return None
        return f"'{word}' belongs " + " or ".join(
            "at the top level" if p is None else f"under '{p}:'"
            for p in sorted(places[word], key=lambda p: (p is not None, p or "")))
    close = difflib.get_close_matches(word, sorted(places), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def field_places(model: type[BaseModel]) -> dict[str, set[str | None]]:
    """Every field name in a file of this model -> the keys it may sit under (None: the top)."""
    places: dict[str, set[str | None]] = {}
    _walk_fields(model, None, places, set())
    return places


def _walk_fields(model: type[BaseModel], parent: str | None,
                 places: dict[str, set[str | None]], seen: set) -> None:
    if (model, parent) in seen:          # conditions nest themselves
        return
    seen.add((model, parent))
    for name, info in model.model_fields.items():
        key = info.alias or name
        places.setdefault(key, set()).add(parent)
        for inner in _models_in(info.annotation):
            _walk_fields(inner, key, places, seen)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation holds, through unions, lists, dicts and Annotated."""
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _data_loc(data: Any, loc: tuple, kind: str) -> tuple:
    """pydantic's loc without union tags: only the steps that exist in the data."""
    path: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_dict or in_list:
            path.append(part)
            node = node[part]
        elif last and kind == "missing":
            path.append(part)
    return tuple(path)


def _friendly(error: dict, shapes: list[str]) -> str:
    from engine.errors import expected_one_of, plain_message

    kind, value = error["type"], error.get("input")
    if kind == "finite_number" or (isinstance(value, float) and not math.isfinite(value)):
        return "NaN and infinity are not numbers here; a missing figure is left out"
    if kind == "string_type" and isinstance(value, dt.date) and shapes == ["text"]:
        return f"expected text, got the date {value.isoformat()} (quote it)"
    if shapes:
        return expected_one_of(shapes, value)
    return plain_message(kind, error.get("ctx") or {}, value, error["msg"])


# --- overlays (`extends:`) --------------------------------------------------------------------

class ScoringChange(Strict):
    unknowns: Literal["exclude", "credit"] | None = None
    unknown_credit: Annotated[Number, Field(ge=0, le=1)] | None = None
    min_coverage: Annotated[Number, Field(ge=0, le=1)] | None = None
    excepted: Literal["excluded", "satisfied", "violated"] | None = None


class Overlay(Strict):
    """A policy written as changes to another: everything but `extends` and `name` is optional.
    Lists add (new ids only), maps add or replace by key, `change` edits by id, `tiers` replaces
    the whole table."""

    extends: FILE_NAME
    name: ID
    title: StrictStr | None = None
    version: StrictStr | None = None
    description: StrictStr | None = None
    indicators: FILE_NAME | None = None
    sources: dict[ID, Source] = Field(default_factory=dict)
    scoring: ScoringChange | None = None
    groups: dict[ID, list[ISO3]] = Field(default_factory=dict)
    demands: list[Demand] = Field(default_factory=list)
    derive: list[Derivation] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    change: Changes = Field(default_factory=Changes)
    tiers: list[Tier] | None = None
    terms: list[Term] = Field(default_factory=list)
    exceptions: list[Waiver] = Field(default_factory=list)
    remedies: Remedies | None = None     # merged by key over the base's (engine.variants)

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_text(cls, value: Any) -> Any:
        return Policy._version_is_text(value)
