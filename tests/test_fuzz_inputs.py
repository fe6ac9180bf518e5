"""Bad input never crashes or hangs: every malformed input ends as one located UserError.

Hypothesis mutates real data files (byte flips, invalid UTF-8, control characters, deep
nesting, huge numbers, markup, aliases, duplicate keys, broken expressions) and feeds them to
the loaders in-process; each input either loads or raises a UserError with a location and a
short message. Anything else (a traceback, a RecursionError, a MemoryError) fails the test.

``POLITY_FUZZ_EXAMPLES`` sets the number of examples per input kind (default 200, drawn
deterministically so CI sees the same inputs; set it to fuzz afresh with more). Below the fuzz
tests, one regression test per family the input campaign of issue 14 found.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polity.cli.main import app
from polity.model.amendment import apply_amendment, load_amendment
from polity.model.errors import UserError
from polity.model.loader import BUILTIN_MODEL, load_model, resolve
from polity.model.queries import load_queries, load_units
from polity.model.yamlpos import load_yaml
from polity.proofs.suite import load_suite
from polity.properties.catalog import load_catalog
from polity.properties.language import parse_user_property
from support import MODELS, TINY, run_polity
from typer.testing import CliRunner

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("POLITY_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="POLITY_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture], database=None)
MESSAGE_LIMIT = 300
AMENDMENTS = Path(__file__).parent / "amendments"
BUILTIN_SUITE = BUILTIN_MODEL.parent.parent.parent / "proofs" / "suites" / "kz-2026.yaml"
BUILTIN_QUERIES = BUILTIN_MODEL.with_name("kz-2026.queries.yaml")


def user_error_or_fine(fn: Callable[[], Any]) -> UserError | None:
    """Run ``fn``: it may succeed or raise a located, short UserError; nothing else."""
    try:
        fn()
    except UserError as exc:
        assert exc.location is not None, f"no location: {exc}"
        assert len(exc.message) < MESSAGE_LIMIT, f"message of {len(exc.message)} characters"
        assert "\n" not in exc.message, f"more than one line: {exc.message!r}"
        return exc
    return None


# ----------------------------------------------------------------------------- mutations

INVALID_UTF8 = [b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\xe2\x82", b"\x80", b"\xf8\x88\x80\x80\x80"]
CONTROLS = [b"\x00", b"\x07", b"\x1b[31m", b"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", b"\x08", b"\x7f"]
MARKUP = ["[/]", "[bold]x", "[default]", ":100:", "[link=http://x]y[/link]", "\u202e", "\U0001f600", "\\"]
BAD_EXPRESSIONS = [
    "x // 0", "share_of(1, 0, 5) > 0", "more_than_share(1, 0, 1) > 0", "1 // (2 - 2) == 0",
    "not " * 490 + "true", " and ".join(["true"] * 490), " + ".join(["1"] * 490) + " > 0",
    "(" * 300 + "1" + ")" * 300 + " > 0", "if true then " * 200 + "true" + " else false" * 200,
    "9" * 5000 + " > 0", "1" * 19 + " > 0", "prev(" * 120 + "true" + ")" * 120, "", "((", "a b c",
    "happened(" * 50, "\x00", "[/]", "-" * 400 + "1 > 0",
]


def laughs(depth: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, depth + 1)]
    return "\n".join(lines) + "\n"


VALUE = re.compile(rb"(?m)(:[ ]+)([^\n]*)$")


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    """One malformed variant of a real file."""
    kind = draw(st.sampled_from(["flip", "utf8", "control", "truncate", "nest", "number", "markup",
                                 "alias", "duplicate", "expression", "lines", "bytes"]))
    at = draw(st.integers(0, len(base)))
    values = list(VALUE.finditer(base))
    value = draw(st.sampled_from(values))

    def replace_value(new: bytes) -> bytes:
        return base[:value.start(2)] + new + base[value.end(2):]

    if kind == "flip":
        i = min(at, len(base) - 1)
        return base[:i] + bytes([base[i] ^ draw(st.integers(1, 255))]) + base[i + 1:]
    if kind == "utf8":
        return base[:at] + draw(st.sampled_from(INVALID_UTF8)) + base[at:]
    if kind == "control":
        return base[:at] + draw(st.sampled_from(CONTROLS)) + base[at:]
    if kind == "truncate":
        return base[:at]
    if kind == "nest":
        n = draw(st.integers(30, 400))
        return replace_value(b"[" * n + b"]" * n if draw(st.booleans()) else b"{a: " * n + b"1" + b"}" * n)
    if kind == "number":
        digits = draw(st.integers(15, 6000))
        number = draw(st.sampled_from(["9" * digits, "-" + "1" * digits, "0x" + "f" * digits, "1e999",
                                       ".nan", "-.inf", "1_" * (digits // 2) + "1"]))
        return replace_value(number.encode())
    if kind == "markup":
        text = "".join(draw(st.lists(st.sampled_from(MARKUP), min_size=1, max_size=4)))
        return replace_value(('"' + text.replace("\\", "\\\\") + '"').encode())
    if kind == "alias":
        return laughs(draw(st.integers(3, 9))).encode() + replace_value(b"*l" + str(draw(st.integers(0, 3))).encode())
    if kind == "duplicate":
        line_end = base.find(b"\n")
        first = base[: line_end if line_end >= 0 else len(base)]
        key = first.split(b":")[0]
        return base + b"\n" + key + b": " + b"x" * draw(st.integers(1, 100_000)) + b"\n"
    if kind == "expression":
        return replace_value(('"' + draw(st.sampled_from(BAD_EXPRESSIONS)).replace('"', "") + '"').encode())
    if kind == "lines":
        lines = base.split(b"\n")
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["drop", "twice", "indent", "dedent"]))
        if how == "drop":
            del lines[i]
        elif how == "twice":
            lines.insert(i, lines[i])
        elif how == "indent":
            lines[i] = b"   " + lines[i]
        else:
            lines[i] = lines[i].lstrip()
        return b"\n".join(lines)
    return base[:at] + draw(st.binary(min_size=1, max_size=16)) + base[at:]


# ----------------------------------------------------------------------------- the loaders


@pytest.fixture(scope="module")
def tiny():
    return load_model(TINY)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A folder with the tiny model's companions, where mutated files are written."""
    d = tmp_path_factory.mktemp("fuzz")
    for f in MODELS.iterdir():
        if f.is_file():  # models/compare/ holds a second edition, not needed here
            shutil.copy(f, d / f.name)
    shutil.copy(AMENDMENTS / "tiny-catalog.yaml", d / "amend-catalog.yaml")
    return d


