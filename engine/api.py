"""The pipeline, read top to bottom as the data flow:
load -> models -> compile -> evaluate (Rete) -> findings -> score -> explain -> Scorecard.

The public API (`load_policy`, `load_partner`, `evaluate_partner`) lives here; engine/__init__
re-exports it lazily so that `tradepolicy --help` imports none of it.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from engine import cache, explain, findings, locate, score, variants
from engine.catalog import check_profile, did_you_mean, parse_profile, profile_problems
from engine.compile import CompiledPolicy, compile_policy, problems_beside
from engine.errors import InputError
from engine.evaluate import fire_payload, prepare
from engine.load import Document, check_file_name, file_in_folder, load_yaml
from engine.models import Catalog, Policy, Profile, Rule, Tier, Waiver, parse
from engine.results import (
    DemandScore,
    ExceptionNote,
    Outcome,
    PolicyStamp,
    Report,
    Scorecard,
    SourceRef,
    Verdict,
)


@dataclass(frozen=True)
class Partner:
    """A validated profile and the file it was read from (shown in reports)."""

    profile: Profile
    path: str


def load_catalog(path: str | Path | None = None) -> Catalog:
    """The indicator catalog; read once per process unless the file changes."""
    path = Path(path or locate.default_catalog())
    return _cached(path, lambda: parse(Catalog, load_yaml(path)))


_CACHE: dict[tuple[str, int, int], object] = {}


def _cached(path: Path, build, *, fresh=lambda value: True):
    """build() once per file version (path, size, modification time), and again when `fresh`
    says what was built has gone stale; errors are not cached."""
    key = _file_key(path)
    if key is None:
        return build()                    # the loader reports why it cannot be read
    if key not in _CACHE or not fresh(_CACHE[key]):
        _CACHE[key] = build()
    return _CACHE[key]


def _file_key(path: Path) -> tuple[str, int, int] | None:
    """A file version as _CACHE keys it: (resolved path, size, modification time)."""
    try:
        info = path.stat()
        return (str(path.resolve()), info.st_size, info.st_mtime_ns)
    except OSError:
        return None


def load_policy(path: str | Path | None = None,
                settings: tuple[str, ...] | list[str] = ()) -> CompiledPolicy:
    """Load, validate and compile a policy file (the shipped default when path is None), with
    the chain of policies it `extends:` and any `--set` changes (TARGET.FIELD=VALUE) on top.

    An unchanged file compiles once per process (keyed by path, size and modification time)."""
    path = Path(path or locate.default_policy())
    settings = tuple(settings)
    compiled = _cached(path, lambda: _load_policy(path),
                       fresh=lambda done: _still_fresh(done))
    return with_settings(compiled, settings) if settings else compiled


def _still_fresh(compiled: CompiledPolicy) -> bool:
    """An unchanged file whose catalog or base policies changed compiles again."""
    if load_catalog(compiled.catalog_path) is not compiled.catalog:
        return False
    return all(_stamp_of(Path(p)) == stamp for p, stamp in compiled.source_stamps)


def _stamp_of(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


def _load_policy(path: Path) -> CompiledPolicy:
    """The compiled policy, from the on-disk cache when its files are unchanged."""
    # `extends: <name>` and a policy without `indicators:` read the shipped folder, which is
    # the working folder's policies/ when it has one: from another checkout the same file
    # compiles against other files, whose unchanged digests cannot tell. So an entry is for
    # one shipped folder.
    shipped = locate.data_dir("policies").resolve()
    compiled = cache.cached(f"policy\0{shipped}", path, lambda: _policy_to_keep(path),
                            _policy_files, CompiledPolicy)
    # the base files' contents are what was compiled (the cache checked them); their stamps
    # now are what later loads in this process compare with
    compiled.source_stamps = tuple((p, _stamp_of(Path(p))) for p in compiled.source.chain[1:])
    _remember_catalog(compiled)
    return compiled


def _policy_to_keep(path: Path) -> CompiledPolicy:
    # a copy without what evaluations add to it (plans, partner variants), with the hash every
    # report of it prints: kept on disk
    compiled = _assemble_and_compile(path)
    return replace(compiled, variants={}, content_hash=compiled.hash)


def _policy_files(compiled: CompiledPolicy) -> list[str]:
    return [*compiled.source.chain, compiled.catalog_path or str(locate.default_catalog())]


def _remember_catalog(compiled: CompiledPolicy) -> None:
    """A policy read from the disk cache brings its own copy of its catalog: one catalog object
    per file in a process (what `_still_fresh` checks, and what per-catalog plans are kept
    by), so the copy becomes the file's catalog, or gives way to the one already loaded."""
    key = _file_key(Path(compiled.catalog_path or locate.default_catalog()))
    if key is not None:
        compiled.catalog = _CACHE.setdefault(key, compiled.catalog)


