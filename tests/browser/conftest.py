"""Fixtures of the browser tests: the built site served locally, and headless Chromium.

The tests need three things that a reader's laptop may lack: the Python package ``playwright``
(in requirements.txt), a Chromium binary (Debian's ``chromium``, or ``MLMATH_CHROMIUM``, or a
browser that ``playwright install`` fetched where that works) and MathJax 3 (the npm package
``mathjax@3``, which ``make test`` installs under ``.venv/mathjax`` when npm is present). The
pages load MathJax from a CDN; the tests route that address to the local copy, so they need no
network. Where any of the three is missing the tests are skipped with the reason, except when
``MLMATH_REQUIRE_BROWSER=1`` (as ``.ci/run`` sets it): then a skip is a failure.
"""

import os

import pytest
from browser_support import CDN_MATHJAX, chromium_path, missing_requirements, route_offline, serve


@pytest.fixture(scope="session")
def browser():
    missing = missing_requirements()
    if missing:
        message = "browser tests need " + "; ".join(missing)
        if os.environ.get("MLMATH_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (MLMATH_REQUIRE_BROWSER=1: a skip is a failure)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=chromium_path(),
            args=["--headless", "--no-sandbox", "--disable-background-networking",
                  "--disable-gpu", "--font-render-hinting=none"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def site(browser):
    """Base URL of _build/html served locally."""
    with serve() as base:
        yield base


@pytest.fixture
def open_page(browser, site):
    """Open a page of the book at a window width; returns (page, console errors, off-site URLs).

    The page is returned once MathJax has typeset it (pages without math load no MathJax).
    """
    contexts = []

    def _open(path, width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        errors, offsite = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))

        def route(r):
            url = r.request.url
            if not (url.startswith(("http://127.0.0.1", "data:", "blob:"))
                    or url.startswith(CDN_MATHJAX)):
                offsite.append(url)
            route_offline(r)

        page.route("**/*", route)
        # Generous limits: on a loaded two-core machine a long page takes seconds to typeset.
        page.set_default_timeout(120_000)
        page.goto(site + path, wait_until="load")
        page.wait_for_function(
            "() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise)"
        )
        page.evaluate("() => window.MathJax ? MathJax.startup.promise : null")
        page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
        return page, errors, offsite

    yield _open
    for context in contexts:
        context.close()
