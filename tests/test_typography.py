"""Smart punctuation and French superior letters (issue 14, "Punctuation").

Interviews typed on a plain keyboard (straight quotes, ``--``, ``---``, ``...``, apostrophes)
in tests/fixtures/typo/ (en, en-GB, fr, es, ru, zh-Hans, ar) must come out as a typeset
one does, in the model and in every output, while inline code, link targets, URLs and
e-mail addresses written in the text keep every straight quote and double hyphen.

- unit tests of the transform on the tricky cases (inline boundaries, nesting, apostrophes,
  primes, dashes by language, what must stay untouched);
- the model, as ``pressroom model`` prints it;
- the built files: pdftotext of both PDF editions, the EPUB's XHTML (lxml), the DOCX's XML
  (python-docx's package), with pypdf for the size and position of superior letters.

The expected texts are written out here by hand from the fixtures, never taken from the model.
"""

from __future__ import annotations

import collections
import hashlib
import json
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest

from pressroom import model as m
from pressroom import reader, transforms
from pressroom.styles import open_styles

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "typo"
NB, NN = "\u00a0", "\u202f"  # no-break space, narrow no-break space
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XHTML = "{http://www.w3.org/1999/xhtml}"
STEMS = ("en", "en-gb", "fr", "es", "ru", "zh", "ar")

sys.path.insert(0, str(Path(__file__).parent))


def smart(lang: str, text: str) -> str:
    return transforms.smarten(text, open_styles().typography(lang))


def parse(lang: str, body: str, **front) -> m.Interview:
    head = f"---\ntitle: T\ndate: 2024-03-04\nlang: {lang}\n"
    head += "".join(f"{k}: {v}\n" for k, v in front.items())
    return transforms.apply(reader.parse(head + "---\n\n" + body + "\n## Q?\n\nA.\n", name="typed.md"))


def para(iv: m.Interview, i: int = 0) -> tuple:
    return iv.intro[i].children


# -- the transform: quotes ---------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ('"Hello," she said.', "“Hello,” she said."),
    ('She said "yes".', "She said “yes”."),
    ('He asked "why?" and left', "He asked “why?” and left"),
    ('("quoted")', "(“quoted”)"),
    ('["quoted"]', "[“quoted”]"),
    ('"...and then"', "“…and then”"),
    ('said,"Hello"', "said,“Hello”"),
    ('"a \'b\' c"', "“a ‘b’ c”"),
    ("'a \"b\" c'", "‘a “b” c’"),
    ('"a \'b "c" b\' a"', "“a ‘b “c” b’ a”"),
    ("'Oak,' 'elm,' and 'beech' are trees", "‘Oak,’ ‘elm,’ and ‘beech’ are trees"),
    ("it's l'avenir O'Brien's", "it’s l’avenir O’Brien’s"),
    ("the '90s and '68", "the ’90s and ’68"),
    ("rock 'n' roll", "rock ’n’ roll"),
    ("'Tis the season, 'twas", "’Tis the season, ’twas"),
    ("the students' books", "the students’ books"),
    ("the 1990's", "the 1990’s"),
    ("a 5'10\" desk, 6' tall", "a 5′10″ desk, 6′ tall"),
    ('"I was 5\'10" then"', "“I was 5′10″ then”"),
    ('"in 2023"', "“in 2023”"),
    ('"Multi-paragraph quotations stay open', "“Multi-paragraph quotations stay open"),
    ('--"Yes," she said', "—“Yes,” she said"),
    ('a---"b"', "a—“b”"),
])
def test_english_quotes(typed, expected):
    assert smart("en", typed) == expected


@pytest.mark.parametrize("lang, typed, expected", [
    ("fr", '"a \'b\' c"', "«a “b” c»"),  # the narrow no-break spaces are the French rule's (below)
    ("es", '"a \'b "c"\' d"', "«a “b ‘c’” d»"),
    ("ru", '"a "b" c"', "«a „b“ c»"),
    ("zh", '他说："你好，\'朋友\'。"', "他说：“你好，‘朋友’。”"),
    ("zh-Hant", '他說："你好，\'朋友\'。"', "他說：「你好，『朋友』。」"),
    ("zh-TW", '"好"', "「好」"),
    ("ar", "قال \"مرحبا 'صديق'\"", "قال «مرحبا ”صديق“»"),
])
def test_quotation_marks_of_each_language(lang, typed, expected):
    assert smart(lang, typed) == expected


