"""Tests of the labelled sample set and its builder (sample_files/build.py).

Fast by design: no OCR. The sources are validated with the builder's own check,
the rendered digital pages (PDF text layer, DOCX, TXT) are read back with the
same libraries the ingest uses and must carry every label's quote on the stated
page, and the builder is exercised on small cases written to a temporary folder.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_files"


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sample_build", SAMPLES / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["sample_build"] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


build = _load_build()


def ws(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- the sources


def test_every_source_case_passes_check(capsys: pytest.CaptureFixture[str]) -> None:
    rc = build.main(["--check", "--quiet"])
    err = capsys.readouterr().err
    assert rc == 0, f"build.py --check failed:\n{err}"


def source_cases() -> list[Any]:
    cases = []
    for cd in build.find_cases(build.SRC_DIR, None):
        case, errors, _ = build.load_case(cd)
        if case is not None:
            cases.append(case)
    return cases


# --------------------------------------------------------------------------- rendered output


def extract_page(path: Path, page: int) -> str:
    """Text of one page of a rendered digital document, as the ingest would read it."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            return str(pdf[page - 1].get_textpage().get_text_range())
        finally:
            pdf.close()
    if suffix == ".docx":
        import docx

        d = docx.Document(str(path))
        parts: list[str] = []
        # Body order: paragraphs and tables interleaved as they appear.
        for block in d.iter_inner_content():
            if hasattr(block, "rows"):
                parts.extend(cell.text for row in block.rows for cell in row.cells)
            else:
                parts.append(block.text)
        return "\n".join(parts)
    if suffix == ".txt":
        return path.read_text(encoding="utf-8").split("\f")[page - 1]
    raise AssertionError(f"not a digital document: {path}")


def digital_places(case: Any) -> list[tuple[str, int, str]]:
    """(document, page, quote) of every label place on a page that has a text layer."""
    places = []
    for lab in case.spec["labels"]:
        for place in [lab, *lab.get("also", [])]:
            doc = case.docs[place["document"]]
            page = place["page"]
            if doc.render in ("docx", "txt", "pdf_digital") or (
                doc.render == "pdf_mixed" and page not in doc.spec["scanned_pages"]
            ):
                places.append((place["document"], page, place["quote"]))
    return places


CASES = source_cases()


def _rendered_dir(case: Any) -> Path:
    return SAMPLES / str(case.split) / str(case.case_id)


@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_rendered_digital_pages_carry_their_quotes(case: Any) -> None:
    out = _rendered_dir(case)
    if not out.is_dir():
        pytest.skip(f"{out} not built: run python sample_files/build.py")
    for name in case.docs:
        assert (out / name).is_file(), f"{out / name} missing: rebuild the samples"
    missing = []
    cache: dict[tuple[str, int], str] = {}
    for doc, page, quote in digital_places(case):
        key = (doc, page)
        if key not in cache:
            cache[key] = ws(extract_page(out / doc, page))
        if ws(quote) not in cache[key]:
            missing.append(f"{doc} p{page}: {quote!r}")
    assert not missing, "quotes not in the rendered text:\n" + "\n".join(missing)


@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_rendered_page_counts_and_text_layers(case: Any) -> None:
    import pypdfium2 as pdfium
    from PIL import Image

    out = _rendered_dir(case)
    if not out.is_dir():
        pytest.skip(f"{out} not built: run python sample_files/build.py")
    for name, doc in case.docs.items():
        path = out / name
        if doc.render.startswith("pdf_"):
            pdf = pdfium.PdfDocument(str(path))
            try:
                assert len(pdf) == len(doc.pages), f"{name}: page count"
                scanned = (
                    set(range(1, len(pdf) + 1))
                    if doc.render == "pdf_scanned"
                    else set(doc.spec.get("scanned_pages", []))
                )
                for n in range(1, len(pdf) + 1):
                    text = pdf[n - 1].get_textpage().get_text_range().strip()
                    if n in scanned:
                        assert not text, f"{name} p{n} is scanned but has a text layer"
                    else:
                        assert text, f"{name} p{n} is digital but has no text"
            finally:
                pdf.close()
        elif doc.render in ("png", "jpg", "tiff"):
            with Image.open(path) as img:
                assert getattr(img, "n_frames", 1) == len(doc.pages), f"{name}: frames"
        assert path.stat().st_size < 1_000_000 * max(1, len(doc.pages)), f"{name} too large"


