"""Ingestion of real small files (tests/fixtures/ingest, built by make_fixtures.py): every
format, the errors a reviewer sees, stable text, word boxes, the cache and progress."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import CorruptFile, EmptyFile, Encrypted, TooLarge, UnsupportedFormat
from assistant.ingest import ingest_case, ingest_file, ingest_paths, page_boxes, render_page_png
from assistant.ingest.textnorm import normalise, normalise_with_map
from assistant.types import Document, FileError

FIX = Path(__file__).parent / "fixtures" / "ingest"
SOURCES = json.loads((FIX / "sources.json").read_text(encoding="utf-8"))


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def settings(tmp: Path, **kw: object) -> Settings:
    return Settings(cache_dir=tmp / "cache", **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def case(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, Document], dict[str, FileError], list[tuple[int, int]], float]:
    """The whole fixture folder ingested once, as a case (OCR included)."""
    import time

    tmp = tmp_path_factory.mktemp("ingest")
    case_dir = tmp / "case-01"
    shutil.copytree(FIX, case_dir, ignore=shutil.ignore_patterns("*.py", "sources.json"))
    (case_dir / ".DS_Store").write_bytes(b"\x00\x01junk")
    (case_dir / "subfolder").mkdir()
    (case_dir / "subfolder" / "hidden.txt").write_text("not reviewed")
    (case_dir / "notes.xyz").write_bytes(b"\x00\x01\x02\x03binary")
    calls: list[tuple[int, int]] = []
    t0 = time.perf_counter()
    docs, errors = ingest_case(case_dir, settings=settings(tmp), progress=lambda st, d, t: calls.append((d, t)))
    elapsed = time.perf_counter() - t0
    return {d.name: d for d in docs}, {e.document: e for e in errors}, calls, elapsed


# name, media type, pages, OCR used, words expected on each page
FORMATS = [
    ("digital.pdf", "pdf", 2, False, [["halverson", "tenby", "petrol"], ["exhibit", "12", "50"]]),
    ("scanned.pdf", "pdf", 1, True, [["receptionist", "larchfield", "hatchback"]]),
    ("mixed.pdf", "pdf", 2, True, [["halverson", "tenby"], ["hotel", "manager", "booking"]]),
    ("scan.png", "image", 1, True, [["receptionist", "larchfield"]]),
    ("photo.jpg", "image", 1, True, [["receptionist", "larchfield"]]),
    ("renamed_png.pdf", "image", 1, True, [["receptionist"]]),
    ("chronology.tif", "image", 2, True, [["strategy", "safeguarding"], ["okonjo", "overnight"]]),
    ("minutes.docx", "docx", 1, False, [["strategy", "meeting", "morrow", "hatchback"]]),
    ("duty_log.txt", "txt", 3, False, [["rourke", "locksmith"], ["returned"], ["further"]]),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,media_type,n_pages,ocr,expected", FORMATS)
def test_formats(case, name, media_type, n_pages, ocr, expected) -> None:  # type: ignore[no-untyped-def]
    docs, errors, _, _ = case
    assert name not in errors, errors.get(name)
    doc = docs[name]
    assert doc.media_type == media_type
    assert len(doc.pages) == n_pages
    assert doc.ocr is ocr
    assert len(doc.sha256) == 64
    for page, want in zip(doc.pages, expected, strict=True):
        got = set(words(page.text))
        assert set(want) <= got, (name, page.number, want, page.text[:300])


def test_documents_sorted_and_numbered(case) -> None:  # type: ignore[no-untyped-def]
    docs, _, _, _ = case
    assert list(docs) == sorted(docs)
    for d in docs.values():
        assert [p.number for p in d.pages] == list(range(1, len(d.pages) + 1))


def test_mixed_pdf_ocrs_only_the_scanned_page(case) -> None:  # type: ignore[no-untyped-def]
    doc = case[0]["mixed.pdf"]
    assert [p.ocr for p in doc.pages] == [False, True]
    assert doc.pages[1].ocr_confidence is not None and doc.pages[1].ocr_confidence > 60
    # The digital page keeps its exact text layer.
    assert doc.pages[0].text == normalise("\n".join(SOURCES["mixed.pdf"][0].split("\n")))


def test_txt_cp1252_crlf_and_form_feeds(case) -> None:  # type: ignore[no-untyped-def]
    doc = case[0]["duty_log.txt"]
    assert doc.pages[0].text == (
        "DUTY LOG\n"
        "0915 Call from Mrs O\u2019Rourke re daughter missing overnight.\n"
        "0940 Fee of \u00a340 paid to the locksmith; caf\u00e9 owner spoken to."
    )
    assert doc.pages[2].text == "1500 No further entries."
    assert all("\r" not in p.text for p in doc.pages)


def test_docx_reading_order_and_table_rows(case) -> None:  # type: ignore[no-untyped-def]
    text = case[0]["minutes.docx"].pages[0].text
    lines = text.split("\n")
    assert lines[0] == "Strategy meeting minutes"
    assert "Action | Owner | Status" in lines
    assert "Trace the driver of the silver hatchback | DC 3312 HALVERSON | OPEN" in lines
    assert lines.index("Action | Owner | Status") > 1
    assert lines[-1] == "Next meeting to be held in two weeks\u2019 time."


# name, error code, words the reason must contain
ERRORS = [
    ("empty.pdf", "empty", ["empty"]),
    ("encrypted.pdf", "encrypted", ["password"]),
    ("not_really.pdf", "unsupported", ["named .pdf", "web page"]),
    ("truncated.pdf", "corrupt", ["damaged"]),
    ("notes.xyz", "unsupported", ["cannot read"]),
    ("subfolder", "unsupported", ["folder"]),
]


@pytest.mark.parametrize("name,code,phrases", ERRORS)
def test_bad_files_are_reported_by_name(case, name, code, phrases) -> None:  # type: ignore[no-untyped-def]
    docs, errors, _, _ = case
    assert name not in docs
    err = errors[name]
    assert err.code == code
    for phrase in phrases:
        assert phrase in err.reason, err.reason


def test_dotfiles_are_skipped_silently(case) -> None:  # type: ignore[no-untyped-def]
    docs, errors, _, _ = case
    assert ".DS_Store" not in docs and ".DS_Store" not in errors


def test_progress_counts_pages(case) -> None:  # type: ignore[no-untyped-def]
    _, _, calls, _ = case
    assert calls, "progress was never reported"
    dones = [d for d, _ in calls]
    assert dones == sorted(dones)
    assert all(0 <= d <= t for d, t in calls)
    assert calls[-1][0] == calls[-1][1]


def test_ingest_file_raises_the_matching_error(tmp_path: Path) -> None:
    s = settings(tmp_path)
    for name, exc in [
        ("empty.pdf", EmptyFile),
        ("encrypted.pdf", Encrypted),
        ("not_really.pdf", UnsupportedFormat),
        ("truncated.pdf", CorruptFile),
    ]:
        with pytest.raises(exc) as info:
            ingest_file(FIX / name, settings=s)
        assert info.value.document == name


def test_limits_are_checked_before_parsing(tmp_path: Path) -> None:
    s = settings(tmp_path, max_file_mb=0.001)
    with pytest.raises(TooLarge, match="MB"):
        ingest_file(FIX / "digital.pdf", settings=s)
    with pytest.raises(TooLarge, match="pages"):
        ingest_file(FIX / "digital.pdf", settings=settings(tmp_path, max_pages=1))
    with pytest.raises(TooLarge, match="pixels"):
        ingest_file(FIX / "scan.png", settings=settings(tmp_path, max_image_pixels=10_000))
    with pytest.raises(TooLarge, match="pages"):
        ingest_file(FIX / "duty_log.txt", settings=settings(tmp_path, max_pages=2))


def test_decompression_bomb_is_refused_cheaply(tmp_path: Path) -> None:
    """A tiny PNG that claims 40,000 x 40,000 pixels is refused from its header."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 40_000, 40_000, 8, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png)
    with pytest.raises(TooLarge):
        ingest_file(bomb, settings=settings(tmp_path))


