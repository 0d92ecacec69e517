#!/usr/bin/env python3
"""Build the synthetic labelled case files from their text sources.

Every case lives as plain text under ``sample_files/src/<case_id>/``: a
``case.json`` (documents, how each is rendered, gold labels, screening) and the
source text of each document. This script checks those sources and renders
them into the labelled-set layout of FORMATS.md section 2::

    sample_files/train/<case>/<documents>    sample_files/test/<case>/<documents>
    sample_files/train/labels.jsonl          sample_files/test/labels.jsonl
    sample_files/train/cases.jsonl           sample_files/test/cases.jsonl

Usage::

    python sample_files/build.py --check            # validate every case.json, write nothing
    python sample_files/build.py --check --case c11 # validate some cases only
    python sample_files/build.py                    # rebuild every case (deterministic)
    python sample_files/build.py --jobs 2           # the same, two documents at a time

Source markup (kept deliberately small):

* pages are separated by a form feed (``\\f``) or by a line that is exactly ``<<PAGE>>``;
* a line starting with ``# `` is a heading (bold in PDF and DOCX);
* a line containing `` | `` is a table row (cells split on `` | ``); consecutive rows form
  one table; a row starting with ``# `` is a header row.

Rendering is deterministic: noise is seeded from the case, document and page,
PDFs are written in reportlab's invariant mode and DOCX zip entries carry a fixed
date, so a rebuild gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import random
import re
import shutil
import sys
import zipfile
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run as a script from a checkout: the project's data model
from assistant.types import INQUIRY_KINDS, ROLES, SUGGESTION_TYPES  # noqa: E402

SRC_DIR = HERE / "src"
SPLITS = ("train", "test", "indep_dev", "indep_test")

# Render name -> allowed file extensions of the output document.
RENDERS: dict[str, tuple[str, ...]] = {
    "pdf_digital": (".pdf",),
    "pdf_scanned": (".pdf",),
    "pdf_mixed": (".pdf",),
    "png": (".png",),
    "jpg": (".jpg", ".jpeg"),
    "tiff": (".tif", ".tiff"),
    "docx": (".docx",),
    "txt": (".txt",),
}
SCANNED_RENDERS = {"pdf_scanned", "png", "jpg", "tiff"}
TYPES = SUGGESTION_TYPES  # the contract's values, from the one data model
KINDS = INQUIRY_KINDS
NOISE_LEVELS = ("light", "medium", "heavy")
FONTS = ("Courier", "Helvetica", "Times-Roman", "Vera")

CASE_KEYS = {"case", "split", "style", "author", "screening", "documents", "labels", "notes"}
DOC_KEYS = {"name", "render", "source", "scan", "scanned_pages", "layout", "title"}
SCAN_KEYS = {"noise", "dpi"}
LAYOUT_KEYS = {
    "font",
    "size",
    "leading",
    "margin",
    "header",
    "header_right",
    "footer",
    "page_label",
    "grid",
}
SCREENING_KEYS = {"in_scope", "suspects", "victims", "rape_alleged", "priority"}
LABEL_KEYS = {
    "unfollowed_inquiry": {"type", "document", "page", "quote", "kind", "also", "note"},
    "victim_blaming_language": {"type", "document", "page", "quote", "also", "note"},
    "missing_interview": {
        "type",
        "document",
        "page",
        "quote",
        "subject",
        "role",
        "aliases",
        "note",
    },
}
# Label fields copied to labels.jsonl, in this order ("note" stays in the source only).
LABEL_OUT_ORDER = (
    "type",
    "document",
    "page",
    "quote",
    "kind",
    "subject",
    "role",
    "aliases",
    "also",
)

# A quote this long is probably not "the shortest passage that shows the finding".
LONG_QUOTE_WORDS = 30
FIXED_DATE = datetime(2020, 1, 1, 0, 0, 0)
PAGE_W, PAGE_H = 595.2756, 841.8898  # A4 in points


class CaseError(Exception):
    """A problem in one case's sources; the message names the file and the reason."""


# --------------------------------------------------------------------------- sources


def norm_ws(text: str) -> str:
    """Collapse every run of whitespace to one space, so quotes match across line wraps."""
    return " ".join(text.split())


def norm_tokens(text: str) -> list[str]:
    """FORMATS.md section 4 normalisation: lower case, non-alphanumeric runs -> one space."""
    return re.sub(r"[^0-9a-z]+", " ", text.lower()).split()


def read_pages(path: Path) -> list[str]:
    """Read a source file and split it into pages (form feed or a ``<<PAGE>>`` line)."""
    raw = path.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join("\f" if line.strip() == "<<PAGE>>" else line for line in raw.split("\n"))
    pages = [p.strip("\n") for p in text.split("\f")]
    # A trailing form feed at the end of the file does not start a new page.
    while len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    return pages


@dataclass
class Block:
    """One unit of page layout: a heading, a line of text, a blank line or a table."""

    kind: str  # "heading" | "line" | "blank" | "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    header_rows: set[int] = field(default_factory=set)


def is_table_row(line: str) -> bool:
    return " | " in line


def split_row(line: str) -> tuple[list[str], bool]:
    """Cells of a table row, and whether it is a header row (``# `` prefix)."""
    stripped = line.strip()
    header = stripped.startswith("# ")
    if header:
        stripped = stripped[2:]
    stripped = stripped.strip()
    if stripped.startswith("|"):
        stripped = stripped[1:]
    if stripped.endswith("|"):
        stripped = stripped[:-1]
    return [c.strip() for c in stripped.split(" | ")], header


