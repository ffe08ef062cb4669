"""In a real browser: headless Chromium (Debian's package) driven through chromedriver.

The server is ``evidence-graph serve`` in its own process; the browser may reach loopback only
(every other host name resolves to nothing), so a page that needs the internet fails here. The
tests skip, saying why, where Chromium or chromedriver is not installed: ``make test-browser``
installs both and runs them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
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
