"""Load: strict YAML -> plain data with positions; every problem an InputError at path:line:col.

Covers the loader's refusals (aliases, tags, merge keys, extra documents, deep nesting, odd
files) and the first model checks that catch YAML 1.1 surprises (NaN, dates; `1e-5` is a number).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import assert_input_error

from engine import checks, load, yamlparse
from engine.errors import InputError, in_reading_order
from engine.load import load_yaml
from engine.models import Profile, parse
from engine.yamlparse import MAX_DEPTH


def _load(tmp_path: Path, text: str | bytes, name: str = "doc.yaml"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path, load_yaml(path)


def _profile_problem(tmp_path, text: str, line: int, col: int, message: str) -> str:
    """Parsing `text` as a profile fails at line:col saying `message`; the whole message."""
    path, doc = _load(tmp_path, text)
    with pytest.raises(InputError) as caught:
        parse(Profile, doc)
    return assert_input_error(caught.value, path, line, col, message)


def _refused(tmp_path: Path, text: str | bytes, name: str = "doc.yaml") -> tuple[Path, str]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    return path, str(caught.value)


# --- duplicate keys -------------------------------------------------------------------------

def test_duplicate_key_is_recorded_with_line_and_column_and_loading_continues(tmp_path):
    _, doc = _load(tmp_path, "a: 1\nb: 2\na: 3\n")
    assert doc.data == {"a": 1, "b": 2}          # the first value is kept
    assert len(doc.problems) == 1
    problem = doc.problems[0]
    assert (problem.line, problem.col) == (3, 1)
    assert "duplicate key 'a' (first on line 1)" in problem.message


def test_duplicate_nested_key_points_at_the_second_occurrence(tmp_path):
    _, doc = _load(tmp_path, "partner:\n  code: VNM\n  name: A\n  code: MEX\n")
    assert [(p.line, p.col) for p in doc.problems] == [(4, 3)]


def test_parse_refuses_a_document_with_a_duplicate_key(tmp_path):
    _profile_problem(tmp_path, "partner: {code: VNM}\npartner: {code: MEX}\n",
                     2, 1, "duplicate key 'partner'")


def test_parse_reports_duplicate_keys_together_with_validation_errors(tmp_path):
    _, doc = _load(tmp_path, "partner: {code: vnm}\nindicators: {}\nindicators: {}\n")
    with pytest.raises(InputError) as caught:
        parse(Profile, doc)
    lines = sorted(p.line for p in caught.value.problems)
    assert lines == [1, 3]


# --- aliases, tags, merge keys, documents ---------------------------------------------------

@pytest.mark.parametrize(("text", "line", "col"), [
    ("a: &x 1\n", 1, 4),                          # an anchor alone is refused
    ("a: &x [1, 2]\nb: *x\n", 1, 4),              # refused at the anchor, before the alias
    ("a: 1\nb: *x\n", 2, 4),                      # an alias to nothing
])
def test_anchors_and_aliases_are_refused(tmp_path, text, line, col):
    path, message = _refused(tmp_path, text)
    assert f"{path}:{line}:{col}:" in message
    assert "not allowed" in message


def test_an_alias_bomb_is_refused_before_it_grows(tmp_path):
    text = 'a: &a ["lol", "lol"]\n'
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        text += f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}]\n"
    path, message = _refused(tmp_path, text)
    assert message.startswith(f"{path}:1:4:")


@pytest.mark.parametrize("tag", [
    "!!python/object:os.system",
    "!!python/object/apply:os.system",
    "!!python/object/new:os.system",
    "!!python/name:os.system",
])
def test_python_tags_are_refused_and_nothing_runs(tmp_path, tag):
    marker = tmp_path / "MARKER"
    path, message = _refused(tmp_path, f'a: {tag} ["touch {marker}"]\n')
    assert f"{path}:1:4:" in message
    assert "python" in message and "not allowed" in message
    assert not marker.exists()


@pytest.mark.parametrize("text", ["a: !!binary aGVsbG8=\n", "a: !!set {x, y}\n",
                                  "a: !custom 1\n", "a: !!omap [b: 1]\n"])
def test_tags_beyond_plain_values_are_refused(tmp_path, text):
    path, message = _refused(tmp_path, text)
    assert f"{path}:1:4:" in message and "tag" in message


def test_explicit_plain_tags_are_allowed(tmp_path):
    _, doc = _load(tmp_path, "a: !!str 1\nb: !!int '2'\n")
    assert doc.data == {"a": "1", "b": 2}


def test_merge_keys_are_refused(tmp_path):
    path, message = _refused(tmp_path, "base: {x: 1}\nitem:\n  <<: {x: 2}\n  y: 3\n")
    assert f"{path}:3:3:" in message and "merge keys" in message


def test_a_second_document_is_refused(tmp_path):
    path, message = _refused(tmp_path, "a: 1\n---\nb: 2\n")
    assert f"{path}:2:1:" in message and "more than one YAML document" in message


def test_a_tab_used_for_indentation_is_named(tmp_path):
    path, message = _refused(tmp_path, "a:\n\tb: 1\n")
    assert f"{path}:2:1:" in message and "tab character" in message


def test_the_line_with_the_tab_is_shown_under_the_message(tmp_path):
    """The excerpt under a message left out any line that was not printable, and a tab is
    not: the one line a tab error is about was never shown. A tab is drawn as one arrow, so
    the caret still stands under it."""
    from engine.errors import render_problems

    path, _ = _refused(tmp_path, "a:\n  b:\n \tc: 1\n")
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    assert render_problems(caught.value.problems).splitlines()[1:] == ["   3 |  →c: 1",
                                                                       "     |  ^"]


@pytest.mark.parametrize(("text", "where", "hint"), [
    ("change:\n  rules:\n    r:\n      limit: 0.15\n     weight: 2\n", "5:6",
     "(is this line indented like the keys above it? keys of one mapping start in one column)"),
    ("change:\n  rules:\n    r: limit: 0.15\n", "3:13",
     "(a second ': ' on one line: put the inner key on a line of its own, or quote the text)")])
def test_the_two_commonest_indentation_slips_get_a_hint(tmp_path, text, where, hint):
    """PyYAML's own words ('did not find expected key', 'mapping values are not allowed in
    this context') say nothing of indentation, which is what a drafter got wrong."""
    path, message = _refused(tmp_path, text)
    assert message.startswith(f"{path}:{where}: ") and message.endswith(hint), message


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_unclosed_quote_is_reported_where_it_opens(tmp_path, quote):
    """A quoted text runs on over the following lines, so the end of the file was blamed
    (a line past the last, shown with no excerpt): in a 200-line policy the drafter had to
    hunt for the quote. The opening quote is the place to look."""
    path, message = _refused(tmp_path, f"a: 1\ntitle: {quote}A title\nb: 2\nc: 3\n")
    assert message == f"{path}:2:8: this quoted text is never closed (a closing {quote} is " \
                      "missing; the file ended inside it)"


