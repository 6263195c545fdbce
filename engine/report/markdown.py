"""Markdown: a scorecard to paste into a pull request or a memo (tables, no HTML)."""

from __future__ import annotations

from engine.report import text
from engine.results import RemedyStatus, Report, Scorecard


def render(report: Report) -> str:
    p = report.policy
    lines = [f"# Scorecards: {p.title}", "",
             f"Policy `{p.name}` version {p.version}, sha256 `{p.hash[:12]}`.", ""]
    if len(report.scorecards) > 1:
        lines += ["| partner | score | tier | tariff | coverage | violated | unknown |",
                  "|---|---:|---|---:|---:|---:|---:|"]
        for c in report.scorecards:
            lines.append(f"| {c.code} {_cell(c.name)} | {_score(c)} | {_cell(text.tier_text(c))} |"
                         f" {_tariff(c)} | {c.coverage:.0%} | {c.counts['violated']} |"
                         f" {c.counts['unknown']} |")
        lines.append("")
    for card in report.scorecards:
        lines += _scorecard(card)
    return "\n".join(lines).rstrip() + "\n"


def _score(card: Scorecard) -> str:
    return "—" if card.score is None else f"{card.score:g}"


def _tariff(card: Scorecard) -> str:
    return f"{card.outcome.tariff_rate:g}%" if card.outcome else "—"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def _scorecard(card: Scorecard) -> list[str]:
    lines = [f"## {card.code} {card.name}", "",
             f"- **Score:** {text.score_text(card)}",
             f"- **Tier:** {text.tier_text(card)}",
             f"- **Outcome:** {text.outcome_text(card.outcome)}",
             f"- **Coverage:** {card.coverage:.0%} of the applicable weight judged on known data",
             f"- **Findings:** {text.counts_text(card)}", "",
             "| demand | subscore |", "|---|---:|"]
    lines += [f"| {d.demand} | {'—' if d.score is None else f'{d.score:g}'} |"
              for d in card.demands]
    lines += ["", "| verdict | rule | why | sources |", "|---|---|---|---|"]
    for f in text.ordered(card.findings):
        chain = (_cell(line.strip()) for line in text.because_lines(f.because))
        why = " ".join([_cell(f.message), *chain])
        lines.append(f"| {text.MARK[f.status]} | `{f.rule}` ({f.demand}) | {why} |"
                     f" {', '.join(f.sources)} |")
    return [*lines, "", *_remedy(card)]


def _remedy(card: Scorecard) -> list[str]:
    plan = card.remedies
    if plan is None:
        return []
    lines = ["### Remedy", "", _cell(text.remedy_head(plan)), ""]
    if plan.changes:
        lines += ["| figure | now | remedy | cost | for rule |", "|---|---|---|---:|---|"]
        lines += [f"| {_cell(c.label)} (`{c.indicator}`) | {_cell(c.shown_current)} |"
                  f" {_cell(c.shown_target)} | {c.cost:g} | {', '.join(c.rules)} |"
                  for c in plan.changes]
        lines.append("")
    effects = text.remedy_effects(plan)
    if effects:
        lines += [effects, ""]
    if plan.status not in (RemedyStatus.TOP_TIER, RemedyStatus.UNRATED):
        lines += [f"_{text.remedy_note(plan)}_", ""]
    return lines
