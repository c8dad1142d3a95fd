"""The chapter standard (shared/CHAPTER_STANDARD.md), checked on every page of _toc.yml.

What can be read off a page's source is checked here, so a new chapter that skips part of the
standard fails the tests, not a reviewer's patience.
"""

import re
from pathlib import Path

import pytest
import yaml
from mlmath_book import toc_files

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
ALGORITHM_PARTS = {"supervised", "unsupervised", "ensembles", "dimensionality_reduction",
                   "neural_networks", "deep_learning", "transformers"}
ALGORITHM_SECTIONS = ["Problem definition", "Assumptions", "Loss function", "Optimization",
                      "Regularization and variants", "Computational complexity",
                      "Implementation from scratch", None,  # the framework twin: "With ..."
                      "Experiments", "Exercises", "References", "Cite this chapter"]
# The first code cell of every chapter: in Colab it installs the package; hidden on the website.
INSTALL_CELL = '''```{code-cell} ipython3
:tags: [remove-cell]

# Outside the book (Colab, a bare Jupyter), install the book's package first.
import importlib.util

if importlib.util.find_spec("mlmath") is None:
    %pip install --quiet "mlmath @ git+https://github.com/mlmath-book/mlmath@main#subdirectory=code"
```'''


def front_matter(text):
    """The YAML front matter of a page ({} when there is none)."""
    if not text.startswith("---\n"):
        return {}
    return yaml.safe_load(text[4:text.index("\n---", 4)]) or {}


PAGES = {f: (ROOT / f).with_suffix(".md") for f in toc_files(ROOT)}
CHAPTERS = {f: p for f, p in PAGES.items()
            if p.exists() and "kernelspec" in front_matter(p.read_text())}


def prose(text):
    """The page without its code: code cells and literal code blocks removed."""
    return re.sub(r"^```(\{code-cell\}|python|bash|text|bibtex)[^\n]*\n.*?^```\s*$", "", text,
                  flags=re.M | re.S)


def headings(text, level="##"):
    return [m.group(1).strip() for m in re.finditer(rf"^{level} (.+)$", prose(text), re.M)]


def test_every_toc_entry_exists_and_every_page_is_listed():
    for f, path in PAGES.items():
        assert path.exists(), f"_toc.yml lists {f}, which does not exist"
    listed = {p.resolve() for p in PAGES.values()}
    stray = [p for p in BOOK.rglob("*.md") if p.resolve() not in listed]
    assert not stray, f"pages not in _toc.yml (stubs or forgotten): {stray}"


def test_there_is_at_least_one_chapter():
    assert CHAPTERS, "no executable chapter found in _toc.yml"


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_chapter_starts_with_the_install_cell(name):
    text = CHAPTERS[name].read_text()
    first = text[text.index("```{code-cell}"):]
    assert first.startswith(INSTALL_CELL), f"{name}: the first code cell must be the install cell"


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_chapter_has_title_summary_prerequisites(name):
    text = CHAPTERS[name].read_text()
    body = prose(text.split("---", 2)[2])
    assert len(re.findall(r"^# ", body, re.M)) == 1, f"{name}: exactly one title"
    assert re.search(r"prerequisite", body, re.I), f"{name}: state the prerequisites"
    assert "{doc}" in body or "{ref}" in body, f"{name}: prerequisites as cross-references"


