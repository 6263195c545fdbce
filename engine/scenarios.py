"""Scenarios: the Gherkin features that specify a policy, and how each fared in the last run.

Feature files are parsed with the official Cucumber parser (gherkin-official, the one pytest-bdd
uses), so what the documentation shows is what the tests run. A scenario specifies a rule when
one of its steps or example cells names the rule id. Results come from pytest-bdd's
`--cucumberjson` file: a scenario passed when every step of every run of it passed.

Bad input (a feature the parser refuses, a results file that is not cucumber JSON) is an
InputError naming file:line:col.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from engine.errors import InputError, Problem


@dataclass(frozen=True)
class Step:
    """One Given/When/Then line of a scenario."""

    keyword: str
    text: str


@dataclass(frozen=True)
class Scenario:
    """A scenario of a .feature file, as `rules` and `docs` list the ones that name a rule."""

    feature: str           # the feature's title
    path: str              # the .feature file
    line: int
    keyword: str           # Scenario, Scenario Outline, Example
    name: str
    steps: tuple[Step, ...]
    examples: tuple[tuple[str, ...], ...] = ()     # header row first, when an outline
    tags: tuple[str, ...] = ()

    def names(self, rule_id: str) -> bool:
        """True when a step or an example cell names the rule id as a whole word."""
        pattern = re.compile(rf"(?<![\w-]){re.escape(rule_id)}(?![\w-])")
        cells = (cell for row in self.examples for cell in row)
        return any(pattern.search(text) for text in (*(s.text for s in self.steps), *cells))


def features_dir_for(policy_path: str | Path) -> Path | None:
    """The `features/` folder of the checkout a policy sits in (policies/x.yaml or
    policies/examples/x.yaml -> features/), else the one in the working folder: an installed
    package keeps its policy apart from any checkout, and a reader runs `docs` from theirs."""
    folder = Path(policy_path).resolve().parent
    try:
        here = [Path.cwd() / "features"]
    except OSError:             # the working folder was deleted under us
        here = []
    for candidate in (folder.parent / "features", folder.parent.parent / "features", *here):
        if candidate.is_dir():
            return candidate
    return None


def load_scenarios(folder: Path) -> list[Scenario]:
    """Every scenario of every .feature file under `folder`; all parse errors reported."""
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    for path in sorted(folder.rglob("*.feature")):
        try:
            scenarios += parse_feature(path)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return scenarios


def parse_feature(path: Path) -> list[Scenario]:
    from gherkin.errors import CompositeParserException, ParserException
    from gherkin.parser import Parser
    from gherkin.token_scanner import TokenScanner

    try:
        document = Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.at(path, f"cannot read the feature file: {exc}") from None
    except CompositeParserException as exc:
        raise InputError([_problem(path, e) for e in exc.errors]) from None
    except ParserException as exc:
        raise InputError([_problem(path, exc)]) from None
    feature = document.get("feature")
    if not feature:
        return []
    return [_scenario(feature["name"], path, s) for s in _scenario_nodes(feature["children"])]


def _problem(path: Path, error) -> Problem:
    location = getattr(error, "location", None) or {}
    message = re.sub(r"^\(\d+:\d+\): ", "", str(error))
    return Problem(str(path), location.get("line"), location.get("column"), message)


def _scenario_nodes(children: list[dict]) -> list[dict]:
    """Scenarios at the top of a feature and inside its `Rule:` blocks."""
    found = []
    for child in children:
        if "scenario" in child:
            found.append(child["scenario"])
        elif "rule" in child:
            found += _scenario_nodes(child["rule"]["children"])
    return found


def _scenario(feature: str, path: Path, node: dict) -> Scenario:
    steps = tuple(Step(s["keyword"].strip(), s["text"]) for s in node["steps"])
    rows: list[tuple[str, ...]] = []
    for block in node.get("examples", []):
        if block.get("tableHeader"):
            rows.append(tuple(c["value"] for c in block["tableHeader"]["cells"]))
        rows += [tuple(c["value"] for c in row["cells"]) for row in block.get("tableBody", [])]
    return Scenario(feature, str(path), node["location"]["line"], node["keyword"], node["name"],
                    steps, tuple(rows), tuple(t["name"] for t in node.get("tags", [])))


# --- results of a run ------------------------------------------------------------------------

PASSED, FAILED, SKIPPED, NOT_RUN = "passed", "failed", "skipped", "not run"


def load_results(path: Path) -> dict[tuple[str, int], str]:
    """(feature file name, scenario line) -> passed | failed | skipped, from cucumber JSON."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError.at(path, f"cannot read the results file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError.at(path, "the results file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError.at(path, f"not JSON: {exc.msg}", exc.lineno, exc.colno) from None
    if not isinstance(data, list):
        raise _not_cucumber(path, "expected a list of features")
    results: dict[tuple[str, int], str] = {}
    for number, feature in enumerate(data, 1):
        if not isinstance(feature, dict) or not isinstance(feature.get("uri"), str):
            raise _not_cucumber(path, f"feature {number} has no 'uri'")
        name = Path(feature["uri"]).name
        for element in _objects(feature.get("elements", []), path, f"feature {number}'s elements"):
            steps = _objects(element.get("steps", []), path, f"the steps of {name}, scenario line "
                             f"{element.get('line')}")
            key = (name, element.get("line"))
            results[key] = _worse(results.get(key), _status(steps))
    return results


def _not_cucumber(path: Path, what: str) -> InputError:
    return InputError.at(path, f"not cucumber JSON: {what} (pytest --cucumberjson=FILE writes "
                         "it)", 1, 1)


def _objects(value: object, path: Path, what: str) -> list[dict]:
    """A list of JSON objects, as cucumber JSON nests features, scenarios and steps."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _not_cucumber(path, f"{what} are not a list of objects")
    return value


def _status(steps: list[dict]) -> str:
    statuses = {result.get("status") if isinstance(result := step.get("result"), dict) else None
                for step in steps}
    if statuses - {PASSED, SKIPPED}:
        return FAILED
    return SKIPPED if SKIPPED in statuses or not statuses else PASSED


def _worse(old: str | None, new: str) -> str:
    """Every run of an outline must pass for the scenario to pass."""
    order = (FAILED, SKIPPED, PASSED)
    return new if old is None else min(old, new, key=order.index)


def result_of(scenario: Scenario, results: dict[tuple[str, int], str] | None) -> str | None:
    """None when no results file was given; 'not run' when the run did not include it."""
    if results is None:
        return None
    return results.get((Path(scenario.path).name, scenario.line), NOT_RUN)