@pytest.mark.parametrize(("text", "expected"), [
    ("", "file is empty"),
    ("  \n\n", "file is empty"),
    ("# only a comment\n", "file holds no YAML document"),
])
def test_an_empty_file_is_refused(tmp_path, text, expected):
    path, message = _refused(tmp_path, text)
    assert message == f"{path}:1:1: {expected}"


@pytest.mark.parametrize(("text", "line", "col"), [
    ("a: 1\n1: b\n", 2, 1),
    ("true: 1\n", 1, 1),
    ("2026-01-01: x\n", 1, 1),
    ("~: x\n", 1, 1),
    ("? [a, b]\n: c\n", 1, 3),                    # at the key itself, after '? '
])
def test_keys_must_be_text(tmp_path, text, line, col):
    path, message = _refused(tmp_path, text)
    assert f"{path}:{line}:{col}:" in message and "keys must be text" in message


def test_quoted_number_keys_are_text(tmp_path):
    _, doc = _load(tmp_path, "'1': a\n")
    assert doc.data == {"1": "a"}


# --- bytes that are not YAML text -------------------------------------------------------------

def test_invalid_utf8_is_reported_at_its_line_and_column(tmp_path):
    path, message = _refused(tmp_path, b"a: 1\nbb: x\xff\n")
    assert message == f"{path}:2:6: not UTF-8 text (byte 0xff) (save the file as UTF-8)"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_file_is_named_as_such(tmp_path, encoding):
    """What a Windows editor saves as "Unicode": it read 'not UTF-8 text (byte 0xff)', with
    no word of what the file is or what to save it as."""
    raw = ("\ufeff" if encoding == "utf-16-be" else "") + "name: v\n"
    path, message = _refused(tmp_path, raw.encode(encoding))
    assert message.startswith(f"{path}:1:1: not UTF-8 text (byte 0x")
    assert message.endswith(" (this is UTF-16: save the file as UTF-8)")


def test_a_nul_byte_is_reported_at_its_line_and_column(tmp_path):
    path, message = _refused(tmp_path, b"a: 1\nb: x\x00y\n")
    assert message == f"{path}:2:5: contains a NUL byte: a binary file, not YAML"


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    _, doc = _load(tmp_path, b"\xef\xbb\xbfa: 1\n")
    assert doc.data == {"a": 1}


# --- files that are not regular files ---------------------------------------------------------

def test_a_directory_is_refused(tmp_path):
    folder = tmp_path / "policies"
    folder.mkdir()
    with pytest.raises(InputError) as caught:
        load_yaml(folder)
    assert str(caught.value) == f"{folder}: is a directory, not a YAML file"


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(InputError) as caught:
        load_yaml(tmp_path / "nope.yaml")
    assert str(caught.value) == f"{tmp_path / 'nope.yaml'}: no such file"


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    code = textwrap.dedent(f"""
        from engine.errors import InputError
        from engine.load import load_yaml
        try:
            load_yaml({str(fifo)!r})
        except InputError as exc:
            print(exc)
    """)
    # in a subprocess: opening a FIFO with no writer would block this test run forever
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=20, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{fifo}: is not a regular file (a FIFO, socket or device?)"


def test_a_symlink_loop_is_refused(tmp_path):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.symlink_to(second)
    second.symlink_to(first)
    with pytest.raises(InputError) as caught:
        load_yaml(first)
    message = str(caught.value)
    assert message.startswith(f"{first}: cannot read:")
    assert "symbolic links" in message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:                 # sparse: no 2 MiB written
        handle.truncate(load.MAX_FILE_BYTES + 1)
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    assert str(caught.value).startswith(f"{path}: file is too large")