def test_one_bad_file_never_loses_the_others(tmp_path: Path) -> None:
    paths = [FIX / "digital.pdf", FIX / "truncated.pdf", FIX / "duty_log.txt", FIX / "empty.pdf"]
    names = ["b.pdf", "a-broken.pdf", "c.txt", "d.pdf"]
    docs, errors = ingest_paths(paths, names=names, settings=settings(tmp_path))
    assert [d.name for d in docs] == ["b.pdf", "c.txt"]
    assert [(e.document, e.code) for e in errors] == [
        ("a-broken.pdf", "corrupt"),
        ("d.pdf", "empty"),
    ]


@pytest.mark.slow
def test_text_is_identical_across_runs(tmp_path: Path, case) -> None:  # type: ignore[no-untyped-def]
    """Fresh ingests (no cache) give the same text, OCR included."""
    docs = case[0]
    names = ["digital.pdf", "scanned.pdf", "minutes.docx", "duty_log.txt"]
    again, errors = ingest_paths([FIX / n for n in names], settings=settings(tmp_path / "fresh"))
    assert not errors
    for d in again:
        assert [p.text for p in d.pages] == [p.text for p in docs[d.name].pages], d.name
        assert d.sha256 == docs[d.name].sha256


def test_cache_gives_the_same_document_fast(tmp_path: Path) -> None:
    s = settings(tmp_path)
    first = ingest_file(FIX / "digital.pdf", settings=s)
    assert list((tmp_path / "cache").rglob("*.json.gz"))
    second = ingest_file(FIX / "digital.pdf", name="renamed.pdf", settings=s)
    assert second.name == "renamed.pdf"
    assert [p.text for p in second.pages] == [p.text for p in first.pages]


