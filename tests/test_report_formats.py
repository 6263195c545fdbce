"""HTML, Markdown and table reports: what they show is what the engine computed (compared with
the JSON of the same report), partner and policy text is escaped (printed as written in the
table), and the HTML is self-contained."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest

from engine import api
from engine.report import html as html_report
from engine.report import json_, markdown
from engine.results import Report

HOSTILE = '<img src=x onerror="alert(1)"> & | *Co* `x` [y](http://evil.example)'


@pytest.fixture
def report(ws) -> Report:
    """Two partners under the fixture policy: the fixture VNM, and one with a hostile name,
    missing figures (unknown verdicts) and a bare figure (no provenance)."""
    policy = ws.policy_data()
    policy["sources"]["s1"]["url"] = "https://example.org/seed?a=1&b=2"
    compiled = ws.compile(policy)
    other = ws.vnm_data()
    other["partner"] = {"code": "XXA", "name": HOSTILE}
    del other["indicators"]["china_import_share"]
    del other["indicators"]["rerouting_share"]       # transshipment risk cannot be decided
    other["indicators"]["eapa_case_count"] = 14
    cards = [api.evaluate_partner(compiled, api.load_partner(p, compiled.catalog))
             for p in (ws.vnm_path, ws.write_profile(other))]
    return Report(api.stamp(compiled), tuple(sorted(cards, key=lambda c: c.code)))


class _Outline(HTMLParser):
    """Tags, attributes and text of a page, for checking it without a browser."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _outline(page: str) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    return parser


# --- HTML --------------------------------------------------------------------------------------

def test_html_escapes_partner_text_and_runs_nothing(report):
    page = html_report.render(report)
    outline = _outline(page)
    assert HOSTILE not in page and "&lt;img src=x" in page
    assert not [t for t, _ in outline.tags if t in ("script", "img", "iframe", "link", "object")]
    assert not [a for _, attrs in outline.tags for a in attrs if a.startswith("on")]
    assert any(HOSTILE in text for text in outline.text)        # shown, as text