def test_the_size_limit_is_inclusive(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 10)
    at_limit = tmp_path / "ten.yaml"
    at_limit.write_text("a: 123456\n")               # exactly 10 bytes
    assert load_yaml(at_limit).data == {"a": 123456}
    over = tmp_path / "eleven.yaml"
    over.write_text("a: 1234567\n")
    with pytest.raises(InputError, match="file is too large"):
        load_yaml(over)


def test_a_file_whose_size_says_less_than_it_holds_is_read_only_up_to_the_limit(
        tmp_path, monkeypatch):
    """A file in /proc or /sys reports size 0 whatever it holds, and a file may grow after its
    size was checked: the read itself stops at the limit."""
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 10)
    path = tmp_path / "grows.yaml"
    path.write_text("a: 1\n")
    real_stat = os.stat

    def stat_then_grow(target, *args, **kwargs):
        info = real_stat(target, *args, **kwargs)
        if str(target) == str(path):
            path.write_text("a: " + "1" * 100 + "\n")
        return info

    monkeypatch.setattr(load.os, "stat", stat_then_grow)
    with pytest.raises(InputError, match="file is too large"):
        load_yaml(path)


# --- nesting ----------------------------------------------------------------------------------

def test_deep_flow_nesting_is_an_input_error_not_a_recursion_error(tmp_path):
    path, message = _refused(tmp_path, "[" * 5000)
    assert message == f"{path}:1:{MAX_DEPTH + 1}: nested deeper than {MAX_DEPTH} levels"


def test_nesting_up_to_the_limit_loads(tmp_path):
    _, doc = _load(tmp_path, "[" * MAX_DEPTH + "]" * MAX_DEPTH)
    depth, node = 0, doc.data
    while isinstance(node, list):
        depth += 1
        node = node[0] if node else None
    assert depth == MAX_DEPTH


def test_deep_block_nesting_is_refused(tmp_path):
    text = "".join("  " * i + "k:\n" for i in range(MAX_DEPTH + 1)) + "  " * (MAX_DEPTH + 1) + "v\n"
    path, message = _refused(tmp_path, text)
    assert f"nested deeper than {MAX_DEPTH} levels" in message
    assert message.startswith(f"{path}:{MAX_DEPTH + 1}:")


def test_too_many_nodes_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlparse, "MAX_NODES", 5)
    path, message = _refused(tmp_path, "[1, 2, 3, 4, 5, 6]\n")
    assert message.startswith(f"{path}:1:") and "more than 5 YAML nodes" in message


# --- YAML 1.1 surprises -----------------------------------------------------------------------

def test_the_norway_trap_only_true_and_false_are_booleans(tmp_path):
    _, doc = _load(tmp_path, "x: [NO, yes, on, off, y, n, No, YES]\n"
                             "b: [true, false, True, FALSE]\n")
    assert doc.data["x"] == ["NO", "yes", "on", "off", "y", "n", "No", "YES"]
    assert doc.data["b"] == [True, False, True, False]


def test_the_octal_and_base_60_traps_leading_zeros_and_colons_stay_text(tmp_path):
    """YAML 1.1 reads 047 as octal (39) and 10:30 in base 60 (630); YAML 1.2 and a reader do
    not. Such a scalar stays text, so it is judged as written or refused as written."""
    _, doc = _load(tmp_path, "x: [047, 010, 02024, -012, 10:30, 1:30.5, 00]\n"
                             "n: [0, 10, -7, +1, 0x1F, 0b101, 1_000, 0.5, 010.5]\n")
    assert doc.data["x"] == ["047", "010", "02024", "-012", "10:30", "1:30.5", "00"]
    assert doc.data["n"] == [0, 10, -7, 1, 31, 5, 1000, 0.5, 10.5]


@pytest.mark.parametrize(("written", "why"), [
    ("2026-13-01", "month must be in 1..12"),
    ("2026-02-30", "day is out of range for month")])
def test_a_date_that_does_not_exist_is_named_as_a_date(tmp_path, written, why):
    """It read 'cannot read this value: month must be in 1..12', which does not say that the
    value was taken for a date, nor how one is written."""
    with pytest.raises(InputError) as caught:
        _load(tmp_path, f"rule:\n  expires: {written}\n")
    assert_input_error(caught.value, tmp_path / "doc.yaml", 2, 12,
                       f"{written} is not a date that exists ({why}); dates are written "
                       "YYYY-MM-DD")


def test_a_count_written_with_a_leading_zero_is_refused_as_written_not_read_as_octal(ws):
    _profile_error(ws, "eapa_case_count: 047", 20,
                   "eapa_case_count: expected a count (a whole number, 0 or more), got '047'")


