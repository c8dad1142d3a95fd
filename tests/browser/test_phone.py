"""The built website at a 390-px phone window: nothing is clipped (an equation too wide for the
screen scrolls inside its own box), the page never scrolls sideways, no console error."""

import pytest
from browser_support import ROOT, SCREENSHOTS
from measure import DISPLAY_EQUATIONS_JS, clipped
from mlmath_book import toc_files

PAGES = [f + ".html" for f in toc_files(ROOT)]
SCREENSHOT_PAGES = {"book/intro.html", "book/prerequisites/calculus.html",
                    "book/supervised/svm.html"}


@pytest.mark.parametrize("path", PAGES)
def test_phone_page(open_page, path):
    page, errors, _ = open_page(path, width=390, height=844)
    assert not errors, f"{path}: console errors at 390 px: {errors}"
    equations = page.evaluate(DISPLAY_EQUATIONS_JS)
    cut = clipped(equations)
    assert not cut, f"{path}: equations clipped at 390 px (too wide, no scroll box): " \
        + str([eq["id"] or eq["tex"][:40] for eq in cut])
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    # One pixel of slack for sub-pixel rounding.
    assert width <= inner + 1, f"{path}: the page scrolls sideways at 390 px ({width} > {inner})"
    if path in SCREENSHOT_PAGES:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = path.replace("/", "_").replace(".html", "")
        page.screenshot(path=str(SCREENSHOTS / f"{name}-390.png"))