def parse_blocks(page: str) -> list[Block]:
    """Turn one page of source text into layout blocks."""
    blocks: list[Block] = []
    for line in page.split("\n"):
        line = line.rstrip()
        if is_table_row(line):
            cells, header = split_row(line)
            if not blocks or blocks[-1].kind != "table":
                blocks.append(Block("table"))
            table = blocks[-1]
            if header:
                table.header_rows.add(len(table.rows))
            table.rows.append(cells)
        elif not line.strip():
            blocks.append(Block("blank"))
        elif line.startswith("# "):
            blocks.append(Block("heading", text=line[2:].strip()))
        else:
            blocks.append(Block("line", text=line))
    for b in blocks:
        if b.kind == "table":
            width = max(len(r) for r in b.rows)
            b.rows = [r + [""] * (width - len(r)) for r in b.rows]
    return blocks


def printed_text(page: str) -> str:
    """The page as a plain-text rendering prints it (heading markers removed)."""
    out: list[str] = []
    for b in parse_blocks(page):
        if b.kind == "blank":
            out.append("")
        elif b.kind in ("heading", "line"):
            out.append(b.text)
        else:
            out.extend(" | ".join(row) for row in b.rows)
    return "\n".join(out)


def searchable_segments(page: str) -> list[str]:
    """Whitespace-normalised stretches of a page inside which a quote must fall.

    Running text (headings and lines) is one stretch; every table cell is its own,
    because a quote that crossed a cell boundary would not survive every renderer.
    """
    segments: list[str] = []
    running: list[str] = []
    for b in parse_blocks(page):
        if b.kind == "table":
            segments.append(norm_ws(" ".join(running)))
            running = []
            segments.extend(norm_ws(cell) for row in b.rows for cell in row)
        elif b.kind != "blank":
            running.append(b.text)
    segments.append(norm_ws(" ".join(running)))
    return [s for s in segments if s]


def quote_on_page(quote: str, page: str) -> bool:
    q = norm_ws(quote)
    return any(q in seg for seg in searchable_segments(page))


# --------------------------------------------------------------------------- checking


@dataclass
class Doc:
    """One document of a case, with its source pages."""

    name: str
    render: str
    source: str
    pages: list[str]
    spec: dict[str, Any]


@dataclass
class Case:
    """A checked case, ready to render."""

    case_id: str
    directory: Path
    spec: dict[str, Any]
    docs: dict[str, Doc]
    warnings: list[str] = field(default_factory=list)

    @property
    def split(self) -> str:
        return str(self.spec["split"])


def _expect(cond: bool, errors: list[str], msg: str) -> bool:
    if not cond:
        errors.append(msg)
    return cond


def check_screening(s: Any, where: str, errors: list[str]) -> None:
    if not _expect(isinstance(s, dict), errors, f"{where}: 'screening' must be an object"):
        return
    unknown = set(s) - SCREENING_KEYS
    _expect(not unknown, errors, f"{where}: unknown screening fields {sorted(unknown)}")
    missing = SCREENING_KEYS - set(s)
    if not _expect(not missing, errors, f"{where}: screening lacks {sorted(missing)}"):
        return
    ok = True
    for key in ("in_scope", "rape_alleged"):
        ok &= _expect(
            isinstance(s[key], bool), errors, f"{where}: screening.{key} must be true/false"
        )
    for key in ("suspects", "victims", "priority"):
        ok &= _expect(
            isinstance(s[key], int) and not isinstance(s[key], bool) and s[key] >= 0,
            errors,
            f"{where}: screening.{key} must be a non-negative integer",
        )
    if not ok:
        return
    expected = 3 if not s["in_scope"] else (1 if s["rape_alleged"] else 2)
    _expect(
        s["priority"] == expected,
        errors,
        f"{where}: screening.priority is {s['priority']} but in_scope={s['in_scope']} and "
        f"rape_alleged={s['rape_alleged']} give priority {expected}",
    )
    if s["in_scope"]:
        _expect(
            s["suspects"] >= 2,
            errors,
            f"{where}: in_scope needs two or more suspects, screening.suspects is {s['suspects']}",
        )
    _expect(s["victims"] >= 1, errors, f"{where}: screening.victims must be at least 1")