@pytest.mark.parametrize("lang, typed, expected", [
    ("en", "a -- b, a--b, a --- b, 2020--2023", "a—b, a—b, a—b, 2020–2023"),
    ("en-US", "a -- b", "a—b"),
    ("en-GB", "a -- b, a--b, 2020--2023", f"a{NB}– b, a{NB}– b, 2020–2023"),
    ("fr", "a -- b", f"a{NB}– b"),
    ("ru", "a -- b, a --- b", f"a{NB}— b, a{NB}— b"),
    ("es", "Hola --dijo ella--, bien", "Hola —dijo ella—, bien"),
    ("zh", "十年 -- 好, 2010--2020", "十年——好, 2010—2020"),
    ("ar", "نعم -- لا", "نعم — لا"),
    ("en", "-- a colleague in the field", "— a colleague in the field"),  # a paragraph's start: as typed
    ("en-GB", "wait...", "wait…"),
    ("fr", "Eh bien... non", "Eh bien… non"),
    ("zh", "然后...好......", "然后……好……"),
    ("en", "a ---- b and ....", "a ---- b and ...."),  # not a dash, not an ellipsis: as typed
])
def test_dashes_and_ellipses(lang, typed, expected):
    assert smart(lang, typed) == expected


@pytest.mark.parametrize("typed", [
    "see https://example.org/a--b?q='x'... now",
    "write to plain--text@example.org",
    "www.example.org/it's--here",
    "see https://example.org/a--b...",
])
def test_urls_and_addresses_in_the_text_are_untouched(typed):
    url = re.search(r"\S*[@/]\S*[\w']", typed).group()
    assert url in smart("en", typed)
    if typed.endswith("..."):  # sentence punctuation after an address is not part of it
        assert smart("en", typed).endswith("a--b…")


def test_quotes_across_inline_nodes():
    """A quote is decided by the text around it, whatever node that text is in."""
    rules = open_styles().typography("en")
    T, E = m.Text, m.Emphasis
    run = transforms.smarten_inlines
    # "*word*" and *"word"*
    assert run((T('"'), E((T("word"),)), T('"')), rules) == (T("“"), E((T("word"),)), T("”"))
    assert run((E((T('"word"'),)),), rules) == (E((T("“word”"),)),)
    # "*Never* trust a '*straight*' quote." (the seed of the English fixture)
    got = run((T('"'), E((T("Never"),)), T(" a '"), E((T("x"),)), T("' b.\"")), rules)
    assert got == (T("“"), E((T("Never"),)), T(" a ‘"), E((T("x"),)), T("’ b.”"))
    # A quote right after a link closes; the link's target keeps its straight quotes.
    link = m.Link("https://example.org/'a'--b", (T("the guide"),))
    got = run((T('The "'), link, T('" says so.')), rules)
    assert got == (T("The “"), link, T("” says so."))
    # Code is a word no rule enters; a note call and a line break are what they stand for.
    code = m.Code('"it\'s" -- ...')
    assert run((T('"'), code, T('"')), rules) == (T("“"), code, T("”"))
    assert run((T('"word'), m.NoteRef(1), T('" then')), rules) == (T("“word"), m.NoteRef(1), T("” then"))
    assert run((T('"a'), m.LineBreak(), T('b"')), rules) == (T("“a"), m.LineBreak(), T("b”"))
    # An apostrophe against emphasis: l'*aide*, *UN*'s.
    assert run((T("l'"), E((T("aide"),)), T(" et "), E((T("UN"),)), T("'s")), rules) == \
        (T("l’"), E((T("aide"),)), T(" et "), E((T("UN"),)), T("’s"))
    # Strong inside emphasis, and a space typed inside a node of its own.
    got = run((T("She said"), T(' "'), m.Strong((E((T("no"),)),)), T('"')), rules)
    assert got == (T("She said"), T(" “"), m.Strong((E((T("no"),)),)), T("”"))


def test_french_quotes_get_their_spaces_whatever_was_typed():
    iv = parse("fr", 'Il a dit "oui", puis " non " et *"peut-être"*.\n')
    assert m.plain_text(iv.intro) == f"Il a dit «{NN}oui{NN}», puis «{NN}non{NN}» et «{NN}peut-être{NN}».\n"
    iv = parse("fr", 'Elle a dit: "Il a répondu: \'non\'." Et 10:30!\n')
    assert m.plain_text(iv.intro) == (f"Elle a dit{NN}: «{NN}Il a répondu{NN}: “non”.{NN}» Et 10:30{NN}!\n")