def test_a_date_figure_with_a_time_is_refused_not_compared_with_a_date(ws):
    """YAML reads 2025-05-01T00:00:00 as a datetime, which is a date to isinstance(): the check
    let it through, and the explanation compared it with the rule's date limit (exit 3)."""
    from engine import api

    catalog = ws.catalog_data()
    catalog["indicators"]["exit_date"] = {"label": "Exit date", "type": "date",
                                          "description": "d", "source": "s"}
    policy = ws.policy_data()
    policy["indicators"] = ws.write_catalog(catalog)
    policy["rules"].append({"id": "exit-early", "demand": "inputs", "title": "t",
                            "rationale": "r", "sources": ["s1"], "require": {
                                "indicator": "exit_date", "comparison": "at_most",
                                "limit": dt.date(2025, 6, 1)}})
    compiled = ws.compile(policy)
    good = ws.write_profile("partner: {code: VNM}\nindicators:\n  exit_date: 2025-05-01\n")
    card = api.evaluate_partner(compiled, api.load_partner(good, compiled.catalog))
    assert {f.rule: f.status.value for f in card.findings}["exit-early"] == "satisfied"
    timed = ws.write_profile("partner: {code: VNM}\nindicators:\n"
                             "  exit_date: 2025-05-01T00:00:00\n")
    with pytest.raises(InputError) as caught:
        api.load_partner(timed, compiled.catalog)
    assert_input_error(caught.value, timed, 3, 14, "exit_date: expected a date written "
                       "YYYY-MM-DD, got the date 2025-05-01T00:00:00")


def test_yes_and_no_stay_text_through_a_catalog_and_profile(ws):
    from engine import api

    catalog = ws.catalog_data()
    catalog["indicators"]["party"] = {"label": "Party", "type": "enum", "values": ["yes", "no"],
                                      "description": "d", "source": "s"}
    catalog_path = ws.root / ws.write_catalog(catalog)
    profile = ws.write_profile("partner: {code: NOR}\nindicators:\n  party: no\n")
    partner = api.load_partner(profile, api.load_catalog(catalog_path))
    assert partner.profile.indicators["party"] == "no"


def test_nan_in_a_profile_is_refused_at_its_line(ws):
    from engine import api

    path = ws.write_profile("partner: {code: VNM}\nindicators:\n  china_import_share: .nan\n")
    with pytest.raises(InputError) as caught:
        api.load_partner(path, api.load_catalog(ws.catalog_path))
    assert_input_error(caught.value, path, 3, 23, "china_import_share")


@pytest.mark.parametrize("value", [".inf", "-.inf", "{value: .inf, illustrative: true}"])
def test_infinity_in_a_profile_is_refused(ws, value):
    from engine import api

    path = ws.write_profile(f"partner: {{code: VNM}}\nindicators:\n  china_import_share: {value}\n")
    with pytest.raises(InputError) as caught:
        api.load_partner(path, api.load_catalog(ws.catalog_path))
    assert_input_error(caught.value, path, 3)

def test_nan_in_a_profile_is_reported_as_nan_not_as_a_boolean(ws):
    from engine import api

    path = ws.write_profile("partner: {code: VNM}\nindicators:\n  china_import_share: .nan\n")
    with pytest.raises(InputError) as caught:
        api.load_partner(path, api.load_catalog(ws.catalog_path))
    message = str(caught.value)
    assert "true or false" not in message
    assert "NaN" in message


@pytest.mark.parametrize(("old", "new", "line"), [
    ("limit: 0.2}", "limit: .nan}", 25),
    ("weight: 3", "weight: .inf", 23),
])
def test_nan_and_infinity_in_a_policy_are_refused(ws, old, new, line):
    from engine import api

    text = ws.policy_path.read_text()
    assert old in text
    path = ws.write_policy(text.replace(old, new))
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert_input_error(caught.value, path, line)


def test_a_date_where_text_belongs_says_expected_text(ws):
    from engine import api

    path = ws.write_policy(ws.policy_path.read_text().replace('version: "1"',
                                                             "version: 2026-01-01"))
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert_input_error(caught.value, path, 3, 10,
                       "version: expected text, got the date 2026-01-01 (quote it)")


def test_a_number_as_the_version_asks_for_quotes(ws):
    from engine import api

    path = ws.write_policy(ws.policy_path.read_text().replace('version: "1"', "version: 1.5"))
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert_input_error(caught.value, path, 3, 10, "quote the version")


@pytest.mark.parametrize(("written", "number"), [
    ("1e-5", 1e-5), ("2e-1", 0.2), ("1E-1", 0.1), ("5.0e-1", 0.5), ("2.5E-01", 0.25),
    ("{value: 1e-5, illustrative: true}", 1e-5),
])
def test_exponent_numbers_written_as_json_writes_them_load_as_numbers(ws, written, number):
    """YAML 1.1 needs a dot and a signed exponent (1.0e-5); YAML 1.2 and JSON forms count too."""
    from engine import api

    path = ws.write_profile(
        f"partner: {{code: VNM}}\nindicators:\n  china_import_share: {written}\n")
    partner = api.load_partner(path, api.load_catalog(ws.catalog_path))
    assert partner.profile.figure("china_import_share").value == number


@pytest.mark.parametrize(("written", "col", "text"), [
    ("1.0e308", 30, "imports_from_china_usd_bn: 1e+308 is too large to compare (over 1e300)"),
    ("1e999", 30, "the number 1e999 is too large (over 1e300)"),
    ("9" * 5000, 30, "a number of 5,000 digits is too large (over 1e300)"),
    ("30%", 30, "imports_from_china_usd_bn: expected an amount in US$ billions (0 or more), "
                "got '30%'"),
])
def test_a_number_too_large_or_not_a_number_gets_no_hint_about_dots(ws, written, col, text):
    message = _profile_error(ws, f"imports_from_china_usd_bn: {written}", col, text)
    assert "with a dot" not in message


