"""Issue 7, security: no network, nothing read from outside, no raw markup, safe link schemes.

- A listener on 127.0.0.1 (plus a second one that only answers with a redirect to
  the first) must receive no connection while a source whose links, text,
  footnotes and metadata point at it is built into all four formats through
  the real CLI, and while WeasyPrint renders HTML/CSS that references it
  directly through the project's fetcher.
- Each CLI build also runs under a Python audit hook (installed by a
  ``sitecustomize`` put on PYTHONPATH, so the command is still
  ``python -m pressroom``) that logs every socket call and every file the
  process opens; there must be no socket call, and every file read must lie in
  the source's folder, ``styles/``, the Python installation, or a temporary
  file the process created itself.
"""

from __future__ import annotations

import io
import os
import re
import socket
import sys
import tempfile
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ROOT, run_cli


SITECUSTOMIZE = '''
import os, sys
_log = os.environ.get("PRESSROOM_AUDIT_LOG")
if _log:
    _f = open(_log, "a", buffering=1, encoding="utf-8", errors="backslashreplace")
    def _hook(event, args, _f=_f):
        if event in ("open", "os.open"):
            path, mode, flags = args
            if isinstance(path, int):
                return
            path = os.fsdecode(path)
            created = bool((flags or 0) & (os.O_CREAT | os.O_WRONLY | os.O_RDWR)) or any(c in (mode or "") for c in "wxa+")
            _f.write(("write" if created else "read") + "\\t" + os.path.abspath(path) + "\\n")
        elif event.startswith("socket.") or event in ("urllib.Request", "http.client.connect", "ftplib.connect"):
            _f.write("net\\t" + event + " " + repr(args) + "\\n")
    sys.addaudithook(_hook)
'''


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection; optionally answers with a redirect."""

    def __init__(self, redirect_to: int | None = None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.redirect_to = redirect_to
        self.connections: list = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, addr = self.sock.accept()
            except OSError:
                continue
            self.connections.append(addr)
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(4096)
                    if self.redirect_to:
                        conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{self.redirect_to}/x\r\n"
                                     "Content-Length: 0\r\n\r\n".encode())
                    else:
                        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/css\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass

    def close(self):
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listeners():
    target = Listener()
    redirect = Listener(redirect_to=target.port)
    yield target, redirect
    target.close()
    redirect.close()
    assert target.connections == [] and redirect.connections == [], "a connection reached 127.0.0.1"


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 40), (20, 90, 160)).save(buf, "PNG")
    return buf.getvalue()


def hostile_source(folder: Path, url: str, redirect: str) -> Path:
    """A valid source that points at the listeners everywhere Markdown allows, with a local photo."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "photo.png").write_bytes(png_bytes())
    text = f"""---
title: "Security check {url}/title"
subtitle: "See {url}/subtitle and <img src='{url}/subtitle.png'>"
date: 2023-12-01
lang: en
publisher: "{url}/publisher"
rights: "file:///etc/passwd"
identifier: "{url}/id"
keywords: ["{url}/kw", "<script>alert(1)</script>"]
section: "<b>{redirect}/section</b>"
interviewer:
  name: "<i>Interviewer</i>"
  bio: "{url}/bio"
interviewee:
  name: Interviewee
  role: "{redirect}/role"
image:
  file: photo.png
  alt: "A photo <img src='{url}/alt.png'>"
  caption: "Caption {url}/caption.png"
  credit: "© {redirect}/credit"
---

An introduction with a [link]({url}/intro), an autolink <{url}/auto>, a redirect
[there]({redirect}/r) and plain text {url}/plain.png file:///etc/passwd.

## Does the text \\<script>alert(1)\\</script> stay text? [Q]({url}/q)

Yes: \\<img src="{url}/inline.png"> and &lt;iframe src="{url}/frame"&gt; and
`<link rel=attachment href="file:///etc/passwd">` are all text.[^1]

> A quote with [a link]({url}/quote) and <mailto:press@example.org>.

- a list item with <{url}/list.css>
- ![not an image]({url}/img.png) is refused, so it is written as \\!\\[text\\]

[^1]: A note pointing at [the listener]({url}/note) and {redirect}/note.
"""
    text = text.replace("- ![not an image]", "- !\\[not an image\\]")
    source = folder / "hostile.md"
    source.write_text(text, encoding="utf-8")
    return source


