"""The embedder, the saved case index, search by meaning and by words, and the search command.

Uses the real bundled MiniLM (loaded once per test session) and real faiss files on disk.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from assistant.cli import search_cli
from assistant.index import (
    CaseIndex,
    build_case_index,
    build_index,
    index_dir,
    keyword_search,
    load_case_index,
    open_case_index,
)
from assistant.index.store import INDEX_FILE, MANIFEST_FILE, SEGMENTS_FILE
from assistant.nlp.models import DIM, get_embedder
from assistant.types import CaseReview, Document, FileError, Page, Screening

LOG = (
    "Entry 12  03/04/2019 1420  DC 4471 MARLOW\n"
    "CCTV was requested from the chip shop on Ferry Road. No result is recorded.\n"
    "The handset of the child was seized and booked in as exhibit KM/3.\n"
    "\n"
    "Entry 13  05/04/2019 0910  DC 4471 MARLOW\n"
    "The blue car was seen outside the school gates.\n"
    "Its registration was never checked on PNC.\n"
)
NOTES = (
    "Strategy meeting held with the school and social care.\n"
    "The mother said her daughter had been given a new phone by an older man.\f"
    "House-to-house enquiries were not carried out on Ferry Road.\n"
)


def docs(notes: str = NOTES) -> list[Document]:
    def doc(name: str, text: str) -> Document:
        pages = [Page(i + 1, t) for i, t in enumerate(text.split("\f"))]
        import hashlib

        return Document(name, hashlib.sha256(text.encode()).hexdigest(), "txt", pages)

    return [doc("log.txt", LOG), doc("notes.txt", notes)]


def review(documents: list[Document], case: str = "case-1") -> CaseReview:
    return CaseReview(
        case,
        documents,
        [],
        Screening(False, [], 0, 0, False, 3),
        errors=[FileError("broken.pdf", "corrupt", "unreadable")],
    )


def page_text(documents: list[Document], name: str, page: int) -> str:
    return next(d for d in documents if d.name == name).page(page).text


# --- the embedder ------------------------------------------------------------------------


def test_embedder_shape_norm_and_cache() -> None:
    emb = get_embedder()
    assert emb is get_embedder()  # one per process
    texts = ["CCTV footage was viewed.", "The camera recording was watched.", "Bank records."]
    v = emb.encode(texts)
    assert v.shape == (3, DIM) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    # Meaning, not words: the two CCTV sentences are closer than CCTV and bank records.
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2
    assert all(emb.cached(t) for t in texts)
    again = emb.encode([texts[2], texts[0], texts[2]])  # from the cache, in the asked order
    assert np.array_equal(again, v[[2, 0, 2]])
    assert emb.encode([]).shape == (0, DIM)


# --- the saved index ---------------------------------------------------------------------


def test_build_load_search_round_trip(tmp_path: Path) -> None:
    documents = docs()
    path = build_case_index(review(documents), tmp_path)
    assert path == index_dir(tmp_path, "case-1") == tmp_path / "case-1.index"
    assert {p.name for p in path.iterdir()} == {INDEX_FILE, SEGMENTS_FILE, MANIFEST_FILE}
    manifest = json.loads((path / MANIFEST_FILE).read_text())
    assert manifest["documents"] == {d.name: d.sha256 for d in documents}
    assert manifest["unreadable"] == ["broken.pdf"]
    assert manifest["model"].endswith("all-MiniLM-L6-v2")

    idx = load_case_index(tmp_path, "case-1")
    assert isinstance(idx, CaseIndex) and len(idx) == manifest["segments"] > 5
    hits = idx.search("were the camera recordings from the shop looked at", k=3)
    assert len(hits) == 3
    assert "CCTV" in hits[0].segment.text
    assert hits[0].score >= hits[1].score >= hits[2].score
    for h in hits:  # every citation round-trips into the page text
        c = h.citation
        assert page_text(documents, c["document"], c["page"])[c["start"] : c["end"]] == c["quote"]
    # A page after a form feed is page 2 of its document.
    hit = idx.search("house to house enquiries", k=1)[0]
    assert (hit.citation["document"], hit.citation["page"]) == ("notes.txt", 2)
    assert idx.search("   ", k=3) == [] and idx.search("cctv", k=0) == []
    assert len(idx.search("anything", k=100)) <= len(idx)


def test_reused_until_the_files_change(tmp_path: Path) -> None:
    documents = docs()
    path = build_index("case-2", documents, tmp_path)
    stamp = (path / INDEX_FILE).stat().st_mtime_ns, (path / MANIFEST_FILE).read_text()
    build_index("case-2", documents, tmp_path)  # same sha256 set: loaded, not rebuilt
    assert ((path / INDEX_FILE).stat().st_mtime_ns, (path / MANIFEST_FILE).read_text()) == stamp

    changed = docs(NOTES + "\nA further statement was taken from the taxi driver.")
    assert (
        load_case_index(tmp_path, "case-2", documents={d.name: d.sha256 for d in changed}) is None
    )  # stale
    idx = open_case_index("case-2", changed, tmp_path)
    assert idx.documents == {d.name: d.sha256 for d in changed}
    assert any("taxi driver" in s.text for s in idx.segments)
    assert not list(path.glob("*.tmp"))  # atomic writes leave nothing behind


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: (p / INDEX_FILE).write_bytes(b"not a faiss index"),
        lambda p: (p / SEGMENTS_FILE).write_text("[[1, 2"),
        lambda p: (p / MANIFEST_FILE).write_text("{ half a manifest"),
        lambda p: (p / MANIFEST_FILE).write_text("[]"),
        lambda p: (p / INDEX_FILE).unlink(),
        lambda p: (p / MANIFEST_FILE).write_text(
            (p / MANIFEST_FILE).read_text().replace('"format_version": 1', '"format_version": 0')
        ),
    ],
    ids=[
        "garbage-faiss",
        "truncated-segments",
        "bad-json",
        "not-an-object",
        "missing-file",
        "old-format",
    ],
)
def test_corrupt_or_stale_index_is_rebuilt(tmp_path: Path, damage: object) -> None:
    documents = docs()
    path = build_index("case-3", documents, tmp_path)
    damage(path)  # type: ignore[operator]
    assert load_case_index(tmp_path, "case-3") is None  # never trusted, never a crash
    idx = open_case_index("case-3", documents, tmp_path)
    assert idx.search("CCTV requested", k=1)[0].segment.text.startswith("CCTV")
    assert load_case_index(tmp_path, "case-3") is not None


def test_empty_case(tmp_path: Path) -> None:
    idx = open_case_index(
        "empty", [Document("blank.txt", "0" * 64, "txt", [Page(1, "")])], tmp_path
    )
    assert len(idx) == 0 and idx.search("cctv", k=5) == []
    assert load_case_index(tmp_path, "empty") is not None


def test_repeated_wording_shown_once(tmp_path: Path) -> None:
    header = "OPERATION HERON - RESTRICTED"
    pages = [Page(i + 1, f"{header}\nPage {i + 1}: the suspect was interviewed.") for i in range(5)]
    idx = open_case_index("rep", [Document("a.txt", "1" * 64, "txt", pages)], tmp_path)
    texts = [h.segment.text for h in idx.search("operation heron restricted", k=5)]
    assert texts.count(header) == 1


# --- search by words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected_quotes",
    [
        ("cctv", ["CCTV was requested from the chip shop on Ferry Road."]),
        (
            "FERRY road",
            [
                "CCTV was requested from the chip shop on Ferry Road.",
                "House-to-house enquiries were not carried out on Ferry Road.",
            ],
        ),
        ('"chip shop" cctv', ["CCTV was requested from the chip shop on Ferry Road."]),
        ('"shop chip"', []),  # a phrase keeps its order
        ("exhibit km/3", ["The handset of the child was seized and booked in as exhibit KM/3."]),
        ("check", []),  # whole words: "checked" is not "check"
        ("check*", ["Its registration was never checked on PNC."]),
        # No one sentence holds both words: the two adjacent sentences are the passage.
        (
            "car registration",
            [
                "The blue car was seen outside the school gates.\n"
                "Its registration was never checked on PNC."
            ],
        ),
        ("cctv taxi", []),
        ("", []),
        ('"" ,', []),
    ],
)
def test_keyword_search(query: str, expected_quotes: list[str]) -> None:
    documents = docs()
    hits = keyword_search(documents, query, k=10)
    assert sorted(h.citation["quote"] for h in hits) == sorted(expected_quotes)
    for h in hits:
        c = h.citation
        text = page_text(documents, c["document"], c["page"])
        assert text[c["start"] : c["end"]] == c["quote"]
        assert h.matches and all(c["start"] <= s < e <= c["end"] for s, e in h.matches)


def test_keyword_offsets_and_ranking() -> None:
    documents = docs()
    hits = keyword_search(documents, "ferry", k=10)
    text = page_text(documents, "log.txt", 1)
    s, e = hits[0].matches[0]
    assert text[s:e] == "Ferry"
    assert keyword_search(documents, "ferry", k=1) == hits[:1]
    assert keyword_search(documents, "ferry", k=0) == []


# --- the search command ------------------------------------------------------------------


def test_search_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case-9"
    case.mkdir()
    (case / "log.txt").write_text(LOG, encoding="utf-8")
    (case / "notes.txt").write_text(NOTES, encoding="utf-8")
    out = tmp_path / "out"

    assert search_cli(case, "was the camera footage viewed", out_dir=out, k=2) == 0
    first = capsys.readouterr()
    assert "Indexing case-9" in first.err
    assert "log.txt, page 1, characters" in first.out and '"CCTV was requested' in first.out
    assert len(re.findall(r"(?m)^ *\d+\. score \d\.\d\d ", first.out)) == 2

    # Second search: the saved index matches the folder, so nothing is re-ingested.
    assert search_cli(case, "house to house", out_dir=out, k=1) == 0
    second = capsys.readouterr()
    assert "Indexing" not in second.err and "notes.txt, page 2" in second.out

    # A changed file makes the saved index stale: it is rebuilt.
    (case / "notes.txt").write_text(NOTES + "\nThe taxi firm was never contacted.")
    assert search_cli(case, "taxi company", out_dir=out, k=1) == 0
    third = capsys.readouterr()
    assert "Indexing" in third.err and "taxi firm" in third.out

    assert search_cli(tmp_path / "nope", "x", out_dir=out, k=1) == 1
    assert search_cli(case, "  ", out_dir=out, k=1) == 1
    assert "not a directory" in capsys.readouterr().err