def _assemble_and_compile(path: Path) -> CompiledPolicy:
    assembled = variants.assemble(path, locate.data_dir("policies"))
    compiled = _compile(assembled)
    _check_terms(compiled)
    return compiled


def _compile(assembled: variants.Assembled,
             like: CompiledPolicy | None = None) -> CompiledPolicy:
    """Validate and compile; problems found while assembling are reported together with
    those of validation and compiling, so one run lists them all. `like`: a compiled policy
    this is a variant of, whose catalog it keeps (a term cannot change the catalog, and a
    policy compiled from a model has no file to find one from)."""
    earlier = list(assembled.problems)
    try:
        policy = _validated(assembled, like)
        catalog_path = like.catalog_path if like else \
            catalog_of(Path(assembled.catalog_from), policy.indicators, assembled)
        catalog = like.catalog if like else load_catalog(catalog_path)
        compiled = compile_policy(policy, catalog, assembled)
    except InputError as exc:
        raise InputError(earlier + [p for p in exc.problems if p not in earlier]) from None
    if earlier:
        raise InputError(earlier)
    compiled.path = assembled.path
    compiled.catalog_path = str(catalog_path) if catalog_path else None
    compiled.source = assembled
    return compiled


def _validated(assembled: variants.Assembled, like: CompiledPolicy | None) -> Policy:
    """The policy model; when the model refuses it, what the later passes find (its
    conditions, ids and references) is reported with its problems, not in a second round."""
    try:
        return parse(Policy, replace(assembled, problems=()))
    except InputError as exc:
        catalog = like.catalog if like else _catalog_named_in(assembled)
        beside = problems_beside(exc.problems, assembled.data, catalog, assembled) \
            if catalog else []
        raise InputError([*exc.problems, *beside]) from None


def _catalog_named_in(assembled: variants.Assembled) -> Catalog | None:
    """The catalog of a policy the model refused, read from its data; None when that cannot
    be done (its own problem is then the model's, or the next round's)."""
    named = assembled.data.get("indicators") if isinstance(assembled.data, dict) else None
    try:
        return load_catalog(catalog_of(Path(assembled.catalog_from), named, assembled)
                            if isinstance(named, str) else None)
    except InputError:
        return None


def _check_terms(compiled: CompiledPolicy) -> None:
    """Checked once at load, against the whole policy: every term is compiled, so a bad one is
    reported with its line now rather than when the first partner it covers is evaluated, and
    every exception names a rule (a variant may lack the rule: not yet in force that day)."""
    _check_exceptions(compiled, compiled.source)
    problems = []
    for index in range(len(compiled.policy.terms)):
        try:
            _compile(variants.with_terms(compiled.source, [index], compiled.policy.terms)[0])
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)


def _check_exceptions(compiled: CompiledPolicy, doc) -> None:
    rules = {r.id for r in compiled.policy.rules} | \
        {r.id for t in compiled.policy.terms for r in t.rules}
    problems = []
    for i, waiver in enumerate(compiled.policy.exceptions):
        if waiver.rule not in rules and waiver.rule not in doc.dropped:     # disabled: moot
            problems += doc.error(("exceptions", i, "rule"), f"no rule '{waiver.rule}' to except",
                                  hint=did_you_mean(waiver.rule, sorted(rules))).problems
    if problems:
        raise InputError(problems)


MAX_VARIANTS = 256      # per compiled policy: a long-lived process sweeping often stays bounded


def _variant(compiled: CompiledPolicy, key: tuple, build) -> CompiledPolicy:
    """A variant of `compiled` built once and kept (the oldest dropped beyond MAX_VARIANTS)."""
    found = compiled.variants.get(key)
    if found is None:
        found = build()
        if len(compiled.variants) >= MAX_VARIANTS:
            compiled.variants.pop(next(iter(compiled.variants)))
        compiled.variants[key] = found
    return found


def with_settings(compiled: CompiledPolicy, settings: tuple[str, ...],
                  option: str = "--set") -> CompiledPolicy:
    """The policy with `--set` changes: each checked like an overlay's, compiled once."""
    def build() -> CompiledPolicy:
        parsed = [variants.parse_setting(text, option) for text in settings]
        changed = _compile(variants.apply_settings(compiled.source, parsed))
        changed.settings = (*compiled.settings, *settings)
        changed.source_stamps = compiled.source_stamps
        _check_terms(changed)
        return changed
    return _variant(compiled, ("settings", settings), build)


