"""What the browser tests read off a rendered page, as JavaScript run in the page.

Also a command for authors: ``python tests/browser/measure.py [page ...]`` serves the built book,
opens each page (default: all) at a 1280-px window and lists every display equation that does
not fit the text column, with its label and the start of its TeX, widest first.
"""

# Every display equation: its box, its number's box, the column's box and its TeX source.
# Sphinx writes a display equation as <div class="math" id="equation-..."> holding an optional
# <span class="eqno"> and the TeX; MathJax replaces the TeX by an <mjx-container>.
DISPLAY_EQUATIONS_JS = r"""
() => {
  const texOf = new Map();
  if (window.MathJax && MathJax.startup && MathJax.startup.document) {
    for (const item of MathJax.startup.document.math) {
      if (item.typesetRoot) texOf.set(item.typesetRoot, item.math);
    }
  }
  const box = (el) => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width};
  };
  const column = document.querySelector("article.bd-article") || document.querySelector("main");
  return Array.from(document.querySelectorAll("div.math")).map((div) => {
    const container = div.querySelector("mjx-container");
    const math = container ? container.querySelector("mjx-math") : null;
    let scroller = null;
    for (let el = math; el && el !== column; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
        scroller = el;
        break;
      }
    }
    return {
      id: div.id || "",
      tex: container ? (texOf.get(container) || "") : div.textContent,
      typeset: Boolean(container),
      error: Boolean(div.querySelector("mjx-merror")),
      div: box(div),
      math: box(math),
      eqno: box(div.querySelector("span.eqno")),
      column: box(column),
      scrollable: Boolean(scroller),
      visible: div.getClientRects().length > 0,
    };
  });
}
"""


def _overlap(a, b):
    return a["left"] < b["right"] - 0.5 and b["left"] < a["right"] - 0.5 and \
        a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5


def misfits(equations):
    """The display equations that do not fit their column, as (overflow in px, equation).

    An equation fits when its rendered math lies inside the equation's box and the text column,
    and does not run into its number.
    """
    out = []
    for eq in equations:
        if not eq["visible"] or eq["math"] is None:
            continue
        m, d, c = eq["math"], eq["div"], eq["column"]
        right = min(d["right"], c["right"])
        over = max(m["right"] - right, d["left"] - m["left"], c["left"] - m["left"], 0.0)
        if eq["eqno"] and _overlap(m, eq["eqno"]):
            over = max(over, m["right"] - eq["eqno"]["left"], 1.0)
        if over > 2:  # sub-pixel rounding and MathJax spacing: 2 px is invisible
            out.append((over, eq))
    return sorted(out, key=lambda pair: -pair[0])


def clipped(equations):
    """Equations cut off at a narrow window: too wide, and no scroll box to reach the rest."""
    return [eq for over, eq in misfits(equations) if not eq["scrollable"]]