def test_1_0e_minus_5_in_a_profile_is_a_number(ws):
    from engine import api

    path = ws.write_profile("partner: {code: VNM}\nindicators:\n  china_import_share: 1.0e-5\n")
    partner = api.load_partner(path, api.load_catalog(ws.catalog_path))
    assert partner.profile.indicators["china_import_share"] == 1.0e-5


def test_every_load_error_is_an_input_error_naming_the_file(tmp_path):
    """A sweep over hostile inputs: nothing escapes as another exception type."""
    cases: dict[str, str | bytes] = {
        "flow": "{a: [1, 2}\n", "colon": "a: b: c\n", "indent": "a:\n  b: 1\n c: 2\n",
        "directive": "%YAML 1.1\n%YAML 1.1\n---\na: 1\n", "control": "a: \x07\n",
        "bad-escape": 'a: "\\q"\n', "huge-int-key": "123456789012345678901234567890: a\n",
        "bad-date": "a: 2026-13-45\n", "surrogate": b"a: \xed\xa0\x80\n",
    }
    for name, text in cases.items():
        path = tmp_path / f"{name}.yaml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
        try:
            load_yaml(path)
        except InputError as exc:
            assert str(exc).startswith(f"{path}:"), (name, str(exc))
        except Exception as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{name}: {type(exc).__name__}: {exc}")


# --- unknown fields: where they belong, never the same word back -----------------------------

def test_a_partner_field_at_the_top_level_says_it_belongs_under_partner(tmp_path):
    message = _profile_problem(tmp_path, "name: Viet Nam\npartner: {code: VNM}\n",
                               1, 1, "unknown field 'name' ('name' belongs under 'partner:')")
    assert "did you mean 'name'" not in message


def test_a_policy_field_in_a_profile_suggests_nothing_rather_than_the_same_word(tmp_path):
    message = _profile_problem(tmp_path, "partner:\n  code: VNM\n  title: Viet Nam\n",
                               3, 3, "unknown field 'title'")
    assert "did you mean" not in message and "belongs" not in message


def test_a_misspelt_field_still_gets_a_did_you_mean(tmp_path):
    _profile_problem(tmp_path, "partner:\n  code: VNM\n  nmae: Viet Nam\n",
                     3, 3, "unknown field 'nmae' (did you mean 'name'?)")


# --- a file of the wrong kind ----------------------------------------------------------------

@pytest.mark.parametrize(("args", "named", "message"), [
    (("evaluate", "VNM", "--policy", "{VNM.yaml}"), "VNM.yaml",
     "this is a partner profile, not a policy"),
    (("rules", "--policy", "{indicators.yaml}"), "indicators.yaml",
     "this is an indicator catalog, not a policy"),
    (("explain", "x", "--policy", "{VNM.yaml}"), "VNM.yaml",
     "this is a partner profile, not a policy"),
    (("evaluate", "{policy.yaml}"), "policy.yaml", "this is a policy, not a partner profile"),
])
def test_a_file_of_the_wrong_kind_is_named_as_such_at_line_1(run_cli, fixture_dir, args, named,
                                                             message):
    done = run_cli(*(fixture_dir / a[1:-1] if a.startswith("{") else a for a in args))
    assert done.returncode == 2
    assert done.stderr.startswith(f"{fixture_dir / named}:1:1: {message}\n"), done.stderr
    assert "{'" not in done.stderr and "Traceback" not in done.stderr


def test_a_container_where_text_belongs_is_described_not_dumped(tmp_path):
    message = _profile_problem(tmp_path, "partner:\n  code: VNM\n  name: {a: 1, b: [1, 2, 3]}\n",
                               3, 9, "partner.name: expected text, got a mapping")
    assert "{'a'" not in message


# --- a value of the wrong shape: what the catalog says the indicator is -----------------------

@pytest.mark.parametrize(("written", "text"), [
    ("china_import_share: null", "china_import_share: no value; expected a share from 0 to 1"),
    ("eapa_case_count: ~", "eapa_case_count: no value; expected a count (a whole number"),
    ("bri_status:", "bri_status: no value; expected one of mou_signed, exited, none, unclear"),
    ("screening_scope: null", "screening_scope: no value; expected a list of values from"),
])
def test_a_bare_null_figure_says_what_is_expected_and_how_to_write_an_unknown(ws, written, text):
    from engine import api

    path = ws.write_profile(f"partner: {{code: VNM}}\nindicators:\n  {written}\n")
    with pytest.raises(InputError) as caught:
        api.load_partner(path, api.load_catalog(ws.catalog_path))
    message = assert_input_error(caught.value, path, 3, None, text)
    assert "unknown, never 0" in message and "{value: null" in message
    assert "true or false" not in message and "None" not in message


