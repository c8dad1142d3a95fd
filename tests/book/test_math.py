"""Mathematics that MathJax cannot typeset, caught in the sources (the build cannot see it).

Sphinx passes math through untouched, so an undefined macro or a misplaced argument builds
without a warning and shows as a red error in the reader's browser. Two checks over every page:
the book's own macro families (``\\vx``-style vectors and ``\\mX``-style matrices) must be defined
in ``_config.yml``; and an accent may not take an argument-taking command unbraced
(``\\tilde\\mathbf{s}`` is a MathJax error; ``\\tilde{\\mathbf{s}}`` is right).
"""

import re
from pathlib import Path

import pytest
import yaml
from mlmath_book import toc_files

ROOT = Path(__file__).resolve().parents[2]
MACROS = set(
    yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]["mathjax3_config"][
        "tex"
    ]["macros"]
)
# Standard TeX/MathJax commands that look like the book's \v... and \m... macros.
STANDARD = {
    "vec", "varepsilon", "varphi", "vartheta", "varrho", "varsigma", "varpi", "varkappa",
    "vert", "vdots", "vee", "vdash", "vphantom", "vcenter", "veebar", "vline", "varnothing",
    "vartriangle", "varGamma", "varDelta", "varTheta", "varLambda", "varXi", "varPi",
    "varSigma", "varUpsilon", "varPhi", "varPsi", "varOmega",
}
BOOK_MACRO = re.compile(r"\\((?:v[a-zA-Z]+)|(?:m[A-Z][a-zA-Z]*))(?![a-zA-Z])")
ACCENT_UNBRACED = re.compile(
    r"\\(?:tilde|hat|bar|dot|ddot|vec|check|breve|widetilde|widehat|overline|underline)\s*"
    r"\\(?:mathbf|mathrm|mathcal|mathbb|mathsf|boldsymbol|operatorname|text)\b"
)
PAGES = sorted(f for f in toc_files(ROOT))


def _math(text):
    """The math of a MyST page: $$...$$ blocks, then $...$ inline spans."""
    blocks = re.findall(r"\$\$(.*?)\$\$", text, re.S)
    rest = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    return blocks + re.findall(r"\$([^$\n]+)\$", rest)


@pytest.mark.parametrize("name", PAGES)
def test_book_macros_are_defined(name):
    text = (ROOT / name).with_suffix(".md").read_text()
    used = {m for chunk in _math(text) for m in BOOK_MACRO.findall(chunk)}
    undefined = sorted(used - MACROS - STANDARD)
    assert not undefined, f"{name}: macros not defined in _config.yml: {undefined}"


@pytest.mark.parametrize("name", PAGES)
def test_accents_brace_their_argument(name):
    text = (ROOT / name).with_suffix(".md").read_text()
    bad = [m.group(0) for chunk in _math(text) for m in ACCENT_UNBRACED.finditer(chunk)]
    assert not bad, f"{name}: brace the accent's argument, e.g. \\tilde{{\\mathbf{{s}}}}: {bad}"


def test_the_checks_can_fail():
    assert BOOK_MACRO.findall(r"\vs(A) + \vx") == ["vs", "vx"]
    assert ACCENT_UNBRACED.search(r"\tilde\mathbf{s}")
    assert not ACCENT_UNBRACED.search(r"\tilde{\mathbf{s}}")
