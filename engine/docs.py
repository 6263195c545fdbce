"""Docs: a compiled policy + its Gherkin scenarios -> one HTML page that teaches the policy.

The living documentation of `tradepolicy docs`: every demand with its intent, every rule and
inference with what it requires (in words, from the compiled condition), its rationale, limit
basis, scope and sources (linked where the policy gives a URL), the tiers and their tariff
outcomes, and under each rule the scenarios that specify it, marked passed or failed when a
cucumber JSON of the last run is given. Rendered from the policy and the feature files, so it
cannot drift from either. Shares the page shell and style of the HTML report (engine/htmlkit).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from engine import scenarios as sc
from engine.compile import CompiledPolicy
from engine.describe import (
    authority_text,
    caps_text,
    change_text,
    partners_text,
    scope_text,
    status_text,
)
from engine.errors import InputError
from engine.explain import condition_text
from engine.htmlkit import Html, anchor, badge, el, page, table
from engine.models import Source

RESULT = {sc.PASSED: ("✓", "passed", "passed"), sc.FAILED: ("✗", "failed", "failed"),
          sc.SKIPPED: ("↷", "skipped", "not-run"), sc.NOT_RUN: ("–", "not run", "not-run")}


def build(compiled: CompiledPolicy, features: Path | None = None,
          results: Path | None = None, base: CompiledPolicy | None = None) -> str:
    """The page for a policy: scenarios from `features` (default: the `features/` folder of the
    policy's checkout, if there is one), pass or fail from a cucumber JSON `results` file.
    `base`: what an overlay extends, whose rules the scenarios were mostly written for."""
    if features is not None and not os.path.isdir(features):    # Path.is_dir raises if too long
        raise InputError.at(features, "is not a folder of .feature files")
    folder = features or (sc.features_dir_for(compiled.path) if compiled.path else None)
    return render(compiled, folder, sc.load_results(results) if results else None, base)


def render(compiled: CompiledPolicy, features: Path | None,
           results: dict[tuple[str, int], str] | None, base: CompiledPolicy | None = None) -> str:
    """The page; `features` None means none were found (the page says so)."""
    found = sc.load_scenarios(features) if features else []
    p = compiled.policy
    varied = _varied_rules(compiled, base)
    body = el("div", _header(compiled), el("main", _toc(compiled),
                                            _about(features, found, results, base),
                                            [_demand(compiled, d, found, results, varied)
                                             for d in p.demands],
                                            _inferences(compiled, found, results),
                                            _tiers(compiled), _variants(compiled),
                                            _sources(p.sources)),
              el("footer", el("p", f"Rendered by tradepolicy docs from {compiled.path} and the "
                                   "feature files; nothing here is written by hand."),
                 class_="page"))
    return page(f"{p.title} · policy {p.name} {p.version}", body)


def _header(compiled: CompiledPolicy) -> Html:
    p = compiled.policy
    return el("header", el("h1", p.title),
              el("p", "Policy ", el("code", p.name), f" version {p.version}, sha256 ",
                 el("code", compiled.hash[:12], title=compiled.hash)),
              el("p", p.description, class_="lead"), class_="page")


def _toc(compiled: CompiledPolicy) -> Html:
    links = [("Scenarios and results", "about"),
             *((d.title, anchor("demand", d.id)) for d in compiled.policy.demands),
             ("Inferences", "inferences"), ("Tiers and tariff outcomes", "tiers"),
             *((("Terms and exceptions", "variants"),) if compiled.policy.terms or
               compiled.policy.exceptions else ()),
             ("Sources", "sources")]
    return el("nav", el("h2", "Contents"), el("ol", [el("li", el("a", t, href=f"#{a}"))
                                                    for t, a in links]),
              class_="toc-list", aria_label="Contents")


def _varied_rules(compiled: CompiledPolicy, base: CompiledPolicy | None) -> set[str]:
    """The rules an overlay adds or changes (none without a base)."""
    if base is None:
        return set()
    return {rule_id for rule_id, r in compiled.rules.items()
            if rule_id not in base.rules or base.rules[rule_id].rule != r.rule}


def _about(features: Path | None, found: list[sc.Scenario],
           results: dict[tuple[str, int], str] | None, base: CompiledPolicy | None) -> Html:
    if features is None:
        where = el("p", el("strong", "No feature files were found"), " next to this policy (a ",
                   el("code", "features/"), " folder beside the policy's folder), so no rule "
                   "shows its scenarios. Pass ", el("code", "--features DIR"), " to name them.")
    else:
        where = el("p", f"{len(found)} scenarios in ", el("code", str(features)),
                   ". Each rule lists the scenarios whose steps or examples name it.",
                   *((" Each runs against the policy its first step names, most against ",
                      el("code", base.policy.name), ", which this overlay extends: under a "
                      "rule the overlay adds or changes, a scenario states that policy's rule, "
                      "not this page's.") if base is not None else ()))
    if results is None:
        outcome = el("p", "No test results given: pass ", el("code", "--results FILE"),
                     " (from ", el("code", "pytest --cucumberjson=FILE"),
                     ") to mark each scenario passed or failed.")
    else:
        counts = {key: 0 for key in RESULT}
        for scenario in found:
            counts[sc.result_of(scenario, results)] += 1
        outcome = el("ul", [el("li", badge(RESULT[k][0], f"{n} {RESULT[k][1]}", RESULT[k][2]))
                            for k, n in counts.items()], class_="legend-list",
                     aria_label="Scenario results")
    return el("section", el("h2", "Scenarios and results", id="about"), where, outcome)


def _demand(compiled: CompiledPolicy, demand, found, results, varied: set[str]) -> Html:
    rules = [r for r in compiled.rules.values() if r.rule.demand == demand.id]
    key = anchor("demand", demand.id)
    return el("section", el("h2", demand.title, " ", el("code", demand.id, class_="small"),
                            id=key),
              el("p", demand.intent), el("p", "Sources: ", _source_links(demand.sources),
                                         class_="small"),
              [_rule(compiled, r, found, results, r.rule.id in varied) for r in rules],
              aria_labelledby=key)


def _rule(compiled: CompiledPolicy, compiled_rule, found, results, varied: bool) -> Html:
    r = compiled_rule.rule
    facts = [("requires", condition_text(compiled_rule.require.tree, compiled.catalog)),
             ("weight · severity", f"{r.weight:g} · {r.severity.value}"),
             ("limit basis", _basis(r.limit_basis, compiled.policy.sources))]
    if r.applies_to:
        facts.append(("applies to", scope_text(r.applies_to, compiled.catalog)))
    if r.caps_tier:
        facts.append(("when violated", caps_text(r.caps_tier)))
    facts.append(("sources", _source_links(r.sources)))
    return _entry(r.id, r.title, r.rationale, facts, found, results, r.demand,
                  "This overlay adds or changes this rule: the scenarios below were written "
                  "for the policy they name, and may state its rule rather than this one."
                  if varied else None)


def _inferences(compiled: CompiledPolicy, found, results) -> Html:
    items = []
    for d in (c.derivation for c in compiled.derivations.values()):
        name, value = d.fact
        when = condition_text(compiled.derivations[d.id].when.tree, compiled.catalog)
        items.append(_entry(d.id, d.title, d.rationale,
                            [("concludes", f"{name} = {value}"), ("when", when),
                             ("sources", _source_links(d.sources))], found, results))
    if not items:
        return Html("")
    return el("section", el("h2", "Inferences", id="inferences"),
              el("p", "Facts concluded from several signals together, which rules then test. "
                      "A fact is concluded only on known data; when a figure it reads is "
                      "missing, the fact and every rule that reads it are unknown."), items)


def _entry(rule_id: str, title: str, rationale: str, facts: list[tuple[str, object]],
           found: list[sc.Scenario], results, demand: str | None = None,
           caveat: str | None = None) -> Html:
    # the scenarios of the rule's own feature (named after its demand) first
    specs = sorted((s for s in found if s.names(rule_id)),
                   key=lambda s: Path(s.path).stem != demand)
    return el("article",
              el("h3", el("code", rule_id), " ", title, id=anchor("rule", rule_id)),
              el("p", rationale),
              el("dl", [[el("dt", k), el("dd", v)] for k, v in facts], class_="meta"),
              el("h4", f"Specified by {len(specs)} scenario{'s' if len(specs) != 1 else ''}"),
              el("p", caveat, class_="small note") if caveat and specs else None,
              [_scenario(s, results) for s in specs] if specs else
              el("p", "No scenario names this rule.", class_="muted"),
              class_="card rule")


def _scenario(s: sc.Scenario, results) -> Html:
    status = sc.result_of(s, results)
    mark = badge(*RESULT[status]) if status else None
    steps = el("ol", [el("li", el("span", step.keyword, class_="kw"), " ", step.text)
                      for step in s.steps])
    examples = table(None, list(s.examples[0]), [list(r) for r in s.examples[1:]],
                     css="compact", row_headers=False) if s.examples else None
    return el("div", el("p", mark, " " if mark else None, el("strong", s.name)),
              el("p", f"{s.keyword} in “{s.feature}”, ", el("code", f"{_short(s.path)}:{s.line}"),
                 class_="small muted"), steps, examples, class_="scenario")


def _tiers(compiled: CompiledPolicy) -> Html:
    p = compiled.policy
    rows = [[el("code", t.id) if i == 0 else "", f"{t.min_score:g}" if i == 0 else "",
             t.title if i == 0 else "", f"{o.tariff_rate:g}%",
             authority_text(o), status_text(o), _date(o.effective), _date(o.expires),
             _date(o.review), o.note or ""]
            for t in sorted(p.tiers, key=lambda t: -t.min_score)
            for i, o in enumerate(t.outcome if isinstance(t.outcome, list) else [t.outcome])]
    s = p.scoring
    return el("section", el("h2", "Tiers and tariff outcomes", id="tiers"),
              el("p", "A partner's score (0–100, the weighted share of its judged rules that are "
                      "satisfied) puts it in the highest tier whose minimum it reaches. Unknown "
                      f"figures: {s.unknowns}; a verdict resting on less than "
                      f"{s.min_coverage:.0%} of the applicable weight is provisional."),
              el("p", "A tier may list its outcomes over time; the one in force on the "
                      "evaluation day applies."),
              table(None, ["tier", "min score", "title", "tariff", "legal authority", "status",
                           "effective", "expires", "review", "note"], rows, numeric=(1, 3)),
              _groups(p.groups))


def _variants(compiled: CompiledPolicy) -> Html:
    """Per-partner terms and exceptions, in words (nothing when the policy has none)."""
    p = compiled.policy
    if not p.terms and not p.exceptions:
        return Html("")
    terms = [el("li", el("strong", term.title), " (", el("code", term.id), ") for ",
                partners_text(term),
                f"; in force {_date(term.effective) or 'from the start'} to "
                f"{_date(term.expires) or 'no end'}. ",
                el("ul", [*(el("li", "changes ", el("code", rule), ": ",
                               change_text(compiled, rule, change))
                    for rule, change in term.change.rules.items()),
                    *(el("li", "its own outcome for tier ", el("code", tier))
                      for tier in term.change.tiers),
                    *(el("li", "adds ", el("code", rule.id), f": {rule.title}")
                      for rule in term.rules)]),
                "sources: ", _source_links(term.sources)) for term in p.terms]
    waivers = [el("li", el("code", w.id), f": {w.partner} excepted from ", el("code", w.rule),
                  f", granted {_date(w.granted)}, expires {_date(w.expires) or 'never'}. ",
                  w.justification) for w in p.exceptions]
    return el("section", el("h2", "Terms and exceptions", id="variants"),
              el("p", "Terms give one partner or a group its own limits, rules or outcomes; an "
                      "exception waives one rule for one partner while it is in force (its "
                      f"violations count as: {p.scoring.excepted})."),
              el("h3", "Terms") if terms else None, el("ul", terms) if terms else None,
              el("h3", "Exceptions") if waivers else None,
              el("ul", waivers) if waivers else None)


def _groups(groups: dict[str, list[str]]) -> Html:
    if not groups:
        return Html("")
    return el("div", el("h3", "Partner groups"),
              table(None, ["group", "partners"], [[el("code", g), ", ".join(codes)]
                                                  for g, codes in groups.items()]))


def _sources(sources: dict[str, Source]) -> Html:
    items = []
    for key, s in sources.items():
        title = el("a", s.title, href=s.url, rel="noreferrer") if s.url else s.title
        extra = ", ".join(b for b in (s.publisher, _date(s.date) or None) if b)
        items.append(el("li", el("code", key), " ", title, f" ({extra})" if extra else None,
                        [" · file ", el("code", s.file)] if s.file else None,
                        id=anchor("source", key)))
    return el("section", el("h2", "Sources", id="sources"), el("ol", items))


def _source_links(ids: Iterable[str]) -> Html:
    links = [el("a", el("code", i), href=f"#{anchor('source', i)}") for i in ids]
    return Html(", ".join(links))


def _basis(basis: str | None, sources: dict[str, Source]) -> Html | str:
    if basis is None:
        return "not stated"
    return _source_links([basis]) if basis in sources else basis


def _date(value) -> str:
    return value.isoformat() if value else ""


def _short(path: str) -> str:
    parts = Path(path).parts
    return str(Path(*parts[-2:])) if len(parts) >= 2 else path