def display_math_in_source(text):
    """The display equations of a MyST page, code left out.

    Returns (line number, label or "", TeX, list depth, box depth) for each: the list depth read
    off the indentation of the line the equation starts on (three spaces a level), the box depth
    the number of directives (theorem, proof, exercise, ...) the equation sits in.
    """
    import re

    out = []
    code = re.compile(r"^(```|~~~)\{code-cell\}.*?^\1\s*$", re.M | re.S)
    blanked = code.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    # The directive depth at the start of every line: a fence with {name} opens a directive,
    # the same fence alone on a line closes it.
    depth_at, stack = [], []
    for line in blanked.split("\n"):
        depth_at.append(len(stack))
        stripped = line.strip()
        opening = re.match(r"^(`{3,}|:{3,})\{[\w:.-]+\}", stripped)
        if opening:
            stack.append(opening.group(1))
        elif stack and stripped == stack[-1]:
            stack.pop()
    for m in re.finditer(r"\$\$(.+?)\$\$[ \t]*(?:\(([^)\s]+)\))?", blanked, re.S):
        line_start = blanked.rfind("\n", 0, m.start()) + 1
        indent = len(blanked[line_start:m.start()]) - len(blanked[line_start:m.start()].lstrip())
        line = blanked.count("\n", 0, m.start())
        out.append((line + 1, m.group(2) or "", m.group(1),
                    -(-indent // 3),  # list levels: an indented equation sits in a list item
                    depth_at[line]))
    return out


# Replace a built page's article by the given equations, numbered or not, and typeset them with
# the page's own MathJax: the same column, fonts, macros and equation layout as the book, nested
# in list items and theorem boxes as deep as in the source, with a margin of 12 px, so that an
# equation that passes here fits the built page.
TYPESET_SOURCE_JS = r"""
async (equations) => {
  const article = document.querySelector("article.bd-article");
  article.innerHTML = "";
  // A safety margin: an equation must fit 12 px inside the column (the built page can differ
  // by a few pixels: the width of its number, how deep its box is nested).
  article.style.paddingRight = parseFloat(getComputedStyle(article).paddingRight) + 12 + "px";
  for (const [k, eq] of equations.entries()) {
    const div = document.createElement("div");
    div.className = "math notranslate nohighlight";
    div.id = "source-" + k;
    if (eq.label) {
      const no = document.createElement("span");
      no.className = "eqno";
      no.innerHTML = '(99.99)<a class="headerlink" href="#">#</a>';
      div.appendChild(no);
    }
    // Sphinx wraps a display with a line break in split, as the built page has it.
    const tex = eq.tex.includes("\\\\") ? "\\begin{split}" + eq.tex + "\\end{split}" : eq.tex;
    div.appendChild(document.createTextNode("\\[" + tex + "\\]"));
    let item = div;
    for (let level = 0; level < eq.lists; level++) {  // an equation inside list items
      const li = document.createElement("li");
      li.appendChild(item);
      const ol = document.createElement("ol");
      ol.appendChild(li);
      item = ol;
    }
    for (let level = 0; level < eq.boxes; level++) {  // inside a theorem, proof, exercise
      const content = document.createElement("section");
      content.className = "lemma-content";
      content.appendChild(item);
      const box = document.createElement("div");
      box.className = "proof lemma admonition";
      box.innerHTML = '<p class="admonition-title">Lemma</p>';  // as sphinx-proof writes it
      box.appendChild(content);
      item = box;
    }
    article.appendChild(item);
  }
  await MathJax.typesetPromise([article]);
}
"""


def main(argv):
    """Report the display equations too wide for the column at a 1280-px window.

    ``measure.py [book/<part>/<page>.html ...]`` measures built pages (default: every page);
    ``measure.py --source book/<part>/<page>.md ...`` measures the equations of a source page
    as it is now, typeset inside a built page (any chapter), without rebuilding the book.
    """
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "book" / "_ext"))
    import browser_support as fx
    from mlmath_book import toc_files
    from playwright.sync_api import sync_playwright

    sources = argv[0] == "--source" if argv else False
    paths = argv[1:] if sources else argv
    if not paths:
        paths = [f + ".html" for f in toc_files(fx.ROOT)]
    total = 0
    with sync_playwright() as pw, fx.serve() as base:
        browser = pw.chromium.launch(executable_path=fx.chromium_path(),
                                     args=["--headless", "--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        for path in paths:
            page = context.new_page()
            page.route("**/*", fx.route_offline)
            if sources:
                equations = display_math_in_source(Path(path).read_text(encoding="utf-8"))
                # Any built chapter with math serves as the frame: the book's CSS and MathJax.
                page.goto(base + "book/prerequisites/linear_algebra.html", wait_until="load")
                page.evaluate("() => MathJax.startup.promise")
                page.evaluate(TYPESET_SOURCE_JS,
                              [{"label": label, "tex": tex, "lists": lists, "boxes": boxes}
                               for _, label, tex, lists, boxes in equations])
                measured = page.evaluate(DISPLAY_EQUATIONS_JS)
                for eq, (line, label, tex, _, _) in zip(measured, equations, strict=True):
                    eq["id"] = f"line {line}" + (f" ({label})" if label else "")
                    eq["tex"] = tex.strip()
            else:
                page.goto(base + path, wait_until="load")
                page.evaluate("() => window.MathJax ? MathJax.startup.promise : null")
                measured = page.evaluate(DISPLAY_EQUATIONS_JS)
            bad = misfits(measured)
            errors = [eq["id"] for eq in measured if eq["error"]]
            total += len(bad)
            print(f"{path}: {len(bad)} display equation(s) too wide"
                  + (f"; MathJax errors in {errors}" if errors else ""))
            for over, eq in bad:
                print(f"  +{over:5.0f}px  {eq['id'] or '(unlabelled)'}  {eq['tex'][:90]!r}")
            page.close()
        browser.close()
    print(f"{total} in all")
    return 0


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
    raise SystemExit(main(sys.argv[1:]))
