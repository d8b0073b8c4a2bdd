"""The loose-line pass tries its spacing variants on a trial document that holds only the
paragraphs being fitted (writers/pdf/layout.py, ``trial_root``; issue 15: the print PDF was laid
out about 13 times, seven of them whole-document trials). That is right only if a paragraph
breaks into the same lines there as in the whole document: this test lays out both, with a
variant applied, and compares every line of every paragraph tried, on interviews in several
languages (the seed, Arabic, Chinese, Russian, notes in French, nested lists), in both
editions.
"""

from __future__ import annotations

import copy

import pytest

from conftest import ROOT
from pressroom import html as H
from pressroom import reader, transforms
from pressroom.styles import open_styles
from pressroom.writers import pdf as P
from pressroom.writers.pdf import document as D
from pressroom.writers.pdf import layout as L

FIXTURES = ROOT / "tests" / "fixtures"
SOURCES = {
    "seed": ROOT / "source" / "the-future-of-migration.md",
    "ar": FIXTURES / "lang" / "ar.md",
    "zh": FIXTURES / "lang" / "zh.md",
    "ru": FIXTURES / "linebreak" / "ru.md",
    "fr-notes": FIXTURES / "footnotes" / "fr.md",
    "lists": FIXTURES / "pdfua" / "lists.md",
}


class _Stop(Exception):
    pass


def _render(monkeypatch, interview, styles, edition):
    """The writer's own render function (its stylesheets, fonts and PDF options)."""
    got = {}

    def spy(_interview, _styles, _edition, render):
        got["render"] = render
        raise _Stop

    monkeypatch.setattr(P, "laid_out", spy)
    with pytest.raises(_Stop):
        P.write(interview, styles, edition=edition)
    return got["render"]


def _lines(doc, document) -> dict[tuple, list[str]]:
    """{path of a block: the texts of its lines, in order} of a laid-out document."""
    from weasyprint.formatting_structure import boxes

    parents = {c: p for p in doc.etree_element.iter() for c in p}
    out: dict[tuple, list[str]] = {}
    for page in document.pages:
        for box in page._page_box.descendants():
            if isinstance(box, boxes.LineBox) and box.element is not None:
                key = tuple(L._path(box.element, parents))
                out.setdefault(key, []).append("".join(t.text for t in L._line_texts(box)))
    return out


@pytest.mark.parametrize("edition", ["print", "screen"])
@pytest.mark.parametrize("name", list(SOURCES))
def test_a_trial_document_breaks_its_paragraphs_as_the_whole_document(monkeypatch, name, edition):
    styles = open_styles()
    interview = transforms.apply(reader.read(SOURCES[name]), styles)
    render = _render(monkeypatch, interview, styles, edition)
    root = D._root_for(interview, styles, edition)
    doc, document = render(H.to_bytes(root).decode("utf-8"))
    whole = _lines(doc, document)
    # Paragraphs of more than one line, every third in a long text (not only loose ones: any
    # may be tried).
    multi = [list(k) for k, v in whole.items() if len(v) > 1]
    paths = multi[::3] if len(multi) >= 9 else multi
    assert paths
    for variant in ("tight", "looser"):
        full, trial = copy.deepcopy(root), L.trial_root(root, paths)
        for tree in (full, trial):
            for path in paths:
                D._add_class(L._element_at(tree, path), variant)
        a = _lines(*render(H.to_bytes(full).decode("utf-8")))
        b = _lines(*render(H.to_bytes(trial).decode("utf-8")))
        for path in paths:
            assert b.get(tuple(path)) == a[tuple(path)], (variant, path)
        # Nothing else of the text is laid out in the trial: only the notes' (their calls).
        assert sum(len(v) for v in b.values()) < sum(len(v) for v in a.values())


def test_a_trial_document_keeps_the_structure_around_its_paragraphs_and_every_note():
    """The paragraphs tried keep their text, their ancestors and their ancestors' children
    (the selectors and paths hold); each note is kept, in order (the calls keep their numbers);
    the text of everything else is gone."""
    styles = open_styles()
    interview = transforms.apply(reader.read(SOURCES["fr-notes"]), styles)
    root = D._root_for(interview, styles, "print")
    body = root.find(f"{{{H.XHTML}}}body")
    paragraphs = list(body.iter(f"{{{H.XHTML}}}p"))
    parents = {c: p for p in root.iter() for c in p}
    kept = paragraphs[len(paragraphs) // 2]
    trial = L.trial_root(root, [L._path(kept, parents)])
    t_kept = L._element_at(trial, L._path(kept, parents))
    assert "".join(t_kept.itertext()) == "".join(kept.itertext())
    for ancestor in kept.iterancestors():
        t_ancestor = L._element_at(trial, L._path(ancestor, parents)) if ancestor in parents else trial
        assert [(c.tag, c.get("class")) for c in t_ancestor] == [(c.tag, c.get("class")) for c in ancestor]
    notes = [el.get("id") for el in root.iter() if isinstance(el.tag, str) and L._is_note(el)]
    t_notes = [el.get("id") for el in trial.iter() if isinstance(el.tag, str) and L._is_note(el)]
    assert len(notes) >= 3 and t_notes == notes
    text = "".join(t for el in trial.find(f"{{{H.XHTML}}}body") for t in el.itertext())
    notes_text = "".join(t for el in trial.iter() if isinstance(el.tag, str) and L._is_note(el)
                         and not t_kept in el.iterancestors() for t in el.itertext())
    assert len(text) <= len("".join(kept.itertext())) + len(notes_text)
    # Serialised for WeasyPrint's HTML parser, no emptied element is written "<p/>" (which it
    # would leave open, nesting everything after it).
    assert b"<p/>" not in H.to_bytes(trial) and b"<div/>" not in H.to_bytes(trial)
