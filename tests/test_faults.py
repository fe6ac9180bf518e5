"""Faults: a damaged or edited cache, a failing disk, and SIGINT / SIGTERM mid-run.

A cache entry that is not exactly what Polity wrote is dropped with one warning and recomputed,
never believed and never a crash; a cached verdict is only believed with its evidence (a trace
replays, a certificate passes its re-check). A write that fails leaves no temp file. A signal
stops the workers and ends the run with 130 / 143, one line and no traceback.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from polity.model.loader import load_model
from polity.proofs import atomic
from polity.proofs.cache import CACHE_VERSION, ResultCache, check_entry, checksum
from polity.proofs.impact import Verifier
from polity.proofs.suite import load_suite
from support import TINY, polity_exe

SUITE = Path(__file__).parent / "amendments" / "tiny-suite.yaml"


@pytest.fixture(scope="module")
def model():
    return load_model(TINY)


@pytest.fixture(scope="module")
def suite(model):
    return load_suite(SUITE, model)


@pytest.fixture(scope="module")
def reference(model, suite):
    """Verdicts computed without a disk cache."""
    return _verdicts(Verifier(suite, ResultCache()).verify(model, find=False))


def _verdicts(v) -> dict[tuple[str, str], str]:
    return {(r["id"], r["reading"]): r["verdict"] for r in v.results}


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json"))


def _filled(model, suite, folder: Path) -> list[Path]:
    Verifier(suite, ResultCache(folder)).verify(model, find=False)
    files = _entries(folder)
    assert files
    return files


def _rewrite(f: Path, value: dict) -> None:
    """An entry edited by someone who also recomputed its checksum."""
    entry = json.loads(f.read_text())
    entry["value"] = value
    entry["checksum"] = checksum(entry["key"], entry["kind"], value)
    f.write_text(json.dumps(entry))


def _with_verdict(files: list[Path], verdict: str) -> list[Path]:
    return [f for f in files if json.loads(f.read_text())["value"]["verdict"] == verdict]


CORRUPTIONS = {
    "wrong JSON type": lambda f: f.write_text("[]"),
    "truncated": lambda f: f.write_bytes(f.read_bytes()[: len(f.read_bytes()) // 2]),
    "empty": lambda f: f.write_bytes(b""),
    "not UTF-8": lambda f: f.write_bytes(b"\xff\xfe" + f.read_bytes()),
    "bad checksum": lambda f: f.write_text(f.read_text().replace('"seconds": ', '"seconds": 1', 1)),
    "edited value type": lambda f: _rewrite(f, {**json.loads(f.read_text())["value"], "bound": "6"}),
    "older version": lambda f: f.write_text(f.read_text().replace(f'"v": {CACHE_VERSION}', '"v": 2')),
}


@pytest.mark.parametrize("how", sorted(CORRUPTIONS))
def test_corrupt_entry_is_dropped_with_a_warning_and_recomputed(model, suite, reference, tmp_path, how):
    files = _filled(model, suite, tmp_path)
    for f in files:
        CORRUPTIONS[how](f)
    cache = ResultCache(tmp_path)
    again = Verifier(suite, cache).verify(model, find=False)
    assert _verdicts(again) == reference
    assert len(cache.warnings) == len(files), cache.warnings
    assert all("not trusted" in w and "recomputing" in w for w in cache.warnings)
    assert cache.hits == 0 and not any(r.get("cached") for r in again.results)
    for f in _entries(tmp_path):  # rewritten whole
        entry = json.loads(f.read_text())
        check_entry(entry, entry["key"], entry["kind"])
    third = ResultCache(tmp_path)  # and now believed again, without a warning
    Verifier(suite, third).verify(model, find=False)
    assert third.warnings == [] and third.misses == 0


def test_edited_verdict_is_not_believed(model, suite, reference, tmp_path):
    """A witness's verdict edited to a proof, checksum recomputed: the schema wants a
    certificate; given a made-up one, its re-check fails. A proof edited to a counterexample
    with a made-up trace: the trace does not replay."""
    files = _filled(model, suite, tmp_path)
    found = _with_verdict(files, "reachable")
    proved = _with_verdict(files, "proved")
    assert len(found) >= 3 and proved
    v0 = json.loads(found[0].read_text())["value"]
    _rewrite(found[0], {**v0, "verdict": "unreachable"})  # no certificate: fails the schema
    for f, cert in zip(found[1:3], [{"method": "k-induction", "k": 1, "rechecked": True},
                                    {"method": "spacer-invariant", "smt2": "true", "rechecked": True}],
                       strict=True):
        value = json.loads(f.read_text())["value"]
        _rewrite(f, {**{k: x for k, x in value.items() if k not in ("trace", "timeline")},
                     "verdict": "unreachable", "core": [], "relies_on": [], "certificate": cert})
    p0 = json.loads(proved[0].read_text())["value"]
    _rewrite(proved[0], {**{k: x for k, x in p0.items() if k != "certificate"}, "verdict": "violated",
                         "trace": [{"event": "head_dissolves", "day": 0, "args": {}}]})
    cache = ResultCache(tmp_path)
    again = Verifier(suite, cache).verify(model, find=False)
    assert _verdicts(again) == reference
    assert len(cache.warnings) == 4, cache.warnings
    assert sum("certificate fails its re-check" in w for w in cache.warnings) == 2
    assert any("trace does not replay" in w for w in cache.warnings)


def test_cached_proof_is_rechecked_and_believed(model, suite, tmp_path):
    files = _filled(model, suite, tmp_path)
    assert _with_verdict(files, "proved")
    cache = ResultCache(tmp_path)
    again = Verifier(suite, cache).verify(model, find=False)
    proofs = [r for r in again.results if r["verdict"] == "proved"]
    assert proofs and all(r["cached"] and r["certificate"]["rechecked"] for r in proofs)
    assert cache.warnings == []


def test_undecided_results_are_never_cached(tmp_path):
    cache = ResultCache(tmp_path)
    base = {"id": "p", "reading": "default", "bound": 6, "seconds": 1.0}
    cache.put("a" * 64, base | {"verdict": "unknown", "reason": "timeout"}, "result")
    cache.put("b" * 64, base | {"verdict": "holds_to_bound", "reason":
                                "no counterexample within 6 steps; no unbounded proof (the time limit ran out)"},
              "result")
    assert _entries(tmp_path) == [] and cache.memory == {}
    decided = base | {"verdict": "holds_to_bound", "reason": "no counterexample within 6 steps; "
                      "no unbounded proof (not inductive)"}
    cache.put("c" * 64, decided, "result")
    assert len(_entries(tmp_path)) == 1
    # an undecided entry written by hand (or by an older Polity) with a valid checksum is dropped
    f = _entries(tmp_path)[0]
    _rewrite(f, base | {"verdict": "holds_to_bound", "reason": "spacer: timeout"})
    fresh = ResultCache(tmp_path)
    assert fresh.get("c" * 64, "result") is None and len(fresh.warnings) == 1


ENOSPC = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("call", ["write", "fsync", "replace"])
def test_failed_write_leaves_no_temp_file(tmp_path, monkeypatch, call):
    cache = ResultCache(tmp_path)
    value = {"trace": None, "pkey": "k"}

    def full(*_a, **_k):
        raise ENOSPC

    monkeypatch.setattr(os, call, full)
    cache.put("d" * 64, value, "witness")
    cache.put("e" * 64, value, "witness")
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == []
    assert atomic.pending() == []
    assert len(cache.warnings) == 1 and "No space left" in cache.warnings[0]
    assert cache.get("d" * 64, "witness") == value  # the run goes on from memory


def test_atomic_write_replaces_whole(tmp_path):
    f = tmp_path / "x.json"
    atomic.write_atomically(f, "old")
    atomic.write_atomically(f, "new")
    assert f.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["x.json"]


INTERRUPTED_WRITE = """
import os, sys
from pathlib import Path
from polity.proofs import atomic
target = Path(sys.argv[1]) / "entry.json"

