"""HTML kit: the page shell, style sheet and SVG drawings every HTML view shares.

Pure markup helpers with no knowledge of policies or verdicts, so the evaluate report
(engine/report/html.py), the living documentation (engine/docs.py) and later views (compare,
sweep) build on the same page and the same look. Everything a caller passes as `str` is
escaped; only `Html` (markup built here) passes through unescaped, so a partner name or a
message can never become markup.

Pages are self-contained: inline CSS and SVG, no script, and a Content-Security-Policy that
forbids loading anything, so a page works offline and makes no network request.
"""

from __future__ import annotations

import html
from collections.abc import Iterable


class Html(str):
    """Markup that is already safe; every other str is escaped when placed in an element."""

    __slots__ = ()


def esc(value: object) -> Html:
    return value if isinstance(value, Html) else Html(html.escape(str(value), quote=True))


def join(children: object) -> Html:
    """Children to markup: strings escaped, Html kept, None and False skipped, lists flattened."""
    if children is None or children is False:
        return Html("")
    if isinstance(children, str | int | float):
        return esc(children)
    return Html("".join(join(child) for child in children))


def el(tag: str, *children: object, **attrs: object) -> Html:
    """<tag attrs>children</tag>. Attribute names: `class_` -> class, `aria_label` ->
    aria-label; True writes a bare attribute, None and False leave it out."""
    return Html(f"<{tag}{_attrs(attrs)}>{join(children)}</{tag}>")


def void(tag: str, **attrs: object) -> Html:
    """An element with no content (<meta>, <line>, <rect>)."""
    return Html(f"<{tag}{_attrs(attrs)}>" if tag in ("meta", "br", "hr") else
                f"<{tag}{_attrs(attrs)}/>")