def rule_alone(compiled: CompiledPolicy, rule_id: str) -> CompiledPolicy:
    """The policy reduced to one rule (and the inferences), compiled once: a sweep of that
    rule's limit re-judges only this small network at each step."""
    return _variant(compiled, ("alone", rule_id),
                    lambda: _compile(variants.rule_alone(compiled.source, rule_id)))


def with_term(compiled: CompiledPolicy, index: int) -> CompiledPolicy:
    """The policy with one of its terms applied, whoever it covers and whenever: where `explain`
    finds a rule that only that term adds."""
    return _variant(compiled, ("term", index), lambda: _compile(
        variants.with_terms(compiled.source, [index], compiled.policy.terms)[0]))


def for_partner(compiled: CompiledPolicy, code: str, day: dt.date) -> CompiledPolicy:
    """The policy partner `code` faces on `day`: its own terms applied, only rules in force.
    Without terms or dated rules that is the policy itself (no recompiling)."""
    terms = variants.terms_for(_source(compiled).data, code, day) if compiled.policy.terms \
        else []
    # the merge of a set of terms is kept per compiled policy: a partner is evaluated often
    assembled, shaped = compiled.plan(
        f"terms:{terms}", lambda c: variants.with_terms(_source(c), terms, c.policy.terms)) \
        if terms else (None, {})
    # dates are read after the terms, which may add dated rules or date existing ones
    dated = tuple(r.get("id") for r in (assembled.data.get("rules") or []) if
                  not variants.in_force(r, day)) if terms else \
        tuple(r.id for r in compiled.plan("dated", _dated_rules) if not r.in_force(day))
    if not terms and not dated:
        return compiled
    def build() -> CompiledPolicy:
        variant = _compile(variants.in_force_on(assembled or _source(compiled), day), compiled)
        variant.shaped = shaped
        variant.settings = compiled.settings
        return variant
    return _variant(compiled, (tuple(terms), dated), build)


def _dated_rules(compiled: CompiledPolicy) -> tuple[Rule, ...]:
    """The rules with a start or an end: the only ones a day can take out (most have none)."""
    return tuple(r for r in compiled.policy.rules if r.effective or r.expires)


def _source(compiled: CompiledPolicy) -> variants.Assembled:
    """The data the policy was assembled from, for its terms and dated rules to be applied to.
    A policy compiled from a model rather than read from a file (library use, the benchmark)
    has none: its model is dumped instead, once per compiled policy, and only when a partner
    faces terms or dated rules (a dump per evaluation cost more than the evaluation)."""
    return compiled.source or compiled.plan("source", lambda c: _source_of(c.policy))


def _source_of(policy: Policy) -> variants.Assembled:
    data = policy.model_dump(mode="json", by_alias=True, exclude_none=True)
    return variants.Assembled.of(Document(f"<policy {policy.name}>", data, {}, {}))


def catalog_of(policy_path: Path, named: str | None, doc) -> Path | None:
    """The catalog a policy names, which must sit in the policy's own folder tree
    (load.file_in_folder), as written."""
    if not named:
        return None
    check_file_name(named, doc, ("indicators",))
    folder = Path(policy_path).resolve().parent
    return file_in_folder(folder, named, doc, ("indicators",),
                          f"catalog '{named}' is outside the policy's folder {folder}; copy it "
                          "next to the policy or leave 'indicators' out to use the shipped "
                          "catalog", "catalog file")


def load_partner(arg: str | Path, catalog: Catalog | None = None) -> Partner:
    """A partner by profile path, shipped ISO3 code or country name, checked against the catalog."""
    return _partner_at(locate.resolve_partner(str(arg)), catalog)


def _partner_at(path: Path, catalog: Catalog | None) -> Partner:
    # the validated profile comes from the disk cache when its file is unchanged; the check
    # against the catalog runs every time (the catalog may differ), and reads the file for
    # positions only when it has something to report
    read: list = []              # the parsed file, when this run parsed it
    catalog = catalog or load_catalog()

    def build() -> Profile:
        read.append(load_yaml(path))
        return parse_profile(read[0], catalog)

    profile = cache.cached("profile", path, build, lambda _: [path], Profile)
    if found := profile_problems(profile, catalog):
        check_profile(profile, catalog, read[0] if read else load_yaml(path), found)
    return Partner(profile, str(path))


