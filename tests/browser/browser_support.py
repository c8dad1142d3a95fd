"""Shared by the browser tests and measure.py: where things are, a local server, the browser."""


import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
MATHJAX = Path(
    os.environ.get("MLMATH_MATHJAX_DIR", ROOT / ".venv" / "mathjax" / "node_modules" / "mathjax")
)
SCREENSHOTS = ROOT / "_build" / "browser"
CDN_MATHJAX = "https://cdn.jsdelivr.net/npm/mathjax@3/"


def chromium_path():
    """Debian's chromium (or MLMATH_CHROMIUM); else a browser `playwright install` fetched."""
    for candidate in (os.environ.get("MLMATH_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            bundled = pw.chromium.executable_path
        return bundled if Path(bundled).exists() else None
    except Exception:  # no playwright, or no browser of its own
        return None


def missing_requirements():
    """What the browser tests need and this machine lacks (empty when all is there)."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright (pip install -r requirements.txt)")
    if chromium_path() is None:
        missing.append("Chromium (apt-get install chromium)")
    if not (MATHJAX / "es5" / "tex-mml-chtml.js").exists():
        missing.append(f"MathJax 3 under {MATHJAX} (npm install --prefix .venv/mathjax mathjax@3)")
    if not (HTML / "index.html").exists():
        missing.append("the built book (make book)")
    return missing


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory=HTML):
    """Serve a folder on a free port of the loopback interface; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def route_offline(route):
    """Serve MathJax from the local copy; refuse every other address off this machine."""
    url = route.request.url
    if url.startswith(CDN_MATHJAX):
        local = MATHJAX / url[len(CDN_MATHJAX):].split("?")[0]
        if local.is_file():
            route.fulfill(path=str(local))
            return
    if url.startswith(("http://127.0.0.1", "data:", "blob:")):
        route.continue_()
        return
    route.abort()
