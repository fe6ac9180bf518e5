"""The KZ-2026 property catalog and proof suite: the catalog loads and has the required
properties, every property cites provisions of the source text, and (slow) the required
properties get exactly the verdicts recorded in the suite, with replayable traces and
re-checked certificates."""

from __future__ import annotations

from pathlib import Path

import pytest
from polity.model.loader import LoadedModel
from polity.model.source import load_source
from polity.proofs.records import Verdict
from polity.proofs.suite import builtin_suite_path, jobs_for, judge, load_suite, run_jobs
from polity.properties.catalog import Catalog, builtin_catalog_path, load_catalog

REQUIRED = [
    "no-dissolution-during-emergency",
    "no-dissolution-during-martial-law",
    "no-dissolution-within-year",
    "no-dissolution-late-in-term",
    "acting-president-cannot-dissolve",
    "acting-president-cannot-amend",
    "dissolution-obligation-always-dischargeable",
    "presidential-powers-always-held",
    "presidential-election-announced-within-7-days",
    "single-presidential-term",
    "veto-override-needs-supermajority",
    "quorum-always-attainable",
    "no-confidence-needs-majority",
    "amendment-entrenchment",
    "referendum-minority-win",
]


@pytest.fixture(scope="module")
def catalog(kz_loaded: LoadedModel) -> Catalog:
    return load_catalog(builtin_catalog_path("kz-2026"), kz_loaded)


def test_catalog_loads_with_required_properties(catalog: Catalog) -> None:
    assert catalog.spec.catalog == "kz-2026"
    assert catalog.spec.model == "kz-2026"
    ids = [p.id for p in catalog.spec.properties]
    assert len(ids) >= 60
    missing = [pid for pid in REQUIRED if pid not in ids]
    assert not missing, f"required properties missing: {missing}"


def test_required_properties_are_judged_per_reading(catalog: Catalog) -> None:
    readings = {p.id: p.readings for p in catalog.spec.properties}
    assert "referendum_adoption" in readings["referendum-minority-win"]
    assert "veto_not_overcome" in readings["veto-override-needs-supermajority"]
    assert "repeated_refusal" in readings["dissolution-obligation-always-dischargeable"]


def test_every_property_cites_provisions_of_the_source(kz_loaded: LoadedModel, catalog: Catalog) -> None:
    text = load_source(Path(kz_loaded.source_path()), kz_loaded.constitution.source.starts_at)
    bad = {p.id: [c for c in p.cites if c not in text.provisions]
           for p in catalog.spec.properties}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"citations not found in the source text: {bad}"


def test_suite_expects_a_verdict_for_every_property_and_reading(kz_loaded: LoadedModel) -> None:
    suite = load_suite(builtin_suite_path("kz-2026"), kz_loaded)
    assert suite.spec.catalog == "kz-2026"
    missing = [(j.property_id, j.label) for j in jobs_for(suite, kz_loaded, None, None, None)
               if suite.expected(j.property_id, j.label) is None]
    assert not missing, f"no expected verdict for: {missing}"


@pytest.mark.slow
def test_required_properties_match_the_suite(kz_loaded: LoadedModel) -> None:
    suite = load_suite(builtin_suite_path("kz-2026"), kz_loaded)
    jobs = jobs_for(suite, kz_loaded, None, None, None, only=REQUIRED)
    assert {j.property_id for j in jobs} == set(REQUIRED)
    results = judge(suite, run_jobs(jobs, workers=1))
    wrong = [(r.id, r.reading, r.verdict, r.expected) for r in results if not r.ok]
    assert not wrong, f"verdicts differ from the suite: {wrong}"
    for r in results:
        assert r.expected is not None, (r.id, r.reading)
        if r.verdict.has_trace:
            assert r.trace, f"{r.id} ({r.reading}): {r.verdict} without a trace"
            assert r.timeline, f"{r.id} ({r.reading}): no timeline"
        if r.verdict.unbounded and r.certificate is not None:
            assert r.certificate.rechecked is True, (r.id, r.reading)
        if r.verdict == Verdict.PROVED:
            cert = r.certificate
            assert cert, f"{r.id} ({r.reading}): proved without a certificate"
            assert cert.rechecked is True, f"{r.id} ({r.reading}): certificate not re-checked"
