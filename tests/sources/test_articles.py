"""Which pages an article is read from, and in which order (finews_crawler.sources.articles)."""

from finews_crawler.sources.articles import Bases, endpoints

CODE = "NW202405233083920012"


def test_todays_page_falls_back_to_the_mobile_page_then_the_text_api():
    chain = endpoints(Bases(page="http://p", mobile="http://m", share="http://s", api="http://api"), CODE)
    assert [(e.name, e.url) for e in chain] == [
        ("page", "http://p/a/202405233083920012.html"), ("mobile", "http://m/a/202405233083920012.html"),
        ("text_api", f"http://api/NewsData/GetNewsText.do?id={CODE}")]
    assert [e.missing_without_body for e in chain] == [True, True, False]  # §6: no #ContentBody = missing


def test_a_2021_share_page_falls_back_to_the_text_api_only():
    chain = endpoints(Bases(share="http://s", api="http://api"), CODE)
    assert [e.name for e in chain] == ["share", "text_api"]
    assert chain[0].url == f"http://s/html_News/NewsShare.html?infoCode={CODE}"
    assert not chain[0].missing_without_body and chain[0].page and not chain[1].page


def test_a_chain_has_only_the_endpoints_whose_base_is_configured():
    assert [e.name for e in endpoints(Bases(page="http://p"), CODE)] == ["page"]
