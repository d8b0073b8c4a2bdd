"""The DOCX as a zip package, opened defensively: its size and every part's size checked from
the zip's directory before a byte is inflated, the XML parsed without entities, DTDs or the
network, and external relationships refused (nothing is ever fetched).
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from .errors import DocxError

#: What a DOCX may weigh on disk, and what its parts may inflate to, one and all together. An
#: interview is a few hundred kilobytes of XML and one photo: these limits leave room for a
#: 50-megapixel photo and stop a zip bomb before it is inflated.
MAX_DOCX_BYTES = 200 * 1024 * 1024
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_MEDIA_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_PARTS = 1000
#: A part that inflates more than this many times its compressed size is a bomb.
MAX_RATIO = 200

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RT_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
RT_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
MAIN_CT = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
           "application/vnd.ms-word.document.macroEnabled.main+xml",
           "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True, remove_pis=True)


class Package:
    """The parts of a DOCX, read on demand, each within the limits."""

    def __init__(self, path: str | Path):
        self.name = str(path)
        path = Path(path)
        try:
            size = path.stat().st_size
            if not path.is_file():
                raise self.error("is not a regular file", "give the .docx file the translator sent")
        except OSError as e:
            raise self.error(f"cannot read the file: {e.strerror}", "check the path and its permissions") from None
        if size > MAX_DOCX_BYTES:
            raise self.error(f"the file is larger than {MAX_DOCX_BYTES // 2**20} MiB",
                             "an interview's DOCX is far smaller: save it again from Word or LibreOffice")
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            raise self.error(f"is not a DOCX file (not a zip archive: {e})",
                             "save the document as Word (.docx) in Word or LibreOffice") from None
        if len(infos) > MAX_PARTS:
            raise self.error(f"the package has {len(infos)} parts", f"a DOCX of an interview has far fewer than {MAX_PARTS}")
        self.infos = {}
        total = 0
        for info in infos:
            limit = MAX_MEDIA_BYTES if info.filename.startswith("word/media/") else MAX_PART_BYTES
            if info.file_size > limit or (info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
                raise self.error(f"the part {info.filename} would inflate to {info.file_size:,} bytes "
                                 f"(from {info.compress_size:,}): a zip bomb, not a document",
                                 "ask for the document saved again from Word or LibreOffice")
            total += info.file_size
            self.infos[info.filename] = info
        if total > MAX_TOTAL_BYTES:
            raise self.error(f"the package would inflate to {total:,} bytes, more than {MAX_TOTAL_BYTES // 2**20} MiB",
                             "ask for the document saved again from Word or LibreOffice")
        if "[Content_Types].xml" not in self.infos or "_rels/.rels" not in self.infos:
            raise self.error("is a zip archive but not a DOCX (no [Content_Types].xml or _rels/.rels)",
                             "save the document as Word (.docx) in Word or LibreOffice")
        self.main = self._main_part()

    def error(self, message: str, hint: str = "") -> DocxError:
        return DocxError(self.name, message, hint)

    # -- reading parts ------------------------------------------------------------------
    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        info = self.infos[name]
        try:
            with self.zip.open(info) as f:
                data = f.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as e:
            raise self.error(f"the part {name} cannot be read ({e})", "save the document again") from None
        if len(data) > info.file_size:  # the directory lied about the size
            raise self.error(f"the part {name} is larger than the zip says", "save the document again")
        return data

    def xml(self, name: str):
        try:
            return etree.fromstring(self.read(name), _PARSER)
        except etree.XMLSyntaxError as e:
            raise self.error(f"the part {name} is not well-formed XML ({e.msg})", "save the document again") from None

    # -- relationships ------------------------------------------------------------------
    def rels(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """The relationships of ``part``: id -> (type, target (resolved part name, or the URL of an
        external one), external)."""
        folder, base = posixpath.split(part)
        name = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(name):
            return {}
        out = {}
        for rel in self.xml(name).iter(f"{{{REL_NS}}}Relationship"):
            external = (rel.get("TargetMode") or "").lower() == "external"
            target = rel.get("Target") or ""
            if not external:
                target = posixpath.normpath(posixpath.join(folder, target)).lstrip("/") if not target.startswith("/") \
                    else target.lstrip("/")
            out[rel.get("Id") or ""] = (rel.get("Type") or "", target, external)
        return out

    def _main_part(self) -> str:
        cts = self.xml("[Content_Types].xml")
        overrides = {el.get("PartName", "").lstrip("/"): el.get("ContentType", "")
                     for el in cts.iter(f"{{{CT_NS}}}Override")}
        for _rid, (reltype, target, external) in self.rels("").items():
            if reltype == RT_OFFICE_DOCUMENT and not external and self.has(target):
                if overrides.get(target) not in MAIN_CT:
                    break
                return target
        raise self.error("is a zip archive but not a Word document (no main document part)",
                         "save the document as Word (.docx) in Word or LibreOffice")

    def refuse_external(self) -> None:
        """Refuse any relationship to something outside the package except hyperlinks: a linked
        image, an attached template on a server, a linked sub-document. Nothing is fetched."""
        for name in sorted(self.infos):
            if not name.endswith(".rels"):
                continue
            folder = posixpath.dirname(posixpath.dirname(name))
            part = posixpath.join(folder, posixpath.basename(name)[:-len(".rels")])
            for _rid, (reltype, target, external) in self.rels(part).items():
                if external and reltype != RT_HYPERLINK:
                    kind = reltype.rsplit("/", 1)[-1]
                    shown = target if len(target) < 60 else target[:57] + "…"
                    raise self.error(f"the document links to an external {kind} ({shown}); nothing is fetched",
                                     "embed the image or detach the template (in Word: Insert > Pictures, "
                                     "not Link to File; Developer > Document Template), save, and import again")