def test_every_field_of_the_front_matter_is_smartened():
    iv = parse("en", "Text.\n", subtitle="It's \"new\" -- really...", section="Reader's corner",
               interviewer="{name: Sean O'Brien, bio: \"Sean's 'bio'.\"}",
               interviewee="{name: Ana, role: Head -- \"Keys\"}",
               image="{alt: A \"key\", caption: The '90s, credit: © J. D'Arc}")
    assert iv.meta.subtitle == "It’s “new”—really…"
    assert iv.meta.section == "Reader’s corner"
    assert (iv.interviewer.name, iv.interviewer.bio) == ("Sean O’Brien", "Sean’s ‘bio’.")
    assert iv.interviewee.role == "Head—“Keys”"
    assert (iv.image.alt, iv.image.caption, iv.image.credit) == ("A “key”", "The ’90s", "© J. D’Arc")


def test_the_marks_come_from_styles(tmp_path):
    """Change the marks in a copy of styles/typography.json: the output follows."""
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles, ignore=shutil.ignore_patterns("fonts", "icc", "*.docx"))
    table = json.loads((styles / "typography.json").read_text(encoding="utf-8"))
    table["en"]["quotes"] = [["<<", ">>"], ["<", ">"]]
    table["en"]["dash"] = [" ", "~", " "]
    (styles / "typography.json").write_text(json.dumps(table), encoding="utf-8")
    iv = reader.parse("---\ntitle: T\ndate: 2024-03-04\nlang: en\n---\n\n\"a 'b'\" -- c\n\n## Q?\n\nA.\n", name="x.md")
    assert m.plain_text(transforms.apply(iv, open_styles(styles)).intro) == "<<a <b>>> ~ c\n"
    assert m.plain_text(transforms.apply(iv).intro) == "“a ‘b’”—c\n"


def test_typography_covers_the_six_languages():
    styles = open_styles()
    for lang in ("ar", "en", "es", "fr", "ru", "zh-Hans"):
        t = styles.typography(lang)
        assert len(t["quotes"]) >= 2 and all(len(pair) == 2 for pair in t["quotes"]), lang
        assert t["apostrophe"] and t["ellipsis"] and len(t["dash"]) == 3, lang
    assert styles.typography("fr")["quotes"][0] == ["«", "»"]
    assert styles.typography("en")["quotes"][0] != styles.typography("fr")["quotes"][0]


# -- the transform: French superior letters ------------------------------------------------

def superiors(nodes) -> list[tuple[str, str]]:
    """(the word on the line, its superior letters) for each Superscript in a run of inlines."""
    out, before = [], ""
    for n in nodes:
        if isinstance(n, m.Superscript):
            out.append((before.split()[-1] if before.split() else "", n.text))
        before = m.plain_text((n,))
    return out


@pytest.mark.parametrize("typed, expected", [
    ("le 1er mai, la 1re fois, les 1ers et les 1res", [("1", "er"), ("1", "re"), ("1", "ers"), ("1", "res")]),
    ("la 2e, les 3es, le 2nd, la 2nde, le 2d, la 2de", [("2", "e"), ("3", "es"), ("2", "nd"), ("2", "nde"),
                                                       ("2", "d"), ("2", "de")]),
    ("le XXIe siècle, le XIXe, François Ier, la Ve République", [("XXI", "e"), ("XIX", "e"), ("I", "er"), ("V", "e")]),
    ("Mme Roy, Mmes, Mlle Roy, Mgr Paul, Dr Diallo", [("M", "me"), ("M", "mes"), ("M", "lle"), ("M", "gr"), ("D", "r")]),
    ("Me Martin plaide.", [("M", "e")]),
    ("aux XIXe-XXe siècles, les 2e–3e places", [("XIX", "e"), ("-XX", "e"), ("2", "e"), ("–3", "e")]),
    # Words, not ordinals or abbreviations.
    ("Me voici. Le jour, Les gens, Ces idées, Des cas, De plus, Vers midi, Mes amis, Mer, Vie, Lire, Dire", []),
    # Numbers that are not ordinals.
    ("2e5, 1.2e3, 2e-3, 0x2e, #2e2e2e, 1,5e, A1er, 2ème", []),
])
def test_french_superior_letters(typed, expected):
    assert superiors(para(parse("fr", typed + "\n"))) == expected


