"""The built website (_build/html, made by `make book` before the tests): one page per _toc.yml
entry, launch buttons that lead somewhere Binder and Colab can open, the cite block rendered."""

import re
from pathlib import Path

import pytest
from mlmath_book import toc_files

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"


@pytest.fixture(scope="module")
def pages():
    if not (HTML / "index.html").exists():
        pytest.fail("No built book in _build/html: run `make book` before the tests.")
    return {f: (HTML / f).with_suffix(".html") for f in toc_files(ROOT)}


def test_one_html_page_per_toc_entry(pages):
    for f, page in pages.items():
        assert page.exists(), f"{f} was not built"


def test_chapter_pages_have_launch_buttons_cite_block_and_no_install_cell(pages):
    chapters = [f for f in pages if "kernelspec:" in (ROOT / f).with_suffix(".md").read_text()]
    assert chapters
    for f in chapters:
        html = pages[f].read_text()
        colab = re.search(r'href="(https://colab\.research\.google\.com/[^"]+)"', html)
        assert colab, f"{f}: no Colab button"
        assert colab.group(1).endswith(f"/blob/notebooks/{f}.ipynb"), colab.group(1)
        binder = re.search(r'href="(https://mybinder\.org/v2/gh/[^"]+)"', html)
        assert binder and f"{f}.md" in binder.group(1), f"{f}: Binder must open the .md page"
        text = re.sub(r"<[^>]+>", "", html)  # the BibTeX is syntax-highlighted into spans
        assert "@incollection{mlmath-" in text, f"{f}: the cite block was not rendered"
        assert "find_spec(" not in html, f"{f}: the install cell must be hidden on the website"


def test_citations_link_to_the_bibliography_of_their_own_page(pages):
    # A work cited by several chapters appears in each chapter's bibliography; the build
    # suppresses sphinxcontrib-bibtex's duplicate warnings for that reason, so check here that
    # every citation still links to an entry on its own page, never to another chapter's list.
    cited = 0
    for f, page in pages.items():
        html = page.read_text()
        ids = set(re.findall(r'\sid="([^"]+)"', html))
        for span in re.findall(r'<span class="bibtex-citation"[^>]*>(.*?)</span>', html, re.S):
            for href in re.findall(r'href="([^"]*)"', span):
                cited += 1
                assert href.startswith("#"), f"{f}: a citation links to another page: {href}"
                assert href[1:] in ids, f"{f}: a citation links to a missing anchor {href}"
    assert cited > 0
