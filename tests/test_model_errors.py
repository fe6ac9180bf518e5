"""Malformed model files: each gives one located message and exit 2, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from polity.model.errors import UserError
from polity.model.loader import load_model
from support import MODELS, TINY, run_polity

BASE = TINY.read_text()


def variant(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


# (name, model text, text on the line the error must point at, words the message must contain)
CASES = [
    ("wrong-type", variant("value: 5, cites: [art_1__para_1]", "value: [5], cites: [art_1__para_1]"),
     "value: [5]", "parameters.0.value"),
    ("unknown-name-in-guard", variant('"yes >= majority_total"', '"yes >= majority_totl"'),
     "majority_totl", "unknown name 'majority_totl'"),
    ("bad-citation", variant("cites: [art_3__para_1]}", "cites: [article_3]}"),
     "article_3", "'article_3' is not a citation id"),
    ("missing-field", variant("    says: a new Assembly is elected\n", ""),
     "- id: assembly_elected", "missing field 'says'"),
    ("duplicate-id", variant("  - id: emergency_lifted", "  - id: emergency_declared"),
     "- id: emergency_declared\n    actor: head\n    says: the Head of State lifts",
     "duplicate name 'emergency_declared'"),
    ("yaml-syntax", variant("title: Tinyland (test model)", "title: [Tinyland"),
     None, "YAML syntax error"),
    ("unknown-field", variant("    discharged_by: [head_dissolves]",
                              "    discharged_by: [head_dissolves]\n    deadline: 3"),
     "deadline: 3", "unknown field 'deadline'"),
    ("type-error-in-effect", variant("set: {emergency: true}", "set: {emergency: 1}"),
     "set: {emergency: 1}", "expected a bool expression, got int"),
    ("unknown-event-in-obligation", variant("discharged_by: [assembly_elected]", "discharged_by: [assembly_elect]"),
     "discharged_by: [assembly_elect]", "unknown event 'assembly_elect'"),
    ("unknown-actor", variant("    actor: head\n    says: the Head of State dissolves",
                              "    actor: king\n    says: the Head of State dissolves"),
     "actor: king", "unknown actor 'king'"),
    ("init-out-of-range", variant("range: [0, 2], init: 0", "range: [0, 2], init: 3"),
     "init: 3", "outside [0, 2]"),
    ("enum-value-typo", variant('"assembly_status == sitting"', '"assembly_status == siting"'),
     "siting", "unknown name 'siting'"),
    ("not-a-mapping", "- just\n- a list\n", "- just", "must be a mapping"),
    ("expression-syntax", variant('when: emergency\n', 'when: "emergency and"\n'),
     "emergency and", "syntax error"),
    ("source-outside-folder", variant("file: tiny-constitution.txt", "file: ../tiny-constitution.txt"),
     "file: ../", "must name a file inside the file's folder"),
    ("literal-zero-divisor", variant('"yes >= majority_total"', '"yes >= majority_total // 0"'),
     "majority_total // 0", "division by zero"),
    ("parameter-zero-divisor", variant('"yes >= majority_total"', '"yes >= share_of(2, seats - seats, 5)"'),
     "share_of(2, seats - seats, 5)", "q = 0"),
    ("negative-deadline", variant("    discharged_by: [head_dissolves]",
                                  "    discharged_by: [head_dissolves]\n    within: -5\n    since: now"),
     "within: -5", "must not be negative"),
]


def expected_line(text: str, marker: str | None) -> int | None:
    if marker is None:
        return None
    index = text.index(marker)
    return text[:index].count("\n") + 1


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(MODELS / "tiny-constitution.txt", tmp_path)
    return tmp_path


@pytest.mark.parametrize("name, text, marker, words", CASES, ids=[c[0] for c in CASES])
def test_located_error(workdir: Path, name: str, text: str, marker: str | None, words: str) -> None:
    path = workdir / f"{name}.yaml"
    path.write_text(text)
    with pytest.raises(UserError) as info:
        load_model(path)
    err = info.value
    assert words in err.message
    assert err.location is not None and err.location.file == str(path)
    line = expected_line(text, marker)
    if line is not None:
        assert err.location.line == line, str(err)
    else:
        assert err.location.line >= 1


@pytest.mark.e2e
@pytest.mark.parametrize("name, text, marker, words", CASES[:10], ids=[c[0] for c in CASES[:10]])
def test_cli_reports_one_located_line(workdir: Path, name: str, text: str, marker: str | None,
                                      words: str) -> None:
    path = workdir / f"{name}.yaml"
    path.write_text(text)
    proc = run_polity("model", "validate", str(path))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"error: {path}:")
    assert words in lines[0]
    assert proc.stdout == ""


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read file"):
        load_model(tmp_path / "nope.yaml")


@pytest.mark.e2e
def test_validate_accepts_the_tiny_model() -> None:
    proc = run_polity("model", "validate", str(TINY))
    assert proc.returncode == 0, proc.stderr
    assert "valid model 'tiny'" in proc.stdout


@pytest.mark.e2e
def test_citation_missing_from_the_text_is_located(workdir: Path) -> None:
    path = workdir / "bad-cite.yaml"
    path.write_text(variant("cites: [art_3__para_1]}", "cites: [art_3__para_9]}"))
    proc = run_polity("model", "validate", str(path))
    assert proc.returncode == 2
    assert "art_3__para_9 does not exist in the source text" in proc.stderr
    assert f"{path}:{expected_line(path.read_text(), 'art_3__para_9')}:" in proc.stderr