def test_html_is_self_contained_and_accessible(report):
    page = html_report.render(report)
    outline = _outline(page)
    assert outline.tags[0] == ("html", {"lang": "en"})
    csp = next(a["content"] for t, a in outline.tags
               if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp
    links = [a["href"] for t, a in outline.tags if t == "a"]
    # every link stays on the page except the policy's source URLs
    assert {h for h in links if not h.startswith("#")} == {"https://example.org/seed?a=1&b=2"}
    ids = {a["id"] for _, a in outline.tags if "id" in a}
    assert {h[1:] for h in links if h.startswith("#")} <= ids
    assert [t for t, _ in outline.tags].count("h1") == 1
    svgs = [a for t, a in outline.tags if t == "svg" and a.get("role") == "img"]
    assert svgs and all(a.get("aria-label") for a in svgs)


def test_html_shows_the_numbers_of_the_json(report):
    page = html_report.render(report)
    text = " ".join(_outline(page).text)
    data = json.loads(json_.render(report))
    for partner, card in zip(data["partners"], report.scorecards, strict=True):
        assert f"{partner['score']:g}" in text
        assert card.tier_title in text
        for finding in partner["findings"]:
            assert finding["message"] in text
        for check in (c for f in card.findings for c in f.checks if c.margin):
            assert html_report.margin_text(check) in text
    for code in ("VNM", "XXA"):
        assert f'id="partner-{code}"' in page


def test_html_heat_map_marks_each_demand_by_its_worst_verdict(report):
    page = html_report.render(report)
    cells = re.findall(r'<span class="cell ([a-z_]+)" title="([^"]+)"', page)
    expected = []
    for card in html_report.ranking(report.scorecards):
        for demand in card.demands:
            worst = next((v for v in html_report.STATUS if demand.counts.get(v.value)), None)
            look = html_report.STATUS[worst]
            expected.append((look.css, f"{demand.demand}: {look.words}"))
    assert cells == expected
    assert any(css == "unknown" for css, _ in cells)     # the partner with a missing figure


def test_html_marks_illustrative_figures_and_names_sources(report):
    card = report.scorecards[0]
    page = html_report.render(Report(report.policy, (card,)))
    illustrative = [o for o in card.observations if o.provenance and o.provenance.illustrative]
    sourced = [o for o in card.observations if o.provenance and o.provenance.source]
    assert page.count('class="tag-illustrative"') >= len(illustrative) > 0
    assert all(o.provenance.source in page for o in sourced)
    assert 'id="overview"' not in page        # one partner: no ranking


def test_html_ranks_by_score_with_no_score_last():
    from engine.results import Scorecard

    def card(code, score):
        return Scorecard(code, code, score, None, None, None, 0.0, True, {}, (), ())

    ranked = html_report.ranking((card("AAA", None), card("BBB", 50.0), card("CCC", 70.0)))
    assert [c.code for c in ranked] == ["CCC", "BBB", "AAA"]


def test_evaluate_format_html_writes_the_file_atomically(run_cli, fixture_dir, tmp_path):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "report.html"
    done = run_cli("evaluate", fixture_dir / "VNM.yaml", "--policy", fixture_dir / "policy.yaml",
                   "--format", "html", "--output", target)
    assert done.returncode == 0, done.stderr
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


# --- Markdown ----------------------------------------------------------------------------------

def test_markdown_has_no_html_and_escapes_partner_text(report):
    text = markdown.render(report)
    assert not re.search(r"<[A-Za-z/!]", text.replace("\\<", ""))
    assert "\\<img src=x" in text and "\\*Co\\*" in text and "\\[y\\]" in text


def test_markdown_keeps_each_row_on_one_line_and_entities_as_written(ws):
    """Python's splitlines() (and many editors) break at U+2028 too; `&amp;` would show as `&`."""
    other = ws.vnm_data()
    other["partner"] = {"code": "XXB", "name": "A &amp; B\u2028C\rD ~~gone~~"}
    card = ws.evaluate(profile=other)
    compiled = ws.compile()
    text = markdown.render(Report(api.stamp(compiled), (card,)))
    assert "## XXB A \\&amp; B C D \\~\\~gone\\~\\~\n" in text
    assert len(text.splitlines()) == len(text.split("\n")) - 1


def test_markdown_tables_carry_observed_limit_and_margin(report):
    text = markdown.render(report)
    lines = text.splitlines()
    assert "## Summary" in lines
    summary = lines[lines.index("## Summary") + 4: lines.index("## Summary") + 6]
    assert [_cells(row)[2] for row in summary] == [
        f"{c.score:g}" for c in report.scorecards]
    header = "| verdict | rule | observed | limit | margin | why | sources |"
    assert text.count(header) == len(report.scorecards)
    for card in report.scorecards:
        for f in card.findings:
            row = next(line for line in lines if f"| `{f.rule}` ({f.demand}) |" in line
                       and line.startswith("| ") and markdown._text(f.message) in line)
            check = markdown._deciding(f)
            if check is not None and check.margin:
                assert f"| {check.observed_shown} |" in row and check.margin_shown in row
    # escaped pipes in partner text never add a column
    assert {len(_cells(line)) for line in lines if line.startswith("| ✗")} == {len(
        _cells(header))}


def _cells(row: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)]


# --- table -------------------------------------------------------------------------------------

def test_table_shows_remedy_values_as_written_never_as_rich_markup(report):
    """A category value may hold brackets: the table prints it, rich does not read it as a
    style (`[bold]` would vanish and `[/]` would raise)."""
    from dataclasses import replace

    from engine.report import table
    from engine.results import Change, RemedyPlan, RemedyStatus

    change = Change("screening_regime", "Screening regime", "a", "b", "[bold]none[/bold]",
                    "[/] full", 0.5, ("r1",))
    plan = RemedyPlan(RemedyStatus.FOUND, "aligned", "Aligned", "m", (change,), 0.5,
                      "aligned", 90.0, ("r1",))
    card = replace(report.scorecards[0], remedies=plan)
    out = table.render(replace(report, scorecards=(card,)), width=160)
    assert "[bold]none[/bold]" in out and "[/] full" in out


