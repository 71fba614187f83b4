"""What CMSs add to descriptions: WordPress's "appeared first on" footer and "read more" stubs."""

from __future__ import annotations

import pytest

from headlinez.domain.boilerplate import is_boilerplate_only, without_wordpress_footer

# Boston.com's shape in the 2026-02-18 snapshot: `<a>Boston.com</a>.` reads "Boston.com ."
BOSTON = ("Obama said there is no evidence. The post Obama shuts down alien buzz and says there’s no "
          "evidence they’ve made contact appeared first on Boston.com .")


@pytest.mark.parametrize(("text", "expected"), [
    (BOSTON, "Obama said there is no evidence."),
    ("Lead. The post Yes, George Washington led the Siege of Boston. No, he didn’t have wooden teeth. "
     "appeared first on Boston.com .", "Lead."),
    ("Welcome to the new era The post 20 Years of Loud And Quiet appeared first on Loud And Quiet.",
     "Welcome to the new era"),
    # the last footer-shaped "The post": a lead about the post office keeps its words
    ("The post office closed. The post Mail stops appeared first on Site.", "The post office closed."),
    ("The post Only a footer appeared first on Site.", ""),
])
def test_a_trailing_wordpress_footer_is_removed(text: str, expected: str) -> None:
    assert without_wordpress_footer(text) == expected


@pytest.mark.parametrize("text", [
    "The post office appeared first on the list of closures, officials said. More to come.",  # not at the end
    "The post Title appeared first on .",  # no site name
    "The post  appeared first on Boston.com.",  # no headline
    "Lead. The post Title appeared first on Boston.com",  # no final period
    "Lead. The post-war era appeared first on Boston.com.",
    "Lead.The post Title appeared first on Boston.com.",  # "The post" inside a word
    "Lead. The post Title appeared first on " + "x" * 150 + ".",  # a sentence, not a site name
    "A plain lead with no footer.",
])
def test_text_that_does_not_end_with_exactly_that_shape_is_kept(text: str) -> None:
    assert without_wordpress_footer(text) == text


@pytest.mark.parametrize("description", [
    None, "", "   ", "<p></p>", "<p>&nbsp;</p>", '<img src="https://e.com/a.jpg">',
    '<a href="https://e.com/a">Continue reading&#8230;</a>', "Continue reading →", "Read more",
    "Read More »", "[&#8230;]", "[...]", "…", "(more…)", "<p>Read the full story</p>",
    "[…] The post Storm hits coast appeared first on Example News.",
    # a description cut inside its first tag (Blogger)
    '<i style="--tw-ring-color: rgb(59 130 246 / 0.5); --tw-ring-offset-color: #fff; --tw-rotate: 0; -',
])
def test_stubs_and_empty_descriptions_are_boilerplate(description: str | None) -> None:
    assert is_boilerplate_only(description)


@pytest.mark.parametrize("description", [
    "Storm hits coast […]", "Thousands evacuated. Continue reading →", "More rain is expected",
    "Read more about it here", "<p>" + "A long lead. " * 300 + "</p>", "Readmore",
])
def test_a_description_with_a_lead_is_not_boilerplate(description: str) -> None:
    assert not is_boilerplate_only(description)
