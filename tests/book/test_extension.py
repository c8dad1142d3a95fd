"""The book's Sphinx extension: the chapter BibTeX entry is generated from CITATION.cff."""

from pathlib import Path

import mlmath_book
from pybtex.database import parse_string

ROOT = Path(__file__).resolve().parents[2]


def test_bibtex_entry_is_valid_and_comes_from_citation_cff():
    meta = mlmath_book.load_citation(ROOT / "CITATION.cff")
    entry = mlmath_book.bibtex_entry("book/supervised/linear_regression", "Linear Regression", meta)
    db = parse_string(entry, "bibtex")
    (key, item), = db.entries.items()
    assert key == "mlmath-linear-regression" and item.type == "incollection"
    assert item.fields["title"] == "{Linear Regression}"
    assert "Mathematical Foundations" in item.fields["booktitle"]
    assert item.fields["year"] == "2026"
    assert item.fields["url"].endswith("/book/supervised/linear_regression.html")
    assert item.persons["author"], "authors come from CITATION.cff"


def test_person_authors_are_written_family_first(tmp_path):
    cff = tmp_path / "CITATION.cff"
    cff.write_text(
        "cff-version: 1.2.0\ntitle: T\nauthors:\n  - family-names: Noether\n    given-names: Emmy\n"
        "url: https://example.org/book\ndate-released: '2025-01-02'\n"
    )
    meta = mlmath_book.load_citation(cff)
    assert meta["author"] == "Noether, Emmy" and meta["year"] == "2025"
    assert meta["url"] == "https://example.org/book/"


def test_toc_files_lists_root_then_chapters_in_order():
    files = mlmath_book.toc_files(ROOT)
    assert files[0] == "book/intro"
    assert "book/supervised/linear_regression" in files
