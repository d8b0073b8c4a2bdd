"""Issue 7, property-based: the reader gives a model or a SourceError, and every
writer accepts every model the reader gives.

- Arbitrary text, arbitrary bytes and Markdown-like noise (with and without a
  valid front matter) fed to the reader: the only outcomes are an ``Interview``
  or a ``SourceError`` whose line lies inside the source and whose message is
  one line. No other exception, ever (RecursionError included).
- Generated interviews (random text in every field, inline markup, notes,
  quotes and lists, many languages and scripts, with and without a photo):
  whatever the reader accepts, each of the four writers turns into bytes.
  These are slow (WeasyPrint lays out every example), so few examples run,
  with ``deadline=None``.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import io
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from pressroom import model as m
from pressroom import reader, transforms
from pressroom.errors import SourceError
from pressroom.styles import open_styles

HEAD = "---\ntitle: T\ndate: 2023-12-01\nlang: en\n---\n\n"


def check_reader(data, name="<source>", base_dir=None):
    """Parse; return the model or None (SourceError), and check the error's contract."""
    try:
        result = reader.parse(data, name=name, base_dir=base_dir)
    except SourceError as e:
        text = e.format()
        assert "\n" not in text and text.startswith(f"{name}:{e.line}: ")
        n_lines = (data.count(b"\n") if isinstance(data, bytes) else data.count("\n")) + 1
        # Line numbers are in the file; CR-only files count CRs as line ends.
        n_lines += data.count(b"\r") if isinstance(data, bytes) else data.count("\r")
        assert 1 <= e.line <= max(n_lines, reader.MAX_LINES + 1), (e.line, n_lines)
        return None
    assert isinstance(result, m.Interview)
    assert result.exchanges, "a model without questions"
    return result


# -- the reader never crashes ---------------------------------------------------------------------------

@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text(text):
    check_reader(text)


@settings(max_examples=200)
@given(st.binary())
def test_arbitrary_bytes(data):
    check_reader(data)


@settings(max_examples=300)
@given(st.text())
def test_arbitrary_body_after_valid_front_matter(text):
    check_reader(HEAD + text)


MARKDOWN = [
    "## ", "# ", "### ", "\n", "\n\n", "> ", "- ", "* ", "+ ", "1. ", "2) ", "  ", "    ", "\t",
    "*", "**", "_", "__", "`", "``", "```", "~~~", "[", "]", "(", ")", "<", ">", "!", "![", "](", "\\",
    "[^1]", "[^1]: ", "[^a b]", "[^x]:", "[r]: ", "[r]", "http://example.org", "https://a.b/c?d=e&f",
    "mailto:a@b.c", "javascript:alert(1)", "file:///etc/passwd", "<http://x.org>", "<a@b.c>",
    "&amp;", "&#7;", "&#0;", "&lt;", "&nbsp;", "&#x1F600;", "<div>", "</div>", "<b>", "<!-- c -->",
    "---", "***", "===", "|", "word", "Question?", "Answer.", "\r\n", "\r", "\u00a0", "\u202f", "é",
    "\u0627\u0644", "中文", "\u200f", "\U0001F600", "e\u0301", "\ufeff",
]


@st.composite
def markdown_noise(draw):
    parts = draw(st.lists(st.one_of(st.sampled_from(MARKDOWN), st.text(max_size=4)), max_size=60))
    return "".join(parts)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_noise())
def test_markdown_noise_after_valid_front_matter(body):
    check_reader(HEAD + body)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_noise(), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_markdown_noise_with_any_line_ending_and_bom(body, eol, bom):
    text = ("\ufeff" if bom else "") + (HEAD + "## Q?\n\n" + body).replace("\n", eol)
    check_reader(text.encode("utf-8"))


YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
              st.dates(), st.datetimes()),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.text(max_size=8), children, max_size=3)),
    max_leaves=8,
)
KEYS = st.sampled_from(["title", "subtitle", "date", "lang", "publisher", "rights", "identifier", "keywords",
                        "section", "interviewer", "interviewee", "image", "name", "bio", "role", "alt", "file",
                        "caption", "credit", "titel", "author"])


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.one_of(KEYS, st.text(max_size=6)), YAML_VALUES, max_size=8))
def test_arbitrary_front_matter_values(data):
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    check_reader("---\n" + front + "---\n\n## Q?\n\nA.\n")


