"""Table: a readable scorecard for the terminal (rich), one panel per partner."""

from __future__ import annotations

import io
import shutil

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from engine.report import text
from engine.results import RemedyStatus, Report, Scorecard, Verdict

STYLE = {Verdict.VIOLATED: "bold red", Verdict.SATISFIED: "green",
         Verdict.UNKNOWN: "yellow", Verdict.NOT_APPLICABLE: "dim",
         Verdict.EXCEPTED: "magenta"}


def render(report: Report, *, color: bool = False, width: int | None = None) -> str:
    out = io.StringIO()
    # markup off: every string printed is data (names, titles, values), never a style
    console = Console(file=out, width=width or terminal_width(), force_terminal=color,
                      no_color=not color, highlight=False, soft_wrap=False, markup=False)
    console.print(text.policy_line(report.policy))
    if len(report.scorecards) > 1:
        console.print(_overview(report))
    for card in report.scorecards:
        console.print(_scorecard(card, console.width))
    return out.getvalue()


def terminal_width() -> int:
    """The terminal's width (COLUMNS wins), kept between 80 and 160 columns."""
    return max(80, min(shutil.get_terminal_size((120, 24)).columns, 160))


def _overview(report: Report) -> Table:
    table = Table(title="Overview", title_justify="left")
    # overflow fold everywhere: a narrow terminal wraps an id onto the next line, never cuts it
    for column in ("partner", "score", "tier", "tariff", "coverage", "violated", "unknown"):
        table.add_column(column, justify="left" if column in ("partner", "tier", "tariff")
                         else "right", overflow="fold")
    for card in report.scorecards:
        table.add_row(f"{card.code} {text.one_line(card.name)}",
                      "—" if card.score is None else f"{card.score:g}",
                      text.tier_text(card),
                      text.tariff_text(card.outcome.tariff_rate, card.outcome.status)
                      if card.outcome else "—",
                      f"{card.coverage:.0%}", str(card.counts["violated"]),
                      str(card.counts["unknown"]))
    return table


def _scorecard(card: Scorecard, width: int) -> Panel:
    head = Text.assemble((f"Score {text.score_text(card)}", "bold"), "   tier ",
                         (text.tier_text(card), "bold"), f"   coverage {card.coverage:.0%}")
    lines = [head, Text(f"Outcome: {text.outcome_text(card.outcome, card.tier)}")]
    # a Panel reads a str title as markup whatever the console says: pass it as Text. A name
    # too long for the panel's top border would be cut there: it opens the panel instead
    name = text.one_line(card.name)
    title = Text(f"{card.code} {name}")
    if title.cell_len > width - 6:                    # the border's corners and dashes
        title = Text(card.code)
        lines.insert(0, Text(name, style="bold"))
    if card.outcome and card.outcome.note:
        lines.append(Text(f"  {card.outcome.note}", style="dim"))
    lines.append(Text(f"Findings: {text.counts_text(card)}"))
    if card.terms:
        lines.append(Text(f"Terms in force for {card.code}: {', '.join(card.terms)}"))
    lines.append(Text("Demands: " + " · ".join(
        f"{d.demand} {'—' if d.score is None else f'{d.score:g}'}" for d in card.demands)))
    return Panel(Group(*lines, _findings(card), *_remedy(card)), title=title,
                 title_align="left")


def _remedy(card: Scorecard) -> list:
    plan = card.remedies
    if plan is None:
        return []
    parts: list = [Text(text.remedy_head(plan), style="bold")]
    if plan.changes:
        table = Table(expand=True, show_lines=False)
        for column in ("figure", "now", "remedy", "cost", "for rule"):
            table.add_column(column, justify="right" if column == "cost" else "left",
                             overflow="fold")
        for c in plan.changes:
            now = f"{c.shown_current} (illustrative)" if text.invented(c) else c.shown_current
            table.add_row(Text(f"{c.label}\n{c.indicator}"), now, c.shown_target,
                          f"{c.cost:g}", Text("\n".join(c.rules)))
        parts.append(table)
    effects = text.remedy_effects(plan)
    if effects:
        parts.append(Text(effects))
    if plan.status not in (RemedyStatus.TOP_TIER, RemedyStatus.UNRATED):
        parts.append(Text(text.remedy_note(plan), style="dim"))
    return parts


def _findings(card: Scorecard) -> Table:
    table = Table(expand=True, show_lines=False)
    table.add_column("verdict", no_wrap=True)
    longest = max((len(f.rule) for f in card.findings), default=10)
    table.add_column("rule", min_width=min(longest, 36), max_width=36, overflow="fold")
    # the words take what the verdict and rule leave (ratio), folding a word longer than that:
    # measured by its longest word instead, the table outgrew a narrow panel, which cut it
    table.add_column("why, and sources", ratio=1, overflow="fold")
    figures = {o.indicator: o for o in card.observations}
    for f in text.ordered(card.findings):
        why = Text(f.message)
        for line in text.because_lines(f.because):
            why.append("\n" + line, style="dim")
        for note in text.finding_notes(f):
            why.append("\n" + note, style="italic")
        invented = text.provenance_note(f, figures)
        if invented:
            why.append(f"\n{invented}", style="italic")
        why.append(f"\nsources: {', '.join(f.sources)}", style="dim italic")
        rule = Text(f.rule)
        rule.append(f"\n{f.demand}", style="dim")
        table.add_row(Text(text.MARK[f.status], style=STYLE[f.status]), rule, why)
    return table
