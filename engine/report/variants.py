"""Compare and sweep results as table, json or markdown. Formatting only."""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.table import Table

from engine.report import text, variants_html
from engine.report.json_ import policy_block
from engine.report.markdown import escape
from engine.report.table import terminal_width
from engine.results import PolicyStamp
from engine.variant_results import Comparison, PartnerChange, Standing, Sweep, SweepRow

FORMATS = ("table", "json", "markdown", "html")


def render_comparison(comparison: Comparison, fmt: str, *, color: bool = False) -> str:
    if fmt == "html":
        return variants_html.comparison(comparison)
    return {"table": _comparison_table, "json": _comparison_json,
            "markdown": _comparison_markdown}[fmt](comparison, color)


def render_sweep(result: Sweep, fmt: str, *, color: bool = False) -> str:
    if fmt == "html":
        return variants_html.sweep(result)
    return {"table": _sweep_table, "json": _sweep_json, "markdown": _sweep_markdown}[fmt](
        result, color)


# --- words shared by the formats -------------------------------------------------------------

def _standing(s: Standing) -> str:
    score = "no score" if s.score is None else f"{s.score:g}"
    tariff = "" if s.tariff_rate is None else \
        f", {text.tariff_text(s.tariff_rate, s.outcome_status or 'status not recorded')}"
    return f"{score} {s.tier or 'unrated'}{tariff}"


def _delta(change: PartnerChange) -> str:
    d = change.score_delta
    return "—" if d is None else text.delta_text(d)


def _changed(comparison: Comparison) -> list[PartnerChange]:
    return [c for c in comparison.partners if c.changed]


def _console(color: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    # markup off: every string printed is data (names, titles, messages), never a style
    return Console(file=out, width=terminal_width(), force_terminal=color, no_color=not color,
                   highlight=False, soft_wrap=False, markup=False), out


# --- compare ---------------------------------------------------------------------------------

def _comparison_table(comparison: Comparison, color: bool) -> str:
    console, out = _console(color)
    console.print("Before: " + text.policy_line(comparison.before))
    console.print("After:  " + text.policy_line(comparison.after))
    changed = _changed(comparison)
    console.print(f"{len(changed)} of {len(comparison.partners)} partners change.")
    if changed:
        table = Table(show_lines=True)
        for column, share in (("partner", 2), ("before", 2), ("after", 2), ("Δ score", None),
                              ("tier", None), ("because", 5)):
            table.add_column(column, overflow="fold", ratio=share)
        for c in changed:
            table.add_row(f"{c.code} {c.name}", _standing(c.before), _standing(c.after),
                          _delta(c), "changes" if c.tier_changed else "same",
                          "\n".join(text.cause_lines(c)))
        # too wide for the terminal: the columns share its width by those ratios, the causes
        # (the longest text) getting most, so a rule id is not cut in three (rich applies
        # ratios only to an expanded table, which otherwise pads every column to the width)
        natural = console.measure(table, options=console.options.update_width(10_000)).maximum
        table.expand = natural > console.width
        console.print(table)
    return out.getvalue()


def _comparison_json(comparison: Comparison, _color: bool = False) -> str:
    data = {"before": policy_block(comparison.before), "after": policy_block(comparison.after),
            "partners": [_change_data(c) for c in comparison.partners]}
    return _dump(data)


def _change_data(c: PartnerChange) -> dict[str, Any]:
    return {"partner": {"code": c.code, "name": c.name}, "changed": c.changed,
            "before": asdict(c.before), "after": asdict(c.after),
            "score_delta": c.score_delta, "tier_changed": c.tier_changed,
            "outcome_changed": c.outcome_changed,
            "causes": [asdict(k) for k in c.causes], "notes": list(c.notes)}


def _comparison_markdown(comparison: Comparison, _color: bool = False) -> str:
    b, a = comparison.before, comparison.after
    lines = [f"# Compare: `{a.name}` against `{b.name}`", "",
             f"- **Before:** {_policy_words(b)}", f"- **After:** {_policy_words(a)}", ""]
    changed = _changed(comparison)
    lines += [f"{len(changed)} of {len(comparison.partners)} partners change.", ""]
    if changed:
        lines += ["| partner | before | after | Δ score | because |", "|---|---|---|---:|---|"]
        lines += [f"| {c.code} {escape(c.name)} | {escape(_standing(c.before))} |"
                  f" {escape(_standing(c.after))} | {_delta(c)} |"
                  f" {escape('; '.join(text.cause_lines(c)))} |"
                  for c in changed]
    return "\n".join(lines) + "\n"


# --- sweep -----------------------------------------------------------------------------------

def _strip(result: Sweep, row: SweepRow) -> str:
    """Tier at each step as one letter per step (legend printed alongside)."""
    letters = variants_html.tier_letters(result.tiers)
    return "".join(letters.get(t, "·") if t else "·" for t in row.tiers)


def _legend(result: Sweep) -> str:
    letters = variants_html.tier_letters(result.tiers)
    return "  ".join(f"{letters[t]} = {t}" for t in result.tiers) + "  · = unrated"


def _sweep_table(result: Sweep, color: bool) -> str:
    console, out = _console(color)
    console.print(text.policy_line(result.policy))
    values = result.values
    console.print(f"Sweep {result.parameter} over {len(values)} values from {values[0]:g} to "
                  f"{values[-1]:g}; tier at each value: {_legend(result)}")
    table = Table()
    table.add_column("partner", overflow="fold")
    # one letter per value: kept on one line while it takes at most half the width, so that
    # the flips wrap first and the steps stay readable as a strip
    table.add_column("tiers", overflow="fold", no_wrap=len(values) <= console.width // 2)
    table.add_column("flips", overflow="fold")
    for row in result.rows:
        table.add_row(f"{row.code} {row.name}", _strip(result, row),
                      "\n".join(text.flip_text(f) for f in row.flips) or "no change")
    console.print(table)
    if not result.exact:
        console.print("Flip points lie between the swept values shown; sweep a finer range "
                      "to narrow them (only limits and tier bounds are pinned exactly).")
    return out.getvalue()


def _sweep_json(result: Sweep, _color: bool = False) -> str:
    data = {"policy": policy_block(result.policy), "parameter": result.parameter,
            "values": list(result.values), "tiers": list(result.tiers), "exact": result.exact,
            "partners": [{"partner": {"code": r.code, "name": r.name}, "tiers": list(r.tiers),
                          "scores": list(r.scores), "flips": [asdict(f) for f in r.flips]}
                         for r in result.rows]}
    return _dump(data)


def _sweep_markdown(result: Sweep, _color: bool = False) -> str:
    lines = [f"# Sweep of `{result.parameter}`", "",
             f"Policy {_policy_words(result.policy)}; {len(result.values)} values from "
             f"{result.values[0]:g} to {result.values[-1]:g}.", "",
             f"Tier at each value: {escape(_legend(result))}", "",
             "| partner | tiers | flips |", "|---|---|---|"]
    lines += [f"| {r.code} {escape(r.name)} | `{_strip(result, r)}` |"
              f" {escape('; '.join(text.flip_text(f) for f in r.flips) or 'no change')} |"
              for r in result.rows]
    return "\n".join(lines) + "\n"


def _policy_words(p: PolicyStamp) -> str:
    """A policy as markdown: name, version, hash, and the chain, --set and day it was
    assembled for, as the table and HTML say them (the day changes verdicts)."""
    assembled = text.assembly_text(p)
    return f"`{p.name}` {escape(p.version)}, sha256 `{p.hash[:12]}`" + \
        (f"; {escape(assembled)}" if assembled else "")


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
