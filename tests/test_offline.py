"""The browser pages (GraphiQL, /docs, /redoc) load everything from this server: no CDN, no network.

Every GET route is asked for HTML; each page that answers is parsed (html.parser) for what a
browser would fetch: script sources, stylesheets and icons, import maps, other ``src``
attributes, and URLs written into inline scripts and styles. None may point at another host,
each one on this server must answer 200 with a type a browser accepts for it, and the page's
Content-Security-Policy must allow no other host either.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph.store import EvidenceStore

#: Pages the server must have; the test also finds any other GET route that answers HTML.
PAGES = {"/graphql", "/docs", "/redoc", "/docs/oauth2-redirect", "/", "/search", "/ontology", "/shapes"}
#: What an inline script or style would hold if it named a URL of another host.
URL_MARKERS = ("http://", "https://", '"//', "'//", "`//", "(//")
#: Content types a browser takes for each kind of reference.
TYPES = {
    "script": ("text/javascript", "application/javascript"),
    "stylesheet": ("text/css",),
    "icon": ("image/",),
    "spec": ("application/json",),
}


@dataclass
class Reference:
    """A URL a page makes the browser fetch: what kind of thing, and its integrity hash if any."""

    url: str
    kind: str
    integrity: str | None = None


class PageReferences(HTMLParser):
    """What an HTML page loads, from its parsed elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[Reference] = []
        self.import_maps: list[str] = []
        self.inline: list[str] = []
        self._open: str | None = None  # "importmap" or "inline" inside such a <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        integrity = values.get("integrity")
        if tag == "script" and "src" in values:
            self.references.append(Reference(values["src"], "script", integrity))
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._open = "data"  # a data block: nothing in it runs or is fetched
        elif tag == "script":
            self._open = "importmap" if values.get("type") == "importmap" else "inline"
            getattr(self, "import_maps" if self._open == "importmap" else "inline").append("")
        elif tag == "style":
            self._open = "inline"
            self.inline.append("")
        elif tag == "link" and "href" in values:
            rel = values.get("rel", "").lower().split()
            kind = "stylesheet" if "stylesheet" in rel else "icon" if "icon" in rel else "link"
            self.references.append(Reference(values["href"], kind, integrity))
        elif tag == "redoc" and "spec-url" in values:
            self.references.append(Reference(values["spec-url"], "spec"))
        else:  # images, frames, media: anything else a browser fetches by itself
            for name in ("src", "srcset", "poster", "data"):
                if name in values:
                    self.references.append(Reference(values[name], "other"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "importmap":
            self.import_maps[-1] += data
        elif self._open == "inline":
            self.inline[-1] += data

    def urls(self) -> list[Reference]:
        """Every reference, with the URLs of the page's import maps among them."""
        mapped = []
        for text in self.import_maps:
            import_map = json.loads(text)
            targets = list(import_map.get("imports", {}).values())
            for scope in import_map.get("scopes", {}).values():
                targets.extend(scope.values())
            mapped.extend(Reference(target, "script") for target in targets)
        return self.references + mapped


def page_references(html: str) -> PageReferences:
    """Parse ``html`` and return what it loads."""
    parser = PageReferences()
    parser.feed(html)
    parser.close()
    return parser


def is_external(url: str) -> bool:
    """True for a URL on another host (absolute or scheme-relative); data: and blob: are the page's own."""
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme not in ("", "data", "blob")


def sri(content: bytes, integrity: str) -> bool:
    """Whether ``content`` has one of the hashes an ``integrity`` attribute lists."""
    for item in integrity.split():
        algorithm, _, expected = item.partition("-")
        if algorithm in ("sha256", "sha384", "sha512"):
            actual = base64.b64encode(hashlib.new(algorithm, content).digest()).decode()
            if actual == expected:
                return True
    return False


@pytest.fixture(scope="module")
def api() -> Iterator[TestClient]:
    """The app with GraphiQL on; the pages do not depend on what the store holds."""
    with TestClient(create_app(store=EvidenceStore(), settings=Settings(graphiql=True))) as client:
        yield client


def html_pages(api: TestClient) -> dict[str, str]:
    """Every GET route without parameters that answers HTML to a browser -> the page."""
    app = api.app
    paths = {
        route.path
        for route in getattr(app, "routes", [])
        if "GET" in (getattr(route, "methods", None) or ()) and "{" not in getattr(route, "path", "{")
    }
    paths |= {path for path, item in api.get("/openapi.json").json()["paths"].items() if "get" in item}
    pages = {}
    for path in sorted(paths):
        if "{" in path:
            continue
        answer = api.get(path, headers={"Accept": "text/html"})
        if answer.headers.get("content-type", "").startswith("text/html"):
            assert answer.status_code == 200, (path, answer.text)
            pages[path] = answer.text
    return pages


def test_every_page_is_found(api: TestClient) -> None:
    assert set(html_pages(api)) >= PAGES


def test_no_page_loads_anything_from_another_host(api: TestClient) -> None:
    for path, html in html_pages(api).items():
        page = page_references(html)
        assert page.references or page.inline, f"{path} holds nothing: is it parsed?"
        external = [ref.url for ref in page.urls() if is_external(ref.url)]
        assert external == [], f"{path} loads from another host: {external}"
        for text in page.inline:
            found = [marker for marker in URL_MARKERS if marker in text]
            assert found == [], f"{path} has a URL in an inline script or style ({found}):\n{text[:500]}"


def test_every_file_a_page_loads_is_served(api: TestClient) -> None:
    checked = set()
    for path, html in html_pages(api).items():
        for ref in page_references(html).urls():
            if urlsplit(ref.url).scheme in ("data", "blob"):
                continue
            url = urljoin(f"http://testserver{path}", ref.url)
            answer = api.get(url)
            assert answer.status_code == 200, f"{path} loads {ref.url} ({url}): {answer.status_code}"
            content_type = answer.headers["content-type"]
            assert content_type.startswith(TYPES.get(ref.kind, ("",))), (path, ref.url, content_type)
            if ref.integrity is not None:
                assert sri(answer.content, ref.integrity), f"{ref.url} does not match its integrity hash"
            checked.add(urlsplit(url).path)
    # GraphiQL's own files and the docs' files were among them
    assert {"/static/graphiql/graphiql.min.js", "/static/docs/swagger-ui-bundle.js"} <= checked
    assert "/static/docs/redoc.standalone.js" in checked


def test_pages_allow_no_other_host(api: TestClient) -> None:
    for path in html_pages(api):
        policy = api.get(path, headers={"Accept": "text/html"}).headers["content-security-policy"]
        for directive in filter(None, (part.strip() for part in policy.split(";"))):
            name, *sources = directive.split()
            others = [s for s in sources if not s.startswith("'") and s not in ("data:", "blob:")]
            assert others == [], f"{path}: {name} allows {others}"


def test_graphiql_files_are_not_served_when_graphiql_is_off() -> None:
    with TestClient(create_app(store=EvidenceStore(), settings=Settings(graphiql=False))) as closed:
        assert closed.get("/static/graphiql/graphiql.min.js").status_code == 404


def test_the_parser_sees_what_a_browser_would_load() -> None:
    page = page_references(
        """<html><head>
        <link rel="stylesheet" href="https://cdn.example/x.css">
        <link rel="icon" href="data:image/svg+xml,<svg/>">
        <script type="importmap">{"imports": {"react": "//esm.example/react"},
          "scopes": {"/a/": {"b": "/local/b.js"}}}</script>
        <script type="module">import("https://esm.example/m.js")</script>
        <script src="local.js" integrity="sha384-x"></script>
        </head><body><img src="https://img.example/i.png"></body></html>"""
    )
    urls = [ref.url for ref in page.urls()]
    assert [url for url in urls if is_external(url)] == [
        "https://cdn.example/x.css",
        "https://img.example/i.png",
        "//esm.example/react",
    ]
    assert "local.js" in urls
    assert "/local/b.js" in urls
    assert any("https://" in text for text in page.inline)
