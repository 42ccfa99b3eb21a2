"""DOI normalisation, validation, comparison and URL safety."""

from urllib.parse import unquote, urlsplit

import pytest
import requests
from hypothesis import given, settings, strategies as st
from urllib3.util import parse_url

from evidencebib import doi


@pytest.mark.parametrize("text, expected", [
    ("10.1000/xyz123", "10.1000/xyz123"),
    ("doi:10.1000/XYZ123", "10.1000/XYZ123"),
    ("DOI: 10.1000/xyz", "10.1000/xyz"),
    ("https://doi.org/10.1136/jclinpath-2020-206745", "10.1136/jclinpath-2020-206745"),
    ("http://dx.doi.org/10.1002/jor.1100150407", "10.1002/jor.1100150407"),
    ("https://www.doi.org/10.1002/jor.1100150407", "10.1002/jor.1100150407"),
    ("info:doi/10.1371/journal.pone.0033693", "10.1371/journal.pone.0033693"),
    ("  10.1000/abc \n", "10.1000/abc"),
    ("10.1000%2Fabc", "10.1000/abc"),
    ("https://doi.org/10.1175/1520-0493(1987)115%3C1606%3AGARSPP%3E2.0.CO%3B2",
     "10.1175/1520-0493(1987)115<1606:GARSPP>2.0.CO;2"),
    ("https://doi.org/10.1000/abc?utm_source=x#frag", "10.1000/abc"),
    ("https://doi.org/10.1000/a%3Fb%23c", "10.1000/a?b#c"),
    ("10.1016/S0140-6736(97)11096-0", "10.1016/S0140-6736(97)11096-0"),
])
def test_normalize_accepts_common_forms_and_keeps_spelling(text, expected):
    assert doi.normalize(text) == expected
    assert doi.is_valid(doi.normalize(text))


@pytest.mark.parametrize("text", ["", "not a doi", "10.12/abc", "11.1000/abc", "10.1000/",
                                  "10.1000/a b", "10.1000/a\tb", "doi:", "https://doi.org/"])
def test_invalid(text):
    assert not doi.is_valid(doi.normalize(text))
    with pytest.raises(doi.InvalidDOI):
        doi.parse(text)


def test_sici_doi_is_valid():
    assert doi.is_valid("10.1130/0091-7613(2002)030<0279:MNDFNM>2.0.CO;2")
    assert doi.is_valid("10.1002/(SICI)1097-4636(199706)35:4<443::AID-JBM4>3.0.CO;2-J")


def test_comparison_is_case_insensitive():
    assert doi.same("10.1016/S0140-6736(97)11096-0", "https://doi.org/10.1016/s0140-6736(97)11096-0")
    assert not doi.same("10.1000/a", "10.1000/b")
    assert not doi.same(None, "10.1000/a")
    assert doi.key("10.1000/ABC") == "10.1000/abc"


def test_path_segment_encodes_dangerous_characters():
    assert doi.path_segment("10.1175/1520-0493(1987)115<1606:GARSPP>2.0.CO;2") == \
        "10.1175/1520-0493(1987)115%3C1606:GARSPP%3E2.0.CO%3B2"
    assert doi.path_segment("10.1000/a b?c#d%e") == "10.1000/a%20b%3Fc%23d%25e"
    assert doi.path_segment("10.1000/../../admin") == "10.1000%2F..%2F..%2Fadmin"
    assert doi.path_segment("10.1000/./x") == "10.1000%2F.%2Fx"
    assert doi.path_segment("10.1000/a..b/c") == "10.1000/a..b/c"
    assert doi.path_segment("10.1000/a/b", encode_slashes=True) == "10.1000%2Fa%2Fb"
    assert doi.path_segment("10.1000/ü") == "10.1000/%C3%BC"
    assert doi.path_segment("10.1000/a\\b@c") == "10.1000/a%5Cb%40c"


def test_find_in_text():
    assert doi.find_in_text("see https://doi.org/10.1000/abc.") == "10.1000/abc"
    assert doi.find_in_text("no doi") is None