@pytest.mark.parametrize("name", sorted(n for n in CHAPTERS if n.split("/")[1] in ALGORITHM_PARTS))
def test_algorithm_chapter_sections_in_order(name):
    found = headings(CHAPTERS[name].read_text())
    positions = []
    for wanted in ALGORITHM_SECTIONS:
        match = [i for i, h in enumerate(found)
                 if (h.startswith("With ") if wanted is None else h == wanted)]
        assert match, f"{name}: missing section '## {wanted or 'With <framework>'}'"
        positions.append(match[0])
    assert positions == sorted(positions), f"{name}: sections out of order: {found}"


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_exercises_with_collapsed_solutions(name):
    text = CHAPTERS[name].read_text()
    exercises = set(re.findall(r":label: (ex-[\w-]+)", text))
    solutions = re.findall(r"```\{solution(?:-start)?\} (\S+)\n((?::\w+:.*\n)*)", text)
    assert len(exercises) >= 3, f"{name}: at least three exercises, found {len(exercises)}"
    solved = {label for label, _ in solutions}
    assert exercises <= solved, f"{name}: exercises without a solution: {exercises - solved}"
    for label, options in solutions:
        assert ":class: dropdown" in options, f"{name}: solution of {label} must be collapsed"


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_theorems_proofs_figures_citations_cite_block(name):
    text = CHAPTERS[name].read_text()
    if name.split("/")[1] in ALGORITHM_PARTS:
        assert re.search(r"\{prf:(theorem|proposition|lemma)\}", text), f"{name}: a theorem"
        assert "{prf:proof}" in text, f"{name}: a proof"
        assert "{prf:algorithm}" in text, f"{name}: the training procedure as an algorithm"
    assert re.search(r"^\s*name: fig-", text, re.M), f"{name}: at least one named figure"
    assert re.search(r"\{cite(:p|:t)?\}`", text), f"{name}: cite the primary sources"
    assert "```{bibliography}" in text, f"{name}: a bibliography"
    assert "```{cite-this-chapter}" in text, f"{name}: a 'Cite this chapter' block"
    assert re.search(r"\$\$\s*\((eq-[\w-]+)\)", text), f"{name}: numbered, labelled equations"


def test_no_unfinished_markers():
    pattern = re.compile(r"\b(TODO|FIXME|coming soon|placeholder|lorem ipsum)\b", re.I)
    offenders = [f"{p.relative_to(ROOT)}:{i}"
                 for base in (BOOK, ROOT / "code")
                 for p in base.rglob("*") if p.suffix in {".md", ".py"}
                 for i, line in enumerate(p.read_text().splitlines(), 1) if pattern.search(line)]
    assert not offenders, f"unfinished markers: {offenders}"


def test_equation_labels_cited_by_the_package_exist_in_the_book():
    defined = set()
    for path in PAGES.values():
        defined |= set(re.findall(r"\$\$\s*\((eq-[\w-]+)\)", path.read_text()))
    cited = {}
    for path in (ROOT / "code" / "mlmath").rglob("*.py"):
        for label in re.findall(r"\{eq\}`(eq-[\w-]+)`", path.read_text()):
            cited.setdefault(label, path.relative_to(ROOT))
    missing = {label: str(where) for label, where in cited.items() if label not in defined}
    assert cited, "the package's docstrings should point back to the book's equations"
    assert not missing, f"docstrings cite equations the book does not define: {missing}"


def test_literalincludes_point_at_existing_objects():
    import ast

    for name, path in CHAPTERS.items():
        text = path.read_text()
        pattern = r"```\{literalinclude\} (\S+)\n(?:.*\n)*?:pyobject: (\S+)"
        for target, obj in re.findall(pattern, text):
            source = (path.parent / target).resolve()
            assert source.is_relative_to(ROOT / "code"), f"{name}: include the package's code"
            tree = ast.parse(source.read_text())
            names = {node.name for node in ast.walk(tree)
                     if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
            assert obj.split(".")[-1] in names, f"{name}: {target} has no {obj}"


# A cell that times code and prints what it measured shows numbers that change from one execution
# to the next; nbval compares a cell's output with the built page's, so such a cell must carry the
# nbval-ignore-output tag (its assertions still run), unless a comment in it says that the
# values it prints do not depend on the timings. Three cells of issue 13 failed a fresh-clone
# test this way.
TIMING_CALLS = ("fit_time_curve(", "time_alternating(", "time_training_step(", "time_fit(",
                "time.perf_counter()", "time.process_time()")


def code_cells(text):
    """(header, body) of every code cell; the header is the cell's options block or ''."""
    for m in re.finditer(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", text, re.M | re.S):
        cell = m.group(1)
        if cell.startswith("---\n"):
            end = cell.index("\n---\n", 4)
            yield cell[:end], cell[end + 5:]
        else:
            options = re.match(r"((?::[\w-]+:.*\n)*)", cell).group(1)
            yield options, cell[len(options):]


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_cells_that_print_timings_are_not_compared_by_nbval(name):
    offenders = [body.strip().splitlines()[0]
                 for header, body in code_cells(CHAPTERS[name].read_text())
                 if any(call in body for call in TIMING_CALLS) and "print(" in body
                 and "nbval-ignore-output" not in header
                 and "do not depend on the timings" not in body]
    assert not offenders, (
        f"{name}: cells that time code and print are not tagged nbval-ignore-output: "
        f"{offenders}")