@pytest.mark.parametrize(("written", "col", "text"), [
    ("{value: [1], illustrative: true}", 31,
     "china_import_share: expected a share from 0 to 1 (36.5% is 0.365), got a list of 1 item"),
    ("2025-01-01", 23,
     "china_import_share: expected a share from 0 to 1 (36.5% is 0.365), got the date 2025-01-01"),
    ("{value: {steel: 0.2}, illustrative: true}", 31,
     "china_import_share: expected a share from 0 to 1 (36.5% is 0.365), got a mapping"),
])
def test_a_share_of_the_wrong_shape_says_a_share_is_expected(ws, written, col, text):
    message = _profile_error(ws, f"china_import_share: {written}", col, text)
    assert "true or false" not in message and "datetime" not in message


def _profile_error(ws, indicator_line: str, col: int, text: str) -> str:
    """The message for a profile whose one indicator line (line 3) is wrong at `col`."""
    from engine import api

    path = ws.write_profile(f"partner: {{code: VNM}}\nindicators:\n  {indicator_line}\n")
    with pytest.raises(InputError) as caught:
        api.load_partner(path, api.load_catalog(ws.catalog_path))
    return assert_input_error(caught.value, path, 3, col, text)


# --- pydantic's errors in plain words ----------------------------------------------------------

def _policy_problems(ws, old: str, new: str) -> tuple[Path, list[str]]:
    text = ws.policy_path.read_text()
    assert old in text, old
    path = ws.write_policy(text.replace(old, new, 1))
    return path, [str(p) for p in checks.validate_paths([path])]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("weight: 3", "weight: 0", ":23:13: rules[0].weight: must be more than 0, got 0"),
    ("weight: 3", "weight: 101", ":23:13: rules[0].weight: must be at most 100, got 101"),
    ("tariff_rate: 10", "tariff_rate: -1",
     ":58:67: tiers[0].outcome.tariff_rate: must be at least 0, got -1"),
    ("description: d", "description: d\nscoring: {unknowns: maybe}",
     ":5:21: scoring.unknowns: expected 'exclude' or 'credit', got 'maybe'"),
    ("effective: 2025-07-31", "effective: yesterday",
     ":59:124: tiers[1].outcome.effective: expected a date written YYYY-MM-DD, got 'yesterday'"),
    ("id: inputs-share", "id: Inputs-share",
     ":19:9: rules[0].id: expected an id: lowercase letters, digits, '_', '.' or '-', "
     "starting with a letter, got 'Inputs-share'"),
    ("min_score: 80", "min_score: [80]",
     ":58:40: tiers[0].min_score: expected a number, got a list of 1 item"),
    ("sources: [s1]}\n  - {id: inputs", "sources: []}\n  - {id: inputs",
     ":9:55: demands[0].sources: must not be empty"),
])
def test_validation_errors_are_in_plain_words_at_their_place(ws, old, new, expected):
    path, problems = _policy_problems(ws, old, new)
    assert problems == [f"{path}{expected}"], problems
    assert not any("Input should" in p or "^[" in p for p in problems)


def test_a_policy_s_reference_problems_are_reported_with_its_validation_errors(ws):
    """They used to wait for a second round, once the model's errors were mended."""
    text = ws.policy_path.read_text()
    edits = [("weight: 3\n    sources: [s1]", "weight: heavy\n    sources: [s2]"),  # line 23, 24
             ("demand: transshipment\n    title: Transshipment",
              "demand: transhipment\n    title: Transshipment"),                   # line 27
             ("  - id: bri\n", "  - id: ts-risk\n")]                             # line 32
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = ws.write_policy(text)
    problems = [str(p).removeprefix(f"{path}:") for p in checks.validate_paths([path])]
    assert problems == [
        "23:13: rules[0].weight: expected a number, got 'heavy'",
        "24:15: unknown source 's2'",                       # in the entry the model refused
        "27:13: unknown demand 'transhipment' (did you mean 'transshipment'?)",
        "32:9: duplicate rule id 'ts-risk'"]


BROKEN_POLICIES = {
    # validate said "1 file(s) valid" and exit 0 to these; evaluate refused them
    "an exception for no rule": ("tiers:\n", "exceptions:\n  - {id: waiver, partner: VNM, rule: "
                                 "brii, justification: j, granted: 2025-01-01}\ntiers:\n"),
    "a term changing a limit to the wrong type": (
        "tiers:\n", "terms:\n  - {id: deal, title: t, partners: [VNM], sources: [s1],\n"
                    "     change: {rules: {inputs-share: {limit: high}}}}\ntiers:\n"),
    # evaluate reported the model's problem alone; validate the unknown source too
    "a wrong type and an unknown source": ("weight: 3\n    sources: [s1]",
                                           "weight: heavy\n    sources: [s2]"),
}


@pytest.mark.parametrize("edit", BROKEN_POLICIES.values(), ids=BROKEN_POLICIES.keys())
def test_validate_and_evaluate_refuse_a_policy_with_the_same_problems(ws, edit):
    """What validates also loads: validate loads a policy as every command does."""
    from engine import api

    text = ws.policy_path.read_text()
    assert edit[0] in text, edit[0]
    path = ws.write_policy(text.replace(*edit, 1))
    validated = checks.validate_paths([path])
    with pytest.raises(InputError) as caught:
        api.load_policy(path)
    assert validated and [str(p) for p in validated] == \
        [str(p) for p in in_reading_order(caught.value.problems)]