PREFIXES = ["https://api.crossref.org/works/", "http://127.0.0.1:8080/v1/works/",
            "https://doi.org/ra/", "https://doi.org/api/handles/"]


@settings(max_examples=400, deadline=None)
@given(suffix=st.text(min_size=1, max_size=40), prefix=st.sampled_from(PREFIXES),
       encode=st.booleans())
def test_no_doi_can_change_host_port_scheme_or_path_prefix(suffix, prefix, encode):
    name = "10.1234/" + suffix
    url = prefix + doi.path_segment(name, encode_slashes=encode)
    base = urlsplit(prefix)
    for parsed in (urlsplit(url), parse_url(url)):
        assert parsed.scheme == base.scheme
        host = parsed.hostname if isinstance(parsed.hostname, str) else parsed.host
        assert host == base.hostname
        assert parsed.port == base.port
        assert (parsed.query in (None, "")) and (parsed.fragment in (None, ""))
    # what requests actually sends
    prepared = requests.Request("GET", url).prepare()
    sent = urlsplit(prepared.url)
    assert (sent.scheme, sent.hostname, sent.port) == (base.scheme, base.hostname, base.port)
    assert sent.path.startswith(base.path)
    assert not sent.query and not sent.fragment
    assert prepared.path_url.startswith(base.path)
    tail = sent.path[len(base.path):]
    # no segment the server could collapse
    assert all(seg not in (".", "..") for seg in tail.split("/"))
    # and the server decodes it back to the DOI
    assert unquote(tail) == name


# Issue 15, item 7: resolver URLs other than doi.org, and shortDOIs.

@pytest.mark.parametrize("text, expected", [
    ("http://doi.acm.org/10.1145/3290605.3300233", "10.1145/3290605.3300233"),
    ("https://doi.wiley.com/10.1002/jor.1100150407", "10.1002/jor.1100150407"),
    ("http://doi.ieeecomputersociety.org/10.1109/MC.2006.99", "10.1109/MC.2006.99"),
    ("http://dx.crossref.org/10.1000/abc", "10.1000/abc"),
])
def test_other_resolvers_urls_give_the_doi(text, expected):
    assert doi.normalize(text) == expected


def test_a_host_named_doi_without_a_doi_after_it_is_left_alone():
    assert doi.normalize("http://doi.example.com/about") == "http://doi.example.com/about"


@pytest.mark.parametrize("text", ["10/fqd6hj", "https://doi.org/10/fqd6hj", "doi:10/aabbe"])
def test_short_dois_are_recognised(text):
    name = doi.normalize(text)
    assert doi.is_short(name) and not doi.is_valid(name)


def test_a_full_doi_is_not_short():
    assert not doi.is_short("10.1000/abc") and not doi.is_short("10/with space")


@pytest.mark.parametrize("written,name", [
    ("https://dl.acm.org/doi/10.1145/3292500.3330701", "10.1145/3292500.3330701"),
    ("https://onlinelibrary.wiley.com/doi/abs/10.1002/sim.1234", "10.1002/sim.1234"),
    ("https://onlinelibrary.wiley.com/doi/epdf/10.1002/sim.1234", "10.1002/sim.1234"),
    ("https://link.springer.com/article/10.1007/s00134-020-06022-5", "10.1007/s00134-020-06022-5"),
    ("https://www.tandfonline.com/doi/full/10.1080/01621459.2017.1285773",
     "10.1080/01621459.2017.1285773"),
    ("https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0012345",
     "10.1371/journal.pone.0012345"),
    ("https://www.frontiersin.org/articles/10.3389/fpsyg.2020.01234/full", "10.3389/fpsyg.2020.01234"),
    (r"\url{https://doi.org/10.1000/xyz123}", "10.1000/xyz123"),
])
def test_a_publishers_page_of_the_article_in_a_doi_field_is_its_doi(written, name):
    assert doi.normalize(written) == name


def test_a_url_without_a_doi_in_it_is_left_as_written():
    assert doi.normalize("https://example.org/article/42") == "https://example.org/article/42"
