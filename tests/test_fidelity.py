"""Every word of the seed interview, in order, in the text a real reader extracts (issue 2)."""

from __future__ import annotations

import pytest

from textcheck import assert_in_order, docx_text, epub_text, pdf_text, seed_words

EXTRACT = {"print": pdf_text, "screen": pdf_text, "docx": docx_text, "epub": epub_text}


@pytest.mark.parametrize("kind", list(EXTRACT))
def test_every_seed_word_in_order(outputs, kind):
    path = outputs[kind]
    assert_in_order(seed_words(kind), EXTRACT[kind](path), f"{kind} ({path.name})")


@pytest.mark.parametrize("kind", list(EXTRACT))
def test_section_and_byline(outputs, kind):
    text = EXTRACT[kind](outputs[kind])
    # "Read more articles about FOCUS ON" became the section, shown in every format.
    assert "focus on" in text.lower()
    assert "Prisca Chaoui" in text


def test_fidelity_check_can_fail():
    from textcheck import missing_in_order

    assert missing_in_order(["a", "b"], ["a", "b"]) is None
    assert missing_in_order(["a", "b"], ["b", "a"]) is not None
    assert missing_in_order(seed_words(), seed_words()[:-1]) is not None