@pytest.mark.parametrize("section", ["sources", "demands", "tiers"])
def test_references_to_a_section_the_model_refused_are_not_called_unknown(ws, section):
    """`demands: oops` is one problem: every rule's demand is unknowable, not unknown."""
    text = ws.policy_path.read_text()
    start = text.index(f"{section}:\n")
    end = next((i for i in range(start + len(section) + 2, len(text))
                if text[i - 1] == "\n" and not text[i].isspace() and text[i] != "-"), len(text))
    path = ws.write_policy(text[:start] + f"{section}: oops\n" + text[end:])
    problems = checks.validate_paths([path])
    assert len(problems) == 1 and f"{section}:" in str(problems[0]), problems


def test_a_bad_outcome_is_one_problem_not_also_a_complaint_that_it_is_no_list(ws):
    path, problems = _policy_problems(ws, "tariff_rate: 40", "tariff_rate: -40")
    assert problems == [f"{path}:59:64: tiers[1].outcome.tariff_rate: must be at least 0, "
                        "got -40"]


GOOD_OUTCOME = "outcome: {tariff_rate: 10, legal_authority: section_122, status: in_force}"


@pytest.mark.parametrize(("history", "said"), [
    # accepted before: the tier had no tariff on any day
    ("[]", "an outcome history needs at least one outcome"),
    # accepted before: the one written first applied
    ("[{tariff_rate: 10, legal_authority: section_122, status: in_force, effective: 2025-01-01},"
     " {tariff_rate: 20, legal_authority: section_122, status: in_force, effective: 2025-01-01}]",
     "two outcomes take effect on 2025-01-01: which applies would depend on the order they "
     "are written in"),
    ("[{tariff_rate: 10, legal_authority: section_122, status: in_force},"
     " {tariff_rate: 20, legal_authority: section_122, status: in_force}]",
     "two outcomes take effect without an 'effective' date: which applies would depend on the "
     "order they are written in"),
])
def test_an_outcome_history_names_one_outcome_per_day(ws, history, said):
    path, problems = _policy_problems(ws, GOOD_OUTCOME, f"outcome: {history}")
    assert problems == [f"{path}:58:53: tiers[0].outcome: {said}"]


def test_an_outcome_history_of_successive_outcomes_is_accepted(ws):
    _, problems = _policy_problems(ws, GOOD_OUTCOME, (
        "outcome: [{tariff_rate: 10, legal_authority: section_122, status: in_force},"
        " {tariff_rate: 20, legal_authority: section_122, status: in_force, "
        "effective: 2025-01-01}]"))
    assert problems == []


def test_an_outcome_of_neither_shape_says_both_shapes(ws):
    path, problems = _policy_problems(
        ws, "outcome: {tariff_rate: 40, legal_authority: ieepa, status: struck_down, "
            "effective: 2025-07-31}", "outcome: 40")
    assert problems == [f"{path}:59:50: tiers[1].outcome: expected a mapping or a list, got 40"]


@pytest.mark.parametrize(("condition", "text"), [
    ("len(bri_status) > 1", "a function call is not allowed in a condition"),
    ("bri_status is None", "'is' is not allowed; compare with <, <=, >, >=, ==, !=, in or not in"),
])
def test_a_refused_condition_is_named_in_words_not_python_node_names(ws, condition, text):
    path, problems = _policy_problems(ws, "\"transshipment_risk != 'high'\"", f'"{condition}"')
    assert len(problems) == 1 and problems[0].startswith(f"{path}:31:") and text in problems[0], \
        problems
    assert "Call" not in problems[0] and "IsNot" not in problems[0]


def test_every_pattern_a_file_is_checked_against_is_said_in_words():
    """A pattern added to engine.models without words in errors.PATTERNS would show a user
    'expected a different form'."""
    import json

    from engine import countries, describe
    from engine.errors import PATTERNS

    def patterns(node):
        if isinstance(node, dict):
            yield from ([node["pattern"]] if isinstance(node.get("pattern"), str) else [])
            for value in node.values():
                yield from patterns(value)
        elif isinstance(node, list):
            for value in node:
                yield from patterns(value)

    used = {p for kind in ("policy", "partner", "catalog")
            for p in patterns(json.loads(describe.json_schema(kind)))}
    # the schemas' country codes (countries.json_schema) are checked by a validator with its
    # own words, not by this pattern: only editors read it
    used.discard(countries.USER_ASSIGNED.pattern)
    assert used and used <= set(PATTERNS), used - set(PATTERNS)


@pytest.mark.parametrize(("figure", "line", "col", "said"), [
    # the member, the key or the share at fault: not the start of the list or mapping
    ("screening_scope: [sectors, grenfield]", 3, 30,
     "screening_scope: 'grenfield' is not one of sectors, greenfield; did you mean "
     "'greenfield'?"),
    ("screening_scope:\n    - sectors\n    - grenfield", 5, 7, "'grenfield' is not one of"),
    ("screening_scope: {value: [sectors, greenfeld], illustrative: true}", 3, 38,
     "'greenfeld' is not one of"),
    ("by_group: {steel: 0.5, soler: 0.3}", 3, 26, "by_group: unknown key 'soler'; did you mean "
                                                  "'solar'?"),
    ("by_group: {steel: 1.5, solar: 0.3}", 3, 21, "by_group: steel: a share is a fraction from "
                                                  "0 to 1, got 1.5"),
], ids=["set member", "set member in a block list", "set member of a figure", "share map key",
        "share map share"])
