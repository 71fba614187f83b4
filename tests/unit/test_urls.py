"""Canonical URLs: one spelling per article, so one article id per article."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headlinez.domain.urls import InvalidUrlError, article_id_for, canonicalize_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # scheme and host are case-insensitive; the trailing dot of a host is dropped
        ("HTTPS://WWW.Example.COM./News/Story", "https://www.example.com/News/Story"),
        # www. is kept (it can be another site); http is not upgraded
        ("http://www.example.com/a", "http://www.example.com/a"),
        # default ports dropped, others kept
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com:80/a", "https://example.com:80/a"),
        # fragment removed, empty path becomes /
        ("https://example.com#top", "https://example.com/"),
        ("https://example.com/a#comments", "https://example.com/a"),
        # tracking parameters removed (case-insensitive), the rest sorted
        (
            "https://www.bbc.com/news/articles/cp81l0e1eg5o?at_medium=RSS&at_campaign=rss",
            "https://www.bbc.com/news/articles/cp81l0e1eg5o",
        ),
        ("https://e.com/a?utm_source=x&UTM_Medium=y&id=7", "https://e.com/a?id=7"),
        ("https://e.com/a?b=2&a=1&fbclid=zz&gclid=1", "https://e.com/a?a=1&b=2"),
        ("https://e.com/a?CMP=share&smid=tw&ref=rss&partner=rss&emc=rss&x=1", "https://e.com/a?x=1"),
        ("https://e.com/a?ocid=msn&cmpid=1&mc_cid=2&mc_eid=3&_ga=4&igshid=5", "https://e.com/a"),
        ("https://e.com/a?taid=1&ito=2&dclid=3&yclid=4&ref_src=5&rss=1", "https://e.com/a"),
        # a query that is all tracking leaves no "?"
        ("https://e.com/a?utm_source=rss", "https://e.com/a"),
        # pieces keep their form: no "=" added, "+" kept
        ("https://e.com/search?q=a+b&123", "https://e.com/search?123&q=a+b"),
        # percent-encoding: unreserved decoded, others uppercased, unsafe characters escaped
        ("https://e.com/%7Euser/%41b%2fc", "https://e.com/~user/Ab%2Fc"),
        ("https://e.com/caf\u00e9 bar", "https://e.com/caf%C3%A9%20bar"),
        ("https://e.com/100%", "https://e.com/100%25"),
        # dot segments resolved
        ("https://e.com/a/./b/../c", "https://e.com/a/c"),
        ("https://e.com/../../x", "https://e.com/x"),
        # user info is never kept
        ("https://user:secret@e.com/a", "https://e.com/a"),
        # international host to IDNA
        ("https://B\u00fccher.example/a", "https://xn--bcher-kva.example/a"),
        # IPv6 host
        ("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
        # surrounding blanks and embedded newlines (seen in feeds)
        ("  https://e.com/a\n/b  ", "https://e.com/a/b"),
    ],
)
def test_canonicalize_url(raw: str, expected: str) -> None:
    assert canonicalize_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "ftp://example.com/file",
        "javascript:alert(1)",
        "mailto:news@example.com",
        "/relative/path",
        "example.com/no-scheme",
        "http:///no-host",
        "https://",
        "http://exa mple.com/",
        "http://example.com:99999/",
        "http://example.com:port/",
        "",
    ],
)
def test_invalid_urls_raise_named_error(raw: str) -> None:
    with pytest.raises(InvalidUrlError):
        canonicalize_url(raw)


def test_invalid_url_error_is_a_value_error() -> None:
    assert issubclass(InvalidUrlError, ValueError)


def test_variants_of_one_url_share_one_article_id() -> None:
    variants = [
        "https://www.example.com/world/story-1?b=2&a=1",
        "HTTPS://WWW.EXAMPLE.COM:443/world/story-1?a=1&b=2&utm_source=rss#comments",
        "https://www.example.com/world/./story-1?a=1&fbclid=abc&b=2",
    ]
    ids = {article_id_for(canonicalize_url(url)) for url in variants}
    assert len(ids) == 1


def test_article_id_is_32_hex_digits_of_sha256() -> None:
    article_id = article_id_for("https://example.com/a")
    assert re.fullmatch(r"[0-9a-f]{32}", article_id)
    assert article_id == hashlib.sha256(b"https://example.com/a").hexdigest()[:32]
    assert article_id_for("https://example.com/b") != article_id


# --- properties ----------------------------------------------------------------------------------

_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_host = st.builds(
    lambda labels, tld: ".".join([*labels, tld]), st.lists(_label, min_size=1, max_size=3), _label
)
_path_char = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
_path = st.lists(st.text(_path_char, max_size=8), max_size=4).map(lambda parts: "/" + "/".join(parts))
_param = st.tuples(
    st.sampled_from(["id", "page", "utm_source", "fbclid", "q", "ref", "Sort", "a b"]),
    st.text(_path_char, max_size=6),
)
_url = st.builds(
    lambda scheme, host, port, path, params, fragment: (
        f"{scheme}://{host}{port}{path}"
        + ("?" + "&".join(f"{k}={v}" for k, v in params) if params else "")
        + (f"#{fragment}" if fragment else "")
    ),
    st.sampled_from(["http", "https", "HTTP", "Https"]),
    _host,
    st.sampled_from(["", ":80", ":443", ":8080"]),
    _path,
    st.lists(_param, max_size=4),
    st.text(_path_char, max_size=5),
)


@given(_url)
def test_canonicalize_is_idempotent(url: str) -> None:
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once


@given(_url)
def test_canonical_url_has_no_tracking_params_and_no_fragment(url: str) -> None:
    canonical = canonicalize_url(url)
    assert "#" not in canonical
    query = canonical.partition("?")[2]
    keys = {piece.split("=", 1)[0].lower() for piece in query.split("&") if piece}
    assert not keys & {"utm_source", "fbclid", "ref"}


@given(_url)
def test_canonical_url_is_ascii_and_lowercase_host(url: str) -> None:
    canonical = canonicalize_url(url)
    assert canonical.isascii()
    host = canonical.split("://", 1)[1].split("/", 1)[0]
    assert host == host.lower()
