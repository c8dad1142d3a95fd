"""The built website in a real browser (headless Chromium), as a reader meets it.

For every page of _toc.yml: no console error and no request off this machine; every equation
typeset (no MathJax error, no raw TeX left); at a 1280-px desktop window every display equation
fits the text column (its math inside its box and clear of its number); at a 390-px phone window
nothing is clipped (an equation too wide for the screen scrolls inside its own box) and the page
never scrolls sideways; every image loads. Then the site's furniture: search finds a chapter by
a word in it, the launch and download buttons lead where they should, and solutions stay
collapsed until clicked. Screenshots of a few pages are saved under _build/browser/.

``python tests/browser/measure.py`` lists the equations that are too wide, for authors.
"""

import re
from urllib.parse import unquote, urlparse

import pytest
from browser_support import HTML, ROOT, SCREENSHOTS
from measure import DISPLAY_EQUATIONS_JS, misfits
from mlmath_book import toc_files

PAGES = [f + ".html" for f in toc_files(ROOT)]
CHAPTERS = [f + ".html" for f in toc_files(ROOT)
            if "kernelspec:" in (ROOT / f).with_suffix(".md").read_text(encoding="utf-8")]
SCREENSHOT_PAGES = {"book/intro.html", "book/prerequisites/calculus.html",
                    "book/supervised/svm.html"}


def _describe(bad):
    return "\n".join(f"  {eq['id'] or '(unlabelled)'}: {over:.0f}px too wide: {eq['tex'][:80]!r}"
                     for over, eq in bad)


@pytest.mark.parametrize("path", PAGES)
def test_desktop_page(open_page, path):
    page, errors, offsite = open_page(path, width=1280)
    assert not errors, f"{path}: console errors: {errors}"
    assert not offsite, f"{path}: requests off this machine: {offsite}"
    equations = page.evaluate(DISPLAY_EQUATIONS_JS)
    untypeset = [eq["tex"][:60] for eq in equations if not eq["typeset"]]
    assert not untypeset, f"{path}: display math left as raw TeX: {untypeset}"
    assert page.locator("mjx-merror").count() == 0, (
        f"{path}: MathJax errors: {page.locator('mjx-merror').all_inner_texts()[:5]}"
    )
    text = page.evaluate(
        "() => { const a = document.querySelector('article').cloneNode(true);"
        " a.querySelectorAll('code, pre, .highlight').forEach(e => e.remove());"
        " return a.innerText; }")
    assert "$$" not in text and "\\[" not in text, f"{path}: raw TeX delimiters in the text"
    images = page.evaluate(
        "() => Array.from(document.images).map(i => [i.currentSrc, i.complete && i.naturalWidth])"
    )
    broken = [src for src, width in images if not width]
    assert not broken, f"{path}: images that did not load: {broken}"
    bad = misfits(equations)
    assert not bad, f"{path}: {len(bad)} display equations do not fit the column at 1280 px:\n" \
        + _describe(bad)
    if path in SCREENSHOT_PAGES:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = path.replace("/", "_").replace(".html", "")
        page.screenshot(path=str(SCREENSHOTS / f"{name}-1280.png"))


def test_one_search_field_and_search_finds_a_chapter(open_page):
    page, errors, _ = open_page("book/intro.html")
    visible = [b for b in page.locator(".search-button-field").all() if b.is_visible()]
    assert len(visible) == 1, f"{len(visible)} search fields are visible on a desktop window"
    # A term that only the k-NN chapter's text explains at length.
    page, errors, _ = open_page("search.html?q=Cover%E2%80%93Hart")
    page.wait_for_selector("#search-results li", timeout=20_000)
    links = page.locator("#search-results li a").evaluate_all("els => els.map(a => a.href)")
    assert any("supervised/knn.html" in href for href in links), links
    assert not errors, errors


@pytest.mark.parametrize("path", CHAPTERS[:1] + CHAPTERS[-1:])
def test_launch_and_download_buttons(open_page, path):
    page, _, _ = open_page(path)
    source = path.removesuffix(".html")
    hrefs = page.locator(".dropdown-launch-buttons a").evaluate_all(
        "els => els.map(a => a.href)")
    binder = [h for h in hrefs if h.startswith("https://mybinder.org/v2/gh/")]
    colab = [h for h in hrefs if h.startswith("https://colab.research.google.com/github/")]
    assert binder and binder[0].endswith(f"?urlpath=lab/tree/{source}.md"), hrefs
    assert colab and colab[0].endswith(f"/blob/notebooks/{source}.ipynb"), hrefs
    downloads = page.locator(".dropdown-download-buttons a").evaluate_all(
        "els => els.map(a => a.getAttribute('href'))")
    files = [h for h in downloads if h and h.endswith((".md", ".ipynb"))]
    assert {f.rsplit(".", 1)[1] for f in files} == {"md", "ipynb"}, downloads
    for href in files:
        target = (HTML / path).parent / unquote(href)
        assert target.resolve().is_file(), f"{path}: download link {href} leads nowhere"


def test_solutions_are_collapsed_until_clicked(open_page):
    page, errors, _ = open_page("book/supervised/knn.html")
    solutions = page.locator("div.solution")
    assert solutions.count() >= 3
    first = solutions.first
    first.scroll_into_view_if_needed()
    body = first.locator(":scope > :not(.admonition-title)").first
    assert not body.is_visible(), "a solution is open before it is clicked"
    first.locator(".admonition-title").click()
    body.wait_for(state="visible", timeout=5_000)
    assert body.is_visible(), "a solution did not open on click"
    assert not errors, errors


def test_cross_references_resolve():
    """Every internal link of every page leads to a page that exists and an anchor on it."""
    ids = {}
    for path in PAGES:
        html = (HTML / path).read_text(encoding="utf-8")
        ids[path] = set(re.findall(r'\sid="([^"]+)"', html))
    missing = []
    for path in PAGES:
        html = (HTML / path).read_text(encoding="utf-8")
        for href in re.findall(r'<a [^>]*href="([^"]+)"', html):
            parsed = urlparse(href)
            if parsed.scheme or href.startswith(("mailto:", "javascript:")):
                continue
            target = path if not parsed.path else \
                str(((HTML / path).parent / unquote(parsed.path)).resolve().relative_to(HTML))
            if not (HTML / target).exists():
                missing.append(f"{path}: {href} (no file {target})")
            elif parsed.fragment and target in ids \
                    and unquote(parsed.fragment) not in ids[target]:
                missing.append(f"{path}: {href} (no anchor on {target})")
    assert not missing, "\n".join(missing[:30])
