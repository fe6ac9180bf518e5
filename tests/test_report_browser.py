"""``polity report`` opened in a real headless browser (Debian's chromium + chromium-driver,
driven by selenium): every finding and every article is on the page, the links between them
work both ways, nothing leaves the page, and screenshots are saved (their path is printed).

Skipped with a reason when chromium is absent, unless ``CI`` is set: then it must be there.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from polity.model.loader import load_model
from polity.model.source import load_source
from support import run_polity

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).parent.parent
KZ_SUITE = "examples/amendments/kz-suite.yaml"
AMENDMENT = "examples/amendments/veto-override-three-fifths.yaml"
FIND = ["--find-bound", "6", "--find-timeout", "300"]  # budgets, not the wall clock, decide


def _browser_binaries() -> tuple[str, str] | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    found = _browser_binaries()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but chromium / chromium-driver are not installed (.ci/run installs them)")
        pytest.skip("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1600", "--disable-background-networking"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(found[1]), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _report(tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / name
    p = run_polity("report", "-o", str(out), *args, cwd=ROOT, timeout=1500)
    assert p.returncode == 0, p.stderr
    assert out.is_file() and "report written to" in p.stderr
    return out


def _open(driver: Any, page: Path) -> None:
    driver.get(page.resolve().as_uri())
    assert driver.execute_script("return document.readyState") == "complete"


def _no_request_leaves(driver: Any) -> None:
    """Nothing fetched (the Performance API lists no resource but data: URLs), nothing that
    could fetch (no src / href to another document), and the CSP forbids it anyway."""
    names = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function(e){return e.name;})")
    assert [n for n in names if not n.startswith("data:")] == []
    external = driver.execute_script(
        "return Array.from(document.querySelectorAll('[src],link[href],a[href]'))"
        ".map(function(e){return e.getAttribute('src')||e.getAttribute('href');})"
        ".filter(function(u){return u && u[0] !== '#';});")
    assert external == []
    csp = driver.execute_script(
        "var m=document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]');return m&&m.content;")
    assert csp and "default-src 'none'" in csp


def _articles_present(driver: Any) -> int:
    from selenium.webdriver.common.by import By

    loaded = load_model(None)
    source = load_source(loaded.source_path(), loaded.constitution.source.starts_at)
    articles = [k for k in source.provisions if "__" not in k]
    assert len(articles) > 90
    on_page = {el.get_attribute("id") for el in driver.find_elements(By.CSS_SELECTOR, "#constitution article")}
    assert set(articles) <= on_page
    for cite in source.provisions:  # every provision has its anchor
        assert driver.find_elements(By.ID, cite), cite
    return len(articles)


def _shot(driver: Any, folder: Path, name: str) -> Path:
    path = folder / name
    assert driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


def test_builtin_report_in_a_browser(tmp_path: Path, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    p = run_polity("find", "--format", "json", "--bound", "6", "--timeout", "300", cwd=ROOT, timeout=900)
    assert p.returncode == 0, p.stderr
    findings = json.loads(p.stdout)["findings"]
    page = _report(tmp_path, "kz.html", "--suite", KZ_SUITE, *FIND)
    _open(browser, page)
    _no_request_leaves(browser)
    n_articles = _articles_present(browser)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    _shot(browser, shots, "kz-top.png")

    shown = browser.find_elements(By.CSS_SELECTOR, "#findings article")
    assert len(shown) == len(findings)  # the same search, the same answer
    headings = [a.find_element(By.CSS_SELECTOR, "h5").text for a in shown]
    for f in findings:
        assert any(f["summary"] in h for h in headings), f["summary"]
    properties = browser.find_elements(By.CSS_SELECTOR, "#proofs article")
    linked = {a.get_attribute("href").split("#", 1)[1]
              for a in browser.find_elements(By.CSS_SELECTOR, "#proofs table a")}
    assert len(properties) == len(linked) >= 6  # every property of the suite's catalog, once
    assert linked == {p.get_attribute("id") for p in properties}

    # a finding's provision, and back from the provision to the finding
    if findings:
        first = shown[0]
        anchor = first.get_attribute("id")
        link = first.find_element(By.CSS_SELECTOR, "p a[href^='#art_']")
        target = link.get_attribute("href").split("#", 1)[1]
        link.click()
        assert browser.execute_script("return location.hash") == f"#{target}"
        back = browser.find_elements(By.CSS_SELECTOR, f"#{target} + ul.marks a[href='#{anchor}'], "
                                                      f"#{target} ~ ul.marks a[href='#{anchor}']")
        assert back, f"no link back from {target} to {anchor}"
        _shot(browser, shots, "kz-provision.png")
        back[0].click()
        assert browser.execute_script("return location.hash") == f"#{anchor}"
        _shot(browser, shots, "kz-finding.png")

    # a property and a provision it is about link to each other
    prop = properties[0]
    link = prop.find_element(By.CSS_SELECTOR, "p a[href^='#art_']")
    target = link.get_attribute("href").split("#", 1)[1]
    link.click()
    assert browser.execute_script("return location.hash") == f"#{target}"
    pid = prop.get_attribute("id")
    assert browser.find_elements(By.CSS_SELECTOR, f"#constitution a[href='#{pid}']")
    print(f"{len(findings)} findings, {n_articles} articles, screenshots in {shots}")


def test_amendment_report_in_a_browser(tmp_path: Path, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    page = _report(tmp_path, "amend.html", "--suite", KZ_SUITE, "--amendment", AMENDMENT,
                   "--no-check", "--no-find")
    _open(browser, page)
    _no_request_leaves(browser)
    _articles_present(browser)
    section = browser.find_element(By.ID, "amendment")
    assert "Admissible" in section.text
    assert section.find_elements(By.TAG_NAME, "ins")
    assert "three fifths" in " ".join(i.text for i in section.find_elements(By.TAG_NAME, "ins"))
    assert section.find_elements(By.TAG_NAME, "del")  # the replaced event's old words are struck
    link = section.find_element(By.CSS_SELECTOR, "a[href='#art_56__point_2'], a[href='#art_56']")
    link.click()
    assert browser.execute_script("return location.hash") in ("#art_56__point_2", "#art_56")
    shots = tmp_path / "screenshots"
    shots.mkdir()
    browser.execute_script("document.getElementById('amendment').scrollIntoView()")
    _shot(browser, shots, "amendment.png")


def test_printing_opens_every_details(tmp_path: Path, browser: Any) -> None:
    """A lawyer prints it: every quotation shown (details opened before printing)."""
    page = _report(tmp_path, "tiny.html", "--model", "tests/models/tiny.yaml", "--suite",
                   "tests/models/tiny-suite.yaml")
    _open(browser, page)
    _no_request_leaves(browser)
    closed = browser.execute_script("return document.querySelectorAll('details:not([open])').length")
    assert closed > 0
    browser.execute_script("window.dispatchEvent(new Event('beforeprint'))")
    assert browser.execute_script("return document.querySelectorAll('details:not([open])').length") == 0
    browser.execute_script("window.dispatchEvent(new Event('afterprint'))")
    assert browser.execute_script("return document.querySelectorAll('details:not([open])').length") == closed
    pdf = browser.print_page()  # the page prints (A4 comes from the page's @page rule)
    assert len(pdf) > 1000


def test_comparison_report_in_a_browser(tmp_path: Path, browser: Any) -> None:
    """The second tiny edition against the first: introduced / repaired / kept on the page, each
    finding of this text linked to its place, the questions asked of both in a table."""
    from selenium.webdriver.common.by import By

    second = "tests/models/compare/tiny-second.yaml"
    page = _report(tmp_path, "compare.html", "--model", second,
                   "--suite", "tests/models/compare/tiny-second-suite.yaml", "--compare", "tests/models/tiny.yaml")
    p = run_polity("compare", "tests/models/tiny.yaml", second, "--format", "json", cwd=ROOT, timeout=900)
    assert p.returncode == 0, p.stderr
    expected = json.loads(p.stdout)
    _open(browser, page)
    _no_request_leaves(browser)
    section = browser.find_element(By.ID, "comparison")
    for change, n in expected["counts"].items():
        assert f"{n} {change}" in section.text
    for q in expected["questions"]:
        assert q["statement"] in section.text
    links = section.find_elements(By.CSS_SELECTOR, "a[href^='#finding-']")
    assert len(links) == sum(1 for m in expected["findings"] if m["after"] is not None)
    target = links[0].get_attribute("href").split("#", 1)[1]
    links[0].click()
    assert browser.execute_script("return location.hash") == f"#{target}"
    shots = tmp_path / "screenshots"
    shots.mkdir()
    browser.execute_script("document.getElementById('comparison').scrollIntoView()")
    _shot(browser, shots, "comparison.png")
