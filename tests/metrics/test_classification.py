"""Confusion matrix, accuracy, precision, recall and F-scores against sklearn.metrics."""

import itertools

import numpy as np
import pytest
import sklearn.metrics as skm

from mlmath.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    fbeta_score,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
)
from mlmath.validation import InvalidParameterError

SEEDS = range(6)


def _labels(seed, k, n=150, strings=False, weights=False):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    pred = np.where(rng.random(n) < 0.6, y, rng.integers(0, k, n))
    if strings:
        names = np.array(["ant", "bee", "cat", "dog", "eel"][:k])
        y, pred = names[y], names[pred]
    w = rng.uniform(0.2, 2.0, n) if weights else None
    return y, pred, w


@pytest.mark.parametrize(("seed", "k", "strings", "weights"),
                         list(itertools.product(SEEDS, [2, 3, 5], [0, 1], [0, 1])))
def test_confusion_matrix_and_accuracy_equal_sklearn(seed, k, strings, weights):
    y, p, w = _labels(seed, k, strings=strings, weights=weights)
    np.testing.assert_allclose(confusion_matrix(y, p, sample_weight=w),
                               skm.confusion_matrix(y, p, sample_weight=w))
    for normalize in ("true", "pred", "all"):
        np.testing.assert_allclose(
            confusion_matrix(y, p, sample_weight=w, normalize=normalize),
            skm.confusion_matrix(y, p, sample_weight=w, normalize=normalize), rtol=1e-12)
    assert accuracy_score(y, p, sample_weight=w) == pytest.approx(
        skm.accuracy_score(y, p, sample_weight=w), rel=1e-12)


def test_confusion_matrix_labels_order_and_subset():
    y, p, _ = _labels(1, 4)
    for labels in ([3, 1, 0, 2], [2, 0]):
        np.testing.assert_array_equal(confusion_matrix(y, p, labels=labels),
                                      skm.confusion_matrix(y, p, labels=labels))


@pytest.mark.parametrize(("seed", "k", "weights", "average", "beta"),
                         list(itertools.product(SEEDS, [3, 5], [0, 1],
                                                [None, "micro", "macro", "weighted"],
                                                [0.5, 1.0, 2.0])))
def test_precision_recall_fscore_support_multiclass(seed, k, weights, average, beta):
    y, p, w = _labels(seed, k, weights=weights)
    ours = precision_recall_fscore_support(y, p, beta=beta, average=average, sample_weight=w)
    theirs = skm.precision_recall_fscore_support(y, p, beta=beta, average=average,
                                                 sample_weight=w, zero_division=0.0)
    for a, b in zip(ours, theirs, strict=True):
        if b is None:
            assert a is None
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize(("seed", "weights"), list(itertools.product(SEEDS, [0, 1])))
def test_binary_scores(seed, weights):
    y, p, w = _labels(seed, 2, weights=weights)
    for ours, theirs in ((precision_score, skm.precision_score), (recall_score, skm.recall_score),
                         (f1_score, skm.f1_score)):
        for pos_label in (0, 1):
            assert ours(y, p, sample_weight=w, pos_label=pos_label) == pytest.approx(
                theirs(y, p, sample_weight=w, pos_label=pos_label), rel=1e-12)
    assert fbeta_score(y, p, beta=2.0, sample_weight=w) == pytest.approx(
        skm.fbeta_score(y, p, beta=2.0, sample_weight=w), rel=1e-12)


def test_labels_subset_and_zero_division():
    y = np.array([0, 0, 1, 1, 2, 2])
    p = np.array([0, 1, 1, 1, 0, 0])  # class 2 never predicted: its precision is 0/0
    for zd in (0.0, 1.0):
        ours = precision_recall_fscore_support(y, p, zero_division=zd)
        theirs = skm.precision_recall_fscore_support(y, p, zero_division=zd)
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(a, b)
    assert f1_score(y, p, labels=[0, 1], average="macro") == pytest.approx(
        skm.f1_score(y, p, labels=[0, 1], average="macro"))


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="average='binary' needs binary"):
        f1_score([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="The 'average' parameter must be"):
        f1_score([0, 1], [0, 1], average="samples")
    with pytest.raises(ValueError, match="different lengths"):
        accuracy_score([0, 1], [0])
    with pytest.raises(ValueError, match="one weight per sample"):
        accuracy_score([0, 1], [0, 1], sample_weight=[1.0])
    with pytest.raises(ValueError, match="non-negative"):
        accuracy_score([0, 1], [0, 1], sample_weight=[1.0, -1.0])
    with pytest.raises(ValueError, match="pos_label"):
        precision_score(["a", "b"], ["a", "b"])
    with pytest.raises(ValueError, match="normalize"):
        confusion_matrix([0, 1], [0, 1], normalize="rows")
    # a bad parameter is reported even when the data is bad too
    with pytest.raises(InvalidParameterError, match="'normalize' parameter of confusion_matrix"):
        confusion_matrix([0, 1], [0], normalize="rows")
    with pytest.raises(InvalidParameterError, match="'beta' parameter must be a float >= 0"):
        fbeta_score([0, 1], [0, 1], beta=-1.0)


def test_a_class_never_predicted_in_the_macro_averages():
    # The chapter (sec-metrics-averages): a class that occurs but is never predicted contributes
    # the zero_division value to macro precision, and 0 to macro recall and macro F1.
    y, p = [0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 0, 1]
    for zd in (0.0, 1.0):
        prec, rec, f1, _ = precision_recall_fscore_support(y, p, zero_division=zd)
        assert (prec[2], rec[2], f1[2]) == (zd, 0.0, 0.0)
        for ours, theirs in [(precision_score, skm.precision_score),
                             (recall_score, skm.recall_score), (f1_score, skm.f1_score)]:
            assert ours(y, p, average="macro", zero_division=zd) == pytest.approx(
                theirs(y, p, average="macro", zero_division=zd), rel=1e-12)