def load_partners(args: list[str], catalog: Catalog) -> list[Partner]:
    """Every partner named, each profile once (`VNM "Viet Nam"` names one twice: the first
    stays); all unreadable ones reported together, each once."""
    partners, problems, seen = [], [], set()
    for arg in args:
        try:
            path = locate.resolve_partner(str(arg))
        except InputError as exc:
            if str(arg) not in seen:
                seen.add(str(arg))
                problems += exc.problems
            continue
        key = _identity(path)
        if key in seen:
            continue
        seen.add(key)
        try:
            partners.append(_partner_at(path, catalog))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return partners


def _identity(path: Path) -> str:
    """The file a partner argument names, to load each once (not Path.resolve: a symlink loop
    is reported when it is read)."""
    try:
        return os.path.realpath(path)
    except OSError:     # relative to a working folder deleted under us: the read reports it
        return str(path)


def stamp(compiled: CompiledPolicy, day: dt.date | None = None) -> PolicyStamp:
    p = compiled.policy
    chain = compiled.source.chain if compiled.source else ()
    sources = tuple(SourceRef(key, s.title, s.publisher, s.date.isoformat() if s.date else None,
                              s.url, s.file) for key, s in p.sources.items())
    return PolicyStamp(p.name, p.title, p.version, compiled.hash, compiled.path, sources,
                       tuple(_shown(c) for c in chain) if len(chain) > 1 else (),
                       day.isoformat() if day else None, compiled.settings)


def _shown(path: str) -> str:
    """A policy file as a reader (and a diff across machines) wants it: shipped ones by name,
    others relative to the working folder when they are under it."""
    resolved = Path(path).resolve()
    if resolved.parent == locate.data_dir("policies").resolve():
        return f"{resolved.stem} (shipped)"
    try:
        return str(resolved.relative_to(Path.cwd()))
    except (ValueError, OSError):       # not under it, or it was deleted under us
        return str(resolved)


class Judgement(NamedTuple):
    """The verdicts and score of one partner, before any explanation is written. A named
    tuple, not a frozen dataclass: one is made per evaluation, and a frozen dataclass's
    __init__ (a setattr per field) took 2.7 us of the 48 of a 20-rule judge."""

    verdicts: dict[str, Verdict]
    facts: dict
    values: dict
    fired: set[str]
    totals: score.Totals          # the weighted verdicts are worked out when a scorecard is
    tier: Tier | None
    caps: dict[str, str]          # violated rule -> the tier it caps at
    waivers: dict[str, Waiver]    # rule -> the exception on record for this partner

    @property
    def score(self) -> float | None:
        return self.totals.score


def judge(compiled: CompiledPolicy, profile: Profile, day: dt.date | None = None) -> Judgement:
    """Profile -> Rete -> verdicts -> score and tier; the engine path without explanations.

    `compiled` is the policy this partner faces (see `for_partner`); `day` decides which of its
    exceptions are in force (today when not given)."""
    values, payload = prepare(compiled, profile)
    fired = fire_payload(compiled, payload, findings.follower(compiled, values))
    verdicts, facts = findings.verdicts(compiled, profile.partner.code, values, fired)
    waivers = {}
    if compiled.policy.exceptions:           # most policies have none: no date asked for
        day = day or dt.date.today()
        waivers = waivers_on(compiled.policy.exceptions, profile.partner.code, day)
        verdicts = excepted(verdicts, waivers, day) if waivers else verdicts
    return judged(compiled, verdicts, facts, values, fired, waivers)


def waivers_on(exceptions: list[Waiver], code: str, day: dt.date) -> dict[str, Waiver]:
    """Rule -> the exception on record for partner `code`: the one in force on `day` when one
    is (a renewal is a second exception for the same rule, with later dates), else the last
    written."""
    found: dict[str, Waiver] = {}
    for waiver in exceptions:
        kept = found.get(waiver.rule)
        if waiver.partner == code and (kept is None or kept.state_on(day) != "active"):
            found[waiver.rule] = waiver
    return found


def excepted(verdicts: dict[str, Verdict], waivers: dict, day: dt.date) -> dict[str, Verdict]:
    """A violation covered by an exception in force on `day` becomes `excepted`."""
    return {rule: Verdict.EXCEPTED if verdict == Verdict.VIOLATED and rule in waivers
            and waivers[rule].state_on(day) == "active" else verdict
            for rule, verdict in verdicts.items()}


def judged(compiled: CompiledPolicy, verdicts: dict[str, Verdict], facts: dict, values: dict,
           fired: set[str], waivers: dict | None = None) -> Judgement:
    """Verdicts -> weighted score, caps and tier (shared with sweep, which swaps one verdict)."""
    total, tier, caps = score.scored(compiled, verdicts)
    return Judgement(verdicts, facts, values, fired, total, tier, caps, waivers or {})