COMMANDS = {
    "print": ("pdf", "--edition", "print"),
    "screen": ("pdf", "--edition", "screen"),
    "epub": ("epub",),
    "docx": ("docx",),
}


def audited_build(tmp_path: Path, kind: str, source: Path):
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir(exist_ok=True)
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / f"audit-{kind}.log"
    out = tmp_path / "out" / f"hostile.{kind}"
    env = {**os.environ, "PYTHONPATH": str(hook_dir), "PRESSROOM_AUDIT_LOG": str(log)}
    proc = run_cli(*COMMANDS[kind][:1], source, *COMMANDS[kind][1:], "-o", out, check=False, env=env, timeout=300)
    return proc, out, log


def allowed_read(path: str, source_dir: Path, created: set[str]) -> bool:
    if path in created:
        return True
    p = Path(path)
    roots = [source_dir, ROOT / "styles", ROOT / "src", Path(sys.prefix), Path(sys.base_prefix),
             Path(sys.exec_prefix), Path(os.path.realpath(sys.base_prefix))]
    if any(p == r or r in p.parents for r in (Path(os.path.realpath(r)) for r in roots)) or \
            any(p == r or r in p.parents for r in roots):
        return True
    if path in ("/dev/null", "/dev/urandom", "/etc/mime.types", "/etc/localtime"):
        return True  # the standard library's own configuration, never user data
    tmp = re.escape(tempfile.gettempdir())
    # Temporary files and folders the process made itself (WeasyPrint's font cache, ctypes' probes).
    return re.match(rf"^{tmp}/(tmp[\w]+|weasyprint-[\w]+)(/.*)?$", path) is not None


