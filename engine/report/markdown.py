"""Markdown: scorecards to paste into a pull request or a memo (GitHub-flavoured tables, no
HTML). Text from partners and policies is escaped, so a name or message cannot become markup."""

from __future__ import annotations

import re

from engine.report import text
from engine.results import Check, Finding, Observation, RemedyStatus, Report, Scorecard


def render(report: Report) -> str:
    p = report.policy
    lines = [f"# Scorecards: {_text(p.title)}", "",
             f"Policy `{p.name}` version {_text(p.version)}, sha256 `{p.hash[:12]}`. "
             "An analytical model, not law and not legal advice.", ""]
    if assembled := text.assembly_text(p):
        lines += [_cell(assembled) + ".", ""]
    if len(report.scorecards) > 1:
        lines += _summary(report)
    for card in report.scorecards:
        lines += _scorecard(card)
    return "\n".join(lines).rstrip() + "\n"


def _summary(report: Report) -> list[str]:
    lines = ["## Summary", "",
             "| partner | score | tier | tariff | legal status | coverage | violated | unknown |",
             "|---|---:|---|---:|---|---:|---:|---:|"]
    for c in report.scorecards:
        status = c.outcome.status.replace("_", " ") if c.outcome else "—"
        lines.append(f"| {c.code} {_cell(c.name)} | {_score(c)} | {_cell(text.tier_text(c))} |"
                     f" {_tariff(c)} | {status} | {c.coverage:.0%} | {c.counts['violated']} |"
                     f" {c.counts['unknown']} |")
    return [*lines, ""]


def _score(card: Scorecard) -> str:
    return "—" if card.score is None else f"{card.score:g}"


def _tariff(card: Scorecard) -> str:
    o = card.outcome
    return text.tariff_text(o.tariff_rate, o.status) if o else "—"


# `&` too, so an entity in the text (`&amp;`) is shown as written, not decoded; `~` strikes out
_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_<>[]|&~"})
# every character Python's splitlines() breaks on: a row cut by one of them is no longer a row
_BREAKS = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def escape(value: object) -> str:
    """Plain words for Markdown, on one line: punctuation that would start markup is
    backslash-escaped. Every report in Markdown (evaluate, compare, sweep) prints text from
    partners and policies through this."""
    return _BREAKS.sub(" ", str(value).translate(_SPECIAL))


def code(value: object) -> str:
    """`value` as inline code, or as escaped words when it holds what a code span cannot
    (a backtick or a line break)."""
    value = str(value)
    if "`" in value or _BREAKS.search(value):
        return escape(value)
    return f"`{value}`"


_text = _cell = escape     # a table cell is the same text, on one line, with | escaped


def _scorecard(card: Scorecard) -> list[str]:
    lines = [f"## {card.code} {_text(card.name)}", "",
             f"- **Score:** {text.score_text(card)}",
             f"- **Tier:** {_text(text.tier_text(card))}",
             f"- **Outcome:** {_text(text.outcome_text(card.outcome, card.tier))}",
             f"- **Coverage:** {card.coverage:.0%} of the applicable weight judged on known data",
             f"- **Findings:** {text.counts_text(card)}",
             *([f"- **Terms:** {', '.join(card.terms)}"] if card.terms else []), ""]
    if card.outcome and card.outcome.note:
        lines += [f"> {_text(card.outcome.note)}", ""]
    lines += ["| demand | subscore | violated | unknown |", "|---|---:|---:|---:|"]
    lines += [f"| {_cell(d.title)} (`{d.demand}`) | {'—' if d.score is None else f'{d.score:g}'} |"
              f" {d.counts.get('violated', 0)} | {d.counts.get('unknown', 0)} |"
              for d in card.demands]
    lines += ["", "| verdict | rule | observed | limit | margin | why | sources |",
              "|---|---|---:|---:|---:|---|---|"]
    figures = {o.indicator: o for o in card.observations}
    lines += [_finding_row(f, figures) for f in text.ordered(card.findings)]
    return [*lines, "", *_remedy(card), *_figures(card.observations)]


def _finding_row(f: Finding, figures: dict[str, Observation]) -> str:
    check = _deciding(f)
    observed = limit = margin = ""
    if check is not None:
        observed = check.observed_shown or _plain(check.observed)
        if check.observed is None and check.holds is not None:    # a derived fact not concluded
            observed = "not concluded"
        limit = f"{_OP.get(check.comparison, check.comparison)} " \
                f"{check.limit_shown or _plain(check.limit)}"
        if check.margin is not None:
            sign = "+" if check.margin > 0 else "−" if check.margin < 0 else ""
            margin = f"{sign}{check.margin_shown or abs(check.margin)}"
    chain = (_cell(line.strip()) for line in text.because_lines(f.because))
    notes = (_cell(note) for note in text.finding_notes(f))
    invented = text.provenance_note(f, figures)
    why = " ".join([_cell(f.message), *chain, *notes, *([f"*{_cell(invented)}*"] if invented
                                                         else [])])
    return (f"| {text.MARK[f.status]} | `{f.rule}` ({f.demand}) | {_cell(observed)} |"
            f" {_cell(limit)} | {_cell(margin)} | {why} | {', '.join(f.sources)} |")


_OP = {"<=": "≤", ">=": "≥", "==": "=", "!=": "≠"}


def _deciding(f: Finding) -> Check | None:
    """The comparison that decides the verdict: the one whose limit and margin the finding
    reports (the first, when none matches)."""
    return next((c for c in f.checks if c.limit == f.limit and c.margin == f.margin),
                f.checks[0] if f.checks else None)


def _plain(value: object) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _figures(observations: tuple[Observation, ...]) -> list[str]:
    if not observations:
        return []
    lines = ["| figure | value | year | source |", "|---|---:|---:|---|"]
    for o in observations:
        p = o.provenance
        year = str(p.year) if p and p.year is not None else "—"
        source = ("*illustrative*" if p.illustrative else _cell(p.source or "—")) if p \
            else "none given"
        lines.append(f"| {_cell(o.label)} (`{o.indicator}`) | {_cell(o.shown)} | {year} |"
                     f" {source} |")
    return ["Figures and their provenance:", "", *lines, ""]


def _remedy(card: Scorecard) -> list[str]:
    plan = card.remedies
    if plan is None:
        return []
    lines = ["### Remedy", "", _cell(text.remedy_head(plan)), ""]
    if plan.changes:
        lines += ["| figure | now | remedy | cost | for rule |", "|---|---|---|---:|---|"]
        lines += [f"| {_cell(c.label)} (`{c.indicator}`) | {_cell(c.shown_current)}"
                  f"{' *(illustrative)*' if text.invented(c) else ''} |"
                  f" {_cell(c.shown_target)} | {c.cost:g} | {', '.join(c.rules)} |"
                  for c in plan.changes]
        lines.append("")
    effects = text.remedy_effects(plan)
    if effects:
        lines += [effects, ""]
    if plan.status not in (RemedyStatus.TOP_TIER, RemedyStatus.UNRATED):
        lines += [f"_{text.remedy_note(plan)}_", ""]
    return lines
