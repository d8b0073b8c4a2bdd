"""The finisher: run on the PDF objects before the file is written (crop marks in registration colour, boxes, XMP, the output intent, and the checks that keep a bad file from being written)."""

from __future__ import annotations

import io
import re
import uuid
from xml.sax.saxutils import escape


from ... import model as m
from ...errors import BuildError
from ...identifiers import identifier
from ...package import checkpoint


BLEED_MM = 3.0
#: Namespace of the reproducible XMP identifiers (uuid5).
XMP_NAMESPACE = uuid.UUID("6f1c7a52-3d0e-5b8e-9a57-70726573736d")
#: Name of the registration colour space added to the print edition's resources.
REGISTRATION = "PressroomRegistration"


# -- the finisher ---------------------------------------------------------------------------

_NUM = rb"[-+]?(?:\d+\.?\d*|\.\d+)"
_RGB_OP = re.compile(rb"(?:^|\s)" + _NUM + rb"\s+" + _NUM + rb"\s+" + _NUM + rb"\s+(rg|RG)(?=\s|$)")
_MARK_OPS = {b"q", b"Q", b"cm", b"gs", b"rg", b"RG", b"w", b"d", b"J", b"j", b"M", b"m", b"l", b"c",
             b"h", b"B", b"S", b"f", b"n", b"re"}


def _stream_bytes(stream) -> bytes:
    import pydyf

    return b"\n".join(pydyf._to_bytes(item) for item in stream.stream)


def _operators(content: bytes) -> set[bytes]:
    tokens = re.sub(rb"\[[^\]]*\]|/\S+|" + _NUM, b" ", content).split()
    return set(tokens)