@pytest.fixture(scope="module")
def hostile_builds(tmp_path_factory):
    """The hostile source built into the four formats, concurrently, with the listeners up."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    target = Listener()
    redirect = Listener(redirect_to=target.port)
    (tmp_path / "outside-secret.txt").write_text("CANARY-7f3a outside the source folder", encoding="utf-8")
    source = hostile_source(tmp_path / "src", target.url, redirect.url)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {kind: pool.submit(audited_build, tmp_path, kind, source) for kind in COMMANDS}
            results = {kind: f.result() for kind, f in futures.items()}
    finally:
        target.close()
        redirect.close()
    return {"source": source, "results": results, "connections": target.connections + redirect.connections,
            "url": target.url, "redirect": redirect.url}


@pytest.mark.parametrize("kind", list(COMMANDS))
def test_hostile_source_builds_without_network(hostile_builds, kind):
    proc, out, log = hostile_builds["results"][kind]
    assert proc.returncode == 0, proc.stderr
    assert out.is_file() and out.stat().st_size > 0
    assert hostile_builds["connections"] == [], "a writer connected to the listener"
    events = log.read_text(encoding="utf-8").splitlines()
    net = [e for e in events if e.startswith("net\t")]
    assert net == [], f"socket use while building {kind}: {net[:5]}"


@pytest.mark.parametrize("kind", list(COMMANDS))
def test_hostile_source_reads_nothing_outside(hostile_builds, kind):
    proc, out, log = hostile_builds["results"][kind]
    assert proc.returncode == 0, proc.stderr
    source_dir = hostile_builds["source"].parent
    created: set[str] = set()
    outside = []
    for line in log.read_text(encoding="utf-8").splitlines():
        what, _, path = line.partition("\t")
        if what == "write":
            created.add(path)
        elif what == "read" and not allowed_read(path, source_dir, created):
            outside.append(path)
    assert outside == [], f"{kind} read files outside the source's folder and styles/: {sorted(set(outside))[:10]}"
    reads = [line.partition("\t")[2] for line in log.read_text(encoding="utf-8").splitlines() if line.startswith("read\t")]
    assert str(hostile_builds["source"]) in reads, "the audit hook saw nothing: it is not installed"
    assert any(r.startswith(str(ROOT / "styles")) for r in reads)
    assert not any("outside-secret" in line or line.endswith("/etc/passwd")
                   for line in log.read_text(encoding="utf-8").splitlines())


def _zip_texts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8", "replace") for n in z.namelist()
                if n.endswith((".xhtml", ".html", ".xml", ".opf", ".ncx", ".rels"))}


@pytest.mark.parametrize("kind", ["epub", "docx"])
def test_no_raw_markup_reaches_the_output(hostile_builds, kind):
    proc, out, log = hostile_builds["results"][kind]
    texts = _zip_texts(out)
    everything = "\n".join(texts.values())
    for tag in ("<script", "<iframe", "<img src='http", '<img src="http', "<link rel=attachment", "<b>", "<i>Interviewer"):
        assert tag not in everything, f"raw markup {tag!r} in the {kind}"
    # ... but the same characters are there, as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in everything or "&lt;script>alert(1)&lt;/script>" in everything


@pytest.mark.parametrize("kind", ["epub", "docx"])
def test_links_keep_only_safe_schemes(hostile_builds, kind):
    proc, out, log = hostile_builds["results"][kind]
    from lxml import etree

    texts = _zip_texts(out)
    schemes = set()
    for name, text in texts.items():
        root = etree.fromstring(text.encode("utf-8"))
        for el in root.iter():
            for attr, value in el.attrib.items():
                if etree.QName(attr).localname in ("href", "Target", "src", "data", "action", "poster"):
                    mo = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):", value)
                    if mo:
                        schemes.add(mo.group(1).lower())
    assert schemes <= {"http", "https", "mailto"}, schemes
    everything = "\n".join(texts.values())
    assert f"{hostile_builds['url']}/intro" in everything, "the links were dropped, not kept"
    assert "mailto:press@example.org" in everything


def test_pdf_links_keep_only_safe_schemes(hostile_builds):
    import pikepdf

    proc, out, log = hostile_builds["results"]["screen"]
    uris = []
    with pikepdf.open(out) as pdf:
        for page in pdf.pages:
            for annot in page.get("/Annots") or []:
                action = annot.get("/A")
                if action is not None and action.get("/URI") is not None:
                    uris.append(str(action.URI))
    assert uris, "no link annotations in the screen PDF"
    assert all(re.match(r"^(https?|mailto):", u) for u in uris), uris
    assert f"{hostile_builds['url']}/intro" in uris


@pytest.mark.parametrize("kind", ["print", "epub"])
def test_remote_image_is_refused_without_connection(tmp_path, listeners, kind):
    target, redirect = listeners
    for url in (f"{target.url}/photo.jpg", f"{redirect.url}/photo.jpg"):
        source = tmp_path / "remote.md"
        source.write_text(f"---\ntitle: T\ndate: 2023-12-01\nlang: en\nimage:\n  file: {url}\n  alt: A photo.\n"
                          "---\n\n## Q?\n\nA.\n", encoding="utf-8")
        out = tmp_path / "out.bin"
        proc = run_cli(*COMMANDS[kind][:1], source, *COMMANDS[kind][1:], "-o", out, check=False, timeout=120)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1
        assert proc.stderr.startswith(f"{source}:6: image.file '{url}' is a URL; remote images are not fetched")
        assert not out.exists()


# -- the fetcher itself -------------------------------------------------------------------------------

@pytest.fixture
def fetcher_setup(tmp_path):
    from pressroom.writers.pdf import _fetcher_class

    root = tmp_path / "root"
    root.mkdir()
    (root / "ok.css").write_text("p { color: red }", encoding="utf-8")
    (root / "ok.png").write_bytes(png_bytes())
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-secret", encoding="utf-8")
    (root / "link-to-secret.txt").symlink_to(secret)
    (root / "link-to-etc").symlink_to("/etc")
    return _fetcher_class()([root]), root, secret


def refused_urls(root: Path, secret: Path, target, redirect) -> list[str]:
    return [
        f"{target.url}/a.png",
        f"{target.url}/style.css",
        f"https://127.0.0.1:{target.port}/a.png",
        f"{redirect.url}/redirect.png",
        f"ftp://127.0.0.1:{target.port}/a.png",
        f"//127.0.0.1:{target.port}/a.png",
        "data:text/css,p{color:red}",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        f"file://127.0.0.1{root}/ok.css",
        f"file://127.0.0.1:{target.port}/etc/passwd",
        secret.as_uri(),
        root.as_uri() + "/../secret.txt",
        root.as_uri() + "/%2e%2e/secret.txt",
        root.as_uri() + "/%2E%2E%2Fsecret.txt",
        root.as_uri() + "/link-to-secret.txt",
        root.as_uri() + "/link-to-etc/passwd",
        root.as_uri() + "/missing.css",
        root.as_uri() + "/ok.css%00.png",
        "file:///proc/self/environ",
        "javascript:alert(1)",
    ]


def test_fetcher_refuses_everything_but_local_files(fetcher_setup, listeners):
    from weasyprint.urls import FatalURLFetchingError, fetch

    fetcher, root, secret = fetcher_setup
    target, redirect = listeners
    response = fetcher.fetch((root / "ok.css").as_uri())
    assert response.read() if hasattr(response, "read") else response
    for url in refused_urls(root, secret, target, redirect):
        with pytest.raises(FatalURLFetchingError):
            with fetch(fetcher, url):  # WeasyPrint's own entry point
                pass
        with pytest.raises(BaseException) as e:
            fetcher.fetch(url)
        assert not isinstance(e.value, (KeyboardInterrupt, SystemExit))
    assert target.connections == [] and redirect.connections == []


REFERENCES = [
    '<img src="{u}" alt="x">',
    '<link rel="stylesheet" href="{u}">',
    "<style>@import url({u});</style>",
    '<div style="background-image: url({u})">x</div>',
    "<style>@font-face {{ font-family: Evil; src: url({u}); }} p {{ font-family: Evil }}</style><p>x</p>",
    '<link rel="attachment" href="{u}">',
    '<object data="{u}" type="image/png"></object>',
    '<embed src="{u}" type="image/png">',
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="{u}" width="10" height="10"/></svg>',
    '<img srcset="{u} 1x" alt="x">',
    '<ul style="list-style-image: url({u})"><li>x</li></ul>',
    '<p style="content: url({u})">x</p><style>p::before {{ content: url({u}) }}</style>',
    '<video poster="{u}"></video>',
]


@pytest.mark.parametrize("reference", REFERENCES)
def test_weasyprint_fetches_only_through_the_closed_fetcher(fetcher_setup, listeners, reference):
    """HTML and CSS that reference the listener, a redirect, /etc/passwd or a file outside: nothing is fetched."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    fetcher, root, secret = fetcher_setup
    target, redirect = listeners
    served = []
    original = fetcher.fetch

    def spy(url, headers=None):
        response = original(url, headers)
        served.append(url)
        return response

    fetcher.fetch = spy
    for url in (f"{target.url}/x.png", f"{redirect.url}/x.png", "file:///etc/passwd", secret.as_uri(),
                root.as_uri() + "/link-to-secret.txt"):
        html = f"<html><head></head><body>{reference.format(u=url)}</body></html>"
        try:
            pdf = weasyprint.HTML(string=html, base_url=str(root) + os.sep, url_fetcher=fetcher).write_pdf()
        except FatalURLFetchingError:
            continue
        assert b"CANARY" not in pdf and b"root:" not in pdf
    assert served == [], f"the fetcher served {served}"
    assert target.connections == [] and redirect.connections == []
