"""End to end: the `polity model` commands and `--model NAME` on the built-in models."""

from __future__ import annotations

import json

import pytest
from support import MODELS, run_polity

pytestmark = pytest.mark.e2e


def test_model_list() -> None:
    p = run_polity("model", "list", "--format", "json")
    assert p.returncode == 0, p.stderr
    names = [m["name"] for m in json.loads(p.stdout)["models"]]
    assert names == ["kz-2026", "kz-1995"]
    text = run_polity("model", "list").stdout
    assert "kz-1995: Constitution of the Republic of Kazakhstan of 1995" in text


def test_model_show_prints_the_card_or_says_it_is_missing() -> None:
    p = run_polity("model", "show", "kz-1995")
    assert p.returncode == 0, p.stderr
    assert "## Per article" in p.stdout and "| 63 |" in p.stdout
    bad = run_polity("model", "show", "kz-1900")
    assert bad.returncode == 2 and "no built-in model named 'kz-1900'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_model_provisions_lists_ids_with_text_and_excluded() -> None:
    p = run_polity("model", "provisions", "kz-1995", "--format", "json")
    assert p.returncode == 0, p.stderr
    rows = {r["id"]: r for r in json.loads(p.stdout)["provisions"]}
    assert rows["art_94_1"]["cite"] == "Art. 94-1"
    assert rows["art_41__para_4"]["excluded"] is True
    assert rows["art_63__para_2"]["text"].startswith("2. Parliament and the Mazhilis")
    third = run_polity("model", "provisions", str(MODELS / "third.yaml")).stdout
    assert "Art. 2 item 1 b)" in third and "[excluded]" in third


def test_model_vocabulary() -> None:
    p = run_polity("model", "vocabulary", "kz-1995")
    assert p.returncode == 0, p.stderr
    kinds = {line.split()[0] for line in p.stdout.splitlines()}
    assert {"state", "event", "duty", "office", "parameter", "reading"} <= kinds
    assert any(ln.startswith("event") and "parliament_passes_override_law(senate_yes, mazhilis_yes)" in ln
               for ln in p.stdout.splitlines())


def test_unknown_name_gets_did_you_mean() -> None:
    p = run_polity("prove", "--model", "kz-1995", "--property", "never emergncy")
    assert p.returncode == 2 and "did you mean 'emergency'" in p.stderr, p.stderr


@pytest.mark.slow
def test_prove_with_model_name() -> None:
    p = run_polity("prove", "--model", "kz-1995", "--property",
                   "never happened(former_president_elected)", "--format", "json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["verdict"] == "proved"


@pytest.mark.slow
def test_check_the_third_model_by_path_and_1995_by_name() -> None:
    p = run_polity("model", "validate", "kz-1995")
    assert p.returncode == 0 and "valid model 'kz-1995'" in p.stdout
