"""Words and symbols shared by the human-readable formats (table, markdown)."""

from __future__ import annotations

from pathlib import Path

from engine.results import Because, Finding, Outcome, PolicyStamp, Scorecard, Verdict

MARK = {Verdict.VIOLATED: "✗ violated", Verdict.SATISFIED: "✓ satisfied",
        Verdict.UNKNOWN: "? unknown", Verdict.NOT_APPLICABLE: "– n/a",
        Verdict.EXCEPTED: "⊘ excepted"}
AUTHORITY = {"ieepa": "IEEPA", "section_232": "Section 232", "section_301": "Section 301",
             "section_122": "Section 122", "ad_cvd": "AD/CVD",
             "unspecified": "no stated legal authority"}
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


def outcome_text(outcome: Outcome | None, tier: str | None = None) -> str:
    if outcome is None and tier is not None:
        return "no tariff outcome on record for this tier on the evaluation date"
    if outcome is None:
        return "no outcome: unrated"
    dates = ", ".join(d for d in (f"effective {outcome.effective}" if outcome.effective else "",
                                  f"review {outcome.review}" if outcome.review else "") if d)
    authority = AUTHORITY.get(outcome.legal_authority, outcome.legal_authority)
    text = f"{outcome.tariff_rate:g}% tariff · {authority} · {outcome.status.replace('_', ' ')}"
    return f"{text} · {dates}" if dates else text


def counts_text(card: Scorecard) -> str:
    return ", ".join(f"{card.counts[v.value]} {v.value.replace('_', ' ')}" for v in STATUS_ORDER
                     if card.counts.get(v.value) or v != Verdict.EXCEPTED)


def policy_line(policy: PolicyStamp) -> str:
    """The policy a report used: name, version, hash, and what it was assembled from."""
    line = f"Policy {policy.name} {policy.version} (sha256 {policy.hash[:12]})  {policy.title}"
    extra = []
    if policy.chain:
        extra.append("overlay chain: " + " → ".join(Path(p).name for p in policy.chain))
    if policy.settings:
        extra.append("with --set " + ", ".join(policy.settings))
    if policy.as_of:
        extra.append(f"as of {policy.as_of}")
    return line + ("\n" + "; ".join(extra) if extra else "")


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


def because_lines(chain: tuple[Because, ...], depth: int = 0) -> list[str]:
    lines = []
    for b in chain:
        figures = ", ".join(f"{k} {v}" for k, v in b.shown.items())
        by = ", ".join(b.derived_by)
        lines.append(f"{'  ' * depth}← {b.fact} = {b.value} {b.status.value.replace('_', ' ')}"
                     f" by {by} ({figures})")
        lines += because_lines(b.because, depth + 1)
    return lines


def ordered(findings):
    """Findings as a reader wants them: violations first, then unknowns, then the rest."""
    rank = {v: i for i, v in enumerate(STATUS_ORDER)}
    return sorted(findings, key=lambda f: rank[f.status])