def test_a_wrong_member_or_key_is_reported_where_it_is_written(ws, figure, line, col, said):
    """A drafter's eye goes to the column shown: in a long list the typo is not at its start."""
    from engine import api

    path = ws.write_profile(f"partner: {{code: VNM}}\nindicators:\n  {figure}\n")
    with pytest.raises(InputError) as caught:
        api.load_partner(path, api.load_catalog(ws.catalog_path))
    assert_input_error(caught.value, path, line, col, said)


@pytest.mark.parametrize("kind", ["count", "share", "pct"])
def test_signed_is_refused_on_an_indicator_whose_sign_its_type_fixes(ws, kind):
    """`signed: true` on a count was accepted and changed nothing: counts stayed >= 0."""
    from engine import api

    catalog = ws.catalog_data()
    catalog["indicators"]["deals"] = {"label": "Deals", "type": kind, "signed": True,
                                      "description": "d", "source": "s"}
    path = ws.root / ws.write_catalog(catalog)
    with pytest.raises(InputError) as caught:
        api.load_catalog(path)
    assert_input_error(caught.value, path, text="'signed' applies only to usd_bn indicators")


def test_signed_is_accepted_on_an_amount(ws):
    from engine import api

    catalog = ws.catalog_data()
    catalog["indicators"]["balance"] = {"label": "Balance", "type": "usd_bn", "signed": True,
                                        "description": "d", "source": "s"}
    assert api.load_catalog(ws.root / ws.write_catalog(catalog)).indicators["balance"].signed


PROFILE_WITH_THREE_MISTAKES = (
    "partner: {code: VNM}\n"
    "indicators:\n"
    "  china_import_shar: 0.3\n"                          # line 3: no such indicator
    "  us_export_share: {value: 0.2, year: 2024}\n"       # line 4: no source, not illustrative
    "  screening_scope: [sectors, grenfield]\n")          # line 5: not one of its values


def test_a_profile_s_model_and_catalog_problems_are_reported_together(ws):
    """A figure the model refuses used to hide the catalog's problems until it was mended."""
    from engine import api

    path = ws.write_profile(PROFILE_WITH_THREE_MISTAKES)
    with pytest.raises(InputError) as caught:
        api.load_partner(path, api.load_catalog(ws.catalog_path))
    assert [(p.line, p.col) for p in caught.value.problems] == [(3, 3), (4, 20), (5, 30)]
    assert "unknown indicator 'china_import_shar'" in caught.value.problems[0].message
    assert "'grenfield' is not one of" in caught.value.problems[2].message
    # validate reads the shipped catalog, whose indicators these also are
    assert [(p.line, p.col) for p in checks.validate_paths([path])] == [(3, 3), (4, 20), (5, 30)]


WRONG_SHAPES = ["oops", 5, -1.5, True, None, [], ["x", 3], {}, {"a": 1}]


def _leaf_paths(node, at=()):
    """Every place in plain data: each mapping value and list item, nested ones too."""
    children = node.items() if isinstance(node, dict) else \
        enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield (*at, key)
        yield from _leaf_paths(child, (*at, key))


def _replaced(data, path, value):
    import copy

    changed = copy.deepcopy(data)
    node = changed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return changed


@pytest.mark.slow
def test_any_part_of_a_policy_of_any_wrong_shape_is_reported_never_a_crash(ws):
    """The passes that run after the model refused a policy (conditions, references) read
    data of any shape: each place of the fixture policy, given each wrong shape in turn,
    gives problems, never an exception of ours."""
    import yaml

    data = yaml.safe_load(ws.policy_path.read_text())
    for path in _leaf_paths(data):
        for value in WRONG_SHAPES:
            written = ws.write_policy(yaml.safe_dump(_replaced(data, path, value)))
            try:
                checks.validate_paths([written])
            except Exception as exc:       # an InputError is returned, never raised, here
                pytest.fail(f"{path} = {value!r}: {type(exc).__name__}: {exc}")


@pytest.mark.parametrize("year", [24, -5, 20244])
def test_a_figure_s_year_as_a_number_is_a_calendar_year(ws, year):
    """`year: 24` (or -5) was accepted and shown as the figure's year in every report."""
    from engine import api

    path = ws.write_profile("partner: {code: VNM}\nindicators:\n  china_import_share: "
                            f"{{value: 0.3, year: {year}, source: Comtrade}}\n")
    with pytest.raises(InputError) as caught:
        api.load_partner(path, api.load_catalog(ws.catalog_path))
    assert_input_error(caught.value, path, 3, 42, f"china_import_share.year: a year is "
                       f"written in full, such as 2024, not {year}")


@pytest.mark.parametrize("year", [2024, 1990, '"FY2024-25"'])
def test_a_figure_s_year_may_be_a_calendar_year_or_text(ws, year):
    from engine import api

    path = ws.write_profile("partner: {code: VNM}\nindicators:\n  china_import_share: "
                            f"{{value: 0.3, year: {year}, source: Comtrade}}\n")
    assert api.load_partner(path, api.load_catalog(ws.catalog_path)).profile.figure(
        "china_import_share").year == (year.strip('"') if isinstance(year, str) else year)