YAML_NOISE = ["title", "date", "lang", ":", ": ", "\n", "  ", "- ", "[", "]", "{", "}", ",", "'", '"', "&a ", "*a",
              "!!", "!!python/object:os.system", "!!binary ", "!!timestamp ", "? ", "|", ">", "#", "%YAML 1.1",
              "2023-12-01", "2023-02-30", "en", "x", "\t", "\\x07", "\\ud800", "...", "---", "<<: "]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(YAML_NOISE), st.text(max_size=3)), max_size=40).map("".join))
def test_yaml_noise_in_front_matter(front):
    check_reader("---\n" + front + "\n---\n\n## Q?\n\nA.\n")


# -- every writer accepts every model the reader gives -------------------------------------------------

LANGS = ["en", "fr", "fr-CA", "es", "de", "ar", "ru", "zh-Hans", "el", "tr", "vi", "sw"]


def _font_alphabets() -> dict[str, str]:
    """Characters the project's fonts (styles/fonts) cover in every face, per script group.

    The print PDF refuses text that would be set in a system font (see
    test_uncovered_script_is_a_one_line_build_error), so generated text stays within them.
    """
    import unicodedata

    from fontTools.ttLib import TTFont

    fonts = open_styles().root / "fonts"

    def cmap(*names):
        return set.intersection(*(set(TTFont(fonts / n, lazy=True).getBestCmap()) for n in names))

    def usable(codes):
        return "".join(sorted(chr(c) for c in codes
                              if unicodedata.category(chr(c))[0] in "LMNPS" and chr(c) not in "\u2028\u2029"))

    latin = usable(cmap("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf",
                        "NotoSerif-BoldItalic.ttf", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf",
                        "NotoSans-SemiBold.ttf", "NotoSans-Italic.ttf"))
    arabic = usable(cmap("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", "NotoSansArabic-Regular.ttf",
                         "NotoSansArabic-Bold.ttf") - {ord(c) for c in latin})
    return {"latin": latin, "arabic": latin + arabic, "cjk": latin + "中文的一是不了人我在有他这为之大来以个上们到说国和地也子时道出而要于就下得可你年生"}


ALPHABETS = _font_alphabets()


@functools.lru_cache(maxsize=None)
def words(lang: str):
    alphabet = ALPHABETS["arabic" if lang == "ar" else "cjk" if lang.startswith("zh") else "latin"]
    return st.text(alphabet + "    ", min_size=1, max_size=40).filter(lambda s: s.strip())


@st.composite
def inline(draw, lang, depth=0):
    kind = draw(st.sampled_from(["text", "text", "em", "strong", "code", "link", "mail", "note", "break"]
                                if depth < 2 else ["text", "code"]))
    text = draw(words(lang))
    if kind == "em":
        return f"*{draw(inline(lang, depth + 1))}*"
    if kind == "strong":
        return f"**{draw(inline(lang, depth + 1))}**"
    if kind == "code":
        return f"`{text.replace('`', '')}`" if text.replace("`", "").strip() else "`x`"
    if kind == "link":
        # The link's text is words (the reader refuses a note call in it, or an empty one).
        return f"[{text}](https://example.org/{draw(st.integers(0, 99))}?q=a&b=c)"
    if kind == "mail":
        return "<mailto:press@example.org>"
    if kind == "note":
        return f"[^{draw(st.sampled_from(['1', '2', 'n']))}]"
    if kind == "break":
        return "\\\n"
    return text


@st.composite
def paragraph(draw, lang):
    return " ".join(draw(st.lists(inline(lang), min_size=1, max_size=6)))


@st.composite
def block(draw, lang, depth=0):
    kind = draw(st.sampled_from(["p", "p", "p", "quote", "list", "olist"] if depth < 3 else ["p"]))
    if kind == "p":
        return draw(paragraph(lang))
    if kind == "quote":
        inner = draw(block(lang, depth + 1))
        return "\n".join("> " + line if line else ">" for line in inner.split("\n"))
    items = draw(st.lists(block(lang, depth + 1), min_size=1, max_size=3))
    out = []
    for i, item in enumerate(items):
        marker = "- " if kind == "list" else f"{i + 1}. "
        lines = item.split("\n")
        out.append(marker + lines[0] + "".join("\n" + " " * len(marker) + ln if ln else "\n" for ln in lines[1:]))
    return "\n\n".join(out)


def yaml_text(value: str) -> str:
    return yaml.safe_dump(value, allow_unicode=True, width=10_000).strip().removesuffix("\n...").strip()


