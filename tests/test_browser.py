"""In a real browser: headless Chromium (Debian's package) driven through chromedriver.

The server is ``evidence-graph serve`` in its own process; the browser may reach loopback only
(every other host name resolves to nothing), so a page that needs the internet fails here. The
tests skip, saying why, where Chromium or chromedriver is not installed: ``make test-browser``
installs both and runs them.
"""

from __future__ import annotations

import base64
import io
import shutil
from collections.abc import Iterator

import pytest
from pypdf import PdfReader
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from tests.test_http_server import Server, start_server, stop_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="Chromium and chromedriver are not installed (Debian: chromium, chromium-driver); "
    "make test-browser installs them and runs these tests",
)

WAIT = 30.0  # seconds a page may take to show what a test waits for


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("browser-server"))
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # the tests may run as root in a container
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        # offline but for the server under test: any other host resolves to nothing
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # to read the console's errors
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.set_page_load_timeout(WAIT)
    yield driver
    driver.quit()


def test_graphiql_runs_the_grade_a_query_offline(server: Server, browser: WebDriver) -> None:
    browser.get(f"{server.url}/graphql")
    wait = WebDriverWait(browser, WAIT)
    run = wait.until(ready.element_to_be_clickable((By.CSS_SELECTOR, ".graphiql-execute-button")))
    run.click()  # the page opens with the Grade A unlicensed indications query
    wait.until(lambda driver: "totalCount" in _response(driver))
    answer = _response(browser)
    assert '"totalCount": 3' in answer
    for condition in ("Atopic dermatitis", "Behçet's disease"):
        assert condition in answer
    problems = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and not _favicon(e)]
    assert not problems, problems  # nothing failed to load, offline


def _favicon(entry: dict[str, str]) -> bool:
    """The browser asks every site for /favicon.ico on its own; the pages name none."""
    return "/favicon.ico " in entry["message"]


def _response(driver: object) -> str:

    assert isinstance(driver, WebDriver)
    panes = driver.find_elements(By.CSS_SELECTOR, ".graphiql-response")
    return "\n".join(p.text for p in panes)


def _table(driver: WebDriver, caption_starts: str) -> WebElement:
    """The table whose caption starts with ``caption_starts``, as the browser lays it out."""
    for table in driver.find_elements(By.CSS_SELECTOR, "table"):
        captions = table.find_elements(By.TAG_NAME, "caption")
        if captions and captions[0].text.startswith(caption_starts):
            return table
    raise AssertionError(f"no table captioned {caption_starts!r}")


def test_the_drug_page_shows_the_grade_a_unlicensed_indications_with_references(
    server: Server, browser: WebDriver
) -> None:
    browser.get(f"{server.url}/id/drug/azathioprine")
    table = _table(browser, "Unlicensed indications, Grade A")
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    conditions = sorted(r.find_elements(By.CSS_SELECTOR, "td")[0].text for r in rows)
    assert conditions == ["Atopic dermatitis", "Behçet's disease", "Chronic actinic dermatitis"]
    for row in rows:
        references = row.find_elements(By.CSS_SELECTOR, "ul.references a")
        assert references, row.text  # every one shows the references behind it
        assert all(r.is_displayed() for r in references)


def test_a_claim_links_to_its_reference_and_back(server: Server, browser: WebDriver) -> None:
    claim = f"{server.url}/id/claim/azathioprine-behcets-disease-indication"
    browser.get(claim)
    link = next(
        a
        for a in browser.find_elements(By.CSS_SELECTOR, "main a")
        if "/id/reference/" in (a.get_attribute("href") or "")
    )
    reference = link.get_attribute("href")
    link.click()
    WebDriverWait(browser, WAIT).until(lambda driver: driver.current_url == reference)
    back = [a for a in browser.find_elements(By.CSS_SELECTOR, "main a") if a.get_attribute("href") == claim]
    assert back, "the reference page lists the claim citing it"
    back[0].click()
    WebDriverWait(browser, WAIT).until(lambda driver: driver.current_url == claim)
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Azathioprine for Behçet")


def test_the_teaching_sheet_prints_on_one_a4_page(server: Server, browser: WebDriver) -> None:
    browser.get(f"{server.url}/sheets/azathioprine")
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7  # A4, in centimetres
    printed = base64.b64decode(browser.print_page(options))
    assert len(PdfReader(io.BytesIO(printed)).pages) == 1