def check_document(d: Any, i: int, case_dir: Path, errors: list[str]) -> Doc | None:
    where = f"{case_dir.name}/case.json documents[{i}]"
    if not _expect(isinstance(d, dict), errors, f"{where}: must be an object"):
        return None
    unknown = set(d) - DOC_KEYS
    _expect(not unknown, errors, f"{where}: unknown fields {sorted(unknown)}")
    name, render, source = d.get("name"), d.get("render"), d.get("source")
    if not _expect(
        isinstance(name, str) and bool(name) and "/" not in name and not name.startswith("."),
        errors,
        f"{where}: 'name' must be a plain file name",
    ):
        return None
    where = f"{case_dir.name}/{name}"
    if not _expect(
        render in RENDERS, errors, f"{where}: render {render!r} is not one of {sorted(RENDERS)}"
    ):
        return None
    assert isinstance(render, str)
    _expect(
        Path(name).suffix.lower() in RENDERS[render],
        errors,
        f"{where}: a {render} document must be named *{' or *'.join(RENDERS[render])}",
    )
    if not _expect(
        isinstance(source, str) and bool(source), errors, f"{where}: 'source' is missing"
    ):
        return None
    assert isinstance(source, str)
    src_path = case_dir / source
    if not _expect(src_path.is_file(), errors, f"{where}: source file {src_path} does not exist"):
        return None
    try:
        pages = read_pages(src_path)
    except UnicodeDecodeError as exc:
        errors.append(f"{src_path}: not UTF-8 ({exc})")
        return None
    if not _expect(any(p.strip() for p in pages), errors, f"{src_path}: source is empty"):
        return None
    for n, page in enumerate(pages, 1):
        _expect(bool(page.strip()), errors, f"{src_path}: page {n} is empty")
        try:
            page.encode("cp1252")
        except UnicodeEncodeError as exc:
            bad = page[exc.start : exc.end]
            errors.append(
                f"{src_path}: page {n} has {bad!r} (U+{ord(bad[0]):04X}), which the PDF base fonts "
                "cannot print; use a plain ASCII equivalent"
            )
    if render == "docx":
        _expect(
            len(pages) == 1,
            errors,
            f"{where}: a .docx is one page (FORMATS.md section 1) but {source} has "
            f"{len(pages)} pages; split it into two documents or render it as PDF",
        )
    if render in ("png", "jpg"):
        _expect(
            len(pages) == 1,
            errors,
            f"{where}: a {render} image holds one page but {source} has {len(pages)}; use tiff "
            "(multi-page) or one document per page",
        )
    scan = d.get("scan")
    if scan is not None:
        if _expect(isinstance(scan, dict), errors, f"{where}: 'scan' must be an object"):
            unknown = set(scan) - SCAN_KEYS
            _expect(not unknown, errors, f"{where}: unknown scan fields {sorted(unknown)}")
            _expect(
                scan.get("noise", "medium") in NOISE_LEVELS,
                errors,
                f"{where}: scan.noise must be one of {NOISE_LEVELS}",
            )
            dpi = scan.get("dpi", 250)
            _expect(
                isinstance(dpi, int) and 150 <= dpi <= 300,
                errors,
                f"{where}: scan.dpi must be an integer from 150 to 300",
            )
        _expect(
            render in SCANNED_RENDERS or render == "pdf_mixed",
            errors,
            f"{where}: 'scan' only applies to scanned renders, not {render}",
        )
    if render == "pdf_mixed":
        sp = d.get("scanned_pages")
        if _expect(
            isinstance(sp, list) and bool(sp) and all(isinstance(x, int) for x in sp),
            errors,
            f"{where}: pdf_mixed needs 'scanned_pages', a list of page numbers",
        ):
            assert isinstance(sp, list)
            _expect(
                all(1 <= x <= len(pages) for x in sp),
                errors,
                f"{where}: scanned_pages {sp} outside pages 1..{len(pages)}",
            )
            _expect(
                len(set(sp)) < len(pages),
                errors,
                f"{where}: every page is scanned; use render pdf_scanned instead",
            )
    else:
        _expect("scanned_pages" not in d, errors, f"{where}: 'scanned_pages' is only for pdf_mixed")
    layout = d.get("layout")
    if layout is not None:
        if _expect(isinstance(layout, dict), errors, f"{where}: 'layout' must be an object"):
            unknown = set(layout) - LAYOUT_KEYS
            _expect(not unknown, errors, f"{where}: unknown layout fields {sorted(unknown)}")
            _expect(
                layout.get("font", "Courier") in FONTS,
                errors,
                f"{where}: layout.font must be one of {FONTS}",
            )
            size = layout.get("size", 9)
            _expect(
                isinstance(size, (int, float)) and 7 <= size <= 13,
                errors,
                f"{where}: layout.size must be 7..13 points",
            )
    doc = Doc(name=name, render=render, source=source, pages=pages, spec=d)
    if render not in ("txt", "docx") and not errors:
        # Every source page must fit on one printed page: labels cite source pages.
        try:
            layout_document(doc, case_dir.name)
        except CaseError as exc:
            errors.append(str(exc))
    return doc


def check_place(
    place: Any, where: str, docs: dict[str, Doc], errors: list[str], warnings: list[str]
) -> None:
    """Check a (document, page, quote) place: the quote must be printed on that page."""
    doc_name, page, quote = place.get("document"), place.get("page"), place.get("quote")
    if not _expect(
        doc_name in docs, errors, f"{where}: document {doc_name!r} is not in 'documents'"
    ):
        return
    assert isinstance(doc_name, str)
    doc = docs[doc_name]
    if not _expect(
        isinstance(page, int) and not isinstance(page, bool) and 1 <= page <= len(doc.pages),
        errors,
        f"{where}: page {page!r} is not a page of {doc_name} (1..{len(doc.pages)})",
    ):
        return
    assert isinstance(page, int)
    if not _expect(
        isinstance(quote, str) and bool(quote.strip()), errors, f"{where}: 'quote' is empty"
    ):
        return
    assert isinstance(quote, str)
    _expect("|" not in quote, errors, f"{where}: a quote cannot contain '|' (table cell marker)")
    if not quote_on_page(quote, doc.pages[page - 1]):
        elsewhere = [n for n, p in enumerate(doc.pages, 1) if quote_on_page(quote, p)]
        hint = f"; it is on page(s) {elsewhere}" if elsewhere else ""
        errors.append(
            f"{where}: quote {quote!r} is not on page {page} of {doc_name} "
            f"(source {doc.source}){hint}"
        )
    if len(quote.split()) > LONG_QUOTE_WORDS:
        warnings.append(
            f"{where}: quote has {len(quote.split())} words; is it the shortest passage?"
        )


