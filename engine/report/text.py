"""Words and symbols shared by the human-readable formats (table, markdown)."""

from __future__ import annotations

from engine.results import Because, Outcome, Scorecard, Verdict

MARK = {Verdict.VIOLATED: "✗ violated", Verdict.SATISFIED: "✓ satisfied",
        Verdict.UNKNOWN: "? unknown", Verdict.NOT_APPLICABLE: "– n/a"}
AUTHORITY = {"ieepa": "IEEPA", "section_232": "Section 232", "section_301": "Section 301",
             "section_122": "Section 122", "ad_cvd": "AD/CVD",
             "unspecified": "no stated legal authority"}
STATUS_ORDER = (Verdict.VIOLATED, Verdict.UNKNOWN, Verdict.SATISFIED, Verdict.NOT_APPLICABLE)


def score_text(card: Scorecard) -> str:
    return "no score (nothing could be judged)" if card.score is None else f"{card.score:g} / 100"


def tier_text(card: Scorecard) -> str:
    if card.tier is None:
        return "unrated"
    flag = " (provisional: low coverage)" if card.provisional else ""
    if card.capped_by:
        flag += f" (capped by {', '.join(card.capped_by)})"
    return f"{card.tier_title} [{card.tier}]{flag}"


def outcome_text(outcome: Outcome | None) -> str:
    if outcome is None:
        return "no outcome: unrated"
    dates = ", ".join(d for d in (f"effective {outcome.effective}" if outcome.effective else "",
                                  f"review {outcome.review}" if outcome.review else "") if d)
    authority = AUTHORITY.get(outcome.legal_authority, outcome.legal_authority)
    text = f"{outcome.tariff_rate:g}% tariff · {authority} · {outcome.status.replace('_', ' ')}"
    return f"{text} · {dates}" if dates else text


def counts_text(card: Scorecard) -> str:
    return ", ".join(f"{card.counts[v.value]} {v.value.replace('_', ' ')}" for v in STATUS_ORDER)


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
