"""Addresses written in the text are links in every format (outloud LNK-010: a printed address
with no link annotation over it)."""

from __future__ import annotations

import pikepdf

from conftest import build

from pressroom import model as m
from pressroom import reader, transforms

SRC = """---
title: Links typed as text
date: 2024-05-01
lang: en
publisher: UN Today
---

## Where can readers learn more?

At https://www.iom.int/migration-data, at www.un.org or by writing to press@un.org. In code,
`https://example.org/not-a-link` stays code, and [a link](https://example.org/a) stays itself.
"""


def _links(nodes):
    for n in nodes:
        if isinstance(n, m.Link):
            yield n
        yield from _links(getattr(n, "children", ()) or ())


def test_addresses_in_the_text_become_links_to_themselves(tmp_path):
    src = tmp_path / "links.md"
    src.write_text(SRC, encoding="utf-8")
    iv = transforms.apply(reader.read(src))
    para = iv.exchanges[0].answer[0]
    links = [(ln.href, m.plain_text(ln.children)) for ln in _links(para.children)]
    assert links == [("https://www.iom.int/migration-data", "https://www.iom.int/migration-data"),
                     ("https://www.un.org", "www.un.org"), ("mailto:press@un.org", "press@un.org"),
                     ("https://example.org/a", "a link")]
    # The text is unchanged.
    assert m.plain_text(para.children) == m.plain_text(reader.read(src).exchanges[0].answer[0].children)
    screen = build("screen", src, tmp_path)
    with pikepdf.open(screen) as pdf:
        uris = sorted(str(a.A.URI) for p in pdf.pages for a in p.get("/Annots", []) if "/A" in a)
    assert set(uris) == {h for h, _ in links}  # a link broken across lines has one annotation a line
