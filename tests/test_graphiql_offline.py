"""GraphiQL works offline: the page and every script and style it references come from
the server itself, under a Content-Security-Policy."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from html.parser import HTMLParser

from app import create_app
from settings import Settings
from tests.client import Api, Tenant, api_from
from web.graphiql import ASSETS_DIR

ORGANIZATION = "query Org { organization { name } }"


class References(HTMLParser):
    """Every URL the page makes a browser load."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.urls.append(value)


def references(page: str) -> list[str]:
    parser = References()
    parser.feed(page)
    return parser.urls


def vendored_sums() -> dict[str, str]:
    lines = (ASSETS_DIR / "SHA256SUMS").read_text().splitlines()
    return {name: digest for digest, name in (line.split() for line in lines)}


async def test_the_page_loads_only_from_this_server(api: Api) -> None:
    # when
    page = await api.http.get("/graphql", headers={"Accept": "text/html"})
    urls = references(page.text)
    assets = {url: await api.http.get(url) for url in urls}
    # then
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "http://" not in page.text
    assert "https://" not in page.text
    assert "<script>" not in page.text  # no inline script: the policy forbids them
    assert len([url for url in urls if url.endswith(".js")]) == 4
    assert len([url for url in urls if url.endswith(".css")]) == 2
    for url, answer in assets.items():
        assert url.startswith("/"), url
        assert not url.startswith("//"), url
        assert answer.status_code == 200, url
        assert answer.content, url
    # and the vendored builds are the ones scripts/vendor_graphiql.sh fetched
    for name, digest in vendored_sums().items():
        served = assets[f"/static/graphiql/{name}"].content
        assert hashlib.sha256(served).hexdigest() == digest, name


async def test_a_get_with_a_query_still_reaches_the_api(api: Api, tenant: Tenant) -> None:
    # when: a browser-like Accept header, but a query in the URL
    response = await api.http.get(
        "/graphql",
        params={"query": ORGANIZATION},
        headers={"Accept": "text/html, */*", "Authorization": f"Bearer {tenant.key}"},
    )
    # then
    assert response.status_code == 200
    assert response.json()["data"] == {"organization": {"name": "Muster GmbH"}}


async def test_switched_off_there_is_no_page_and_no_assets(settings: Settings) -> None:
    # given
    app = create_app(replace(settings, graphiql=False))
    async with app.router.lifespan_context(app), api_from(app, "127.0.0.1") as api:
        # when
        page = await api.http.get("/graphql", headers={"Accept": "text/html"})
        script = await api.http.get("/static/graphiql/graphiql.min.js")
    # then
    assert page.status_code == 404
    assert "<html" not in page.text.lower()
    assert script.status_code == 404