def test_unwritable_cache_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    doc = ingest_file(FIX / "duty_log.txt", settings=Settings(cache_dir=blocker / "cache"))
    assert len(doc.pages) == 3


def test_ocr_boxes_index_the_page_text(case) -> None:  # type: ignore[no-untyped-def]
    for name in ("scanned.pdf", "scan.png", "chronology.tif", "mixed.pdf"):
        for page in case[0][name].pages:
            if not page.ocr:
                continue
            assert page.boxes, (name, page.number)
            tokens = page.text.split()
            assert [page.text[b.start : b.end] for b in page.boxes] == tokens
            for b in page.boxes:
                assert 0 <= b.x0 < b.x1 <= 1 and 0 <= b.y0 < b.y1 <= 1


def test_page_boxes_for_a_digital_page(tmp_path: Path) -> None:
    s = settings(tmp_path)
    doc = ingest_file(FIX / "digital.pdf", settings=s)
    text = doc.pages[0].text
    boxes = page_boxes(FIX / "digital.pdf", 1, settings=s)
    assert [text[b.start : b.end] for b in boxes] == text.split()
    first, last = boxes[0], boxes[-1]
    # Text starts near the top left of an A4 page and runs downwards.
    assert first.x0 < 0.15 and first.y0 < 0.1
    assert last.y0 > first.y1
    assert all(0 <= b.x0 < b.x1 <= 1 and 0 <= b.y0 < b.y1 <= 1 for b in boxes)


def test_page_boxes_for_a_scanned_page_come_from_ocr(tmp_path: Path, case) -> None:  # type: ignore[no-untyped-def]
    s = settings(tmp_path)
    boxes = page_boxes(FIX / "mixed.pdf", 2, settings=s)
    text = case[0]["mixed.pdf"].pages[1].text
    assert [text[b.start : b.end] for b in boxes] == text.split()
    assert page_boxes(FIX / "duty_log.txt", 1, settings=s) == []


def test_render_page_png(tmp_path: Path) -> None:
    from io import BytesIO

    from PIL import Image

    s = settings(tmp_path)
    for name, page in [("digital.pdf", 2), ("chronology.tif", 2), ("scan.png", 1)]:
        png = render_page_png(FIX / name, page, dpi=72, settings=s)
        im = Image.open(BytesIO(png))
        assert im.format == "PNG" and 300 < im.width < 1000, (name, im.size)
    with pytest.raises(IndexError):
        render_page_png(FIX / "digital.pdf", 3, settings=s)
    with pytest.raises(UnsupportedFormat):
        render_page_png(FIX / "duty_log.txt", 1, settings=s)