def test_table_prints_partner_and_policy_text_as_written(report):
    """Partner names and policy titles are data: brackets in them are printed, never read by
    rich as styles or links."""
    from dataclasses import replace

    from engine.report import table

    marked = replace(report, policy=replace(report.policy, title="[bold]Draft[/bold] [/]"))
    out = table.render(marked, width=160)
    assert "[bold]Draft[/bold] [/]" in out
    assert out.count(HOSTILE) == 2          # the overview row and the partner's panel title


def test_table_keeps_a_multi_line_title_and_name_on_their_header_lines(report):
    """A YAML block scalar (`title: |`) keeps its line breaks; the headers print it on one line."""
    from dataclasses import replace

    from engine.report import table

    card = report.scorecards[0]
    marked = replace(report, policy=replace(report.policy, title="Draft\nfor review\n"),
                     scorecards=(replace(card, name="Viet\nNam"), *report.scorecards[1:]))
    lines = table.render(marked, width=160).splitlines()
    assert lines[0].endswith("  Draft for review"), lines[0]
    assert sum(f"{card.code} Viet Nam" in line for line in lines) == 2   # overview and panel


def test_table_marks_the_invented_figures_a_finding_quotes(report):
    """The README promises invented figures are marked illustrative wherever they are shown:
    the fixture VNM's EAPA case count is illustrative and the transshipment-risk chain quotes
    it; its import share is real, so no finding calls it invented."""
    from dataclasses import replace

    from engine.report import table

    vnm = next(c for c in report.scorecards if c.code == "VNM")
    out = table.render(replace(report, scorecards=(vnm,)), width=200)
    marked = [line for line in out.splitlines() if "illustrative (invented)" in line]
    assert any("EAPA cases" in line for line in marked), marked
    assert not any("Chinese share of imports" in line for line in marked), marked


def _why_cells(out: str) -> list[str]:
    """The findings' 'why, and sources' cells of a rendered table, each joined on one line."""
    cells: list[list[str]] = []
    for line in out.splitlines():
        parts = line.split("│")
        if len(parts) == 7 and parts[1] == " ":        # panel │ table │ verdict │ rule │ why │ │
            if parts[2].strip():
                cells.append([])
            cells[-1].append(parts[4].strip())
    return [" ".join(" ".join(c).split()) for c in cells]


@pytest.mark.parametrize("width", [80, 100, 160])
def test_table_fits_the_findings_in_the_panel_at_every_width(ws, width):
    """An 80-column terminal gets the whole findings table. With rule ids as long as the
    shipped policy's (33 characters) and a chain naming a long inference id, the table was
    wider than the panel, which cut the end off every line ('Listing on the EO 143', 'is'
    for 'is yes;'). Every row keeps the table's own right border inside the panel's, and every
    message reads whole."""
    from engine.report import table

    policy = ws.policy_path.read_text()
    for old, new in {"ts-risk": "transshipment-risk-not-high-anywhere",
                     "risk-high": "transshipment-risk-high-from-the-figures-of-the-profile"
                     }.items():
        policy = policy.replace(f"id: {old}\n", f"id: {new}\n")
    compiled = ws.compile(policy)
    card = api.evaluate_partner(compiled, api.load_partner(ws.vnm_path, compiled.catalog))
    out = table.render(Report(api.stamp(compiled), (card,)), width=width)
    rows = [line for line in out.splitlines() if line.startswith("│ │")]
    assert rows and all(line.endswith("│ │") for line in rows), "\n".join(rows)
    why = _why_cells(out)
    assert len(why) == len(card.findings)
    for f in card.findings:
        assert any(" ".join(f.message.split()) in w for w in why), (f.message, why)


def _column(out: str, index: int, prefix: str) -> str:
    """Column `index` of the table rows starting with `prefix`, its pieces joined without
    spaces (a folded id reads whole again; a cut one keeps its '…')."""
    return "".join(line.split("│")[index].replace(" ", "") for line in out.splitlines()
                   if line.startswith(prefix) and line.count("│") > index)


