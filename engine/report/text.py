"""Words and symbols shared by the human-readable formats (table, markdown)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from engine.results import (
    Because,
    Change,
    FactStatus,
    Finding,
    Observation,
    Outcome,
    PolicyStamp,
    RemedyPlan,
    RemedyStatus,
    Scorecard,
    Verdict,
    authority_words,
)

if TYPE_CHECKING:     # named in annotations only: `evaluate` need not define compare's classes
    from engine.variant_results import Flip, PartnerChange

MARK = {Verdict.VIOLATED: "✗ violated", Verdict.SATISFIED: "✓ satisfied",
        Verdict.UNKNOWN: "? unknown", Verdict.NOT_APPLICABLE: "– n/a",
        Verdict.EXCEPTED: "⊘ excepted"}
STATUS_ORDER = (Verdict.VIOLATED, Verdict.EXCEPTED, Verdict.UNKNOWN, Verdict.SATISFIED,
                Verdict.NOT_APPLICABLE)


def score_text(card: Scorecard) -> str:
    return "no score (nothing could be judged)" if card.score is None else f"{card.score:g} / 100"


def tier_text(card: Scorecard) -> str:
    if card.tier is None:
        return "unrated"
    flag = " (provisional: low coverage)" if card.provisional else ""
    if card.capped_by:
        flag += f" (capped by {', '.join(card.capped_by)})"
    return f"{card.tier_title} [{card.tier}]{flag}"


def tariff_text(rate: float, status: str) -> str:
    """A rate with its status, '15% (struck down)': a bare '15%' or '100%' reads as in force,
    and most of the shipped outcomes were struck down or only threatened."""
    return f"{rate:g}% ({status.replace('_', ' ')})"


def outcome_text(outcome: Outcome | None, tier: str | None = None) -> str:
    if outcome is None and tier is not None:
        return "no tariff outcome on record for this tier on the evaluation date"
    if outcome is None:
        return "no outcome: unrated"
    authority = authority_words(outcome.legal_authority)
    text = f"{outcome.tariff_rate:g}% tariff · {authority} · {since_text(outcome)}"
    return f"{text} · review {outcome.review}" if outcome.review else text


def since_text(outcome: Outcome) -> str:
    """The status and its days, 'threatened since 2026-01-24': an outcome's effective
    date is when its status took hold, and 'threatened · effective 2026-01-24' said a threat
    took effect (as 'struck down · effective' dated a rate's start to the day it fell)."""
    return outcome.status.replace("_", " ") + status_dates(outcome)


def status_dates(outcome: Outcome) -> str:
    """' since 2025-08-07, until 2026-02-19': the day an outcome's status began and the last
    day it holds, each when given ('' for neither). The end is said because a rate shown
    without it reads as lasting, when a history may replace it the next day."""
    since = since_date(outcome)
    if not outcome.expires:
        return since
    return f"{since}{',' if since else ''} until {outcome.expires}"


def since_date(outcome: Outcome) -> str:
    """' since 2026-01-24', the day an outcome's status began, or '' when none is given."""
    return f" since {outcome.effective}" if outcome.effective else ""


def counts_text(card: Scorecard) -> str:
    return ", ".join(f"{card.counts[v.value]} {v.value.replace('_', ' ')}" for v in STATUS_ORDER
                     if card.counts.get(v.value) or v != Verdict.EXCEPTED)


def one_line(words: str) -> str:
    """Text from a file (a title, a partner's name) on the one line a header gives it: a YAML
    block scalar keeps its line breaks, which would split the header."""
    return " ".join(words.split())


def policy_line(policy: PolicyStamp) -> str:
    """The policy a report used: name, version, hash, and what it was assembled from."""
    line = f"Policy {policy.name} {policy.version} (sha256 {policy.hash[:12]})  " \
        f"{one_line(policy.title)}"
    assembled = assembly_text(policy)
    return f"{line}\n{assembled}" if assembled else line


def assembly_text(policy: PolicyStamp) -> str:
    """What a policy was assembled from and for which day ('' for a plain, undated one)."""
    extra = []
    if policy.chain:
        extra.append("overlay chain: " + " → ".join(Path(p).name for p in policy.chain))
    if policy.settings:
        extra.append("with --set " + ", ".join(policy.settings))
    if policy.as_of:
        extra.append(f"as of {policy.as_of}")
    return "; ".join(extra)


def finding_notes(finding: Finding) -> list[str]:
    """Where a finding's rule came from when it is not the plain policy's: terms, exceptions."""
    notes = []
    if finding.terms:
        notes.append(f"set by the partner's terms: {', '.join(finding.terms)}")
    e = finding.exception
    if e is not None:
        until = f" until {e.expires}" if e.expires else ""
        notes.append(f"exception {e.id} ({e.state.replace('_', ' ')}; granted {e.granted}"
                     f"{until}): {e.justification}")
    return notes


def illustrative_figures(finding: Finding, figures: dict[str, Observation]) -> list[str]:
    """Labels of the invented figures (marked illustrative) a finding quotes, directly or in
    the derived facts it rests on: every report that quotes one must say it is invented."""
    return _quoted_labels(finding, figures, lambda p: p is not None and p.illustrative)


def unsourced_figures(finding: Finding, figures: dict[str, Observation]) -> list[str]:
    """Labels of the figures a finding quotes that are neither invented nor sourced (a bare
    value, or one with a year only): not to be read as a fact any more than an invented one."""
    return _quoted_labels(finding, figures,
                          lambda p: p is None or not (p.illustrative or p.source))


def _quoted_labels(finding: Finding, figures: dict[str, Observation], marked) -> list[str]:
    names = [*finding.observed, *_chain_figures(finding.because)]
    labels = [o.label for name in names
              if (o := figures.get(name.partition(".")[0])) is not None
              and o.value is not None and marked(o.provenance)]
    return list(dict.fromkeys(labels))


def provenance_note(finding: Finding, figures: dict[str, Observation]) -> str:
    """'illustrative (invented) figures: A; B' for the invented figures a finding quotes, and
    'no source given: C' for the unsourced ones, or ''. The table, markdown and HTML print it
    under the finding's words, the same in each."""
    invented = illustrative_figures(finding, figures)
    unsourced = unsourced_figures(finding, figures)
    parts = [f"illustrative (invented) figure{'s' if len(invented) > 1 else ''}: "
             f"{'; '.join(invented)}" if invented else "",
             f"no source given: {'; '.join(unsourced)}" if unsourced else ""]
    return " · ".join(p for p in parts if p)


def _chain_figures(chain: tuple[Because, ...]) -> list[str]:
    return [name for b in chain for name in (*b.observed, *_chain_figures(b.because))]


def fact_status_words(because: Because) -> str:
    """'concluded', 'not concluded', or 'undecided' (missing figures could make it go either
    way), as the findings say it: 'unknown by transshipment-risk-high' read as nothing."""
    if because.status == FactStatus.UNKNOWN:
        return "undecided"
    return because.status.value.replace("_", " ")


def because_lines(chain: tuple[Because, ...], depth: int = 0) -> list[str]:
    lines = []
    for b in chain:
        figures = ", ".join(f"{k} {v}" for k, v in b.shown.items())
        by = ", ".join(b.derived_by)
        lines.append(f"{'  ' * depth}← {b.fact} = {b.value} {fact_status_words(b)}"
                     f" by {by} ({figures})")
        lines += because_lines(b.because, depth + 1)
    return lines


def ordered(findings):
    """Findings as a reader wants them: violations first, then unknowns, then the rest."""
    rank = {v: i for i, v in enumerate(STATUS_ORDER)}
    return sorted(findings, key=lambda f: rank[f.status])


def remedy_head(plan: RemedyPlan) -> str:
    """One line: what the remedy reaches at what cost, or why there is none."""
    if plan.status == RemedyStatus.TOP_TIER:
        return "Remedy: none needed, already in the best tier"
    if plan.status == RemedyStatus.UNRATED:
        return f"Remedy: none, {plan.reason}"
    aim = f"Remedy to reach {plan.target_title} [{plan.target}]"
    if plan.status != RemedyStatus.FOUND:
        label = {RemedyStatus.UNKNOWN_DATA: "none, unknown data blocks it",
                 RemedyStatus.SEARCH_CAP: "none found, the search hit its cap"}.get(
                     plan.status, "none")
        return f"{aim}: {label}: {plan.reason}"
    count = len(plan.changes)
    # a tier reached on too little known data is no firmer than the partner's own would be
    flag = f" (provisional: low coverage, {plan.reached_coverage:.0%})" \
        if plan.reached_provisional else ""
    return (f"{aim}: cost {plan.cost:g}, {count} change{'s' if count != 1 else ''}; "
            f"re-evaluated with them: score {plan.reached_score:g}, tier {plan.reached_tier}"
            f"{flag}")


def invented(change: Change) -> bool:
    """Whether the figure a remedy moves is invented now (marked illustrative in the profile):
    every format marks its current value so, as it marks the figures a finding quotes."""
    return change.provenance is not None and change.provenance.illustrative


def remedy_effects(plan: RemedyPlan) -> str:
    """Which verdicts the changed profile gets that differ from the partner's own."""
    parts = []
    if plan.fixed_rules:
        parts.append(f"fixes {', '.join(plan.fixed_rules)}")
    if plan.scoped_out:
        parts.append(f"leaves the scope of {', '.join(plan.scoped_out)}")
    if plan.newly_violated:
        parts.append(f"newly violates {', '.join(plan.newly_violated)}")
    return "; ".join(parts)


def remedy_note(plan: RemedyPlan) -> str:
    targets = "Targets are hypothetical figures, not data; " if plan.changes else ""
    return f"cost: {plan.measure}. {targets}{plan.judged} changed profiles judged."


# --- compare and sweep, in the words every format uses -----------------------------------------

def delta_text(delta: float) -> str:
    """A score change, signed: '+7.1', '-1.8', and '0' for none ('+0' read as a gain)."""
    return f"{delta:+g}" if delta else "0"


def cause_lines(change: PartnerChange) -> list[str]:
    """Why a partner moved between two policies: each rule whose verdict or weight changed,
    then what no rule explains (terms, an outcome table)."""
    lines = []
    for k in change.causes:
        if k.before != k.after:
            lines.append(f"{k.rule}: {k.before.replace('_', ' ')} → {k.after.replace('_', ' ')}")
        else:
            lines.append(f"{k.rule}: weight {k.weight_before:g} → {k.weight_after:g}")
    return [*lines, *change.notes]


def flip_text(flip: Flip) -> str:
    move = f"{flip.from_tier or 'unrated'} → {flip.to_tier or 'unrated'}"
    if flip.at is None:
        return f"{move} between {flip.after:g} and {flip.before:g}"
    return f"{move} {'from' if flip.inclusive else 'just past'} {flip.at:g}"