def interrupted(fd):  # what the signal thread does while a write is under way
    removed = atomic.abandon()
    print(len(removed), sorted(p.name for p in target.parent.iterdir()), flush=True)
    os._exit(0)

os.fsync = interrupted
atomic.write_atomically(target, "x" * 100000)
"""


def test_interrupt_mid_write_leaves_no_file(tmp_path):
    import sys

    r = subprocess.run([sys.executable, "-c", INTERRUPTED_WRITE, str(tmp_path)], capture_output=True,
                       text=True, timeout=60)
    assert r.stdout.strip() == "1 []", r.stderr
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- signals


def _children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                out.append(int(d))
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.e2e
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
@pytest.mark.parametrize(("sig", "jobs", "code"), [(signal.SIGINT, 2, 130), (signal.SIGTERM, 2, 143),
                                                   (signal.SIGINT, 1, 130)])
def test_signal_stops_check_cleanly(tmp_path, sig, jobs, code):
    """The built-in suite takes far longer than the wait for its first result, so the signal
    arrives mid-run; a run with workers gets it once both are up."""
    out, err = tmp_path / "report.txt", tmp_path / "stderr.txt"
    with out.open("w") as o, err.open("w") as e:
        p = subprocess.Popen([polity_exe(), "check", "--jobs", str(jobs)], stdout=o, stderr=e,
                             env={**os.environ, "NO_COLOR": "1"}, cwd=tmp_path)
    try:
        started = time.monotonic()
        def first_result() -> bool:  # '[i/n] id [reading]: verdict (s)'; a start line ends in '...'
            return any(ln.startswith("[") and not ln.endswith("...") for ln in err.read_text().splitlines())

        while not first_result() and p.poll() is None and time.monotonic() - started < 300:
            time.sleep(0.1)
        kids = _children(p.pid)
        while len(kids) < jobs and p.poll() is None and time.monotonic() - started < 300:
            time.sleep(0.05)  # between two questions: the next process is being forked
            kids = _children(p.pid)
        assert p.poll() is None, err.read_text()
        assert len(kids) >= jobs  # one process per running question (proofs/isolated.py)
        p.send_signal(sig)
        rc = p.wait(60)
    finally:
        if p.poll() is None:
            p.kill()
    stderr = err.read_text()
    assert rc == code, stderr
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == f"error: stopped by {sig.name}; no report was written"
    assert [ln for ln in stderr.splitlines() if not ln.startswith("[")] == [stderr.splitlines()[-1]]
    assert out.read_text() == ""  # the report is whole or absent
    deadline = time.monotonic() + 30
    while any(_alive(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [k for k in kids if _alive(k)] == []


AMENDMENT = Path(__file__).parent / "amendments" / "strike-dissolution-limits.yaml"


def _amend(cwd: Path) -> subprocess.CompletedProcess[str]:
    from support import run_polity

    return run_polity("amend", str(AMENDMENT), "--model", str(TINY), "--suite", str(SUITE),
                      "--format", "json", cwd=cwd)


def _comparable(stdout: str) -> dict:
    report = json.loads(stdout)
    for k in ("seconds", "cache", "reused_after", "recomputed_after"):
        report.pop(k, None)
    return {k: report[k] for k in ("verdict_changes", "undecided", "findings_added", "findings_removed",
                                   "findings_changed", "admissible")}


@pytest.mark.e2e
def test_cli_amend_survives_a_bad_cache_entry(tmp_path):
    """The issue's case: one entry of the wrong JSON type made every later amend exit 3."""
    first = _amend(tmp_path)
    assert first.returncode == 0, first.stderr
    entries = _entries(tmp_path / ".polity-cache")
    entries[0].write_text("[]")
    entries[-1].write_text(entries[-1].read_text()[:40])
    second = _amend(tmp_path)
    assert second.returncode == 0, second.stderr
    warnings = [ln for ln in second.stderr.splitlines() if ln.startswith("warning: cache entry")]
    assert len(warnings) == 2 and "Traceback" not in second.stderr
    assert _comparable(second.stdout) == _comparable(first.stdout)
    third = _amend(tmp_path)
    assert "warning" not in third.stderr and _comparable(third.stdout) == _comparable(first.stdout)
    assert list((tmp_path / ".polity-cache").rglob("*.tmp")) == []
