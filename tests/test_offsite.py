"""The offsite policy: requests, redirects and meta refreshes only to the configured source hosts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conftest import run_crawl

from finews_crawler.testing.runs import server_stats
from finews_crawler.replay.server import ReplayServer
from finews_crawler.replay.site import Response

pytestmark = pytest.mark.e2e

REDIRECTED, REFRESHED, MOVED_HOME = "NW202204282363799455", "NW202205302396506117", "NW202112082206672930"
TO_FILE = "NW202112082206704122"


def _redirect(location: str) -> Response:
    return Response(302, "text/html; charset=utf-8", b"<html>moved</html>", "share", {"Location": location})


def _refresh(location: str) -> Response:
    page = f'<html><head><meta http-equiv="refresh" content="0;url={location}"></head><body>跳转</body></html>'
    return Response(200, "text/html; charset=utf-8", page.encode(), "share")


def test_redirects_and_meta_refreshes_off_the_source_are_dropped_counted_and_never_requested(tmp_path, replay_site):
    with ReplayServer(replay_site) as elsewhere:
        # `localhost` is another host name than the source's 127.0.0.1, though the same machine.
        offsite = elsewhere.url.replace("127.0.0.1", "localhost")
        site = replace(replay_site, overrides={
            f"share:{REDIRECTED}": _redirect(f"{offsite}/html_News/NewsShare.html?infoCode={REDIRECTED}"),
            f"share:{REFRESHED}": _refresh(f"{offsite}/html_News/NewsShare.html?infoCode={REFRESHED}"),
            f"share:{TO_FILE}": _redirect("file:///etc/passwd"),
            "feed:media:1": Response(301, "text/html", b"", "feed:media", {"Location": f"{offsite}/web/webapi?type=45"}),
        })
        with ReplayServer(site) as source:
            site.overrides[f"share:{MOVED_HOME}"] = _redirect(  # to a page of the same host
                f"{source.url}/html_News/NewsShare.html?infoCode=NW202112082206703990&via=redirect")
            returncode, log, stats = run_crawl(tmp_path, {
                "FINEWS_API_BASE": source.url, "FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "FINEWS_EXPORT_DIR": str(tmp_path / "site")})
            assert server_stats(elsewhere)["kinds"] == {}, "a request left the source"
    assert returncode == 5, log[-2000:]  # the media feed's page went elsewhere: it was read only in part
    assert stats["finews/dropped/offsite"] == 3
    assert (f"Not followed: {offsite}/html_News/NewsShare.html?infoCode={REDIRECTED} (redirected from "
            f"{source.url}/html_News/NewsShare.html?infoCode={REDIRECTED}): "
            f"'http://localhost:{offsite.rsplit(':', 1)[1]}' is not an origin of the source ({source.url})") in log
    posts = {p.stem.split("-", 3)[3] for p in (tmp_path / "site" / "_posts").glob("*.md")}
    assert REDIRECTED not in posts and REFRESHED not in posts and TO_FILE not in posts
    assert "root:" not in log and "root:" not in "".join(p.read_text() for p in (tmp_path / "site").rglob("*.md"))
    assert MOVED_HOME in posts  # a redirect within the source is followed


def _moved(status: int, location: str) -> Response:
    return Response(status, "text/html; charset=utf-8", b"<html>moved</html>", "share", {"Location": location})


def test_another_port_or_scheme_of_the_sources_host_is_another_origin_whatever_leads_there(tmp_path, replay_site):
    """An internal service on another port of the source's host is never fetched: not by a 302, a 307, a
    scheme-relative 301, a meta refresh, nor a hop through the source first."""
    codes = [a.info_code for a in replay_site.articles if a.status == "ok" and a.feeds and a.title][:6]
    with ReplayServer(replay_site) as internal:  # the same host (127.0.0.1), another port
        other = internal.url
        port = other.rsplit(":", 1)[1]
        site = replace(replay_site, overrides={
            f"share:{codes[0]}": _moved(302, f"{other}/html_News/NewsShare.html?infoCode={codes[0]}"),
            f"share:{codes[1]}": _moved(307, f"{other}/html_News/NewsShare.html?infoCode={codes[1]}"),
            f"share:{codes[2]}": _moved(301, f"//127.0.0.1:{port}/html_News/NewsShare.html?infoCode={codes[2]}"),
            f"share:{codes[3]}": _refresh(f"{other}/html_News/NewsShare.html?infoCode={codes[3]}"),
            f"share:{codes[5]}": _moved(302, f"https://127.0.0.1:{port}/html_News/NewsShare.html?infoCode={codes[5]}"),
        })
        with ReplayServer(site) as source:
            # a hop through the source first: a page of its own, which then moves to the other port
            hop = "NW209912310000000001"
            site.overrides[f"share:{codes[4]}"] = _moved(302, f"{source.url}/html_News/NewsShare.html?infoCode={hop}")
            site.overrides[f"share:{hop}"] = _moved(302, f"{other}/html_News/NewsShare.html?infoCode={hop}")
            returncode, log, stats = run_crawl(tmp_path, {
                "FINEWS_API_BASE": source.url, "FINEWS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "FINEWS_EXPORT_DIR": str(tmp_path / "site")})
            assert server_stats(internal)["kinds"] == {}, "a request reached the other port"
    assert stats["finews/dropped/offsite"] >= 6, log[-3000:]
    assert f"is not an origin of the source ({source.url})" in log
    posts = {p.stem.split("-", 3)[3] for p in (tmp_path / "site" / "_posts").glob("*.md")}
    assert not posts & set(codes)