def test_rendered_labels_match_sources() -> None:
    """labels.jsonl and cases.jsonl are what the sources say (a rebuild was not forgotten)."""
    for split in build.SPLITS:
        labels_path = SAMPLES / split / "labels.jsonl"
        if not labels_path.is_file():
            pytest.skip(f"{labels_path} not built: run python sample_files/build.py")
        cases = sorted((c for c in CASES if c.split == split), key=lambda c: c.case_id)
        expected = [build.label_record(c.case_id, lab) for c in cases for lab in c.spec["labels"]]
        got = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines()]
        assert got == expected, f"{labels_path} is stale: run python sample_files/build.py"
        screening = [
            json.loads(line)
            for line in (SAMPLES / split / "cases.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        assert screening == [{"case": c.case_id, **c.spec["screening"]} for c in cases]


# --------------------------------------------------------------------------- the checker


PAGE1 = '# LOG\nCCTV at the garage to be seized.\nShe is streetwise.\nKnown as "Dee".\n'
PAGE2 = "# Row | Entry\n1 | Handset downloaded, exhibited as AB/2.\n2 | No further action.\n"


def good_spec() -> dict[str, Any]:
    return {
        "case": "c90",
        "split": "train",
        "style": "test style",
        "author": "test author",
        "screening": {
            "in_scope": True,
            "suspects": 2,
            "victims": 1,
            "rape_alleged": False,
            "priority": 2,
        },
        "documents": [
            {"name": "log.pdf", "render": "pdf_digital", "source": "log.txt"},
            {"name": "note.docx", "render": "docx", "source": "note.txt"},
        ],
        "labels": [
            {
                "type": "unfollowed_inquiry",
                "kind": "cctv",
                "document": "log.pdf",
                "page": 1,
                "quote": "CCTV at the garage to be seized.",
            },
            {
                "type": "victim_blaming_language",
                "document": "log.pdf",
                "page": 1,
                "quote": "streetwise",
            },
            {
                "type": "missing_interview",
                "subject": "Dee",
                "role": "suspect",
                "document": "log.pdf",
                "page": 1,
                "quote": 'Known as "Dee"',
            },
        ],
    }


def write_case(root: Path, spec: dict[str, Any], dirname: str = "c90") -> Path:
    cd = root / dirname
    cd.mkdir(parents=True)
    (cd / "log.txt").write_text(PAGE1 + "<<PAGE>>\n" + PAGE2, encoding="utf-8")
    (cd / "note.txt").write_text("# NOTE\nStrategy meeting held.\n", encoding="utf-8")
    (cd / "two.txt").write_text("one\fpage two\n", encoding="utf-8")
    (cd / "case.json").write_text(json.dumps(spec), encoding="utf-8")
    return cd


def test_checker_accepts_a_good_case(tmp_path: Path) -> None:
    case, errors, _ = build.load_case(write_case(tmp_path, good_spec()))
    assert errors == [] and case is not None


def _mutate(path: str, value: Any) -> Any:
    def apply(spec: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = spec
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        if value is KeyError:
            del node[int(last) if last.isdigit() else last]
        elif last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return apply


BAD_CASES = [
    ("quote on the wrong page", _mutate("labels.0.page", 2), "is not on page 2"),
    ("kind not in the list", _mutate("labels.0.kind", "dna"), "kind 'dna'"),
    ("typo in a field", _mutate("labels.2.alias", ["D"]), "do not belong"),
    ("also on a missing interview", _mutate("labels.2.also", []), "do not belong"),
    ("role not in the list", _mutate("labels.2.role", "nominal"), "role 'nominal'"),
    ("interview quote without the name", _mutate("labels.2.quote", "Known as"), "names neither"),
    ("priority disagrees", _mutate("screening.priority", 1), "give priority 2"),
    ("in scope with one suspect", _mutate("screening.suspects", 1), "two or more suspects"),
    (
        "quote across table cells",
        _mutate(
            "labels.1",
            {
                "type": "victim_blaming_language",
                "document": "log.pdf",
                "page": 2,
                "quote": "1 Handset downloaded",
            },
        ),
        "is not on page 2",
    ),
    ("multi-page docx", _mutate("documents.1.source", "two.txt"), "a .docx is one page"),
    ("wrong extension", _mutate("documents.0.render", "docx"), "must be named"),
    ("unknown document", _mutate("labels.0.document", "nope.pdf"), "not in 'documents'"),
    ("duplicate finding", lambda s: s["labels"].append(dict(s["labels"][1])), "repeats"),
    (
        "also place wrong",
        _mutate("labels.0.also", [{"document": "log.pdf", "page": 1, "quote": "not there"}]),
        "also[0]",
    ),
    ("case id mismatch", _mutate("case", "c91"), "but the directory is"),
    (
        "scanned_pages on a digital pdf",
        _mutate("documents.0.scanned_pages", [1]),
        "only for pdf_mixed",
    ),
]


@pytest.mark.parametrize("name,mutate,message", BAD_CASES, ids=[b[0] for b in BAD_CASES])
def test_checker_rejects(tmp_path: Path, name: str, mutate: Any, message: str) -> None:
    spec = good_spec()
    mutate(spec)
    case, errors, _ = build.load_case(write_case(tmp_path, spec))
    assert case is None
    assert any(message in e for e in errors), errors


def test_page_too_full_is_refused(tmp_path: Path) -> None:
    spec = good_spec()
    cd = write_case(tmp_path, spec)
    (cd / "log.txt").write_text(PAGE1 + "\n".join(["x " * 60] * 200) + "\n<<PAGE>>\n" + PAGE2)
    case, errors, _ = build.load_case(cd)
    assert case is None and any("does not fit" in e for e in errors), errors


# --------------------------------------------------------------------------- the renderer


def tiny_case(root: Path) -> Path:
    spec = good_spec()
    spec["documents"] = [
        {
            "name": "log.pdf",
            "render": "pdf_digital",
            "source": "log.txt",
            "layout": {"font": "Vera", "header": "OFFICIAL"},
        },
        {
            "name": "scan.pdf",
            "render": "pdf_scanned",
            "source": "log.txt",
            "scan": {"noise": "heavy"},
        },
        {"name": "mixed.pdf", "render": "pdf_mixed", "source": "log.txt", "scanned_pages": [2]},
        {
            "name": "page.png",
            "render": "png",
            "source": "note.txt",
            "scan": {"noise": "light", "dpi": 150},
        },
        {"name": "page.jpg", "render": "jpg", "source": "note.txt", "scan": {"dpi": 150}},
        {"name": "pages.tiff", "render": "tiff", "source": "log.txt", "scan": {"dpi": 150}},
        {"name": "note.docx", "render": "docx", "source": "note.txt"},
        {"name": "log.txt", "render": "txt", "source": "log.txt"},
    ]
    return write_case(root / "src", spec).parent


def test_build_renders_every_format_deterministically(tmp_path: Path) -> None:
    src = tiny_case(tmp_path)
    digests = []
    for run in ("a", "b"):
        out = tmp_path / run
        assert build.main(["--src", str(src), "--out", str(out), "--quiet"]) == 0
        files = sorted(p for p in (out / "train").rglob("*") if p.is_file())
        digests.append({p.relative_to(out).as_posix(): p.read_bytes() for p in files})
    assert digests[0] == digests[1], "a rebuild changed some bytes"
    names = set(digests[0])
    for doc in (
        "log.pdf",
        "scan.pdf",
        "mixed.pdf",
        "page.png",
        "page.jpg",
        "pages.tiff",
        "note.docx",
        "log.txt",
    ):
        assert f"train/c90/{doc}" in names
    out = tmp_path / "a" / "train" / "c90"
    assert "streetwise" in extract_page(out / "log.pdf", 1)
    assert "exhibited as AB/2." in ws(
        extract_page(out / "mixed.pdf", 1) + extract_page(out / "log.pdf", 2)
    )
    assert extract_page(out / "mixed.pdf", 2).strip() == ""
    assert extract_page(out / "scan.pdf", 1).strip() == ""
    assert "Strategy meeting held." in extract_page(out / "note.docx", 1)
    assert extract_page(out / "log.txt", 2).startswith("Row | Entry")
    labels = [
        json.loads(x) for x in (tmp_path / "a" / "train" / "labels.jsonl").read_text().splitlines()
    ]
    assert [lab["case"] for lab in labels] == ["c90"] * 3
    assert "note" not in labels[0] and labels[0]["kind"] == "cctv"
