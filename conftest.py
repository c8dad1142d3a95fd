"""Collect every chapter of the book as an nbval notebook, with the outputs of the build.

nbval re-executes a notebook and compares each cell's new text output with the output stored
in the notebook. Chapters are MyST markdown, and in cache mode the build keeps their outputs in
the jupyter-cache (``_build/.jupyter_cache``), not in any ``.ipynb`` on disk. So this collector
reads each page listed in ``_toc.yml`` with myst-nb's own reader (the code cells come out exactly
as the build saw them), merges in the outputs cached by the build, and hands that notebook to
nbval. A chapter with no cached outputs is an error, never a silent pass: nbval would then have
nothing to compare. Failures point at ``book/<part>/<chapter>.md::Cell N``.
"""

import sys
from pathlib import Path
from unittest import mock

import nbformat
import pytest

ROOT = Path(__file__).parent
CACHE = ROOT / "_build" / ".jupyter_cache"
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from mlmath_book import toc_files  # noqa: E402


def toc_pages():
    """Paths of the pages listed in _toc.yml."""
    return {(ROOT / f).with_suffix(".md").resolve() for f in toc_files(ROOT)}


def is_notebook_page(path):
    """A MyST notebook page: front matter with a kernelspec."""
    from myst_nb.core.read import is_myst_markdown_notebook

    return is_myst_markdown_notebook(path.read_text(encoding="utf-8"))


def read_with_build_outputs(path):
    """The page as a notebook, with the outputs the build cached for it."""
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    nb = read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=str(path))
    if not CACHE.exists():
        raise pytest.UsageError(
            f"No build cache at {CACHE}: run `make book` before the notebook tests."
        )
    try:
        _, merged = get_cache(str(CACHE)).merge_match_into_notebook(nb)
    except KeyError as exc:
        raise pytest.UsageError(
            f"{path.relative_to(ROOT)}: the build cache has no outputs for this version of the "
            "page (its code changed since the last build): run `make book` first."
        ) from exc
    if not any(cell.get("outputs") for cell in merged.cells if cell.cell_type == "code"):
        raise pytest.UsageError(f"{path.relative_to(ROOT)}: the cached notebook has no outputs.")
    return merged


def pytest_collect_file(file_path, parent):
    if file_path.suffix != ".md" or file_path.resolve() not in toc_pages():
        return None
    if not is_notebook_page(file_path):
        return None
    return MystNotebook.from_parent(parent, path=file_path)


def _nbval_file_class():
    from nbval.plugin import IPyNbFile

    return IPyNbFile


class MystNotebook(_nbval_file_class()):
    """nbval's notebook collector, fed the page with the build's outputs merged in."""

    def collect(self):
        nb = read_with_build_outputs(Path(self.path))
        if self.config.option.nbval_lax:
            raise pytest.UsageError("Chapters are compared in full: do not pass --nbval-lax.")
        # nbval reads the file with nbformat.read; hand it the merged notebook instead.
        with mock.patch.object(nbformat, "read", return_value=nb):
            yield from super().collect()
