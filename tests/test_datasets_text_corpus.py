"""Tests of mlmath.datasets: the standard-library docstring corpus."""

import numpy as np
import pytest

from mlmath.datasets import stdlib_docstrings


def test_corpus_is_deterministic_labelled_and_sorted():
    docs, labels = stdlib_docstrings(["logging", "json"])
    again, labels_again = stdlib_docstrings(["logging", "json"])
    assert docs == again
    np.testing.assert_array_equal(labels, labels_again)
    assert len(docs) == len(labels)
    assert list(dict.fromkeys(labels)) == ["logging", "json"]
    assert all(len(doc.split()) >= 5 for doc in docs)
    import logging

    assert logging.getLogger.__doc__.strip().split()[0] in " ".join(docs)


def test_imported_names_are_not_counted_as_the_module_own():
    import inspect
    import json.decoder
    import logging
    import string

    assert logging.Template is string.Template  # logging imports it from string
    docs, _ = stdlib_docstrings(["logging", "json"])
    assert inspect.getdoc(string.Template) not in docs
    # names of the package's own submodules count: JSONDecoder is defined in json.decoder
    assert inspect.getdoc(json.decoder.JSONDecoder) in docs


def test_module_without_docstrings_is_refused():
    with pytest.raises(ValueError, match="no public docstring"):
        stdlib_docstrings(["json"], min_words=10_000)