def test_table_never_cuts_an_id_in_the_overview_or_the_remedy_at_80_columns(report):
    """At 80 columns rich cut what did not fit with '…': the overview's tier read
    '[non-aligne…' and '(capped by deals-no-ne…', the remedy 'china_import_share_…' and
    'inputs-china-vs-us…'. Ids now fold onto the next line, whole."""
    from dataclasses import replace

    from engine.report import table
    from engine.results import Change, RemedyPlan, RemedyStatus

    change = Change("china_import_share_by_group.machinery_electronics",
                    "Chinese share of imports by industrial-input group (machinery electronics)",
                    0.45, 0.25, "45%", "25%", 0.4444,
                    ("inputs-machinery-electronics-share", "inputs-china-vs-us-trade"))
    plan = RemedyPlan(RemedyStatus.FOUND, "cooperating", "Cooperating partner", "m", (change,),
                      0.4444, "cooperating", 70.0, change.rules)
    cards = tuple(replace(c, tier="non-aligned", tier_title="Non-aligned partner",
                          capped_by=("deals-no-new-china-deal",), remedies=plan)
                  for c in report.scorecards)
    out = table.render(replace(report, scorecards=cards), width=80)
    assert "…" not in out
    tiers = _column(out.split("╭")[0], 3, "│ ")        # the overview, before the panels
    assert tiers.count("[non-aligned](cappedbydeals-no-new-china-deal)") == len(cards), tiers
    remedy = out.split("Remedy to reach")[1]
    figures, rules = _column(remedy, 2, "│ │"), _column(remedy, 6, "│ │")
    assert f"{change.label}{change.indicator}".replace(" ", "") in figures, figures
    assert "inputs-machinery-electronics-shareinputs-china-vs-us-trade" in rules, rules


def test_markdown_and_html_mark_the_invented_figures_a_finding_quotes(report):
    """As the table does: the fixture VNM's EAPA case count is invented and the
    transshipment-risk chain quotes it; markdown's findings row and the HTML finding said
    nothing of it (the HTML marked only figures the rule reads itself, not the chain's). The
    import share is real: its finding calls nothing invented."""
    page, text_ = html_report.render(report), markdown.render(report)
    note = "illustrative (invented) figure: EAPA cases"

    def block(rule):
        start = page.index(f'id="VNM-{rule}"')
        return page[start:page.index('<div class="finding', start)]

    def row(rule):
        vnm = text_[text_.index("## VNM"):]
        return next(line for line in vnm.splitlines() if f"| `{rule}` (" in line)

    assert note in block("ts-risk") and note in row("ts-risk")
    assert "(invented)" not in block("inputs-share") and "(invented)" not in row("inputs-share")


def test_every_format_marks_an_invented_figure_the_remedy_moves(ws):
    """The remedy's 'now' column quoted the current figure as a fact in the table, markdown
    and HTML, even when the profile marks it invented (the fixture VNM's exports to the US;
    the JSON said so in current_provenance). Its real import share stays unmarked."""
    from engine import remedies
    from engine.report import table

    compiled = ws.compile()
    loaded = [api.load_partner(ws.vnm_path, compiled.catalog)]
    one = remedies.with_remedies(compiled, api.evaluate(compiled, loaded), loaded)
    changes = {c.indicator: c for c in one.scorecards[0].remedies.changes}
    invented, real = changes["exports_to_us_usd_bn"], changes["china_import_share"]
    assert invented.provenance.illustrative and not real.provenance.illustrative
    out = table.render(one, width=160)
    assert f"│ {invented.shown_current} (illustrative) " in out
    assert f"│ {real.shown_current} " in out and f"{real.shown_current} (illustrative)" not in out
    md = markdown.render(one)
    assert f"| {invented.shown_current} *(illustrative)* |" in md
    assert f"| {real.shown_current} |" in md
    page = html_report.render(one)
    remedy = page[page.index('class="remedy"'):]
    assert (f'<td>{invented.shown_current} <span class="tag-illustrative">illustrative</span>'
            f'</td>') in remedy
    assert f"<td>{real.shown_current}</td>" in remedy