_NOTE_CALL = re.compile(r"\[\^[^\]]+\]")


@st.composite
def interview_source(draw):
    lang = draw(st.sampled_from(LANGS))
    text_value = words(lang)
    lines = [f"title: {yaml_text(draw(text_value))}",
             f"date: {draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))).isoformat()}",
             f"lang: {lang}"]
    for key in ("subtitle", "publisher", "rights", "identifier", "section"):
        if draw(st.booleans()):
            lines.append(f"{key}: {yaml_text(draw(text_value))}")
    if draw(st.booleans()):
        lines.append("keywords: [" + ", ".join(yaml_text(k) for k in draw(st.lists(text_value, max_size=4))) + "]")
    for key, extra in (("interviewer", "bio"), ("interviewee", "role")):
        if draw(st.booleans()):
            lines += [f"{key}:", f"  name: {yaml_text(draw(text_value))}"]
            if draw(st.booleans()):
                lines.append(f"  {extra}: {yaml_text(draw(text_value))}")
    photo = draw(st.sampled_from([None, "none", "photo.png", "photo.jpg"]))
    if photo:
        lines += ["image:", f"  alt: {yaml_text(draw(text_value))}"]
        if photo != "none":
            lines.append(f"  file: {photo}")
        if draw(st.booleans()):
            lines.append(f"  caption: {yaml_text(draw(text_value))}")
        if draw(st.booleans()):
            lines.append(f"  credit: {yaml_text(draw(text_value))}")
    body = []
    if draw(st.booleans()):
        body.append(draw(block(lang)))
    for _ in range(draw(st.integers(1, 3))):
        # A question holds no note call (the reader refuses one: it would land in the bookmarks).
        question = _NOTE_CALL.sub("", draw(paragraph(lang)).replace("\\\n", " ")).strip() or "Q?"
        body.append("## " + question)
        body += draw(st.lists(block(lang), min_size=1, max_size=3))
    text = "\n\n".join(body)
    # A note's text calls no other note (a note called only from a note is refused).
    notes = [f"[^{label}]: {_NOTE_CALL.sub('', draw(paragraph(lang))).strip() or 'A note.'}" for label in ("1", "2", "n")]
    used = [n for n in notes if n[:n.index("]") + 1] in text]  # a note defined but never called is an error
    return "---\n" + "\n".join(lines) + "\n---\n\n" + text + "\n\n" + "\n\n".join(used) + "\n"


def _photo_folder() -> Path:
    from PIL import Image

    folder = Path(tempfile.mkdtemp(prefix="pressroom-prop-"))
    Image.new("RGB", (90, 60), (180, 40, 40)).save(folder / "photo.png")
    Image.new("RGB", (60, 90), (40, 40, 180)).save(folder / "photo.jpg", quality=80)
    return folder


PHOTOS = _photo_folder()


def model_from(source: str) -> m.Interview:
    """The model the reader gives for ``source``; examples it refuses are discarded."""
    try:
        iv = reader.parse(source, name="generated.md", base_dir=PHOTOS)
    except SourceError:
        # The generator aims at valid sources, but random text can still trip a documented check.
        assume(False)
        raise  # pragma: no cover
    return transforms.apply(iv)


#: module, options, examples. WeasyPrint lays out every PDF and EPUB example (one to several
#: seconds each), so those run few examples and do not shrink a failure (shrinking would take
#: minutes; the failing source is printed as generated). The PDF test draws its edition.
WRITERS = {
    "docx": ("pressroom.writers.docx", {}, 15),
    "epub": ("pressroom.writers.epub", {}, 4),
    "pdf": ("pressroom.writers.pdf", {}, 5),
}


from conftest import write_output  # noqa: E402


def _writer(kind):
    module, options, examples = WRITERS[kind]
    try:
        writer = importlib.import_module(module)
    except ModuleNotFoundError as e:  # the writer is another issue; say so loudly rather than pass
        pytest.fail(f"{module} does not exist yet: {e}")
    return writer, options, examples