TINY_BYTES = TINY.read_bytes()
QUANT_BYTES = (MODELS / "quant.yaml").read_bytes()


@FUZZ
@given(st.one_of(mutated(TINY_BYTES), mutated(QUANT_BYTES)))
def test_fuzz_model_files(folder, data):
    path = folder / "model.yaml"
    path.write_bytes(data)
    user_error_or_fine(lambda: load_model(path))


@settings(FUZZ, max_examples=max(10, EXAMPLES // 10))
@given(mutated(BUILTIN_MODEL.read_bytes()))
def test_fuzz_builtin_model(tmp_path_factory, data):
    """Fewer examples: the built-in model takes about a second to load and check."""
    d = tmp_path_factory.getbasetemp() / "builtin"
    d.mkdir(exist_ok=True)
    src = BUILTIN_MODEL.with_name("kz-2026-draft-constitution.txt")
    if not (d / src.name).exists():
        shutil.copy(src, d / src.name)
    path = d / "kz.yaml"
    path.write_bytes(data)
    user_error_or_fine(lambda: load_model(path))


def _amend(tiny, path: Path) -> None:
    am = load_amendment(path)
    applied = apply_amendment(tiny, am)
    for reading in applied.model.reading_variants():
        resolve(applied.model, reading)


AMENDMENT_FILES = [p.read_bytes() for p in sorted(AMENDMENTS.glob("*.yaml")) if "tiny-" not in p.name]


@FUZZ
@given(st.sampled_from(AMENDMENT_FILES).flatmap(mutated))
def test_fuzz_amendments(folder, tiny, data):
    path = folder / "amendment.yaml"
    path.write_bytes(data)
    user_error_or_fine(lambda: _amend(tiny, path))


@FUZZ
@given(st.one_of(mutated((MODELS / "tiny-suite.yaml").read_bytes()),
                 mutated((AMENDMENTS / "tiny-suite.yaml").read_bytes())))
def test_fuzz_suites(folder, tiny, data):
    path = folder / "suite.yaml"
    path.write_bytes(data)
    user_error_or_fine(lambda: load_suite(path, tiny))


@FUZZ
@given(st.one_of(mutated((MODELS / "tiny-catalog.yaml").read_bytes()),
                 mutated((AMENDMENTS / "tiny-catalog.yaml").read_bytes())))
def test_fuzz_catalogs(folder, tiny, data):
    path = folder / "catalog.yaml"
    path.write_bytes(data)
    user_error_or_fine(lambda: load_catalog(path, tiny))


@FUZZ
@given(st.one_of(mutated(BUILTIN_QUERIES.read_bytes()), mutated((MODELS / "quant.queries.yaml").read_bytes()),
                 mutated((MODELS / "tiny.queries.yaml").read_bytes())))
def test_fuzz_query_catalogs(folder, data):
    path = folder / "queries.yaml"
    path.write_bytes(data)
    user_error_or_fine(lambda: load_queries(path))


@FUZZ
@given(st.binary(max_size=64).map(lambda b: (MODELS / "quant-units.csv").read_bytes()[:200] + b))
def test_fuzz_units_files(folder, data):
    path = folder / "units.csv"
    path.write_bytes(data)
    user_error_or_fine(lambda: load_units(path))


FORMULAS = re.findall(r'formula: "([^"]+)"', (MODELS / "tiny-catalog.yaml").read_text())
TOKENS = ["always", "never", "reachable", "whenever", "then", "within", "days", "not", "and", "or",
          "->", "(", ")", "//", "*", "+", "-", "==", "<", "if", "else", "0", "1", "-5", "9" * 30,
          "share_of(1, 0, 5)", "happened(", "prev(", "emergency", "seats", "x", "[/]", ":100:", "\x1b"]


@st.composite
def properties(draw: st.DrawFn) -> str:
    how = draw(st.sampled_from(["formula", "tokens", "deep", "text"]))
    if how == "formula":
        f = draw(st.sampled_from(FORMULAS))
        i = draw(st.integers(0, len(f)))
        return f[:i] + draw(st.sampled_from(TOKENS + BAD_EXPRESSIONS)) + " " + f[i:]
    if how == "tokens":
        return " ".join(draw(st.lists(st.sampled_from(TOKENS), max_size=30)))
    if how == "deep":
        head = draw(st.sampled_from(["always ", "never ", "reachable ", "whenever true then "]))
        tail = " within 3 days" if head.startswith("whenever") else ""
        return head + draw(st.sampled_from(BAD_EXPRESSIONS)) + tail
    return draw(st.text(max_size=80))


@FUZZ
@given(properties())
def test_fuzz_properties(tiny, text):
    system = resolve(tiny)
    user_error_or_fine(lambda: parse_user_property(text, system))


NUMBERS = ["inf", "-inf", "nan", "1e999", "0", "-1", "1e-9", "10" * 11, "1000000000000000000000", "abc",
           "", "1", "3.5", "0x10", " 2"]


@FUZZ
@given(st.sampled_from(["--timeout", "--jobs", "--bound"]), st.sampled_from(NUMBERS),
       st.sampled_from(["check", "prove", "find", "query", "amend", "explain"]))
def test_fuzz_cli_options(folder, option, value, command):
    """An option value is refused as usage (exit 2), or accepted and then the bad model is."""
    bad = folder / "not-a-model.yaml"
    bad.write_text("polity: [\n")
    head = {"prove": ["prove", "--property", "always true"], "query": ["query", "q"],
            "amend": ["amend", str(AMENDMENTS / "raise-majority.yaml")], "explain": ["explain", "p"]}
    args = [*head.get(command, [command]), "--model", str(bad), option, value]
    result = CliRunner().invoke(app, args)
    if isinstance(result.exception, UserError):  # the option was fine; the model is not
        exc = result.exception
        assert user_error_or_fine(lambda: _raise(exc)) is exc
    else:
        assert result.exit_code == 2, (result.exit_code, result.exception, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def _raise(exc: BaseException) -> None:
    raise exc


# ----------------------------------------------------------------------------- the campaign's families

LOL = laughs(9)


def _model_variant(old: str, new: str) -> bytes:
    text = TINY.read_text()
    assert old in text, old
    return text.replace(old, new, 1).encode()


_before = TINY.read_text().split("Tinyland")[0].split("\n")
UTF8_AT = (len(_before), len(_before[-1]) + 5)  # the byte after "Tiny"

FAMILIES = [
    # (family, file bytes, where (line, col) or None, words of the message)
    ("invalid-utf8", TINY.read_bytes().replace(b"Tinyland", b"Tiny\xffland", 1), UTF8_AT,
     "invalid UTF-8 (byte 0xff)"),
    ("nul-byte", b"polity: 1\nid: tiny\ntitle: a\x00b\n", (3, 9), "U+0000"),
    ("yaml-flow-nesting", b"polity: 1\nid: " + b"[" * 244 + b"]" * 244 + b"\n", (2, None), "nested too deeply"),
    ("guard-nesting", _model_variant('"yes >= majority_total"', '"' + "not " * 490 + 'true"'), None,
     "nested too deeply (limit 100)"),
    ("guard-chain", _model_variant('"yes >= majority_total"', '"' + " and ".join(["true"] * 490) + '"'), None,
     "nested too deeply (limit 100)"),
    ("guard-division-by-zero", _model_variant('"yes >= majority_total"', '"yes >= seats // 0"'), None,
     "division by zero"),
    ("guard-share-of-zero", _model_variant('"yes >= majority_total"', '"yes >= share_of(1, 0, 5)"'), None,
     "q = 0"),
    ("huge-integer", _model_variant("value: 5,", "value: " + "9" * 4400 + ","), None, "number too large"),
    ("huge-integer-in-expression", _model_variant('"yes >= majority_total"', '"yes >= ' + "9" * 4400 + '"'),
     None, "number too large"),
    ("billion-laughs", LOL.encode() + TINY.read_bytes(), None, "aliases are expanded"),
    ("duplicate-key-100kb", TINY.read_bytes() + b"\nid: " + b"x" * 100_000 + b"\n", None, "duplicate key"),
    ("source-file-empty", _model_variant("file: tiny-constitution.txt", 'file: ""'), None, "source.file is empty"),
    ("source-file-dot", _model_variant("file: tiny-constitution.txt", "file: ."), None, "must name a file"),
    ("source-file-nul", _model_variant("file: tiny-constitution.txt", 'file: "a\\0b"'), None, "control character"),
    ("source-file-long", _model_variant("file: tiny-constitution.txt", "file: " + "a" * 5000), None,
     "longer than 255"),
    ("source-file-escapes", _model_variant("file: tiny-constitution.txt", "file: ../../etc/passwd"), None,
     "inside the file's folder"),
    ("source-file-absolute", _model_variant("file: tiny-constitution.txt", "file: /etc/passwd"), None,
     "relative"),
]


@pytest.mark.parametrize(("family", "data", "where", "words"), FAMILIES, ids=[f[0] for f in FAMILIES])
def test_family_located(folder, family, data, where, words):
    path = folder / f"{family}.yaml"
    path.write_bytes(data)
    exc = user_error_or_fine(lambda: load_model(path))
    assert exc is not None, f"{family}: loaded without error"
    assert words in exc.message, exc
    assert exc.location is not None and exc.location.line >= 1
    if where is not None:
        line, col = where
        assert exc.location.line == line, exc
        if col is not None:
            assert exc.location.col == col, exc


def test_oversized_file_is_refused_unread(folder):
    path = folder / "huge.yaml"
    path.write_bytes(b"# " + b"x" * (3 * 1024 * 1024) + b"\n")
    exc = user_error_or_fine(lambda: load_model(path))
    assert exc is not None and "larger than" in exc.message


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_refused():
    exc = user_error_or_fine(lambda: load_yaml(Path("/dev/zero")))
    assert exc is not None and "larger than" in exc.message


@pytest.mark.parametrize(("text", "words"), [
    ("whenever emergency then not emergency within -5 days", "must not be negative"),
    ("always seats // 0 == 0", "division by zero"),
    ("always share_of(1, 0, 5) == 0", "q = 0"),
    ("always " + "not " * 490 + "true", "nested too deeply"),
    ("always " + " + ".join(["1"] * 490) + " > 0", "nested too deeply"),
    ("always " + "1" * 5000 + " > 0", "number too large"),
    ("always " + "x" * 100_000, "longer than"),
])
def test_property_families(tiny, text, words):
    exc = user_error_or_fine(lambda: parse_user_property(text, resolve(tiny)))
    assert exc is not None and words in exc.message, exc


def test_division_is_total_and_floor_alike_in_interpreter_and_z3():
    """x // 0 = 0 and floor division for negative divisors, in both evaluators (docs/semantics.md)."""
    import z3
    from polity.model.expr import evaluate, parse
    from polity.proofs.compiler import _binary

    for a in (-7, -1, 0, 1, 7):
        for b in (-2, -1, 0, 1, 2, 3):
            node = parse("a // b")
            want = evaluate(node, {"a": a, "b": b})
            got = z3.simplify(_binary("//", z3.IntVal(a), z3.IntVal(b))).as_long()
            assert got == want == (0 if b == 0 else a // b), (a, b)
            x, y = z3.Ints("x y")
            s = z3.Solver()
            s.add(x == a, y == b, _binary("//", x, y) != want)
            assert s.check() == z3.unsat, (a, b)


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "1e999"])
def test_timeout_options_are_bounded(value):
    result = CliRunner().invoke(app, ["check", "--timeout", value])
    assert result.exit_code == 2 and "--timeout" in result.output


def test_jobs_is_bounded():
    result = CliRunner().invoke(app, ["check", "--jobs", str(10 ** 21)])
    assert result.exit_code == 2 and "--jobs" in result.output


# ----------------------------------------------------------------------------- through the installed CLI

# YAML double-quoted escapes: \e is ESC, so the title holds real escape sequences and an OSC 8 link
HOSTILE_AMENDMENT = r"""title: "Art [/] [bold]x[default] :100: \e[2J\e]8;;http://evil\e\\link\e]8;;\e\\ \u202eend"
amends: tiny
changes:
  - set: {parameter: seats, value: 7}
    rationale: "[/] \e[31m red"
"""


@pytest.mark.e2e
def test_cli_hostile_amendment_title_is_printed_inert(tmp_path):
    am = tmp_path / "hostile.yaml"
    am.write_text(HOSTILE_AMENDMENT, encoding="utf-8")
    r = run_polity("amend", str(am), "--model", str(TINY), "--suite", str(AMENDMENTS / "tiny-suite.yaml"),
                   "--no-find", "--no-cache", cwd=tmp_path)
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout
    assert "Art [/] [bold]x[default] :100: \\x1b[2J\\x1b]8;;http://evil" in r.stdout
    assert "\\u202eend" in r.stdout
    assert "[/] \\x1b[31m red" in r.stdout


@pytest.mark.e2e
def test_cli_not_applicable_text_report(tmp_path):
    r = run_polity("amend", str(AMENDMENTS / "inadmissible-seats.yaml"), "--model", str(TINY), "--suite",
                   str(AMENDMENTS / "tiny-suite.yaml"), "--no-find", "--no-cache", "--ignore-entrenchment",
                   cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "re-election-possible now not_applicable" in r.stdout


@pytest.mark.e2e
@pytest.mark.parametrize(("family", "content", "args"), [
    ("invalid-utf8", b"polity: 1\nid: \xff\n", ()),
    ("billion-laughs", LOL.encode(), ()),
    ("markup-in-location", b"polity: 1\nid: [/]:100:\x1b[31m\n  bad: [\n", ()),
    ("duplicate-key-100kb", b"polity: 1\npolity: " + b"y" * 100_000 + b"\n", ()),
    ("timeout-inf", b"polity: 1\n", ("--timeout", "inf")),
    ("jobs-huge", b"polity: 1\n", ("--jobs", str(10 ** 21))),
])
def test_cli_bad_input_exit_2(tmp_path, family, content, args):
    model = tmp_path / f"{family}:100:.yaml"
    model.write_bytes(content)
    r = run_polity("check", "--model", str(model), *args, cwd=tmp_path, timeout=60)
    assert r.returncode == 2, (r.returncode, r.stderr[-500:])
    assert "Traceback" not in r.stderr and "\x1b" not in r.stderr
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    if not args:  # a model error: exactly one located line, short
        assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
        assert len(lines[0]) < 400, len(lines[0])
        assert ":100:" in lines[0] and "\U0001f4af" not in lines[0]  # the file name, not an emoji


@pytest.mark.e2e
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_cli_dev_zero_model(tmp_path):
    r = run_polity("model", "validate", "/dev/zero", cwd=tmp_path, timeout=60)
    assert r.returncode == 2 and "larger than" in r.stderr, r.stderr