@pytest.mark.parametrize("cells", [74, 75, 120])
def test_a_partner_name_too_long_for_the_panel_border_opens_the_panel_whole(report, cells):
    """The panel's top border held '{code} {name}' and rich cut what did not fit. A title that
    fits the 80-column border (74 cells) stays there; a longer name opens the panel, whole,
    under a border naming the code alone."""
    from dataclasses import replace

    from engine.report import table

    card = report.scorecards[0]
    name = ("Republic of the Long Name " * 6)[:cells - len(card.code) - 2] + "x"
    out = table.render(replace(report, scorecards=(replace(card, name=name),)), width=80)
    top = next(line for line in out.splitlines() if line.startswith("╭"))
    assert len(top) == 80
    if cells <= 74:
        assert f"{card.code} {name}" in top
    else:
        assert top.startswith(f"╭─ {card.code} ─") and name not in top
        inside = " ".join(line[1:-1].strip() for line in out.splitlines()
                          if line.startswith("│ ") and "│" not in line[1:-1])
        assert " ".join(name.split()) in " ".join(inside.split())


def test_the_overview_states_each_tariffs_status(report):
    """The overview's tariff column read '40%' or '100%' alone, as if in force, where the
    outcome is struck down or only threatened (the panel and the HTML said so, the overview of
    the table and the markdown did not)."""
    from engine.report import markdown, table

    statuses = {c.code: c.outcome.status.replace("_", " ") for c in report.scorecards}
    assert all(c.outcome for c in report.scorecards)
    out = table.render(report, width=160)
    rows = [line for line in out.split("╭")[0].splitlines() if line.startswith("│ ")]
    md = markdown.render(report)
    for card in report.scorecards:
        said = f"{card.outcome.tariff_rate:g}% ({statuses[card.code]})"
        assert any(row.startswith(f"│ {card.code}") and said in row for row in rows), rows
        assert any(line.startswith(f"| {card.code}") and said in line
                   for line in md.splitlines()), md


def test_every_format_says_when_a_quoted_figure_has_no_source(report):
    """A bare value (`eapa_case_count: 14`, no source, not marked illustrative) was quoted in
    the findings like a sourced figure (here in the transshipment-risk chain): nothing told a
    reader it is neither a fact with a source nor an invented one. The same figure with its
    provenance (the fixture VNM) is not flagged."""
    from engine.report import table

    xxa = next(c for c in report.scorecards if c.code == "XXA")
    quoting = [f.rule for f in xxa.findings if "eapa_case_count" in f.observed or any(
        "eapa_case_count" in b.observed for b in f.because)]
    assert quoting == ["ts-risk"]
    note = "no source given: EAPA cases"
    page, md = html_report.render(report), markdown.render(report)
    start = page.index('id="XXA-ts-risk"')
    assert note in page[start:page.index('<div class="finding', start)]
    assert note in next(line for line in md[md.index("## XXA"):].splitlines()
                        if "| `ts-risk` (" in line)
    assert " ".join(table.render(report, width=160).split()).count(note) == 1
    assert page.count(note) == 1 and md.count(note) == 1      # not for VNM's sourced count


def test_a_rule_that_does_not_apply_shows_no_margin_in_any_format():
    """Australia is outside the solar rule's scope (the four countries of Commerce's 2023
    finding), yet its solar share 55% was measured against that rule's 50% limit: the JSON gave
    margin -0.05 and a check that fails, the markdown row '– n/a | ... | 55% | ≤ 50% | −5
    points', the HTML a red bar 'margin −5 points (past the limit)'. A limit that does not apply
    has no margin: nothing was compared, and a reader sees a breach that is not one."""
    compiled = api.load_policy()
    card = api.evaluate_partner(compiled, api.load_partner("AUS", compiled.catalog))
    report = Report(api.stamp(compiled), (card,))
    (solar,) = [f for f in card.findings if f.rule == "inputs-solar-share"]
    assert solar.status.value == "not_applicable"
    assert solar.observed == {"china_import_share_by_group.solar": 0.55}   # the figure it reads
    assert solar.margin is None and solar.checks == ()
    (data,) = [f for f in json.loads(json_.render(report))["partners"][0]["findings"]
               if f["rule"] == "inputs-solar-share"]
    assert data["margin"] is None and data["checks"] == []
    row = next(line for line in markdown.render(report).splitlines()
               if "`inputs-solar-share`" in line)
    assert "−" not in row and "55%" not in row
    page = html_report.render(report)
    block = page[page.index('id="AUS-inputs-solar-share"'):]
    block = block[:block.index("</div>")]
    assert "past the limit" not in block and "<svg" not in block