def test_french_superior_letters_not_in_code_urls_or_other_languages():
    iv = parse("fr", "Le code `1er 2e` et https://example.org/1er/2e et 1er@example.org, puis le 1er.\n")
    nodes = para(iv)
    assert superiors(nodes) == [("1", "er")]
    assert m.Code("1er 2e") in nodes
    assert "https://example.org/1er/2e et 1er@example.org" in m.plain_text(nodes)
    assert superiors(para(parse("en", "the 1er and Mme\n"))) == []
    # In the front matter, the plain value stays in its field, the raised letters are "styled".
    iv = parse("fr", "x\n", subtitle="le XXIe siècle")
    assert iv.meta.subtitle == "le XXIe siècle"
    assert iv.inlines_of("subtitle", iv.meta.subtitle) == (m.Text("le XXI"), m.Superscript("e"), m.Text(" siècle"))
    assert iv.inlines_of("title", "T") == (m.Text("T"),)


def test_superscript_reads_as_plain_text():
    nodes = para(parse("fr", "Le 1er et *Mme Roy*\n"))
    assert m.plain_text(nodes) == "Le 1er et Mme Roy"
    assert any(isinstance(n, m.Emphasis) and isinstance(n.children[1], m.Superscript) for n in nodes)


# -- the model, as `pressroom model` prints it ---------------------------------------------

def model_json(stem: str) -> dict:
    from conftest import run_cli

    return json.loads(run_cli("model", FIXTURES / f"{stem}.md").stdout)


def json_text(node) -> str:
    """The text of a JSON inline/block node tree (as model.plain_text reads the model)."""
    if isinstance(node, list):
        return "".join(json_text(n) for n in node)
    if node.get("type") in ("Text", "Code", "Superscript"):
        return node["text"]
    if node.get("type") == "Paragraph":
        return json_text(node["children"]) + "\n"
    return json_text(node.get("children", []) + node.get("items", []))


def json_nodes(node, kind: str) -> list:
    if isinstance(node, list):
        return [x for n in node for x in json_nodes(n, kind)]
    if not isinstance(node, dict):
        return []
    found = [node] if node.get("type") == kind else []
    for value in node.values():
        if isinstance(value, (list, dict)):
            found += json_nodes(value, kind)
    return found


def test_model_of_the_plain_keyboard_interviews():
    en = model_json("en")
    assert en["meta"]["title"] == "Why “home” isn’t a place—it’s people"
    assert en["meta"]["subtitle"] == "An interview typed on a plain keyboard… with “straight” quotes, ‘single’ ones and dashes"
    assert en["interviewee"]["role"] == "Head of the “Keyboard” Unit—Geneva"
    assert json_text(en["intro"]) == ("“Home isn’t a place,” she says. It’s the ’90s again: rock ’n’ roll, "
                                      "2020–2023 and a 5′10″ desk.\n")
    codes = [c["text"] for c in json_nodes(en, "Code")]
    assert codes == ["printf \"it's\" -- '...'"]
    # The typed link, and the addresses written in the text, which become links to themselves.
    assert sorted(link["href"] for link in json_nodes(en, "Link")) == [
        "https://example.org/it's--here", "https://example.org/style--guide", "mailto:plain--text@example.org"]
    gb = model_json("en-gb")
    assert gb["meta"]["title"] == f"Why “home” isn’t a place{NB}– it’s people (British)"
    fr = model_json("fr")
    assert fr["meta"]["title"] == f"L’avenir de la «{NN}migration{NN}»{NB}– au XXIe siècle"
    assert [s["text"] for s in json_nodes(fr["intro"], "Superscript")] == \
        ["er", "me", "e", "e", "e", "nd", "de", "lle", "gr", "r"]
    assert fr["styled"] == [
        ["title", [{"type": "Text", "text": f"L’avenir de la «{NN}migration{NN}»{NB}– au XXI"},
                   {"type": "Superscript", "text": "e"}, {"type": "Text", "text": " siècle"}]],
        ["image.caption", [{"type": "Text", "text": "La 1"}, {"type": "Superscript", "text": "re"},
                           {"type": "Text", "text": f" cabine, dite «{NN}anglaise{NN}»"}]]]
    assert en["styled"] == []
    assert json_text(fr["intro"]).startswith(f"Le 1er janvier, Mme Dupont et Me Martin ont dit{NN}: «{NN}C’est l’avenir{NN}».")
    es = model_json("es")
    assert json_text(es["intro"]) == "«Hola —dijo ella—, ¿qué tal?» Me contestó: «Dijo: “hola ‘amigo’”». ¿«Verdad»?\n"
    ru = model_json("ru")
    assert json_text(ru["intro"]) == f"«Он сказал: „да“»,{NB}— ответила она. Москва{NB}— столица… В{NB}2020–2023 годах.\n"
    zh = model_json("zh")
    assert json_text(zh["intro"]) == "她说：“你好，‘朋友’。”然后……我们笑了。2010—2020年——十年。\n"
    ar = model_json("ar")
    assert json_text(ar["intro"]) == "قالت: «البيت ”ليس“ مكانا» — ثم ضحكت…\n"


