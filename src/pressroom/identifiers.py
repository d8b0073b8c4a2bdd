"""Deterministic identifiers of the publication and of each of its editions.

One place for the derivation, so that the EPUB's ``pageBreakSource`` names
exactly the identifier the print PDF carries.

- ``identifier(meta)``: the publication's identifier, used as the EPUB's
  ``dc:identifier``: the front matter ``identifier`` if given, otherwise
  ``urn:uuid:`` + UUID 5 of the title and the date.
- ``identifier(meta, "print")``: the print edition's own
  identifier, derived from the publication's: ``urn:uuid:`` + UUID 5 of the
  publication identifier and the edition name. An edition must not share the
  EPUB's identifier: ``pageBreakSource`` names the *source* of the page
  numbers, which is another publication than the EPUB itself.
"""

from __future__ import annotations

import uuid

from .model import Metadata

#: The namespace of every pressroom UUID (uuid5 of the DNS name "pressroom"; never change it).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "pressroom")

#: Editions with an identifier of their own (the print PDF's, named by the EPUB's pageBreakSource).
EDITIONS = ("print",)


def identifier(meta: Metadata, edition: str | None = None) -> str:
    """The publication's identifier, or the identifier of one of its editions."""
    base = meta.identifier.strip() if meta.identifier else ""
    if not base:
        base = "urn:uuid:" + str(uuid.uuid5(NAMESPACE, f"{meta.title}\n{meta.date.isoformat()}"))
    if edition is None:
        return base
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}")
    return "urn:uuid:" + str(uuid.uuid5(NAMESPACE, f"{base}\n{edition}"))