def _attrs(attrs: dict[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(f" {name}" if value is True else f' {name}="{esc(value)}"')
    return "".join(parts)


def anchor(*parts: str) -> str:
    """An id usable in a URL fragment, from ids that are already kebab-case or ISO codes."""
    return "-".join("".join(c if c.isalnum() or c in "-_." else "_" for c in p) for p in parts)


# --- the page --------------------------------------------------------------------------------

# No script, nothing loaded: styles and SVG are inline, images only as data: URIs.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


# Patterns every drawing on the page may use: a page holds them once, in a hidden SVG.
SVG_DEFS = ('<svg width="0" height="0" aria-hidden="true" focusable="false" '
            'style="position:absolute"><defs>'
            '<pattern id="hatch" patternUnits="userSpaceOnUse" width="1.6" height="12">'
            '<rect width="0.8" height="12" fill="#ffffff" fill-opacity="0.55"/></pattern>'
            '</defs></svg>')


def page(title: str, body: Html, *, lang: str = "en") -> str:
    """A whole document: the shared style sheet, the title, the body."""
    head = join([void("meta", charset="utf-8"),
                 void("meta", name="viewport", content="width=device-width, initial-scale=1"),
                 void("meta", http_equiv="Content-Security-Policy", content=CSP),
                 void("meta", name="color-scheme", content="light"),
                 el("title", title), el("style", Html(CSS))])
    return f"<!DOCTYPE html>\n<html lang=\"{esc(lang)}\">\n<head>{head}</head>\n" \
           f"<body>{SVG_DEFS}{body}</body>\n</html>\n"


def badge(symbol: str, label: str, css: str) -> Html:
    """A verdict or status: a symbol AND a word, so colour is never the only signal."""
    return el("span", el("span", symbol, aria_hidden="true"), " ", label, class_=f"badge {css}")


def table(caption: str | Html | None, headers: list[str], rows: Iterable[list[object]], *,
          numeric: Iterable[int] = (), css: str = "", row_headers: bool = True) -> Html:
    """A data table in a scrolling wrapper (narrow windows scroll the table, not the page);
    the first cell of a row is its header unless `row_headers` is False."""
    right = set(numeric)
    head = el("tr", [el("th", h, scope="col", class_="num" if i in right else None)
                     for i, h in enumerate(headers)])
    body = [el("tr", [(el("th", c, scope="row") if i == 0 and row_headers else
                       el("td", c, class_="num" if i in right else None))
                      for i, c in enumerate(row)]) for row in rows]
    return el("div", el("table", el("caption", caption) if caption else None,
                        el("thead", head), el("tbody", body), class_=css or None),
              class_="table-wrap")


# --- SVG drawings ----------------------------------------------------------------------------
# Bars stretch with the window (preserveAspectRatio none); all words stay in HTML beside them,
# so text never shrinks with the drawing, and strokes keep their width (non-scaling-stroke).

def _svg(label: str, *shapes: Html, height: int = 12) -> Html:
    return el("svg", el("title", label), *shapes, class_="bar", role="img", aria_label=label,
              viewBox=f"0 0 100 {height}", preserveAspectRatio="none", focusable="false")


def _rect(x: float, width: float, css: str, height: int = 12) -> Html:
    return void("rect", x=f"{x:.2f}", y="0", width=f"{max(width, 0):.2f}", height=str(height),
                class_=css)


def _line(x: float, css: str, height: int = 12) -> Html:
    return void("line", x1=f"{x:.2f}", x2=f"{x:.2f}", y1="0", y2=str(height), class_=css,
                vector_effect="non-scaling-stroke")


def meter(value: float | None, label: str, css: str = "") -> Html:
    """A 0..100 bar (a score or subscore); None draws an empty hatched track (no data)."""
    if value is None:
        return _svg(label, _rect(0, 100, "track none"))
    return _svg(label, _rect(0, 100, "track"), _rect(0, max(0.0, min(value, 100.0)),
                                                     f"fill {css}".strip()),
                *(_line(x, "grid") for x in (25, 50, 75)))


def limit_bar(observed: float, limit: float, *, holds: bool | None, label: str) -> Html:
    """Observed value as a bar against its limit as a line; the part past the limit hatched.

    The scale starts at zero (or the lowest negative value) and leaves room past the larger
    of the two numbers, so the limit line never sits on the edge."""
    low = min(0.0, observed, limit)
    high = max(0.0, observed, limit)
    span = (high - low) or 1.0
    high += span * 0.15
    low -= span * 0.15 if low < 0 else 0.0

    def x(v: float) -> float:
        return (v - low) / (high - low) * 100

    zero, at, seen = x(0.0), x(limit), x(observed)
    state = {True: "ok", False: "bad", None: "none"}[holds]
    shapes = [_rect(0, 100, "track"), _rect(min(zero, seen), abs(seen - zero), f"fill {state}")]
    if holds is False:      # hatch the stretch past the limit (url(#hatch): see SVG_DEFS)
        shapes.append(_rect(min(at, seen), abs(seen - at), "over"))
    shapes += [_line(zero, "zero") if low < 0 else Html(""), _line(at, "limit")]
    return _svg(label, *shapes)


# --- the style sheet -------------------------------------------------------------------------
# Colours pass WCAG AA on white (4.5:1 for text); every status also has a symbol and a word,
# and the bad states a hatch pattern, so nothing depends on telling colours apart.

CSS = """
:root { --ink:#1b1f24; --muted:#4f5864; --line:#c9d1da; --bg:#ffffff; --panel:#f5f7f9;
  --bad:#b3261e; --bad-bg:#fde7e5; --ok:#1e6b33; --ok-bg:#e3f3e6; --unk:#7a4f00;
  --unk-bg:#fff2cc; --na:#4f5864; --na-bg:#eceff2; --exc:#3b3f9e; --exc-bg:#e6e7fb;
  --accent:#1f4e8c; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--bg); }
main, header.page, footer.page { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header.page { padding-top: 1.5rem; border-bottom: 2px solid var(--ink); }
header.page p { margin: .25rem 0 .75rem; color: var(--muted); }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .75rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1rem 0 .25rem; }
a { color: var(--accent); }
a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
code { font: .9em ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
.small { font-size: .875rem; }
nav.toc ul { display: flex; flex-wrap: wrap; gap: .25rem .75rem; list-style: none; padding: 0;
  margin: .5rem 0; }
.table-wrap { overflow-x: auto; margin: .5rem 0 1rem; position: relative; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left;
  vertical-align: top; }
thead th { background: var(--panel); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; padding: .05rem .45rem; border-radius: .25rem;
  border: 1px solid currentColor; font-size: .85rem; font-weight: 600; white-space: nowrap; }
.violated { color: var(--bad); background: var(--bad-bg); }
.satisfied { color: var(--ok); background: var(--ok-bg); }
.unknown { color: var(--unk); background: var(--unk-bg); }
.not_applicable { color: var(--na); background: var(--na-bg); }
.excepted { color: var(--exc); background: var(--exc-bg); }
.passed { color: var(--ok); background: var(--ok-bg); }
.failed { color: var(--bad); background: var(--bad-bg); }
.not-run { color: var(--na); background: var(--na-bg); }
.block { display: block; }
table.heat td { padding: 0; }
table.heat .cell { display: block; padding: .35rem .5rem; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
table.heat .cell.violated { background-image: repeating-linear-gradient(135deg,
  transparent 0 6px, rgba(179,38,30,.16) 6px 9px); }
table.heat .cell.unknown { background-image: repeating-linear-gradient(90deg,
  transparent 0 7px, rgba(122,79,0,.14) 7px 9px); }
.card { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem;
  margin: 0 0 1rem; background: var(--bg); }
.glance { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
  gap: .75rem; margin: .75rem 0 1rem; }
.glance > div { background: var(--panel); border-radius: .5rem; padding: .6rem .8rem; }
.glance .big { font-size: 2rem; font-weight: 700; line-height: 1.1; }
.glance .big.words { font-size: 1.35rem; line-height: 1.25; margin: .2rem 0; }
.glance .label { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); }
svg.bar { display: block; width: 100%; height: .9rem; overflow: visible; }
svg .track { fill: #eef1f4; stroke: none; }
svg .track.none { fill: #f7f7f7; stroke: #6b7480; stroke-dasharray: 3 2;
  vector-effect: non-scaling-stroke; }
svg .fill { fill: var(--accent); }
svg .fill.ok { fill: var(--ok); }
svg .fill.bad { fill: var(--bad); }
svg .fill.none { fill: #9aa3ad; }
svg .over { fill: url(#hatch); }
svg .grid { stroke: #ffffff; stroke-width: 1; }
svg .limit { stroke: var(--ink); stroke-width: 3; }
svg .zero { stroke: var(--muted); stroke-width: 1; stroke-dasharray: 2 2; }
.chart { margin: .5rem 0 1rem; }
.chart ol { list-style: none; padding: 0; margin: 0; }
.chart li { display: grid; grid-template-columns: minmax(8rem, 16rem) 1fr 6.5rem;
  gap: .25rem .75rem; align-items: center; padding: .2rem 0; }
.chart .value { text-align: right; font-variant-numeric: tabular-nums; }
.finding { border-left: .35rem solid var(--line); padding: .5rem .75rem; margin: 0 0 .75rem;
  background: var(--panel); border-radius: 0 .4rem .4rem 0; break-inside: avoid; }
.finding.violated { border-left-color: var(--bad); background: var(--panel); color: var(--ink); }
.finding.satisfied { border-left-color: var(--ok); background: var(--panel); color: var(--ink); }
.finding.unknown { border-left-color: #b07a00; background: var(--panel); color: var(--ink);
  border-left-style: dashed; }
.finding.not_applicable { border-left-color: var(--na); background: var(--panel);
  color: var(--ink); border-left-style: dotted; }
.finding.excepted { border-left-color: var(--exc); background: var(--panel); color: var(--ink); }
.finding h4 { display: flex; flex-wrap: wrap; gap: .25rem .6rem; align-items: baseline;
  margin: 0 0 .25rem; }
.finding p { margin: .25rem 0; }
.check { display: grid; grid-template-columns: 1fr; gap: .15rem; margin: .4rem 0;
  max-width: 48rem; }
.check .legend { font-size: .85rem; color: var(--muted); }
.because { margin: .25rem 0; padding-left: 1.1rem; font-size: .9rem; }
.because ul { padding-left: 1.1rem; }
dl.meta { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .1rem .75rem;
  margin: .25rem 0; font-size: .9rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
dl.meta dd ul { margin: 0; padding-left: 1.1rem; }
.illustrative { font-style: italic; }
.tag-illustrative { font-size: .75rem; font-weight: 600; padding: 0 .35rem;
  border: 1px dashed var(--unk); color: var(--unk); border-radius: .2rem; }
details > summary { cursor: pointer; font-weight: 600; margin: .25rem 0; }
.legend-list { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; padding: 0; }
.scenario { margin: .5rem 0; padding: .5rem .75rem; background: var(--panel);
  border-radius: .4rem; break-inside: avoid; }
.scenario ol { margin: .25rem 0; padding-left: 1.25rem; font-size: .9rem; }
.scenario .kw { font-weight: 600; }
table.compact { width: auto; min-width: 8rem; font-size: .875rem; background: var(--bg); }
.card > h3:first-child { margin-top: 0; }
footer.page { margin-top: 2rem; padding-top: .75rem; padding-bottom: 2rem;
  border-top: 1px solid var(--line); color: var(--muted); font-size: .875rem;
  overflow-wrap: anywhere; }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  h1 { font-size: 1.3rem; }
  .chart li { grid-template-columns: 1fr 5.5rem; }
  .chart li svg.bar { grid-column: 1 / -1; grid-row: 2; }
  .glance .big { font-size: 1.6rem; }
}
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 10.5pt; }
  nav.toc, .no-print { display: none; }
  main, header.page, footer.page { max-width: none; padding: 0; }
  article.partner { break-before: page; }
  article.partner:first-of-type { break-before: auto; }
  .table-wrap { overflow: visible; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .8em; }
  h2, h3, h4 { break-after: avoid; }
  tr, .card, .finding, .scenario { break-inside: avoid; }
}
"""
