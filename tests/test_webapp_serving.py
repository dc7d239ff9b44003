"""/app: the committed web app build, served with index.html for the app's own routes."""

from __future__ import annotations

import re

from tests.client import Api
from web.webapp import BUILD_DIR


async def test_app_without_slash_redirects_to_the_app(api: Api) -> None:
    # when
    response = await api.http.get("/app", follow_redirects=False)
    # then
    assert response.status_code == 308
    assert response.headers["location"] == "/app/"


async def test_the_app_and_its_client_routes_get_the_committed_index(api: Api) -> None:
    # given
    index = (BUILD_DIR / "index.html").read_text(encoding="utf-8")
    for path in ("/app/", "/app/kunden", "/app/kunden/Q3VzdG9tZXI6MQ==", "/app/kunden/neu"):
        # when
        response = await api.http.get(path)
        # then
        assert response.status_code == 200, path
        assert response.text == index
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-cache"


async def test_assets_of_the_build_are_served_and_cached_for_good(api: Api) -> None:
    # given: the script the committed index.html loads
    index = (BUILD_DIR / "index.html").read_text(encoding="utf-8")
    match = re.search(r'src="/app/(assets/[^"]+\.js)"', index)
    assert match is not None
    # when
    response = await api.http.get(f"/app/{match.group(1)}")
    # then
    assert response.status_code == 200
    assert response.content == (BUILD_DIR / match.group(1)).read_bytes()
    assert "immutable" in response.headers["cache-control"]


async def test_a_missing_asset_is_a_404_not_the_index(api: Api) -> None:
    # when
    response = await api.http.get("/app/assets/gone-1234.js")
    # then
    assert response.status_code == 404