NORMALISE_CASES = [
    ("a\r\nb\rc", "a\nb\nc"),
    ("\n\n  \ntitle  \n body\t \n\n", "title\n body"),
    ("of\ufb01ce \ufb02at", "office flat"),
    ("co-\x02operate", "co--operate"),
    ("bad\x00\x07chars\ufeff", "badchars"),
    ("no change", "no change"),
]


@pytest.mark.parametrize("raw,want", NORMALISE_CASES)
def test_normalise(raw: str, want: str) -> None:
    assert normalise(raw) == want
    text, src = normalise_with_map(raw)
    assert text == want
    assert len(src) == len(text)
    assert src == sorted(src)


def test_both_normalisers_agree_on_real_pages(case) -> None:  # type: ignore[no-untyped-def]
    """The lazily computed boxes rely on the slow normaliser matching the fast one exactly."""
    import pypdfium2 as pdfium

    pdfs = [FIX / "digital.pdf", FIX / "mixed.pdf"]
    from tests.test_ingest_corpus import CORPUS as corpus
    if corpus.is_dir():
        pdfs += [
            corpus / n
            for n in (
                "federal-register-2020-17221.pdf",
                "issue-71-duplicate-chars.pdf",
                "scotus-transcript-p1.pdf",
                "pdffill-demo.pdf",
            )
        ]
    checked = 0
    for path in pdfs:
        pdf = pdfium.PdfDocument(path)
        for i in range(min(len(pdf), 4)):
            raw = pdf[i].get_textpage().get_text_range()
            assert normalise_with_map(raw)[0] == normalise(raw), (path.name, i)
            checked += 1
        pdf.close()
    assert checked >= 3


def _zip(entries: list[str]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for e in entries:
            zf.writestr(e, "<x/>")
    return buf.getvalue()


# file name, first bytes, media type or (error class, words of the reason)
SNIFF = [
    ("a.pdf", b"%PDF-1.7\n", "pdf"),
    ("junk-before-header.pdf", b"\r\n\r\n%PDF-1.4\n", "pdf"),
    ("photo.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
    ("scan.TIFF", b"II*\x00\x08\x00\x00\x00", "image"),
    ("png-named.jpg", b"\x89PNG\r\n\x1a\n\x00\x00", "image"),
    ("notes.TXT", b"plain words\r\n", "txt"),
    ("utf16.txt", "hello".encode("utf-16"), "txt"),
    ("binary.txt", b"\x00\x01\x02\x03" * 10, (UnsupportedFormat, ["binary"])),
    ("sheet.xlsx", _zip(["xl/workbook.xml"]), (UnsupportedFormat, ["Excel"])),
    ("bundle.zip", _zip(["a.pdf"]), (UnsupportedFormat, ["ZIP", "unpack"])),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, (UnsupportedFormat, [".doc"])),
    ("letter.rtf", b"{\\rtf1\\ansi hello}", (UnsupportedFormat, ["RTF"])),
    ("pic.gif", b"GIF89a\x01\x00", (UnsupportedFormat, ["GIF"])),
    ("page.pdf", b"<!DOCTYPE html><html>", (UnsupportedFormat, ["named .pdf", "web page"])),
    ("notes.md", b"# heading\nsome text\n", (UnsupportedFormat, ["rename it to .txt"])),
    ("~$nutes.docx", b"\x05owner" + b"\x00" * 40, (UnsupportedFormat, ["lock file"])),
]


@pytest.mark.parametrize("name,head,want", SNIFF)
def test_type_comes_from_the_content(tmp_path: Path, name: str, head: bytes, want: object) -> None:
    from assistant.ingest.sniff import sniff

    path = tmp_path / name
    path.write_bytes(head)
    if isinstance(want, str):
        assert sniff(path) == want
        return
    exc, phrases = want  # type: ignore[misc]
    with pytest.raises(exc) as info:
        sniff(path)
    for phrase in phrases:
        assert phrase in info.value.reason, info.value.reason


def test_docx_disguised_as_pdf_is_read_as_word(tmp_path: Path) -> None:
    disguised = tmp_path / "minutes.pdf"
    shutil.copyfile(FIX / "minutes.docx", disguised)
    doc = ingest_file(disguised, settings=settings(tmp_path))
    assert doc.media_type == "docx" and "Strategy meeting minutes" in doc.pages[0].text
