"""CLI: thin typer commands that wire the pipeline to files and the terminal.

One error boundary: bad input prints `path:line:col: message` on stderr and exits 2, never a
traceback. Heavy modules are imported inside the commands so `--help` stays fast. Output files
are written by engine.output: atomically, and a run that fails leaves no partial file.
"""

from __future__ import annotations

import gc
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperCommand

from engine.errors import (
    EXIT_BAD_INPUT,
    EXIT_BELOW_THRESHOLD,
    EngineError,
    InputError,
    plain_message,
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
    html = "html"


class SchemaKind(StrEnum):
    policy = "policy"
    partner = "partner"
    catalog = "catalog"
    report = "report"


# readable=False on the files the loader reads and --output: click's own check (on by default)
# stopped the command at the first file it could not read, in its own words, before validate
# could report every file's problems, and refused an --output file that may be replaced but
# not read. The loader and the writer say what is wrong with each file.
PolicyOption = Annotated[Path | None, typer.Option(
    "--policy", "-p", metavar="FILE", readable=False,
    help="Policy YAML file (default: the shipped us-china-alignment policy).")]
SetOption = Annotated[list[str] | None, typer.Option(
    "--set", metavar="TARGET.FIELD=VALUE",
    help="Change the policy for this run: RULE.limit=0.25, RULE.limit[indicator]=3, "
         "RULE.weight=2, RULE.disabled=true, TIER.min_score=70, "
         "scoring.unknown_credit=0.5. Repeatable.")]
AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", metavar="YYYY-MM-DD",
    help="Evaluate the policy as it stood on this day (default today): rules, terms, "
         "exceptions and outcomes in force then.")]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
AllOption = Annotated[bool, typer.Option("--all", help="Every shipped partner.")]
PartnersArgument = Annotated[list[str] | None, typer.Argument(
    metavar="PARTNER", help="ISO3 code, country name or profile path; several allowed.")]
OutputOption = Annotated[Path | None, typer.Option(
    "--output", "-o", metavar="FILE", readable=False,
    help="Write here instead of standard output: a file is replaced atomically, keeping its "
         "permissions; a device or FIFO (/dev/stdout) is written directly.")]


