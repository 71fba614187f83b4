"""The written-out combining marks are the running Python's Unicode category M (first plane)."""

from __future__ import annotations

import re
import unicodedata

import pytest

from headlinez.domain.marks import MARK_RANGES, UNICODE_VERSION, WORD_CHARACTER


def _class_members(body: str) -> set[int]:
    members: set[int] = set()
    index = 0
    while index < len(body):
        if index + 2 < len(body) and body[index + 1] == "-":
            members.update(range(ord(body[index]), ord(body[index + 2]) + 1))
            index += 3
        else:
            members.add(ord(body[index]))
            index += 1
    return members


@pytest.mark.skipif(unicodedata.unidata_version != UNICODE_VERSION,
                    reason=f"the class was written from Unicode {UNICODE_VERSION}; this Python has "
                           f"{unicodedata.unidata_version}: regenerate it")
def test_the_ranges_are_every_combining_mark_of_the_basic_multilingual_plane() -> None:
    expected = {code for code in range(0x10000) if unicodedata.category(chr(code)).startswith("M")}
    assert _class_members(MARK_RANGES) == expected


def test_a_word_keeps_its_vowel_signs() -> None:
    word = re.compile(f"{WORD_CHARACTER}+")
    assert word.findall("नरेन्द्र मोदी") == ["नरेन्द्र", "मोदी"]
    assert word.findall("தமிழ்நாடு, বাংলাদেশ") == ["தமிழ்நாடு", "বাংলাদেশ"]
    assert word.findall("José Jerí, e\u0301clair") == ["José", "Jerí", "e\u0301clair"]
    assert word.findall("a - b. c") == ["a", "b", "c"]