def _writer_test(kind):
    _, _, examples = WRITERS[kind]
    phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if kind == "docx" else [])

    # No filter_too_much suppression: if the reader refused most generated sources, the
    # health check would fail, instead of these tests passing on almost nothing.
    @settings(max_examples=examples, deadline=None, phases=phases,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(source=interview_source(), edition=st.sampled_from(["print", "screen"]))
    def test(source, edition):
        writer, options, _ = _writer(kind)
        iv = model_from(source)
        if kind == "pdf":
            options = {"edition": edition}
        data = write_output(writer, iv, open_styles(), **options)
        assert isinstance(data, bytes) and len(data) > 100
        if kind in ("docx", "epub"):
            import zipfile

            with zipfile.ZipFile(io.BytesIO(data)) as z:
                assert z.testzip() is None
        else:
            assert data.startswith(b"%PDF-")

    test.__name__ = f"test_every_model_is_written_{kind}"
    return test


def nested_bullet_list(iv: m.Interview) -> bool:
    """Does the model have a bullet list inside another list (at any depth)?"""
    def walk(node, in_list):
        if isinstance(node, m.List):
            if in_list and not node.ordered:
                return True
            return any(walk(c, True) for item in node.items for c in item.children)
        children = getattr(node, "children", None) or getattr(node, "answer", None) or ()
        return any(walk(c, in_list) for c in children if not isinstance(c, str))
    return any(walk(b, False) for b in iv.intro + iv.exchanges + iv.notes)


@pytest.mark.parametrize("edition", ["print", "screen"])
def test_nested_bullet_lists_in_pdf(edition):
    from pressroom.writers import pdf

    iv = transforms.apply(reader.parse(HEAD + "## Q?\n\n- a\n  - b\n    - c\n", name="nested.md"))
    assert nested_bullet_list(iv)
    assert pdf.write(iv, open_styles(), edition=edition).startswith(b"%PDF-")


test_every_model_is_written_docx = _writer_test("docx")
test_every_model_is_written_epub = _writer_test("epub")
test_every_model_is_written_pdf = _writer_test("pdf")

EDGES = {
    "en": HEAD + "## ?\n\n.\n\n## Q?\n\nA[^1][^2].\n\n"
          + " ".join(["x" * reader.MAX_WORD] * 3) + "\n\n"
          + "1. " * 6 + "> " * 6 + "deep\n\n"
          + "`<script>` &lt;b&gt; \\<i> [<mailto:a@b.c>](mailto:a@b.c)\n\n"
          + ("word " * (reader.MAX_PARAGRAPH // 5 - 10)).strip() + "\n\n[^1]: One [^2].\n\n[^2]: Two.\n",
    # Right-to-left, with French-style punctuation that the fr rules would touch (they must not here).
    "ar": HEAD.replace("lang: en", "lang: ar") + "## \u0633\u0624\u0627\u0644\u061f « ? »\n\n"
          "\u062c\u0648\u0627\u0628 *\u0645\u0647\u0645* [\u0631\u0627\u0628\u0637](https://example.org) 10:30 !\n",
}


@pytest.mark.parametrize("lang", list(EDGES))
def test_the_edge_models_are_written(lang):
    """Hand-picked extremes the generator may miss (longest word, longest paragraph, deepest
    nesting, notes calling notes, markup-like text, right-to-left), through every writer.
    French typography is in the generator's languages (fr, fr-CA)."""
    styles = open_styles()
    iv = transforms.apply(reader.parse(EDGES[lang], name="edge.md"))
    for kind, options in (("docx", {}), ("epub", {}), ("pdf", {"edition": "print"}), ("pdf", {"edition": "screen"})):
        writer, _, _ = _writer(kind)
        data = write_output(writer, iv, styles, **options)
        assert isinstance(data, bytes) and data, (kind, options)


def test_uncovered_script_is_a_one_line_build_error(tmp_path):
    """Text in a script that styles/fonts does not cover (Armenian here): the EPUB and DOCX are
    written (reading systems and Word pick a font), the print PDF refuses with one line, exit 1,
    and writes nothing. The reader cannot know the fonts, so this is not a source error."""
    from conftest import run_cli

    source = tmp_path / "hy.md"
    source.write_text("---\ntitle: Հարցազրույց\ndate: 2023-12-01\nlang: hy\n---\n\n## Ինչու՞\n\nՈրովհետև։\n",
                      encoding="utf-8")
    iv = transforms.apply(reader.read(source))
    for kind in ("epub", "docx"):
        writer, options, _ = _writer(kind)
        assert write_output(writer, iv, open_styles(), **options)
    out = tmp_path / "hy.pdf"
    proc = run_cli("pdf", source, "-o", out, check=False, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("pressroom: ") and "not a font from styles/fonts" in proc.stderr
    assert not out.exists()