def evaluate_partner(compiled: CompiledPolicy, partner: Partner | Profile,
                     day: dt.date | None = None) -> Scorecard:
    """One partner through the Rete network to an explained, scored verdict, under the policy
    it faces on `day` (today when not given): its own terms, the rules then in force."""
    profile = partner.profile if isinstance(partner, Partner) else partner
    code = profile.partner.code
    day = day or dt.date.today()
    faced = for_partner(compiled, code, day)
    judged_ = judge(faced, profile, day)
    found = tuple(_finding(faced, r, verdict, judged_, code, day)
                  for r, verdict in judged_.verdicts.items())
    return _scorecard(faced, profile, judged_, found,
                      partner.path if isinstance(partner, Partner) else None, day)


def _finding(compiled: CompiledPolicy, rule_id: str, verdict: Verdict, judged_: Judgement,
             code: str, day: dt.date):
    would_be = Verdict.VIOLATED if verdict == Verdict.EXCEPTED else verdict
    finding = explain.explain_rule(compiled, compiled.rules[rule_id], would_be, judged_.values,
                                   judged_.facts, code, judged_.fired,
                                   tuple(compiled.shaped.get(rule_id, ())))
    waiver = judged_.waivers.get(rule_id)
    if waiver is None:
        return finding              # the common case: no copy (replace() is slow per finding)
    note = _note(waiver, verdict, would_be, day)
    if note.applied:
        finding = replace(finding, status=verdict,
                          message=f"excepted by {waiver.id} until "
                                  f"{note.expires or 'further notice'}: {finding.message}")
    elif would_be == Verdict.VIOLATED and note.state == "expired":
        finding = replace(finding, message=f"{finding.message} (exception {waiver.id} expired "
                                           f"{note.expires})")
    return replace(finding, exception=note)


def _note(waiver: Waiver, verdict: Verdict, would_be: Verdict, day: dt.date) -> ExceptionNote:
    return ExceptionNote(waiver.id, waiver.justification, waiver.granted.isoformat(),
                         waiver.expires.isoformat() if waiver.expires else None,
                         waiver.state_on(day), verdict == Verdict.EXCEPTED, would_be.value)


def _scorecard(compiled: CompiledPolicy, profile: Profile, judged: Judgement, found: tuple,
               path: str | None, day: dt.date | None = None) -> Scorecard:
    policy = compiled.policy
    total, tier, caps = judged.totals, judged.tier, judged.caps
    per_demand = score.demand_totals(score.weighted_verdicts(compiled, judged.verdicts), policy)
    demands = tuple(DemandScore(d.id, d.title, per_demand[d.id].score, per_demand[d.id].counts)
                    for d in policy.demands)
    terms = sorted({t for ids in compiled.shaped.values() for t in ids})
    return Scorecard(
        code=profile.partner.code, name=partner_name(profile), score=total.score,
        tier=tier.id if tier else None, tier_title=tier.title if tier else None,
        outcome=_outcome(tier, day or dt.date.today()), coverage=round(total.coverage, 4),
        provisional=total.coverage < policy.scoring.min_coverage, counts=total.counts,
        demands=demands, findings=found,
        observations=explain.observations(profile, compiled.catalog), profile_path=path,
        capped_by=tuple(score.caps_applied(total.score, policy, caps)), terms=tuple(terms))


def _outcome(tier: Tier | None, day: dt.date) -> Outcome | None:
    o = tier.outcome_on(day) if tier else None
    if o is None:
        return None
    return Outcome(float(o.tariff_rate), o.legal_authority.value, _day(o.effective),
                   _day(o.expires), _day(o.review), o.status.value, o.note)


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def partner_name(profile: Profile) -> str:
    if profile.partner.name:
        return profile.partner.name
    import pycountry

    country = pycountry.countries.get(alpha_3=profile.partner.code)
    return country.name if country else profile.partner.code


def evaluate(compiled: CompiledPolicy, partners: list[Partner],
             day: dt.date | None = None) -> Report:
    """Every partner, ordered by partner code (a documented, stable order), on `day` (today
    when not given)."""
    day = day or dt.date.today()
    cards = [evaluate_partner(compiled, p, day)
             for p in sorted(partners, key=lambda p: p.profile.partner.code)]
    return Report(stamp(compiled, day), tuple(cards))


def below(report: Report, threshold: float) -> list[Scorecard]:
    """Partners whose score is under `threshold` (no score counts as under)."""
    return [c for c in report.scorecards if c.score is None or c.score < threshold]


__all__ = ["Partner", "Verdict", "evaluate", "evaluate_partner", "load_catalog", "load_partner",
           "load_policy"]