class _Command(TyperCommand):
    """Help that shows an argument by its metavar (PARTNER...), not with the Python type that
    typer 0.2x adds after it (`PARTNER <list[str]>`), which tells a user nothing."""

    def format_options(self, ctx, formatter) -> None:
        args, opts = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name != "argument":
                opts.append(record)
            elif param.metavar:
                args.append((param.metavar + ("..." if param.nargs != 1 else ""), record[1]))
            else:
                args.append(record)
        for title, rows in (("Arguments", args), ("Options", opts)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


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


def _score_0_to_100(value: float | None) -> float | None:
    # one check for both: click's FloatRange lets NaN through (every comparison with NaN is
    # false), and a NaN threshold switches the gate off since no score is below it
    if value is not None and not 0 <= value <= 100:
        raise typer.BadParameter(f"expected a score from 0 to 100, got {value:g}")
    return value


@app.command(cls=_Command)
def evaluate(
    partners: PartnersArgument = None,
    all_: AllOption = False,
    policy: PolicyOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    fail_under: Annotated[float | None, typer.Option(
        "--fail-under", callback=_score_0_to_100, metavar="SCORE",
        help="Exit 1 if any partner scores below this (0-100).")] = None,
    settings: SetOption = None,
    as_of: AsOfOption = None,
    no_remedies: Annotated[bool, typer.Option(
        "--no-remedies", help="Leave out the cheapest changes that reach the next tier.")]
        = False,
) -> None:
    """Score partners: score, tier, tariff outcome, every finding with its numbers, and the
    cheapest changes of figures that reach the next tier."""
    from engine import api, locate, remedies
    from engine.report import renderer
    _imported()

    names = _partner_args(partners, all_, locate)
    day = _day(as_of)
    compiled = api.load_policy(policy, settings or ())
    loaded = api.load_partners(names, compiled.catalog)
    report = api.evaluate(compiled, loaded, day)
    if not no_remedies:
        report = remedies.with_remedies(compiled, report, loaded, day)
    render = renderer(fmt.value)
    if fmt == Format.table:
        text = render(report, color=output is None and _colour_ok())
    else:
        text = render(report)
    _emit(text, output)
    if fail_under is not None and api.below(report, fail_under):
        raise typer.Exit(EXIT_BELOW_THRESHOLD)


@app.command(cls=_Command)
def compare(
    partners: PartnersArgument = None,
    all_: AllOption = False,
    policy: PolicyOption = None,
    against: Annotated[Path | None, typer.Option(
        "--against", "-a", metavar="FILE", readable=False,
        help="The baseline policy (default: what --policy extends, or the policy itself when "
             "--set changes it).")] = None,
    settings: SetOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Who changes tier, score or tariff between two policies, and which rules made it."""
    from engine import api, locate
    from engine.compare import compare as run
    from engine.report.variants import render_comparison
    _imported()

    names = _partner_args(partners, all_, locate)
    variant = api.load_policy(policy, settings or ())
    baseline = api.load_policy(_baseline(variant, against, settings))
    found = run(variant, baseline, api.load_partners(names, variant.catalog), _day(as_of))
    _emit(render_comparison(found, fmt.value, color=output is None and _colour_ok()), output)


def _baseline(variant, against: Path | None, settings: list[str] | None) -> Path:
    if against is not None:
        return against
    chain = variant.source.chain if variant.source else ()
    if len(chain) > 1:
        return Path(chain[1])
    if settings:
        return Path(variant.path)
    raise typer.BadParameter("name the baseline with --against (the policy extends nothing "
                             "and no --set changes it)")


@app.command(cls=_Command)
def sweep(
    param: Annotated[str, typer.Option(
        "--param", metavar="TARGET.FIELD=VALUES",
        help="TARGET.FIELD=START:STOP:STEP (ends included) or =V1,V2,...; e.g. "
             "transshipment-rerouting-ceiling.limit=0:0.3:0.05")],
    partners: PartnersArgument = None,
    all_: AllOption = False,
    policy: PolicyOption = None,
    settings: SetOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Each partner's tier at every value of one parameter, and where it flips."""
    from engine import api, locate
    from engine.report.variants import render_sweep
    from engine.sweep import parse_range
    from engine.sweep import sweep as run
    _imported()

    names = _partner_args(partners, all_, locate)
    target, values = parse_range(param)
    compiled = api.load_policy(policy, settings or ())
    api.with_settings(compiled, (f"{target}={values[0]!r}",), "--param")   # a bad target: once
    found = run(compiled, api.load_partners(names, compiled.catalog), target, values,
                _day(as_of))
    _emit(render_sweep(found, fmt.value, color=output is None and _colour_ok()), output)


def _day(as_of: str | None):
    import datetime as dt
    import re

    if as_of is None:
        return dt.date.today()
    # fromisoformat also takes 20250901 and 2025-W36-1; the help promises YYYY-MM-DD only
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", as_of):
        raise InputError.at(f"--as-of {as_of}", "expected a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(as_of)
    except ValueError as exc:           # written as a date, but no such day: say which part
        raise InputError.at(f"--as-of {as_of}", f"no such date ({exc})") from None


def _partner_args(partners: list[str] | None, all_: bool, locate) -> list[str]:
    if all_ and partners:
        raise typer.BadParameter("name partners or use --all, not both")
    if all_:
        return [str(p) for p in locate.shipped_partners()]
    if not partners:
        raise typer.BadParameter("name at least one partner (e.g. VNM) or use --all")
    return partners   # api.load_partners loads each profile once


@app.command(cls=_Command)
def validate(paths: Annotated[list[Path], typer.Argument(
        metavar="PATH", readable=False,
        help="Policy, profile or catalog files; every problem in each is reported.")]) -> None:
    """Check files without evaluating: every error as path:line:col: message."""
    from engine import checks
    _imported()

    problems = checks.validate_paths(paths)
    if problems:
        raise InputError(problems)
    typer.echo(f"{len(paths)} file(s) valid")


@app.command(cls=_Command)
def rules(policy: PolicyOption = None) -> None:
    """List the policy's demands and rules in plain words."""
    from engine import api, describe
    _imported()

    typer.echo(describe.rules_text(api.load_policy(policy)), nl=False)


@app.command(cls=_Command)
def explain(rule_id: Annotated[str, typer.Argument(metavar="RULE_ID", help="A rule or derive id.")],
            policy: PolicyOption = None) -> None:
    """Explain one rule: what it requires, why, its limit and its sources."""
    from engine import api, describe
    _imported()

    typer.echo(describe.rule_text(api.load_policy(policy), rule_id), nl=False)


@app.command(cls=_Command)
def schema(kind: Annotated[SchemaKind, typer.Argument(
        metavar="policy|partner|catalog|report", help="Which file kind.")]) -> None:
    """Print the JSON Schema of a file kind, for editors that validate YAML as you type, or of
    `evaluate --format json` output (report)."""
    if kind == SchemaKind.report:
        from engine.report import json_
        _imported()

        typer.echo(json_.schema_text(), nl=False)
        return
    from engine import describe
    _imported()

    typer.echo(describe.json_schema(kind.value))


@app.command(cls=_Command)
def docs(
    output: Annotated[Path, typer.Option(
        "--output", "-o", metavar="DIR",
        help="Folder to write index.html into (created if missing).")],
    policy: PolicyOption = None,
    features: Annotated[Path | None, typer.Option(
        "--features", metavar="DIR",
        help="Folder of .feature files (default: features/ beside the policy's folder).")]
        = None,
    results: Annotated[Path | None, typer.Option(
        "--results", metavar="FILE",
        help="Cucumber JSON of a test run (pytest --cucumberjson=FILE): marks each scenario "
             "passed or failed.")] = None,
) -> None:
    """Living documentation: the policy's demands, rules, tiers and sources, with the scenarios
    that specify each rule, as one HTML page (DIR/index.html)."""
    from engine import api
    from engine import docs as living
    _imported()

    compiled = api.load_policy(policy)
    chain = compiled.source.chain if compiled.source else ()
    base = api.load_policy(Path(chain[1])) if len(chain) > 1 else None
    page = living.build(compiled, features, results, base)
    _emit(page, _folder(output) / "index.html")


def _folder(path: Path) -> Path:
    # os.path: Path.exists and Path.mkdir raise for a name longer than a file's
    if os.path.exists(path) and not os.path.isdir(path):
        raise InputError.at(path, "is a file; --output needs a folder for docs")
    if not path.parent.is_dir():
        raise InputError.at(path, f"folder {path.parent} does not exist")
    try:
        path.mkdir(exist_ok=True)
    except OSError as exc:
        raise InputError.at(path, f"cannot create the folder ({exc.strerror or exc})") from None
    return path


def _colour_ok() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _emit(text: str, output: Path | None) -> None:
    from engine.output import printable, write_output

    if output is None:
        sys.stdout.write(printable(text))
        return
    write_output(text, output)


def _in_plain_words(exc: Exception) -> None:
    """typer checks option values with pydantic and shows its wording ('Value error, ...',
    'Input should be a valid number'): say it as a file's problems are said."""
    errors = getattr(exc.__cause__, "errors", None)
    if not callable(errors) or not hasattr(exc, "message"):
        return
    found = errors(include_url=False)
    if found:
        first = found[0]
        exc.message = plain_message(first["type"], first.get("ctx") or {}, first.get("input"),
                                    first["msg"])


def _imported() -> None:
    """Each command calls this once it has imported the engine. The cyclic garbage collector
    is off until then (see main), and the objects that exist by now (modules, classes, the
    libraries' tables: most of what the process will ever hold) are set aside for good
    (gc.freeze), so that no later collection scans them again, the full one Python runs at
    exit included. They are never unfrozen: they live as long as the process."""
    gc.freeze()
    gc.enable()


def main() -> None:
    """Entry point: run the app inside the one error boundary."""
    if not ((3, 11) <= sys.version_info[:2] < (3, 13)):
        sys.stderr.write("tradepolicy needs Python 3.11 or 3.12 (durable-rules does not build "
                         f"on {sys.version.split()[0]})\n")
        sys.exit(EXIT_BAD_INPUT)
    gc.freeze()         # what is imported so far (typer) is never garbage: see _imported
    gc.disable()        # while the command imports what it needs
    try:
        _run()
    finally:            # on again if the command stopped before _imported (a usage error)
        gc.enable()


def _run() -> None:
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
        _in_plain_words(exc)
        exc.show() if hasattr(exc, "show") else sys.stderr.write(f"{exc}\n")
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:    # a bug: say so plainly, never a traceback, never exit 1
        sys.stderr.write(f"internal error ({type(exc).__name__}): {exc}\n"
                         "this is a bug in tradepolicy, not in your input; please report it\n")
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":      # `python -m engine.cli` ran nothing and printed nothing
    main()