def check_label(
    lab: Any, i: int, case_id: str, docs: dict[str, Doc], errors: list[str], warnings: list[str]
) -> None:
    where = f"{case_id}/case.json labels[{i}]"
    if not _expect(isinstance(lab, dict), errors, f"{where}: must be an object"):
        return
    typ = lab.get("type")
    if not _expect(typ in TYPES, errors, f"{where}: type {typ!r} is not one of {TYPES}"):
        return
    assert isinstance(typ, str)
    unknown = set(lab) - LABEL_KEYS[typ]
    _expect(
        not unknown, errors, f"{where}: fields {sorted(unknown)} do not belong on a {typ} label"
    )
    check_place(lab, where, docs, errors, warnings)
    if typ == "unfollowed_inquiry":
        _expect(
            lab.get("kind") in KINDS,
            errors,
            f"{where}: kind {lab.get('kind')!r} is not one of {KINDS}",
        )
    if typ == "missing_interview":
        subject, role, aliases = lab.get("subject"), lab.get("role"), lab.get("aliases", [])
        _expect(
            isinstance(subject, str) and bool(norm_tokens(subject)),
            errors,
            f"{where}: 'subject' must name the person",
        )
        _expect(role in ROLES, errors, f"{where}: role {role!r} is not one of {ROLES}")
        ok_aliases = _expect(
            isinstance(aliases, list)
            and all(isinstance(a, str) and norm_tokens(a) for a in aliases),
            errors,
            f"{where}: 'aliases' must be a list of names",
        )
        if isinstance(subject, str) and norm_tokens(subject) and ok_aliases:
            # The quote is "one mention of the person": it should carry one of their names.
            qtoks = " " + " ".join(norm_tokens(str(lab.get("quote", "")))) + " "
            names = [subject.split()[-1], *aliases]
            _expect(
                any(" " + " ".join(norm_tokens(n)) + " " in qtoks for n in names),
                errors,
                f"{where}: quote {lab.get('quote')!r} names neither "
                f"{subject.split()[-1]!r} nor an alias",
            )
    if "also" in lab:
        also = lab["also"]
        if _expect(
            isinstance(also, list) and all(isinstance(a, dict) for a in also),
            errors,
            f"{where}: 'also' must be a list of {{document, page, quote}}",
        ):
            for j, place in enumerate(also):
                unknown = set(place) - {"document", "page", "quote"}
                _expect(not unknown, errors, f"{where}.also[{j}]: unknown fields {sorted(unknown)}")
                check_place(place, f"{where}.also[{j}]", docs, errors, warnings)


