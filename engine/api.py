"""The pipeline, read top to bottom as the data flow:
load -> models -> compile -> evaluate (Rete) -> findings -> score -> explain -> Scorecard.

The public API (`load_policy`, `load_partner`, `evaluate_partner`) lives here; engine/__init__
re-exports it lazily so that `tradepolicy --help` imports none of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine import explain, findings, locate, score
from engine.catalog import check_profile
from engine.compile import CompiledPolicy, compile_policy
from engine.errors import InputError
from engine.evaluate import fire_payload, prepare
from engine.load import load_yaml
from engine.models import Catalog, Policy, Profile, Tier, parse
from engine.results import DemandScore, Outcome, PolicyStamp, Report, Scorecard, Verdict


@dataclass(frozen=True)
class Partner:
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
    try:
        info = path.stat()
        key = (str(path.resolve()), info.st_size, info.st_mtime_ns)
    except OSError:
        return build()                    # the loader reports why it cannot be read
    if key not in _CACHE or not fresh(_CACHE[key]):
        _CACHE[key] = build()
    return _CACHE[key]


def load_policy(path: str | Path | None = None) -> CompiledPolicy:
    """Load, validate and compile a policy file (the shipped default when path is None).

    An unchanged file compiles once per process (keyed by path, size and modification time)."""
    path = Path(path or locate.default_policy())
    # an unchanged policy whose catalog changed compiles again
    return _cached(path, lambda: _load_policy(path),
                   fresh=lambda compiled: load_catalog(compiled.catalog_path) is compiled.catalog)


def _load_policy(path: Path) -> CompiledPolicy:
    doc = load_yaml(path)
    policy = parse(Policy, doc)
    catalog_path = catalog_of(path, policy.indicators, doc)
    compiled = compile_policy(policy, load_catalog(catalog_path), doc)
    compiled.path = str(path)
    compiled.catalog_path = str(catalog_path) if catalog_path else None
    return compiled


def catalog_of(policy_path: Path, named: str | None, doc) -> Path | None:
    """The catalog a policy names, which must sit in the policy's own folder tree: a policy
    never reads a file outside what the user pointed at."""
    if not named:
        return None
    folder = policy_path.resolve().parent
    candidate = (folder / named).resolve()
    if not candidate.is_relative_to(folder):
        raise doc.error(("indicators",), f"catalog '{named}' is outside the policy's folder "
                        f"{folder}; copy it next to the policy or leave 'indicators' out to "
                        "use the shipped catalog")
    if not candidate.is_file():
        raise doc.error(("indicators",), f"catalog file not found: {candidate}")
    return candidate


def load_partner(arg: str | Path, catalog: Catalog | None = None) -> Partner:
    """A partner by profile path, shipped ISO3 code or country name, checked against the catalog."""
    path = locate.resolve_partner(str(arg))
    doc = load_yaml(path)
    profile = parse(Profile, doc)
    check_profile(profile, catalog or load_catalog(), doc)
    return Partner(profile, str(path))


def load_partners(args: list[str], catalog: Catalog) -> list[Partner]:
    """Every partner named; all unreadable ones reported together."""
    partners, problems = [], []
    for arg in args:
        try:
            partners.append(load_partner(arg, catalog))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return partners


def stamp(compiled: CompiledPolicy) -> PolicyStamp:
    p = compiled.policy
    return PolicyStamp(p.name, p.title, p.version, compiled.hash, compiled.path)


@dataclass(frozen=True)
class Judgement:
    """The verdicts and score of one partner, before any explanation is written."""

    verdicts: dict[str, Verdict]
    facts: dict
    values: dict
    fired: set[str]
    weighted: list[score.Weighted]
    totals: score.Totals
    tier: Tier | None
    caps: dict[str, str]          # violated rule -> the tier it caps at

    @property
    def score(self) -> float | None:
        return self.totals.score


def judge(compiled: CompiledPolicy, profile: Profile) -> Judgement:
    """Profile -> Rete -> verdicts -> score and tier; the engine path without explanations."""
    values, payload = prepare(compiled, profile)
    fired = fire_payload(compiled, payload, findings.follower(compiled, values))
    verdicts, facts = findings.verdicts(compiled, profile.partner.code, values, fired)
    weighted, caps = score.weigh(compiled, verdicts)
    total = score.verdict_totals(compiled, verdicts, weighted)
    tier = score.tier_for(total.score, compiled.policy, list(caps.values()))
    return Judgement(verdicts, facts, values, fired, weighted, total, tier, caps)


def evaluate_partner(compiled: CompiledPolicy, partner: Partner | Profile) -> Scorecard:
    """One partner through the Rete network to an explained, scored verdict."""
    profile = partner.profile if isinstance(partner, Partner) else partner
    code = profile.partner.code
    judged = judge(compiled, profile)
    found = tuple(explain.explain_rule(compiled, compiled.rules[r], verdict, judged.values,
                                       judged.facts, code, judged.fired)
                  for r, verdict in judged.verdicts.items())
    return _scorecard(compiled, profile, judged, found,
                      partner.path if isinstance(partner, Partner) else None)


def _scorecard(compiled: CompiledPolicy, profile: Profile, judged: Judgement, found: tuple,
               path: str | None) -> Scorecard:
    policy = compiled.policy
    total, tier, caps = judged.totals, judged.tier, judged.caps
    per_demand = score.demand_totals(judged.weighted, policy)
    demands = tuple(DemandScore(d.id, d.title, per_demand[d.id].score, per_demand[d.id].counts)
                    for d in policy.demands)
    return Scorecard(
        code=profile.partner.code, name=partner_name(profile), score=total.score,
        tier=tier.id if tier else None, tier_title=tier.title if tier else None,
        outcome=_outcome(tier), coverage=round(total.coverage, 4),
        provisional=total.coverage < policy.scoring.min_coverage, counts=total.counts,
        demands=demands, findings=found,
        observations=explain.observations(profile, compiled.catalog), profile_path=path,
        capped_by=tuple(score.caps_applied(total.score, policy, caps)))


def _outcome(tier) -> Outcome | None:
    if tier is None:
        return None
    o = tier.outcome
    return Outcome(float(o.tariff_rate), o.legal_authority.value,
                   o.effective.isoformat() if o.effective else None,
                   o.review.isoformat() if o.review else None, o.status.value, o.note)


def partner_name(profile: Profile) -> str:
    if profile.partner.name:
        return profile.partner.name
    import pycountry

    country = pycountry.countries.get(alpha_3=profile.partner.code)
    return country.name if country else profile.partner.code


def evaluate(compiled: CompiledPolicy, partners: list[Partner]) -> Report:
    """Every partner, ordered by partner code (a documented, stable order)."""
    cards = [evaluate_partner(compiled, p) for p in sorted(partners,
                                                           key=lambda p: p.profile.partner.code)]
    return Report(stamp(compiled), tuple(cards))


def below(report: Report, threshold: float) -> list[Scorecard]:
    """Partners whose score is under `threshold` (no score counts as under)."""
    return [c for c in report.scorecards if c.score is None or c.score < threshold]


__all__ = ["Partner", "Verdict", "evaluate", "evaluate_partner", "load_catalog", "load_partner",
           "load_policy"]