# -- the built files -------------------------------------------------------------------------

#: Per fixture: passages every output shows (typed on a plain keyboard in the fixture, set here as
#: they must be printed), and what must stay exactly as typed (code, URLs, e-mail addresses).
EXPECTED = {
    "en": (["Why “home” isn’t a place—it’s people", "‘single’ ones", "Sean O’Brien",
            "“Home isn’t a place,” she says. It’s the ’90s again: rock ’n’ roll, 2020–2023 and a 5′10″ desk.",
            "about “smart” quotes?",
            "She said: “Never trust a ‘straight’ quote.” Then “Fine,” I said (“really”). The “style guide” says so.",
            "“I asked: ‘why?’”—and she laughed… ’Tis the students’ books.",
            "See “Typing”—a note’s text… and ‘quoted’ words.",
            "UN Today’s “plain text” editor."],
           ["printf \"it's\" -- '...'", "https://example.org/it's--here", "plain--text@example.org"]),
    "en-gb": ([f"Why “home” isn’t a place{NB}– it’s people (British)", "“I asked: ‘why?’”—and she laughed…",
               f"See “Typing”{NB}– a note’s text… and ‘quoted’ words."],
              ["printf \"it's\" -- '...'", "https://example.org/it's--here", "plain--text@example.org"]),
    "fr": ([f"L’avenir de la «{NN}migration{NN}»{NB}– au XXIe siècle",
            f"Le 1er janvier, Mme Dupont et Me Martin ont dit{NN}: «{NN}C’est l’avenir{NN}».",
            f"Mlle Roy, Mgr Paul et le Dr Diallo{NB}– tous d’accord.",
            f"Elle m’a dit{NN}: «{NN}Il m’a répondu{NN}: “non”.{NN}» Puis «{NN}bien{NN}», dis-je… Me voici.",
            f"Voir «{NN}La 1re règle{NN}»{NB}– page 2e… et l’«{NN}autre{NN}»."],
           ["printf \"1er\" -- '2e'", "https://example.org/l'avenir--1er", "clavier--1er@example.org",
            "2e5", "0x2e", "#2e2e2e"]),
    "es": (["El «hogar» no es un lugar — son personas",
            "«Hola —dijo ella—, ¿qué tal?» Me contestó: «Dijo: “hola ‘amigo’”». ¿«Verdad»?",
            "las comillas «inteligentes»?", "no cambian… nunca.", "Véase «Ortografía» de la RAE."],
           ["printf \"a\" -- 'b'", "https://example.org/a--b"]),
    "ru": ([f"Дом «это люди»{NB}— а{NB}не место",
            f"«Он сказал: „да“»,{NB}— ответила она. Москва{NB}— столица… В{NB}2020–2023 годах.",
            "о «умных» кавычках?", f"См. «Правила»{NB}— справочник."],
           ["printf \"a\" -- 'b'", "https://example.org/a--b"]),
    "zh": (["家“不是”一个地方——而是人", "她说：“你好，‘朋友’。”然后……我们笑了。2010—2020年——十年。",
            "对“智能”引号", "见“标点符号用法”。"],
           ["printf \"a\" -- 'b'", "https://example.org/a--b"]),
    "ar": (["البيت «ليس مكانا» — بل أناس", "قالت: «البيت ”ليس“ مكانا» — ثم ضحكت…", "علامات «التنصيص»؟",
            "انظر «القواعد»."],
           ["printf \"a\" -- 'b'", "https://example.org/a--b"]),
}
#: The lead image's caption and credit, and its alt text, where the edition sets them.
FRONT = {
    "en": ["The “straight” keys of the 1990s", "© UN Photo/J. D’Arc"],
    "fr": [f"La 1re cabine, dite «{NN}anglaise{NN}»"],
}
FRONT_ALT = {"en": "A keyboard’s “quote” key, seen from above", "fr": "Une cabine d’interprétation vue de l’arrière"}
#: French superior letters, in the order of the text (body, then notes).
SUPERIORS_BODY = ["er", "me", "e", "e", "e", "nd", "de", "lle", "gr", "r", "e", "e", "re"]
SUPERIORS_NOTES = ["re", "e"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every fixture in all four formats, by the stages `make` runs."""
    from conftest import build_all

    out = tmp_path_factory.mktemp("typo")
    before = {s: hashlib.sha256((FIXTURES / f"{s}.md").read_bytes()).hexdigest() for s in STEMS}
    for stem in STEMS:
        build_all(FIXTURES / f"{stem}.md", out, timeout=600)
    after = {s: hashlib.sha256((FIXTURES / f"{s}.md").read_bytes()).hexdigest() for s in STEMS}
    assert before == after, "a build rewrote its source"
    return out


def pdf_text(path: Path) -> str:
    proc = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True, check=True)
    return proc.stdout.decode("utf-8")


def epub_text(path: Path) -> str:
    from lxml import etree

    parts = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".xhtml")):
            body = etree.fromstring(z.read(name)).find(f"{XHTML}body")
            parts.append("".join(body.itertext()))
    return "\n".join(parts)


def docx_xml(path: Path):
    """The body and the footnotes of a DOCX, as lxml trees (python-docx's package reader)."""
    import docx
    from lxml import etree

    document = docx.Document(str(path))
    with zipfile.ZipFile(path) as z:
        notes = etree.fromstring(z.read("word/footnotes.xml"))
    return document.element.body, notes, document


def docx_text(path: Path) -> str:
    body, notes, _ = docx_xml(path)
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t"))
                     for root in (body, notes) for p in root.iter(f"{W}p"))


EXTRACT = {".pdf": pdf_text, ".screen.pdf": pdf_text, ".epub": epub_text, ".docx": docx_text}


def squash(text: str) -> str:
    """Text without any white space, line-end hyphens the layout added, or soft hyphens: what a
    reader reads, whatever the line breaks (the DOCX joins a CJK question's characters with
    invisible WORD JOINERs)."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "").replace("\u2060", "").replace("\u200b", "")
    text = re.sub("\u2010\\s*\n\\s*", "", text)
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("suffix", list(EXTRACT))
@pytest.mark.parametrize("stem", STEMS)
def test_outputs_are_typeset(built, stem, suffix):
    path = built / f"{stem}{suffix}"
    text = EXTRACT[suffix](path)
    flat = squash(text)
    passages, untouched = EXPECTED[stem]
    front = FRONT.get(stem, []) if suffix in (".pdf", ".docx") else []
    straight = ('"', "'", "--", "...")
    if stem == "ar" and suffix.endswith(".pdf"):
        # pdftotext reorders the neutral characters of right-to-left lines (and adds embedding
        # marks): the marks must be there, and no straight one beyond those of the code and URL.
        flat = re.sub("[\u200e\u200f\u202a-\u202e]", "", flat)
        for mark in "«»”“—…":
            assert mark in flat, f"{stem}{suffix}: {mark!r} missing"
        for s in straight:
            assert flat.count(s) == sum(squash(k).count(s) for k in untouched), f"{stem}{suffix}: {s!r}"
        return
    for passage in passages + untouched + front:
        assert squash(passage) in flat, f"{stem}{suffix}: {passage!r} not found"
    # Nothing typed on the keyboard is left, except in code, URLs and addresses.
    rest = flat
    for keep in untouched:
        rest = rest.replace(squash(keep), "")
    for s in straight:
        assert s not in rest, f"{stem}{suffix}: {s!r} left in {rest[max(rest.find(s) - 30, 0):][:60]!r}"
    if suffix.endswith(".pdf"):
        # pdftotext gives no-break spaces as spaces: read the PDF's own text (pypdf, ToUnicode).
        import pypdf

        text = "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
        if stem in ("fr", "ru", "en-gb"):
            assert (NN if stem == "fr" else NB) in text, f"{stem}{suffix}: no-break spaces lost"
        if stem == "fr":
            assert f"«{NN}migration{NN}»" in text and f"dit{NN}:" in text
    else:
        # The spaces, exactly: no-break before a dash, narrow no-break inside guillemets.
        for passage in passages:
            shown = unicodedata.normalize("NFC", text).replace("\u2060", "")  # the DOCX's CJK word joiners
            assert passage in shown, f"{stem}{suffix}: {passage!r} (spacing)"


def test_alt_text_is_typeset(built):
    assert squash(FRONT_ALT["en"]) in squash(pdf_text(built / "en.pdf"))  # the FPO box shows it
    for stem, alt in FRONT_ALT.items():
        _, _, document = docx_xml(built / f"{stem}.docx")
        descriptions = [el.get(f"{W}val") for el in document.element.body.iter(f"{W}tblDescription")]
        assert alt in descriptions, (stem, descriptions)


def test_superior_letters_in_the_epub(built):
    from lxml import etree

    with zipfile.ZipFile(built / "fr.epub") as z:
        root = etree.fromstring(z.read("EPUB/interview.xhtml"))
        css = z.read("EPUB/epub.css").decode()

    def raised(xpath):
        return [s.text for el in root.xpath(xpath, namespaces={"h": XHTML[1:-1]})
                for s in el.iter(f"{XHTML}sup") if s.get("class") == "superior"]

    assert raised("//h:h1") == ["e"]  # the title's "XXIe siècle"
    assert raised("//h:section[@class='intro' or @class='exchange']") == SUPERIORS_BODY
    assert raised("//h:aside") == SUPERIORS_NOTES
    first = root.find(f".//{XHTML}section[@class='intro']//{XHTML}sup")
    assert first.getparent().text.endswith("Le 1") and first.tail.startswith(" janvier")
    assert "sup.superior" in css
    # Nothing raised in the other languages, nor in the code or the URL.
    with zipfile.ZipFile(built / "en.epub") as z:
        assert b"superior" not in z.read("EPUB/interview.xhtml")
    assert "printf \"1er\" -- '2e'" in [c.text for c in root.iter(f"{XHTML}code")]


def test_superior_letters_in_the_docx(built):
    body, notes, document = docx_xml(built / "fr.docx")

    def raised(root):
        return [r.findtext(f"{W}t") for r in root.iter(f"{W}r")
                if r.find(f"{W}rPr/{W}rStyle[@{W}val='Superior']") is not None]

    def style(p):
        el = p.find(f"{W}pPr/{W}pStyle")
        return el.get(f"{W}val") if el is not None else None

    paragraphs = list(body.iter(f"{W}p"))
    assert [raised(p) for p in paragraphs if style(p) == "Title"] == [["e"]]
    assert [raised(p) for p in paragraphs if style(p) == "Caption"] == [["re"]]
    assert [x for p in paragraphs if style(p) not in ("Title", "Caption") for x in raised(p)] == SUPERIORS_BODY
    assert raised(notes) == SUPERIORS_NOTES
    style = document.styles.element.find(f"{W}style[@{W}styleId='Superior']")
    assert style is not None and style.get(f"{W}type") == "character"
    assert style.find(f"{W}rPr/{W}vertAlign").get(f"{W}val") == "superscript"
    assert not raised(docx_xml(built / "en.docx")[0])


@pytest.mark.parametrize("suffix", [".pdf", ".screen.pdf"])
def test_superior_letters_in_the_pdfs(built, suffix):
    """pypdf reads the text runs with their size and baseline: each superior run is smaller than
    the text before it and raised above its baseline."""
    import pypdf

    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((text, size * abs(tm[3]) * abs(cm[3]), tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    for page in pypdf.PdfReader(built / f"fr{suffix}").pages:
        page.extract_text(visitor_text=visit)
    pairs = collections.Counter()
    for (before, size0, y0), (sup, size1, y1) in zip(runs, runs[1:]):
        if sup.strip() in SUPERIORS_BODY + SUPERIORS_NOTES and before.rstrip("\n")[-1:] in "12MDXIV":
            if 0.55 < size1 / size0 < 0.8 and 0.2 * size0 < y1 - y0 < 0.6 * size0:
                pairs[sup.strip()] += 1
    # The text's, the title's "XXIe" and the caption's "1re" (the print edition's FPO box
    # always has its caption; the screen edition may leave it out without a photo).
    expected = len(SUPERIORS_BODY + SUPERIORS_NOTES) + 1
    assert sum(pairs.values()) in ((expected + 1,) if suffix == ".pdf" else (expected, expected + 1)), \
        (pairs, runs[:40])
    assert "1er janvier" in pdf_text(built / f"fr{suffix}")  # still reads as "1er" for search and copy


# -- invariants ------------------------------------------------------------------------------

def _skeleton(text: str) -> str:
    """What smart punctuation may not change: every character but quotes, hyphens, full stops,
    the marks that replace them and spaces."""
    return re.sub(r"[\"'\-.\s“”‘’«»„‚「」『』′″–—…]", "", text)


@pytest.mark.parametrize("lang", ["en", "en-GB", "fr", "es", "ru", "zh-Hans", "zh-Hant", "ar"])
def test_smart_punctuation_changes_only_punctuation(lang):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    rules = open_styles().typography(lang)
    alphabet = st.sampled_from(list("\"'-. \nab1é中ا(),?") + ["https://x.org/a--b'", "`c`"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(alphabet, max_size=40))
    def check(pieces):
        nodes = []
        for piece in pieces:
            node = m.Code(piece[1:-1]) if piece.startswith("`") else m.Text(piece)
            if nodes and isinstance(node, m.Text) and isinstance(nodes[-1], m.Text):
                nodes[-1] = m.Text(nodes[-1].text + node.text)
            else:
                nodes.append(node)
        out = transforms.smarten_inlines(tuple(nodes), rules)
        assert _skeleton(m.plain_text(out)) == _skeleton(m.plain_text(tuple(nodes)))
        assert [n for n in out if isinstance(n, m.Code)] == [n for n in nodes if isinstance(n, m.Code)]
        # Every " outside code becomes a mark or a prime (a URL ends before a ").
        assert '"' not in "".join(n.text for n in out if isinstance(n, m.Text))
        if any("https://x.org/a--b" in n.text for n in nodes if isinstance(n, m.Text)):
            assert "https://x.org/a--b" in m.plain_text(out)

    check()


# -- French: a note call before the sentence's punctuation ---------------------------------------

_CALLS_FR = "---\ntitle: T\ndate: 2024-01-01\nlang: {lang}\n---\n\n## Vraiment ?\n\n{text}\n\n{notes}"


@pytest.mark.parametrize("lang, typed, expected", [
    ("fr", "Une chose.[^1][^2] Suite.", "Une chose[^1][^2]. Suite."),
    ("fr", "Vrai ?[^1] Oui !", "Vrai[^1]\u202f? Oui\u202f!"),
    ("fr-CA", "Ainsi,[^1] voilà.", "Ainsi[^1], voilà."),
    ("fr", "(Voir plus bas).[^1]", "(Voir plus bas)[^1]."),
    # left as typed: an abbreviation's point, an initial, a digit, emphasis, a quotation
    ("fr", "Et cætera, etc.[^1] Fin.", "Et cætera, etc.[^1] Fin."),
    ("fr", "Signé J.-C.[^1] et M.[^2] Dupont.", "Signé J.-C.[^1] et M.[^2] Dupont."),
    ("fr", "En 2023.[^1]", "En 2023.[^1]"),
    ("fr", "Voir *ici.*[^1]", "Voir *ici.*[^1]"),
    ("fr", "Il a dit « non. »[^1]", "Il a dit «\u202fnon.\u202f»[^1]"),
    # other languages set calls where they are typed
    ("en", "A thing.[^1] Next.", "A thing.[^1] Next."),
    ("es", "Una cosa.[^1] Luego.", "Una cosa.[^1] Luego."),
])
def test_french_sets_a_call_before_the_punctuation(lang, typed, expected):
    """Imprimerie nationale's rule: the call goes right after its word, before the punctuation."""
    from pressroom import model as m
    from pressroom import reader, transforms

    def shown(nodes):
        out = []
        for n in nodes:
            if isinstance(n, m.NoteRef):
                out.append(f"[^{n.number}]")
            elif isinstance(n, m.Emphasis):
                out.append("*" + shown(n.children) + "*")
            else:
                out.append(m.plain_text((n,)))
        return "".join(out)

    notes = "".join(f"[^{n}]: Note {n}.\n\n" for n in sorted(set(re.findall(r"\[\^(\d+)\]", typed))))
    iv = transforms.apply(reader.parse(_CALLS_FR.format(lang=lang, text=typed, notes=notes)))
    assert shown(iv.exchanges[0].answer[0].children) == expected