class _Finisher:
    def __init__(self, interview: m.Interview, edition: str, families: set[str],
                 condition: dict[str, str] | None, trim: str, icc: str):
        self.iv = interview
        self.edition = edition
        self.families = families
        self.condition = condition or {}
        self.trim = trim
        self.icc = icc
        self.problems: list[str] = []
        #: The logical text of the tagged text boxes that have an ActualText (_actual_text).
        self.logical: dict[int, dict[int, str]] = {}

    def __call__(self, document, pdf):
        checkpoint("finishing")
        self.check_fonts(document)
        if self.iv.meta.script_direction == "rtl":
            self.right_to_left(pdf)
        # Both editions: a RIP (Ghostscript, Acrobat) reads a CID-keyed font's codes as CIDs.
        self.identity_cids(pdf)
        if self.logical:
            self.structure_actual_text(pdf)
        if self.edition == "print":
            self.print_fixes(pdf)
            self.check_no_rgb(pdf)
        else:
            self.screen_fixes(pdf)
            self.margins_as_artifacts(pdf)
            self.markers_in_reading_order(pdf)
        if self.iv.editions:
            self.editions_xmp(pdf)
        if self.problems:
            raise BuildError("; ".join(self.problems))

    def right_to_left(self, pdf):
        """Page progression right to left (issue 6): viewers show spreads in RTL order."""
        import pydyf

        prefs = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
        prefs["Direction"] = "/R2L"
        pdf.catalog["ViewerPreferences"] = prefs

    # screen: tagging and annotations (PDF/UA-1) --------------------------------------
    def screen_fixes(self, pdf):
        """What WeasyPrint 70's tagging gets wrong for PDF/UA-1 (checked by page-validation and
        outloud, pressroom.checks.pdf):

        - a list item's content is tagged as direct children of ``LI`` (``LI`` → ``Lbl``, ``P``),
          but an ``LI`` may hold only ``Lbl`` and ``LBody`` (ISO 32000-1 14.8.4.3.3, Matterhorn
          16-001): the content goes into one ``LBody``;
        - a nested list is hung on the outer ``L`` beside its item: it goes into that item's
          ``LBody``, at its place among the item's blocks;
        - link annotations lack the Print flag (ISO 32000-1 12.5.3; PDF/UA-1 7.18.1): set it,
          so printing from the screen edition keeps what readers see.
        """
        import pydyf

        objects = pdf.objects

        def obj(ref):
            return objects[int(ref.split()[0])] if isinstance(ref, bytes) else None

        def role(el):
            return el.get("S") if isinstance(el, pydyf.Dictionary) else None

        def new_element(tag, parent, kids):
            el = pydyf.Dictionary({"Type": "/StructElem", "S": tag, "K": pydyf.Array(kids),
                                   "P": parent.reference})
            if "Pg" in parent:
                el["Pg"] = parent["Pg"]
            pdf.add_object(el)
            for kid in kids:
                if isinstance(obj(kid), pydyf.Dictionary) and obj(kid).get("Type") == "/StructElem":
                    obj(kid)["P"] = el.reference
            return el

        lists, items = [], []
        for o in list(objects):
            if not isinstance(o, pydyf.Dictionary):
                continue
            if o.get("Type") == "/Annot" and o.get("Subtype") == "/Link":
                o["F"] = 1 << 2  # Print; not Hidden, not NoView
            elif o.get("Type") == "/StructElem" and o.get("S") == "/L":
                lists.append(o)
            elif o.get("Type") == "/StructElem" and o.get("S") == "/LI":
                items.append(o)

        bodies = {}
        for li in items:
            kids = list(li["K"])
            if any(not isinstance(k, bytes) for k in kids):
                continue  # marked content right in the LI (not seen): left for the validators to report
            if [role(obj(k)) for k in kids if role(obj(k)) != "/Lbl"] == ["/LBody"]:
                bodies[li.number] = obj(next(k for k in kids if role(obj(k)) == "/LBody"))
                continue
            labels = [k for k in kids if role(obj(k)) == "/Lbl"]
            rest = [k for k in kids if role(obj(k)) != "/Lbl"]
            for k in rest:
                if role(obj(k)) == "/LBody":  # WeasyPrint's own, among other blocks: a group
                    obj(k)["S"] = "/Div"
            body = new_element("/LBody", li, rest)
            li["K"] = pydyf.Array(labels + [body.reference])
            bodies[li.number] = body

        for lst in lists:
            kept, previous = [], None
            for k in lst["K"]:
                kid = obj(k)
                if role(kid) == "/L" and previous is not None and previous.number in bodies:
                    body = bodies[previous.number]
                    # Elements are numbered as WeasyPrint meets them, in document order.
                    where = sum(1 for b in body["K"] if isinstance(b, bytes) and int(b.split()[0]) < kid.number)
                    body["K"].insert(where, k)
                    kid["P"] = body.reference
                    continue
                previous = kid if role(kid) == "/LI" else None
                kept.append(k)
            lst["K"] = pydyf.Array(kept)

        for li in items:  # an item with a label only (its list was on another page): no empty LBody
            body = bodies.get(li.number)
            if body is not None and not body["K"]:
                li["K"] = pydyf.Array([k for k in li["K"] if k != body.reference])

    @staticmethod
    def margins_as_artifacts(pdf):
        """Running heads and folios (page-margin boxes) become ``/Artifact /Pagination``.

        WeasyPrint 70 marks their text as ``/Span`` with an MCID and builds structure
        elements for them that it never links into the tree: the text is tagged content that no
        reader reaches (PDF/UA-1 7.8, Matterhorn 18; outloud PAG-001). Those MCIDs are found
        as the parent-tree entries whose element is not under the StructTreeRoot; their marked
        content is turned into pagination artifacts and their parent-tree entries into null.
        """
        import pydyf

        objects = pdf.objects

        def obj(ref):
            return objects[int(ref.split()[0])]

        root = obj(pdf.catalog["StructTreeRoot"])
        reached, stack = set(), [root]
        while stack:
            el = stack.pop()
            if el.number in reached:
                continue
            reached.add(el.number)
            for kid in el.get("K") or ():
                if isinstance(kid, bytes) and isinstance(obj(kid), pydyf.Dictionary) and "S" in obj(kid):
                    stack.append(obj(kid))
        nums = obj(root["ParentTree"])["Nums"]
        for page_number, page_ref in enumerate(pdf.page_references):
            entries = nums[2 * page_number + 1]
            if nums[2 * page_number] != page_number or not isinstance(entries, pydyf.Array):
                continue
            loose = {mcid for mcid, ref in enumerate(entries)
                     if isinstance(ref, bytes) and int(ref.split()[0]) not in reached}
            if not loose:
                continue
            content = obj(obj(page_ref)["Contents"]).stream
            for i, item in enumerate(content):
                if (isinstance(item, pydyf.Dictionary) and item.get("MCID") in loose and i > 0
                        and i + 1 < len(content) and content[i + 1] == b"BDC"):
                    content[i - 1] = "/Artifact"
                    content[i] = pydyf.Dictionary({"Type": "/Pagination"})
                    entries[item["MCID"]] = "null"

    @staticmethod
    def markers_in_reading_order(pdf):
        """Paint each list marker just before its item's text, as the structure tree reads.

        WeasyPrint lays out outside markers as absolutely positioned boxes and paints them
        after everything else on the page, so a tool that reads the page in paint order (or
        reflows it) meets "1." after the item (outloud ORD-001). Each marker is painted by a
        self-contained ``q … /Span <</MCID n>> BDC … EMC … Q`` block that sets its own colour,
        font and position; it is moved in front of the first marked content of its item's
        ``LBody`` when the graphics state that it does not set itself (transformation, extended
        graphics state, text state, colour) is the same there. Otherwise it stays where it is.
        """
        import pydyf

        objects = pdf.objects

        def obj(ref):
            return objects[int(ref.split()[0])] if isinstance(ref, bytes) else None

        def struct(ref):
            o = obj(ref)
            return o if isinstance(o, pydyf.Dictionary) and "S" in o else None

        def first_mcid(el, page_ref):
            """The first marked content under ``el`` on the page, other than list labels (which
            are moved themselves: an item that starts with a list gets its label, then the inner
            list's label, then the text)."""
            for kid in el.get("K") or ():
                if isinstance(kid, int) and el.get("Pg") == page_ref:
                    return kid
                child = struct(kid)
                if child is not None and child.get("S") != "/Lbl":
                    found = first_mcid(child, page_ref)
                    if found is not None:
                        return found
            return None

        moves: dict[bytes, list[tuple[int, int]]] = {}  # page ref: [(marker MCID, LBody's first MCID)]
        for o in objects:
            if not (isinstance(o, pydyf.Dictionary) and o.get("Type") == "/StructElem" and o.get("S") == "/LI"):
                continue
            kids = [struct(k) for k in o["K"]]
            label = next((k for k in kids if k is not None and k.get("S") == "/Lbl"), None)
            body = next((k for k in kids if k is not None and k.get("S") == "/LBody"), None)
            if label is None or body is None or label.get("Pg") is None:
                continue
            page_ref = label["Pg"]
            mark, target = first_mcid(label, page_ref), first_mcid(body, page_ref)
            if mark is not None and target is not None:
                moves.setdefault(page_ref, []).append((mark, target))

        text_state = {b"Tc", b"Tw", b"Tz", b"TL", b"Ts", b"Tr", b"Tf"}
        colour = {b"rg", b"g", b"k", b"cs", b"sc", b"scn"}

        def operator(item):
            if isinstance(item, bytes):
                parts = item.split()
                return parts[-1] if parts else b""
            return None

        for page_ref, pairs in moves.items():
            stream = obj(obj(page_ref)["Contents"])
            content = stream.stream
            for mark, target in pairs:
                # States before each item: a stack of q-saved dicts; what each key was last set to.
                states, stack, state = [], [], {}
                for item in content:
                    states.append(dict(state))
                    op = operator(item)
                    if op == b"q":
                        stack.append(dict(state))
                    elif op == b"Q" and stack:
                        state = stack.pop()
                    elif op == b"cm":
                        state["cm"] = state.get("cm", ()) + (item,)
                    elif op == b"gs":
                        state["gs"] = item
                    elif op in text_state:
                        state[op] = item
                    elif op in colour:
                        state["fill"] = item

                def start_of(mcid):
                    for i, item in enumerate(content):
                        if isinstance(item, pydyf.Dictionary) and item.get("MCID") == mcid and i > 0:
                            return i - 1
                    return None

                m_tag, t_tag = start_of(mark), start_of(target)
                if m_tag is None or t_tag is None or m_tag < t_tag:
                    continue
                begin = m_tag
                while begin > 0 and content[begin - 1] == b"q":
                    begin -= 1
                end = m_tag
                while end < len(content) and content[end] != b"EMC":
                    end += 1
                depth = m_tag - begin
                if end + depth >= len(content) or any(content[end + 1 + d] != b"Q" for d in range(depth)):
                    continue
                block = content[begin:end + 1 + depth]
                sets = {operator(x) for x in block}
                own = {k for k in ("gs", "fill") if {"gs": {b"gs"}, "fill": colour}[k] & sets}
                own |= {k for k in text_state if k in sets}
                if depth == 0 or sets & {b"q", b"Q"} != {b"q", b"Q"}:
                    continue
                here, there = states[begin], states[t_tag]
                keys = (set(here) | set(there)) - own
                if any(here.get(k) != there.get(k) for k in keys):
                    continue
                del content[begin:end + 1 + depth]
                content[t_tag:t_tag] = block

    @staticmethod
    def identity_cids(pdf):
        """Renumber the CIDs of embedded CID-keyed CFF fonts (the Chinese fonts) so that CID = GID.

        WeasyPrint writes glyph ids as the codes of an Identity-H font, and for a CIDFontType0
        a code is a CID, which a conforming reader looks up in the CFF charset. Noto CJK's
        charset maps glyph ids to sparse Adobe CIDs (glyph 5264 is CID 32272), so codes reach
        other glyphs or .notdef (ISO 14289-1 7.21.8, outloud TXT-005; Acrobat shows blanks).
        Poppler and pdf.js happen to use the glyph id. Only the charset changes: outlines,
        cmap and metrics keep their glyph ids, and the page content is untouched.
        """
        import pydyf
        from fontTools.ttLib import TTFont

        for obj in pdf.objects:
            if not (isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/OpenType"):
                continue
            data = b"".join(obj.stream)
            font = TTFont(io.BytesIO(data), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
            if "CFF " not in font:
                continue
            top = font["CFF "].cff.topDictIndex[0]
            old = list(top.charset)
            new = [".notdef"] + [f"cid{i:05d}" for i in range(1, len(old))]
            if not hasattr(top, "ROS") or old == new:
                continue
            strings = top.CharStrings
            strings.charStrings = {new[i]: strings.charStrings[old[i]] for i in range(len(old))}
            top.charset = new
            font.glyphOrder = new
            out = io.BytesIO()
            font.save(out)
            obj.stream = [out.getvalue()]
    def structure_actual_text(self, pdf):
        """Tagged edition: the /Span structure element of each text box whose words carry an
        /ActualText gets the box's text in logical order as its own /ActualText. The marked
        content's ActualText is in the order poppler needs (visual, pressroom.actualtext);
        software that reads the structure tree (screen readers) gets the text as written."""
        import pydyf

        def deref(ref):
            return pdf.objects[int(ref.split()[0])]  # pydyf references are b"12 0 R"

        root = pdf.catalog.get("StructTreeRoot")
        if root is None:
            self.problems.append("no structure tree for the ActualText of right-to-left text")
            return
        nums = deref(deref(root)["ParentTree"])["Nums"]
        by_page = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2)}
        for number, page_ref in enumerate(pdf.page_references):  # set by WeasyPrint
            stream = deref(deref(page_ref)["Contents"])
            texts = self.logical.get(id(getattr(stream, "_tags", None)), {})
            refs = by_page.get(number)
            elements = {}
            for mcid, text in texts.items():
                if not isinstance(refs, pydyf.Array) or mcid >= len(refs):
                    self.problems.append(f"page {number + 1}: no structure element for MCID {mcid}")
                    continue
                elements.setdefault(bytes(refs[mcid]), {})[mcid] = text
            for ref, by_mcid in elements.items():
                element = deref(ref)
                # A /Span holds one text box; a /Link the boxes of its text, in order.
                kids = [k for k in element.get("K", ()) if isinstance(k, int)]
                if element.get("S") in ("/Span", "/Link") and set(kids) == set(by_mcid):
                    element["ActualText"] = pydyf.String("".join(by_mcid[k] for k in kids))

    # fonts -----------------------------------------------------------------------------
    def check_fonts(self, document):
        for font in document.fonts.values():
            family = font.family.decode() if isinstance(font.family, bytes) else str(font.family)
            chars = "".join(sorted({c for c in font.to_unicode.values() if c and not c.isspace()}))
            if family not in self.families:
                self.problems.append(
                    f"text set in the system font {family!r}, not a font from styles/fonts "
                    f"(characters {chars[:40]!r}): add a font that covers them to styles/fonts.css")
            if font.missing:
                missing = "".join(chr(c) for c in sorted(font.missing))
                self.problems.append(f"the font {family!r} has no glyph for {missing[:40]!r}")

    # print: marks, boxes, XMP, output intent, annotations ------------------------------
    def print_fixes(self, pdf):
        import pydyf

        bleed = BLEED_MM / 25.4 * 72
        registration = pydyf.Array(("/Separation", "/All", "/DeviceCMYK", pydyf.Dictionary({
            "FunctionType": 2, "Domain": pydyf.Array((0, 1)),
            "C0": pydyf.Array((0, 0, 0, 0)), "C1": pydyf.Array((1, 1, 1, 1)), "N": 1})))
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and "lab-d50" in obj:
                obj[REGISTRATION] = registration  # the shared ColorSpace resources
            elif isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page":
                if "TrimBox" in obj:
                    x0, y0, x1, y1 = obj["TrimBox"]
                    obj["BleedBox"] = pydyf.Array((x0 - bleed, y0 - bleed, x1 + bleed, y1 + bleed))
                obj.pop("Annots", None)  # links mean nothing on paper; PDF/X wants none on the page
            elif isinstance(obj, pydyf.Stream):
                extra = obj.extra
                if extra.get("Type") == "/Metadata":
                    obj.stream = [self.xmp(_stream_bytes(obj))]
                elif extra.get("Subtype") == "/Form" and "Filter" not in extra:
                    content = _stream_bytes(obj)
                    if self.is_marks(content):
                        obj.stream = [self.marks(content)]
        intents = pdf.catalog.get("OutputIntents")
        if not intents:
            self.problems.append("no output intent was written (the CMYK profile was not loaded)")
        else:
            for intent in intents:
                # WeasyPrint names the intent after the profile's URL (an absolute path).
                for key in ("OutputCondition", "RegistryName", "Info"):
                    intent.pop(key, None)
                for key, value in self.condition.items():
                    intent[key] = pydyf.String(value)

    @staticmethod
    def is_marks(content: bytes) -> bool:
        """WeasyPrint's crop marks: a form of black RGB strokes and nothing else."""
        ops = _operators(content)
        colours = set(re.findall(_NUM + rb"\s+" + _NUM + rb"\s+" + _NUM + rb"\s+(?:rg|RG)", content))
        return (b"RG" in ops and ops <= _MARK_OPS
                and all(re.fullmatch(rb"0(?:\.0*)?\s+0(?:\.0*)?\s+0(?:\.0*)?\s+(?:rg|RG)", c) for c in colours))

    @staticmethod
    def marks(content: bytes) -> bytes:
        """Stroke the marks in registration colour, 0.25 pt, no fill, no transparency."""
        out = []
        for line in content.split(b"\n"):
            s = line.strip()
            if re.fullmatch(rb"/\S+ gs", s) or re.fullmatch(_NUM + rb"\s+" + _NUM + rb"\s+" + _NUM + rb"\s+rg", s):
                continue
            if re.fullmatch(_NUM + rb"\s+" + _NUM + rb"\s+" + _NUM + rb"\s+RG", s):
                out.append(f"/{REGISTRATION} CS 1 SCN".encode())
                continue
            if re.fullmatch(_NUM + rb"\s+w", s):
                out.append(b"0.25 w")
                continue
            if s in (b"B", b"B*", b"b", b"b*", b"f", b"f*"):
                out.append(b"S")
                continue
            out.append(line)
        return b"\n".join(out)

    def xmp(self, data: bytes) -> bytes:
        """Replace WeasyPrint's random DocumentID (uuid4) by the print edition's identifier
        (pressroom.identifiers, the one the EPUB's pageBreakSource names) and add an
        InstanceID and dc:identifier derived from it, so the file is the same on every build."""
        document_id = identifier(self.iv.meta, "print")
        rendition = f"{document_id}\n{self.trim}\n{self.icc}"
        if self.iv.meta.modified:  # a corrected re-delivery is another instance of the document
            rendition += "\n" + self.iv.meta.modified_at.isoformat()
        instance_id = "urn:uuid:" + str(uuid.uuid5(XMP_NAMESPACE, rendition))
        ids = (f"<xmpMM:DocumentID>{escape(document_id)}</xmpMM:DocumentID>"
               f"<xmpMM:InstanceID>{escape(instance_id)}</xmpMM:InstanceID>"
               f"<dc:identifier>{escape(document_id)}</dc:identifier>").encode()
        data, n = re.subn(rb"<xmpMM:DocumentID>[^<]*</xmpMM:DocumentID>", lambda _: ids, data)
        if n != 1:
            self.problems.append("could not set the XMP DocumentID")
        return data

    def editions_xmp(self, pdf):
        """Both editions: the publication's other language editions, by their identifiers, as
        the XMP's ``dc:relation`` (a bag of text, Dublin Core's predefined property)."""
        import pydyf

        items = "".join(f"<rdf:li>{escape(e.identifier)}</rdf:li>" for e in self.iv.editions)
        block = f'<rdf:Description rdf:about=""><dc:relation><rdf:Bag>{items}</rdf:Bag></dc:relation></rdf:Description>'
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
                data, n = re.subn(rb"</rdf:RDF>", lambda _: block.encode() + b"</rdf:RDF>", _stream_bytes(obj), count=1)
                if n != 1:
                    self.problems.append("could not name the other language editions in the XMP")
                obj.stream = [data]
                return
        self.problems.append("the PDF has no XMP metadata to name the other language editions in")

    # print: nothing in RGB -------------------------------------------------------------
    def check_no_rgb(self, pdf):
        import pydyf

        for obj in pdf.objects:
            if isinstance(obj, pydyf.Stream):
                where = f"object {obj.number}"
                if obj.extra.get("ColorSpace") == "/DeviceRGB" or "/DeviceRGB" in str(obj.extra.get("ColorSpace")):
                    self.problems.append(f"RGB image in the print edition ({where})")
                if "Filter" not in obj.extra:
                    content = _stream_bytes(obj)
                    if _RGB_OP.search(content) or b"/DeviceRGB" in content:
                        self.problems.append(
                            f"RGB colour in the print edition's content ({where}): give it a "
                            "device-cmyk() colour in styles/print.css")
            elif isinstance(obj, (pydyf.Dictionary, pydyf.Array)):
                if b"/DeviceRGB" in obj.data:
                    self.problems.append(f"RGB colour space in the print edition (object {obj.number})")