def load_case(case_dir: Path) -> tuple[Case | None, list[str], list[str]]:
    """Read and check one case directory: (case or None, errors, warnings)."""
    errors: list[str] = []
    warnings: list[str] = []
    cj = case_dir / "case.json"
    if not cj.is_file():
        return None, [f"{case_dir}: no case.json"], []
    try:
        spec = json.loads(cj.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return None, [f"{cj}: not valid JSON ({exc})"], []
    if not isinstance(spec, dict):
        return None, [f"{cj}: must hold a JSON object"], []
    where = f"{case_dir.name}/case.json"
    unknown = set(spec) - CASE_KEYS
    _expect(not unknown, errors, f"{where}: unknown fields {sorted(unknown)}")
    _expect(
        spec.get("case") == case_dir.name,
        errors,
        f"{where}: 'case' is {spec.get('case')!r} but the directory is {case_dir.name!r}",
    )
    _expect(spec.get("split") in SPLITS, errors, f"{where}: 'split' must be one of {SPLITS}")
    for field_name in ("style", "author"):
        _expect(
            isinstance(spec.get(field_name), str) and bool(spec.get(field_name)),
            errors,
            f"{where}: '{field_name}' must be a short description",
        )
    check_screening(spec.get("screening"), where, errors)
    docs: dict[str, Doc] = {}
    raw_docs = spec.get("documents")
    if _expect(
        isinstance(raw_docs, list) and bool(raw_docs),
        errors,
        f"{where}: 'documents' must be a non-empty list",
    ):
        assert isinstance(raw_docs, list)
        for i, d in enumerate(raw_docs):
            doc_errors: list[str] = []
            doc = check_document(d, i, case_dir, doc_errors)
            errors.extend(doc_errors)
            if doc is None:
                continue
            if doc.name.lower() in {n.lower() for n in docs}:
                errors.append(f"{where}: document name {doc.name!r} is used twice")
            docs[doc.name] = doc
    labels = spec.get("labels")
    if _expect(isinstance(labels, list), errors, f"{where}: 'labels' must be a list"):
        assert isinstance(labels, list)
        seen: set[tuple[Any, ...]] = set()
        for i, lab in enumerate(labels):
            check_label(lab, i, case_dir.name, docs, errors, warnings)
            if not isinstance(lab, dict):
                continue
            if lab.get("type") == "missing_interview":
                key: tuple[Any, ...] = ("mi", str(lab.get("subject", "")).lower(), lab.get("role"))
                what = f"missing_interview for {lab.get('subject')!r} ({lab.get('role')})"
            else:
                key = (
                    lab.get("type"),
                    lab.get("document"),
                    lab.get("page"),
                    norm_ws(str(lab.get("quote"))),
                )
                place = f"{lab.get('document')} p{lab.get('page')}"
                what = f"{lab.get('type')} at {place} {lab.get('quote')!r}"
            _expect(key not in seen, errors, f"{where}: labels[{i}] repeats {what}")
            seen.add(key)
    if errors:
        return None, errors, warnings
    return Case(case_dir.name, case_dir, spec, docs, warnings), errors, warnings


# --------------------------------------------------------------------------- PDF layout


_FONTS_READY = False


def ensure_fonts() -> None:
    """Register the bundled Vera TrueType family with reportlab (once per process)."""
    global _FONTS_READY
    if _FONTS_READY:
        return
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font_dir = Path(reportlab.__file__).parent / "fonts"
    for name, file in (("Vera", "Vera.ttf"), ("Vera-Bold", "VeraBd.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(font_dir / file)))
    _FONTS_READY = True


BOLD = {
    "Courier": "Courier-Bold",
    "Helvetica": "Helvetica-Bold",
    "Times-Roman": "Times-Bold",
    "Vera": "Vera-Bold",
}
DEFAULT_SIZE = {"Courier": 9.0, "Helvetica": 9.5, "Times-Roman": 10.5, "Vera": 9.0}
DOCX_FONT = {
    "Courier": "Courier New",
    "Helvetica": "Arial",
    "Times-Roman": "Times New Roman",
    "Vera": "Calibri",
}
MIN_SIZE = 6.5


def seeded(*parts: object) -> int:
    """A stable 64-bit seed from the given parts (never Python's randomised hash())."""
    return int(hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:16], 16)


@dataclass
class Style:
    font: str
    size: float
    leading: float  # as a multiple of the font size
    margin: float
    header: str
    header_right: str
    footer: str
    page_label: str
    grid: bool


def resolve_style(case_id: str, doc: Doc) -> Style:
    """The document's layout: what case.json says, else a stable choice per document."""
    lay: dict[str, Any] = doc.spec.get("layout") or {}
    rng = random.Random(seeded(case_id, doc.name, "style"))
    font = lay.get("font") or rng.choice(FONTS)
    return Style(
        font=font,
        size=float(lay.get("size", DEFAULT_SIZE[font])),
        leading=float(lay.get("leading", rng.choice((1.18, 1.22, 1.28)))),
        margin=float(lay.get("margin", rng.choice((48, 54, 60, 66)))),
        header=str(lay.get("header", "")),
        header_right=str(lay.get("header_right", "")),
        footer=str(lay.get("footer", "")),
        page_label=str(lay.get("page_label", "Page {page} of {pages}")),
        grid=bool(lay.get("grid", True)),
    )


# A drawing operation: ("text", x, y, font, size, string) or ("line", x1, y1, x2, y2).
Op = tuple[Any, ...]


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap that keeps runs of spaces inside a line (aligned record fields)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return [text]
    parts = re.split(r"( +)", text)
    lines: list[str] = []
    cur = ""
    for part in parts:
        if not part:
            continue
        if part.startswith(" "):
            cur += part
            continue
        candidate = cur + part
        if stringWidth(candidate, font, size) <= width or not cur.strip():
            cur = candidate
        else:
            lines.append(cur.rstrip())
            cur = part
        # A single word wider than the line is split by characters (rare: long references).
        while stringWidth(cur, font, size) > width and len(cur) > 1:
            cut = len(cur)
            while cut > 1 and stringWidth(cur[:cut], font, size) > width:
                cut -= 1
            lines.append(cur[:cut])
            cur = cur[cut:]
    if cur.strip():
        lines.append(cur.rstrip())
    return lines or [""]


def column_widths(
    rows: list[list[str]], font: str, size: float, avail: float, pad: float
) -> list[float]:
    """Share the line width between table columns: narrow columns get their natural width."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    ncol = len(rows[0])
    natural = [max(stringWidth(r[c], font, size) for r in rows) + 2 * pad for c in range(ncol)]
    widths = [0.0] * ncol
    remaining = avail
    todo = list(range(ncol))
    # Water-filling: columns that need less than an equal share keep their natural width.
    while todo:
        share = remaining / len(todo)
        small = [c for c in todo if natural[c] <= share]
        if not small:
            for c in todo:
                widths[c] = share
            break
        for c in small:
            widths[c] = natural[c]
            remaining -= natural[c]
            todo.remove(c)
    return widths


def layout_page(blocks: list[Block], st: Style, size: float) -> list[Op] | None:
    """Drawing operations for one page at this font size, or None when it does not fit."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    bold = BOLD[st.font]
    lead = size * st.leading
    left = st.margin
    width = PAGE_W - 2 * st.margin
    top = PAGE_H - st.margin - (12 if st.header or st.header_right else 0)
    bottom = st.margin + (14 if st.footer or st.page_label else 0)
    y = top - size
    ops: list[Op] = []
    for b in blocks:
        if b.kind == "blank":
            y -= lead * 0.7
            continue
        if b.kind in ("heading", "line"):
            font = bold if b.kind == "heading" else st.font
            text = b.text
            indent_chars = len(text) - len(text.lstrip(" "))
            indent = stringWidth(" " * indent_chars, font, size)
            for ln in wrap(text.lstrip(" "), font, size, width - indent):
                if y < bottom:
                    return None
                ops.append(("text", left + indent, y, font, size, ln))
                y -= lead
            continue
        # Table: each cell wrapped inside its column, drawn cell by cell so text extraction
        # keeps a cell's words together.
        pad = 3.0
        widths = column_widths(b.rows, st.font, size, width, pad)
        row_top = y + size * 0.85
        if st.grid:
            ops.append(("line", left, row_top, left + sum(widths), row_top))
        for r, row in enumerate(b.rows):
            font = bold if r in b.header_rows else st.font
            cells = [
                wrap(cell, font, size, max(widths[c] - 2 * pad, 10)) for c, cell in enumerate(row)
            ]
            nlines = max(len(c) for c in cells)
            row_bottom = row_top - nlines * lead - pad
            if row_bottom < bottom - lead * 0.5:
                return None
            x = left
            for c, lines in enumerate(cells):
                yy = row_top - size - pad * 0.5
                for ln in lines:
                    if ln:
                        ops.append(("text", x + pad, yy, font, size, ln))
                    yy -= lead
                x += widths[c]
            if st.grid:
                ops.append(("line", left, row_bottom, left + sum(widths), row_bottom))
                x = left
                for w in [0.0, *widths]:
                    x += w
                    ops.append(("line", x, row_top, x, row_bottom))
            row_top = row_bottom
        y = row_top - lead * 0.9
    return ops


def page_furniture(st: Style, page: int, pages: int) -> list[Op]:
    """Header, footer and page number of one page."""
    size = max(st.size - 1.5, 6.5)
    ops: list[Op] = []
    top = PAGE_H - st.margin + 4
    if st.header:
        ops.append(("text", st.margin, top, BOLD[st.font], size, st.header))
    if st.header_right:
        ops.append(("rtext", PAGE_W - st.margin, top, st.font, size, st.header_right))
    bottom = st.margin - 10
    if st.footer:
        ops.append(
            ("text", st.margin, bottom, st.font, size, st.footer.format(page=page, pages=pages))
        )
    if st.page_label:
        label = st.page_label.format(page=page, pages=pages)
        ops.append(("rtext", PAGE_W - st.margin, bottom, st.font, size, label))
    return ops


def layout_document(doc: Doc, case_id: str) -> list[list[Op]]:
    """Lay out every page of a PDF or image document; shrink the font until each page fits."""
    ensure_fonts()
    st = resolve_style(case_id, doc)
    out: list[list[Op]] = []
    for n, page in enumerate(doc.pages, 1):
        blocks = parse_blocks(page)
        size = st.size
        ops = layout_page(blocks, st, size)
        while ops is None and size > MIN_SIZE:
            size = round(size - 0.5, 2)
            ops = layout_page(blocks, st, size)
        if ops is None:
            raise CaseError(
                f"{case_id}/{doc.name}: page {n} of {doc.source} does not fit on one A4 page "
                f"even at {MIN_SIZE}pt; split it with <<PAGE>> (and move its labels)"
            )
        out.append(ops + page_furniture(st, n, len(doc.pages)))
    return out


def draw_ops(canvas: Any, ops: list[Op]) -> None:
    canvas.setLineWidth(0.4)
    for op in ops:
        if op[0] == "line":
            canvas.line(*op[1:])
        else:
            kind, x, y, font, size, text = op
            canvas.setFont(font, size)
            if kind == "rtext":
                canvas.drawRightString(x, y, text)
            else:
                canvas.drawString(x, y, text)


def new_canvas(target: Any, title: str, author: str) -> Any:
    from reportlab.pdfgen import canvas as rl_canvas

    # invariant=1 fixes the creation date and document id, so rebuilds are byte-identical.
    c = rl_canvas.Canvas(target, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator("case review assistant sample builder")
    c.setProducer("reportlab")
    return c


def page_pdf_bytes(ops: list[Op]) -> bytes:
    buf = io.BytesIO()
    c = new_canvas(buf, "page", "sample builder")
    draw_ops(c, ops)
    c.showPage()
    c.save()
    return buf.getvalue()


# --------------------------------------------------------------------------- scanning


NOISE: dict[str, dict[str, Any]] = {
    # skew (deg), blur radius, black level, paper level, lighting drop, gaussian sigma,
    # speckles per megapixel, JPEG quality, default dpi
    "light": dict(skew=(0.3, 0.8), blur=(0.2, 0.45), black=(15, 35), paper=(240, 250),
                  light=(0.02, 0.06), sigma=1.5, speckle=(20, 60), quality=72, dpi=300),
    "medium": dict(skew=(0.8, 1.5), blur=(0.45, 0.75), black=(30, 55), paper=(228, 242),
                   light=(0.05, 0.10), sigma=3.0, speckle=(80, 200), quality=55, dpi=250),
    "heavy": dict(skew=(1.5, 2.5), blur=(0.7, 1.0), black=(45, 75), paper=(212, 232),
                  light=(0.09, 0.14), sigma=5.0, speckle=(250, 500), quality=42, dpi=200),
}  # fmt: skip


def scan_page(
    ops: list[Op], level: str, dpi: int | None, seed: int, grain: bool = True
) -> tuple[Any, int, int]:
    """Rasterise a laid-out page and age it like a photocopied scan.

    ``grain`` adds sensor noise to every pixel; it suits JPEG outputs and is left out of
    lossless ones (PNG, TIFF), where it would triple the file size for no realism.
    Returns (grayscale PIL image, dpi, JPEG quality). All randomness comes from ``seed``.
    """
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    p = NOISE[level]
    dpi = dpi or int(p["dpi"])
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    pdf = pdfium.PdfDocument(page_pdf_bytes(ops))
    try:
        img = pdf[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    angle = rng.uniform(*p["skew"]) * rng.choice((-1, 1))
    shift = (rng.uniform(-0.01, 0.01) * img.width, rng.uniform(-0.01, 0.01) * img.height)
    img = img.rotate(angle, resample=Image.Resampling.BICUBIC, translate=shift, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(*p["blur"])))
    arr = np.asarray(img, dtype=np.float32)
    h, w = arr.shape
    # Contrast loss: black ink prints grey, the paper is never pure white.
    lo, hi = rng.uniform(*p["black"]), rng.uniform(*p["paper"])
    arr = lo + arr * ((hi - lo) / 255.0)
    # Uneven lighting: a linear fall-off across the page in a random direction.
    theta = rng.uniform(0, 2 * math.pi)
    gx = np.linspace(-0.5, 0.5, w, dtype=np.float32)[None, :] * math.cos(theta)
    gy = np.linspace(-0.5, 0.5, h, dtype=np.float32)[:, None] * math.sin(theta)
    arr *= 1.0 - rng.uniform(*p["light"]) * (gx + gy + 0.5)
    if grain:
        arr += nrng.normal(0.0, p["sigma"], size=arr.shape).astype(np.float32)
    # Speckle: toner dots of one to three pixels.
    count = int(rng.uniform(*p["speckle"]) * h * w / 1e6)
    ys = nrng.integers(0, h - 3, count)
    xs = nrng.integers(0, w - 3, count)
    sizes = nrng.integers(1, 4, count)
    shades = nrng.uniform(20, 120, count)
    for y0, x0, s, v in zip(ys, xs, sizes, shades, strict=True):
        arr[y0 : y0 + s, x0 : x0 + s] = v
    if level == "heavy":
        # A faint photocopier streak down the page: kept light, as a dark rule makes
        # Tesseract split the page into columns and drop the text beside it.
        x0 = int(rng.uniform(0.1, 0.9) * w)
        arr[:, x0 : x0 + 2] *= 0.94
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="L")
    return img, dpi, int(p["quality"])


def jpeg_bytes(img: Any, quality: int, dpi: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
    return buf.getvalue()


def posterise(img: Any, levels: int = 32) -> Any:
    """Reduce grey levels so a lossless PNG stays small.

    32 levels rather than 16: with 16 the lighting fall-off shows as hard-edged grey bands.
    """
    step = 256 // levels
    return img.point(lambda v: min(255, (v // step) * step + step // 2))


def bitonal(img: Any) -> Any:
    """Threshold a grey scan to black and white (1 bit per pixel)."""
    import numpy as np
    from PIL import Image

    # Threshold against the local paper level (a heavily smoothed copy of the page), so the
    # uneven lighting does not black out the darker side of the page.
    small = img.resize((max(1, img.width // 32), max(1, img.height // 32)), Image.Resampling.BOX)
    background = small.resize(img.size, Image.Resampling.BILINEAR)
    arr = np.asarray(img, dtype=np.float32)
    paper = np.asarray(background, dtype=np.float32)
    return Image.fromarray(arr > paper * 0.7).convert("1")


# --------------------------------------------------------------------------- rendering


def scan_settings(doc: Doc) -> tuple[str, int | None]:
    scan = doc.spec.get("scan") or {}
    return str(scan.get("noise", "medium")), scan.get("dpi")


def render_pdf(doc: Doc, case_id: str, author: str, out: Path) -> None:
    from reportlab.lib.utils import ImageReader

    pages = layout_document(doc, case_id)
    if doc.render == "pdf_scanned":
        scanned = set(range(1, len(pages) + 1))
    elif doc.render == "pdf_mixed":
        scanned = set(doc.spec["scanned_pages"])
    else:
        scanned = set()
    level, dpi = scan_settings(doc)
    c = new_canvas(str(out), doc.spec.get("title", doc.name), author)
    for n, ops in enumerate(pages, 1):
        if n in scanned:
            img, used_dpi, quality = scan_page(ops, level, dpi, seeded(case_id, doc.name, n))
            # The JPEG stream is embedded as is (DCTDecode): the scan has no text layer.
            c.drawImage(
                ImageReader(io.BytesIO(jpeg_bytes(img, quality, used_dpi))), 0, 0, PAGE_W, PAGE_H
            )
        else:
            draw_ops(c, ops)
        c.showPage()
    c.save()


def render_images(doc: Doc, case_id: str, out: Path) -> None:
    pages = layout_document(doc, case_id)
    level, dpi = scan_settings(doc)
    images = []
    used_dpi, quality = 250, 60
    for n, ops in enumerate(pages, 1):
        grain = doc.render == "jpg"
        img, used_dpi, quality = scan_page(ops, level, dpi, seeded(case_id, doc.name, n), grain)
        images.append(img)
    if doc.render == "png":
        posterise(images[0]).save(out, "PNG", optimize=True, dpi=(used_dpi, used_dpi))
    elif doc.render == "jpg":
        out.write_bytes(jpeg_bytes(images[0], quality, used_dpi))
    else:
        # Multi-page TIFFs from office scanners are usually bitonal with Group 4 compression.
        first, *rest = [bitonal(i) for i in images]
        first.save(
            out,
            "TIFF",
            save_all=True,
            append_images=rest,
            compression="group4",
            dpi=(used_dpi, used_dpi),
        )


# A source line that starts a new paragraph in DOCX rather than continuing the previous one.
SENTENCE_END = (".", ":", ";", "!", "?", '"', ")")
NEW_ITEM = re.compile(r"^(\s|\d+[.)]\s|[-*]\s|[A-Za-z][A-Za-z /()'-]{0,30}:\s|>)")


def render_docx(doc: Doc, case_id: str, author: str, out: Path) -> None:
    import docx
    from docx.shared import Pt

    st = resolve_style(case_id, doc)
    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = DOCX_FONT[st.font]
    normal.font.size = Pt(round(st.size + 1))
    if st.header or st.header_right:
        d.sections[0].header.paragraphs[0].text = "    ".join(
            x for x in (st.header, st.header_right) if x
        )
    previous: Any = None  # the last plain paragraph, which a wrapped line continues
    for b in parse_blocks(doc.pages[0]):
        if b.kind == "blank":
            previous = None
            continue
        if b.kind == "heading":
            d.add_paragraph().add_run(b.text).bold = True
            previous = None
        elif b.kind == "line":
            # Sources are hard-wrapped at about 90 characters; in a word processor those
            # lines are one paragraph, so a line continues a long previous line that
            # stops mid-sentence, unless it starts a new item (number, bullet, "Label:").
            text = b.text.strip()
            if (
                previous is not None
                and len(previous.text) >= 60
                and (
                    text[0].islower()
                    or (not previous.text.endswith(SENTENCE_END) and not NEW_ITEM.match(b.text))
                )
            ):
                previous.add_run(" " + text)
            else:
                previous = d.add_paragraph(b.text.strip())
        else:
            previous = None
            table = d.add_table(rows=len(b.rows), cols=len(b.rows[0]))
            if st.grid:
                table.style = "Table Grid"
            for r, row in enumerate(b.rows):
                for c, text in enumerate(row):
                    cell = table.cell(r, c)
                    run = cell.paragraphs[0].add_run(text)
                    run.bold = r in b.header_rows
    cp = d.core_properties
    cp.author = author[:255]  # a DOCX core property holds at most 255 characters
    cp.last_modified_by = author[:255]
    cp.title = doc.spec.get("title", doc.name)
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.revision = 1
    buf = io.BytesIO()
    d.save(buf)
    out.write_bytes(fixed_zip(buf.getvalue()))


def fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry dates so a DOCX rebuild gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return buf.getvalue()


def render_txt(doc: Doc, out: Path) -> None:
    out.write_text("\f".join(printed_text(p) for p in doc.pages) + "\n", encoding="utf-8")


def render_document(
    case_dir: Path, case_id: str, author: str, doc_spec: dict[str, Any], out_dir: Path
) -> str:
    """Render one document into ``out_dir`` (runs in a worker process). Returns its name."""
    doc = Doc(
        name=doc_spec["name"],
        render=doc_spec["render"],
        source=doc_spec["source"],
        pages=read_pages(case_dir / doc_spec["source"]),
        spec=doc_spec,
    )
    out = out_dir / doc.name
    if doc.render.startswith("pdf_"):
        render_pdf(doc, case_id, author, out)
    elif doc.render in ("png", "jpg", "tiff"):
        render_images(doc, case_id, out)
    elif doc.render == "docx":
        render_docx(doc, case_id, author, out)
    else:
        render_txt(doc, out)
    return doc.name


def label_record(case_id: str, lab: dict[str, Any]) -> dict[str, Any]:
    rec: dict[str, Any] = {"case": case_id}
    for key in LABEL_OUT_ORDER:
        if key in lab:
            rec[key] = lab[key]
    return rec


# --------------------------------------------------------------------------- main


def find_cases(src: Path, only: Iterable[str] | None) -> list[Path]:
    dirs = sorted(p for p in src.iterdir() if p.is_dir() and not p.name.startswith("."))
    if only:
        wanted = set(only)
        missing = wanted - {p.name for p in dirs}
        if missing:
            raise SystemExit(f"no such case under {src}: {', '.join(sorted(missing))}")
        dirs = [p for p in dirs if p.name in wanted]
    return dirs


def summarise(cases: list[Case]) -> str:
    """Per-split counts of findings by type and kind, and the rendered formats."""
    lines = []
    for split in SPLITS:
        sc = [c for c in cases if c.split == split]
        if not sc:
            continue
        types: Counter[str] = Counter()
        kinds: Counter[str] = Counter()
        roles: Counter[str] = Counter()
        renders: Counter[str] = Counter()
        for c in sc:
            for lab in c.spec["labels"]:
                types[lab["type"]] += 1
                if lab["type"] == "unfollowed_inquiry":
                    kinds[lab["kind"]] += 1
                if lab["type"] == "missing_interview":
                    roles[lab["role"]] += 1
            renders.update(d.render for d in c.docs.values())
        total = sum(types.values())
        lines.append(
            f"{split}: {len(sc)} cases, {sum(len(c.docs) for c in sc)} documents, {total} findings"
        )
        lines.append("  types:   " + ", ".join(f"{t} {types[t]}" for t in TYPES))
        lines.append("  kinds:   " + ", ".join(f"{k} {kinds[k]}" for k in KINDS))
        lines.append("  roles:   " + ", ".join(f"{r} {roles[r]}" for r in ROLES))
        lines.append("  renders: " + ", ".join(f"{r} {n}" for r, n in sorted(renders.items())))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Check the case sources and, unless --check, render them into train/ and test/."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="validate the sources only; write nothing")
    ap.add_argument(
        "--case", nargs="+", metavar="ID", help="only these cases (check) / re-render these"
    )
    ap.add_argument(
        "--src", type=Path, default=SRC_DIR, help="source directory (default: %(default)s)"
    )
    ap.add_argument(
        "--out", type=Path, default=HERE, help="where train/ and test/ go (default: %(default)s)"
    )
    ap.add_argument("--jobs", type=int, default=1, help="documents rendered in parallel")
    ap.add_argument("--quiet", action="store_true", help="print errors and the summary only")
    args = ap.parse_args(argv)

    case_dirs = find_cases(args.src, args.case)
    cases: list[Case] = []
    failed = 0
    for cd in case_dirs:
        case, errors, warnings = load_case(cd)
        for w in warnings:
            print(f"warning: {w}", file=sys.stderr)
        if errors:
            failed += 1
            for e in errors:
                print(f"error: {e}", file=sys.stderr)
            continue
        assert case is not None
        if not args.quiet:
            n_labels = len(case.spec["labels"])
            print(
                f"{case.case_id} ({case.split}): {len(case.docs)} documents, {n_labels} findings ok"
            )
        cases.append(case)
    print(summarise(cases))
    if failed:
        print(f"{failed} case(s) failed the check; nothing written", file=sys.stderr)
        return 1
    if args.check:
        print(f"check passed: {len(cases)} case(s)")
        return 0
    return build(cases, args.src, args.out, args.jobs, partial=bool(args.case))


def build(cases: list[Case], src: Path, out: Path, jobs: int, partial: bool) -> int:
    """Render the given cases and write each split's labels.jsonl and cases.jsonl."""
    if not partial:
        for split in SPLITS:
            if (out / split).exists():
                shutil.rmtree(out / split)  # generated output only: a full build starts clean
    tasks = []
    for case in cases:
        case_out = out / case.split / case.case_id
        if case_out.exists():
            shutil.rmtree(case_out)
        for other in SPLITS:  # a case moved between splits leaves no stale copy behind
            if other != case.split and (out / other / case.case_id).exists():
                shutil.rmtree(out / other / case.case_id)
        case_out.mkdir(parents=True)
        for d in case.spec["documents"]:
            tasks.append((case.directory, case.case_id, case.spec["author"], d, case_out))
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a project dependency

        def tqdm(x: Any, **_: Any) -> Any:
            return x

    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(render_document, *t) for t in tasks]
            for f in tqdm(futures, desc="rendering", unit="doc"):
                f.result()
    else:
        for t in tqdm(tasks, desc="rendering", unit="doc"):
            render_document(*t)
    # labels.jsonl and cases.jsonl always cover every case in the source tree.
    all_cases = cases
    if partial:
        all_cases = []
        for cd in find_cases(src, None):
            loaded, _errors, _warnings = load_case(cd)
            if loaded is not None:
                all_cases.append(loaded)
    for split in SPLITS:
        sc = sorted((c for c in all_cases if c.split == split), key=lambda c: c.case_id)
        (out / split).mkdir(parents=True, exist_ok=True)
        with open(out / split / "labels.jsonl", "w", encoding="utf-8") as fh:
            for c in sc:
                for lab in c.spec["labels"]:
                    fh.write(json.dumps(label_record(c.case_id, lab), ensure_ascii=False) + "\n")
        with open(out / split / "cases.jsonl", "w", encoding="utf-8") as fh:
            for c in sc:
                fh.write(json.dumps({"case": c.case_id, **c.spec["screening"]}) + "\n")
    size = sum(
        p.stat().st_size for split in SPLITS for p in (out / split).rglob("*") if p.is_file()
    )
    print(f"built {len(cases)} case(s), {len(tasks)} documents; {size / 1e6:.1f} MB under {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