def test_a_threatened_or_struck_down_outcome_is_never_said_to_be_effective():
    """Canada's outcome read '100% tariff · no stated legal authority · threatened · effective
    2026-01-24': a threat that never took effect, called effective (its own note says 'never
    shown here as in force'); India's '15% ... struck down · effective 2026-02-20' dated the
    rate's start to the day it fell. The date is when the status began: 'threatened since'."""
    from engine.report import table

    compiled = api.load_policy()
    loaded = api.load_partners(["CAN", "IND", "AUS"], compiled.catalog)
    report = api.evaluate(compiled, loaded, dt.date(2026, 11, 23))
    said = {"CAN": "threatened since 2026-01-24", "IND": "struck down since 2026-02-20",
            "AUS": "in force since 2026-02-20"}
    page = re.sub(r"<[^>]+>", "", html_report.render(report))
    for out in (" ".join(table.render(report, width=200).split()), markdown.render(report),
                page):
        assert all(words in out for words in said.values())
        assert "effective 2026-" not in out


def test_a_derived_fact_that_could_not_be_decided_reads_undecided_in_the_chain():
    """Thailand's chain read '← transshipment_risk = high unknown by transshipment-risk-high':
    'unknown by' says nothing a reader can parse; the finding's own words say 'undecided'."""
    from engine.report import table

    compiled = api.load_policy()
    report = api.evaluate(compiled, api.load_partners(["THA"], compiled.catalog))
    page = re.sub(r"<[^>]+>", "", html_report.render(report))
    for out in (" ".join(table.render(report, width=200).split()), markdown.render(report),
                page):
        out = out.replace("\\_", "_")
        assert "transshipment_risk = high undecided by transshipment-risk-high" in out
        assert " unknown by " not in out



def test_every_format_says_the_last_day_of_an_outcome_that_ends():
    """On 2025-09-01 India's and Malaysia's tiers carried IEEPA rates of the shipped outcome
    history that end on 2026-02-19 (the struck-down entry follows the next day), yet every
    format said only '15% tariff · IEEPA · in force since 2025-08-07': a reader was shown a
    rate with no hint that it stops. An outcome with no end date says nothing more."""
    compiled = api.load_policy()
    loaded = api.load_partners(["IND", "MYS", "CAN"], compiled.catalog)
    for out in _human_formats(api.evaluate(compiled, loaded, dt.date(2025, 9, 1))):
        assert "IEEPA · in force since 2025-08-07, until 2026-02-19" in out      # IND, 15%
        assert "IEEPA · in force since 2025-07-31, until 2026-02-19" in out      # MYS, 40%
    for out in _human_formats(api.evaluate(compiled, loaded, dt.date(2026, 3, 1))):
        assert "IEEPA · struck down since 2026-02-20" in out
        assert "threatened since 2026-01-24" in out                              # CAN
        assert not re.search(r"since 20\d\d-\d\d-\d\d,? until", out)


def test_an_outcome_with_an_end_and_no_start_reads_in_force_until(ws):
    """The fixture's `bad` tier, its outcome dated only by the day it ends."""
    policy = ws.policy_data()
    policy["tiers"][1]["outcome"] = {"tariff_rate": 10, "legal_authority": "section_122",
                                     "status": "in_force", "expires": "2026-07-19"}
    compiled = ws.compile(policy)
    report = api.evaluate(compiled, [api.load_partner(ws.vnm_path, compiled.catalog)],
                          dt.date(2026, 3, 1))
    for out in _human_formats(report):
        assert "Section 122 · in force until 2026-07-19" in out


def _human_formats(report: Report) -> list[str]:
    """The table (an outcome on one line at 200 columns), the markdown and the HTML's words."""
    from engine.report import table

    page = re.sub(r"<[^>]+>", "", html_report.render(report))
    return [" ".join(table.render(report, width=200).split()), markdown.render(report), page]
