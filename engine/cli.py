"""CLI: thin typer commands that wire the pipeline to files and the terminal.

One error boundary: bad input prints `path:line:col: message` on stderr and exits 2, never a
traceback. Heavy modules are imported inside the commands so `--help` stays fast. Output files
are written atomically: a run that fails leaves no partial file.
"""

from __future__ import annotations

import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from engine.errors import (
    EXIT_BAD_INPUT,
    EXIT_BELOW_THRESHOLD,
    EngineError,
    InputError,
    render_problems,
)

EXIT_INTERNAL = 3

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_enable=False,
                  help="Score trade partners against a declarative policy and explain every "
                       "verdict. The shipped policy and partners are used unless you name others.")


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


class SchemaKind(StrEnum):
    policy = "policy"
    partner = "partner"
    catalog = "catalog"


PolicyOption = Annotated[Path | None, typer.Option(
    "--policy", "-p", help="Policy YAML file (default: the shipped us-china-alignment policy).")]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version
        typer.echo(f"tradepolicy {version('tradepolicy')}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")]
          = False) -> None:
    """tradepolicy: policy-compliance rules engine for trade partners."""


@app.command()
def evaluate(
    partners: Annotated[list[str] | None, typer.Argument(
        help="ISO3 code, country name or profile path; several allowed.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every shipped partner.")] = False,
    policy: PolicyOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write here (atomically) instead of standard output.")] = None,
    fail_under: Annotated[float | None, typer.Option(
        "--fail-under", help="Exit 1 if any partner scores below this (0-100).")] = None,
    no_remedies: Annotated[bool, typer.Option(
        "--no-remedies", help="Leave out the cheapest changes that reach the next tier.")]
        = False,
) -> None:
    """Score partners: score, tier, tariff outcome, every finding with its numbers, and the
    cheapest changes of figures that reach the next tier."""
    from engine import api, locate, remedies
    from engine.report import renderer

    names = _partner_args(partners, all_, locate)
    compiled = api.load_policy(policy)
    loaded = api.load_partners(names, compiled.catalog)
    report = api.evaluate(compiled, loaded)
    if not no_remedies:
        report = remedies.with_remedies(compiled, report, loaded)
    render = renderer(fmt.value)
    if fmt == Format.table:
        text = render(report, color=output is None and _colour_ok())
    else:
        text = render(report)
    _emit(text, output)
    if fail_under is not None and api.below(report, fail_under):
        raise typer.Exit(EXIT_BELOW_THRESHOLD)


def _partner_args(partners: list[str] | None, all_: bool, locate) -> list[str]:
    if all_ and partners:
        raise typer.BadParameter("name partners or use --all, not both")
    if all_:
        return [str(p) for p in locate.shipped_partners()]
    if not partners:
        raise typer.BadParameter("name at least one partner (e.g. VNM) or use --all")
    return partners


@app.command()
def validate(paths: Annotated[list[Path], typer.Argument(
        help="Policy, profile or catalog files; every problem in each is reported.")]) -> None:
    """Check files without evaluating: every error as path:line:col: message."""
    from engine import checks

    problems = checks.validate_paths(paths)
    if problems:
        raise InputError(problems)
    typer.echo(f"{len(paths)} file(s) valid")


@app.command()
def rules(policy: PolicyOption = None) -> None:
    """List the policy's demands and rules in plain words."""
    from engine import api, describe

    typer.echo(describe.rules_text(api.load_policy(policy)), nl=False)


@app.command()
def explain(rule_id: Annotated[str, typer.Argument(help="A rule or derive id.")],
            policy: PolicyOption = None) -> None:
    """Explain one rule: what it requires, why, its limit and its sources."""
    from engine import api, describe

    typer.echo(describe.rule_text(api.load_policy(policy), rule_id), nl=False)


@app.command()
def schema(kind: Annotated[SchemaKind, typer.Argument(help="Which file kind.")]) -> None:
    """Print the JSON Schema of a file kind, for editors that validate YAML as you type."""
    from engine import describe

    typer.echo(describe.json_schema(kind.value))


def _colour_ok() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    target = output.resolve()
    if target.is_dir():
        raise InputError.at(output, "is a directory; --output needs a file path")
    if not target.parent.is_dir():
        raise InputError.at(output, f"folder {target.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main() -> None:
    """Entry point: run the app inside the one error boundary."""
    if not ((3, 11) <= sys.version_info[:2] < (3, 13)):
        sys.stderr.write("tradepolicy needs Python 3.11 or 3.12 (durable-rules does not build "
                         f"on {sys.version.split()[0]})\n")
        sys.exit(EXIT_BAD_INPUT)
    try:
        code = app(standalone_mode=False)   # click returns an Exit's code in this mode
    except InputError as exc:
        sys.stderr.write(render_problems(exc.problems) + "\n")
        sys.exit(EXIT_BAD_INPUT)
    except EngineError as exc:
        sys.stderr.write(f"internal error: {exc}\n")
        sys.exit(EXIT_INTERNAL)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("aborted\n")
        sys.exit(EXIT_BAD_INPUT)
    except typer.TyperException as exc:      # usage errors: typer vendors click's exceptions
        exc.show() if hasattr(exc, "show") else sys.stderr.write(f"{exc}\n")
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:    # a bug: say so plainly, never a traceback, never exit 1
        sys.stderr.write(f"internal error ({type(exc).__name__}): {exc}\n"
                         "this is a bug in tradepolicy, not in your input; please report it\n")
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else 0)

