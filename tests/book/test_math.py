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


def _markdown_parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.amsmath import amsmath_plugin
    from mdit_py_plugins.colon_fence import colon_fence_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    return (MarkdownIt("commonmark").use(dollarmath_plugin, double_inline=True)
            .use(amsmath_plugin).use(colon_fence_plugin))


def stray_dollars(text, parser=None, offset=0):
    """Lines whose prose keeps a ``$`` after parsing: inline math that Markdown broke apart.

    A line of a paragraph that starts with ``+ ``, ``- ``, ``> `` or ``1. `` starts a list or a
    quote, and cuts the inline math that spans it in two: the page then shows raw TeX. Parses
    the page as the build does (dollar math, fenced directives, whose bodies are parsed too; code
    cells are skipped) and returns the line numbers of text that still holds a dollar sign.
    """
    parser = parser or _markdown_parser()
    lines = []
    for token in parser.parse(text):
        start = offset + (token.map[0] if token.map else 0)
        if token.type in ("fence", "colon_fence"):
            info = token.info.strip()
            if info.startswith("{") and not info.startswith("{code-cell"):
                body = token.content.split("\n")
                skip = 0
                while skip < len(body) and body[skip].startswith(":") and \
                        re.match(r"^:[\w-]+:", body[skip]):
                    skip += 1
                lines += stray_dollars("\n".join(body[skip:]), parser, start + 1 + skip)
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "text" and "$" in child.content:
                    lines.append(start + 1)
                    break
    return lines


@pytest.mark.parametrize("name", PAGES)
def test_no_inline_math_is_cut_by_a_list_or_quote_marker(name):
    text = (ROOT / name).with_suffix(".md").read_text()
    front = text.split("\n---", 1)[0].count("\n") + 2 if text.startswith("---") else 0
    body = text if not front else "\n" * front + text.split("\n---", 1)[1].split("\n", 1)[1]
    bad = stray_dollars(body)
    assert not bad, (
        f"{name}: raw $ left in the text near lines {bad}: a line inside inline math starts "
        "with '+ ', '- ', '> ' or '1. ' and Markdown cut the math; reflow the line"
    )


def test_the_stray_dollar_check_can_fail():
    broken = "Since $a\n+ b = c$ holds, done.\n"
    assert stray_dollars(broken) == [1, 2]
    assert stray_dollars("Since $a + b$\nholds.\n") == []
    assert stray_dollars("```{prf:proof}\n:label: x\nSince $a\n> b$ holds.\n```\n")[0] == 3
