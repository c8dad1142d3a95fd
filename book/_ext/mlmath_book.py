"""The book's own Sphinx extension.

1. ``{cite-this-chapter}``: a directive that writes the chapter's BibTeX entry. Every field
   comes from one place, ``CITATION.cff`` at the repository root (title of the book, authors,
   year, website), plus the chapter's own title and address, so no chapter holds a
   hand-written entry that could drift.
2. Two corrections to the theme's settings, made inside the options Jupyter Book writes (setting
   ``html_theme_options`` in ``_config.yml`` would replace its launch and repository buttons):
   one search field, the sidebar's (pydata-sphinx-theme's header adds a second one), and a
   default colour mode (left empty, the theme's first-visit script logs "Got invalid theme
   mode" in every new reader's console).
3. Each script once per page: the inline settings scripts of sphinx-thebe and
   sphinx-togglebutton reach every page twice under Sphinx 7.4 and Jupyter Book 1.0, and the
   second ``const THEBE_JS_URL`` is a JavaScript error in every reader's console.
4. The Colab launch button: sphinx-book-theme points it at the page's ``.md`` source, which
   Colab cannot open. This extension points it instead at the ``.ipynb`` copy that the deploy
   workflow generates (jupytext) and publishes on the branch ``mlmath_colab_branch``.
"""

import re
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

LOGGER = logging.getLogger(__name__)


def toc_files(root):
    """The pages of the book in the order of ``_toc.yml``: paths relative to ``root``, no suffix."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [entry["file"] for entry in part.get("chapters", [])]
    return files


def load_citation(path):
    """Read the fields the BibTeX entry needs from a CITATION.cff file."""
    meta = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    preferred = meta.get("preferred-citation", {})
    authors = preferred.get("authors") or meta["authors"]
    names = []
    for author in authors:
        if "name" in author:  # an entity: brace it so BibTeX keeps it whole
            names.append("{" + author["name"] + "}")
        else:
            names.append(f"{author['family-names']}, {author['given-names']}")
    year = str(preferred.get("year") or str(meta["date-released"])[:4])
    return {
        "booktitle": preferred.get("title", meta["title"]),
        "author": " and ".join(names),
        "year": year,
        "url": str(meta["url"]).rstrip("/") + "/",
        "version": str(meta.get("version", "")),
    }


def bibtex_entry(docname, chapter_title, meta):
    """The ``@incollection`` BibTeX entry of one chapter."""
    key = "mlmath-" + re.sub(r"[^a-z0-9]+", "-", docname.split("/")[-1].lower()).strip("-")
    fields = [
        ("author", meta["author"]),
        ("title", "{" + chapter_title + "}"),
        ("booktitle", "{" + meta["booktitle"] + "}"),
        ("year", meta["year"]),
        ("edition", "Version " + meta["version"]) if meta["version"] else None,
        ("url", meta["url"] + docname + ".html"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in filter(None, fields))
    return f"@incollection{{{key},\n{body}\n}}"


class CiteThisChapter(SphinxDirective):
    """``{cite-this-chapter}``: the chapter's BibTeX entry, generated from CITATION.cff."""

    has_content = False

    def run(self):
        cff = Path(self.env.app.confdir) / self.config.mlmath_citation_file
        self.env.note_dependency(str(cff))
        meta = load_citation(cff)
        title_node = next(iter(self.state.document.findall(nodes.title)), None)
        if title_node is None:
            raise self.error("cite-this-chapter needs a page title above it.")
        entry = bibtex_entry(self.env.docname, title_node.astext(), meta)
        intro = nodes.paragraph(
            text="To cite this chapter in a course or a paper, use the BibTeX entry below "
            "(the whole book is described in CITATION.cff at the root of the repository)."
        )
        block = nodes.literal_block(entry, entry, language="bibtex")
        return [intro, block]


def point_colab_at_notebooks(app, pagename, templatename, context, doctree):
    """Rewrite the Colab button's URL to the generated notebook on the notebooks branch."""
    branch = app.config.mlmath_colab_branch
    if not branch:
        return
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []) if isinstance(group, dict) else []:
            if button.get("text") == "Colab" and "/blob/" in button.get("url", ""):
                head, tail = button["url"].split("/blob/", 1)
                path = tail.split("/", 1)[1]  # drop the source branch
                button["url"] = f"{head}/blob/{branch}/{Path(path).with_suffix('.ipynb')}"


def one_search_field_and_a_colour_mode(app, config):
    """Theme settings that Jupyter Book's ``_config.yml`` cannot express without losing others."""
    config.html_theme_options = {**(config.html_theme_options or {}), "navbar_persistent": []}
    config.html_context = {**(config.html_context or {}), "default_mode": "light"}


def each_script_once(app, pagename, templatename, context, doctree):
    """Drop the second copy of a script that a page would load twice."""
    seen, unique = set(), []
    for script in context.get("script_files", []):
        # An inline script's file name is None in one copy and "" in the other: compare the
        # body and the other attributes.
        key = (str(getattr(script, "filename", script) or ""),
               repr(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", each_script_once, priority=900)
    app.connect("config-inited", one_search_field_and_a_colour_mode)
    app.add_config_value("mlmath_citation_file", "CITATION.cff", "env")
    app.add_config_value("mlmath_colab_branch", "notebooks", "html")
    app.add_directive("cite-this-chapter", CiteThisChapter)
    # After sphinx-book-theme has added its launch buttons (priority 501 > its default 500).
    app.connect("html-page-context", point_colab_at_notebooks, priority=501)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
