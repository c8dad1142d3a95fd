r"""Resamples of an ensemble's members, and fitting the members in worker processes.

Every member of an ensemble gets its own integer seed, drawn from ``random_state`` as
scikit-learn draws it (``randint(2**31 - 1)`` per member); the member's bootstrap sample is drawn
from a fresh ``RandomState(seed)``, so it can be regenerated at any time from the seed alone
(:func:`bootstrap_indices`), nothing of size ``n`` is stored per member, and the out-of-bag
samples of a member are those its resample never drew (:func:`oob_mask`). With sample weights
the resample draws each sample with probability proportional to its weight, as scikit-learn
(1.9) does, so that an integer weight acts like a repeated row in distribution. A bootstrap
sample is passed to a member as integer weights (how many times each sample was drawn), which
for a tree is the same fit as on the repeated rows, without copying them.

The members are fitted in ``n_jobs`` worker processes (joblib's loky backend), each fitting an
equal share of them: the data go to each worker once, not once per member.
"""

from numbers import Integral

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.utils import check_random_state

from mlmath.validation import Interval

__all__ = ["MAX_SEED", "N_JOBS", "member_seeds", "child_seed", "bootstrap_indices",
           "resample_size", "bootstrap_counts", "oob_mask", "fit_in_parallel"]

MAX_SEED = np.iinfo(np.int32).max  # seeds are drawn in [0, MAX_SEED), as scikit-learn's

# n_jobs: None (one process), a positive count, or -1, -2, ... (all cores, all but one, ...)
N_JOBS = [Interval(Integral, 1, None), Interval(Integral, None, -1), None]


def member_seeds(random_state, n_members):
    """One integer seed per member of an ensemble, drawn from ``random_state``.

    Parameters
    ----------
    random_state : int, RandomState instance or None
        The ensemble's seed.
    n_members : int
        Number of members.

    Returns
    -------
    ndarray of shape (n_members,), int
        ``check_random_state(random_state).randint(MAX_SEED, size=n_members)``.
    """
    return check_random_state(random_state).randint(MAX_SEED, size=n_members)


def child_seed(seed):
    """The seed of a tree's feature draws, a child of its member seed.

    The member seed itself starts the generator of the resample (:func:`bootstrap_indices`, as
    scikit-learn's); seeding the feature draws with it too would make them read the same
    pseudo-random stream, whose first word also gives the first index of the resample. The child
    is spawned by :class:`numpy.random.SeedSequence`, which hashes the member seed, so the two
    generators start from unrelated states. (Independence of the two is still an idealisation,
    as for any pseudo-random numbers.)

    Parameters
    ----------
    seed : int
        The member's seed (:func:`member_seeds`).

    Returns
    -------
    int
        A seed in ``[0, 2**32)``, ``SeedSequence(seed).spawn(1)[0].generate_state(1)[0]``.

    Notes
    -----
    Used for the feature draws of {prf:ref}`alg-rf-forest` of the random forests chapter.
    """
    return int(np.random.SeedSequence(int(seed)).spawn(1)[0].generate_state(1)[0])


def bootstrap_indices(seed, n_samples, n_draws=None, sample_weight=None):
    """The bootstrap sample of one member: ``n_draws`` indices drawn with replacement.

    Parameters
    ----------
    seed : int
        The member's seed (:func:`member_seeds`).
    n_samples : int
        Size of the training set.
    n_draws : int, default=None
        Size of the resample (``None``: ``n_samples``).
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        Non-negative weights with a positive sum: sample ``i`` is drawn with probability
        ``sample_weight[i] / sample_weight.sum()`` (``None``: uniformly).

    Returns
    -------
    ndarray of shape (n_draws,), int
        ``RandomState(seed).randint(0, n_samples, n_draws)`` (or ``choice`` with the weights as
        probabilities), scikit-learn's forests' draw.

    Notes
    -----
    Implements the resample {eq}`eq-rf-bootstrap` of the random forests chapter.
    """
    n_draws = n_samples if n_draws is None else n_draws
    rs = np.random.RandomState(seed)
    if sample_weight is None:
        return rs.randint(0, n_samples, n_draws)
    return rs.choice(n_samples, n_draws, replace=True, p=sample_weight / np.sum(sample_weight))


def resample_size(max_samples, n_samples, sample_weight=None):
    """Number of draws of a resample, scikit-learn's rule for ``max_samples``.

    Parameters
    ----------
    max_samples : int, float or None
        ``None``: ``n_samples``; an int: itself; a float: that fraction of ``n_samples`` (of the
        total weight with sample weights), rounded down and at least 1.
    n_samples : int
        Size of the training set.
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        The sample weights.

    Returns
    -------
    int
    """
    if max_samples is None:
        return int(n_samples)
    if isinstance(max_samples, Integral):
        return int(max_samples)
    total = n_samples if sample_weight is None else float(np.sum(sample_weight))
    return max(int(max_samples * total), 1)


def bootstrap_counts(seed, n_samples, n_draws=None, sample_weight=None):
    """How many times each sample was drawn into a member's bootstrap sample.

    Parameters
    ----------
    seed : int
        The member's seed.
    n_samples : int
        Size of the training set.
    n_draws : int, default=None
        Size of the resample (``None``: ``n_samples``).
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        Drawing probabilities, as in :func:`bootstrap_indices`.

    Returns
    -------
    ndarray of shape (n_samples,), float
        Counts summing to ``n_draws``; used as sample weights.

    Notes
    -----
    The counts :math:`c_i` of {eq}`eq-rf-bootstrap-counts` of the random forests chapter.
    """
    return np.bincount(bootstrap_indices(seed, n_samples, n_draws, sample_weight),
                       minlength=n_samples).astype(np.float64)


def oob_mask(seed, n_samples, n_draws=None, sample_weight=None):
    """The out-of-bag samples of a member: those its bootstrap sample never drew.

    Parameters
    ----------
    seed : int
        The member's seed.
    n_samples : int
        Size of the training set.
    n_draws : int, default=None
        Size of the resample (``None``: ``n_samples``).
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        Drawing probabilities, as in :func:`bootstrap_indices`.

    Returns
    -------
    ndarray of shape (n_samples,), bool
        True for an out-of-bag sample; a fraction near :math:`(1 - 1/n)^n \approx e^{-1}` of
        them when ``n_draws = n`` and there are no weights.

    Notes
    -----
    The out-of-bag set of {eq}`eq-rf-oob-fraction` of the random forests chapter.
    """
    return bootstrap_counts(seed, n_samples, n_draws, sample_weight) == 0


def _fit_share(fit_one, members, args):
    """Fit a worker's share of the members (runs in the worker)."""
    return [fit_one(member, *args) for member in members]


def fit_in_parallel(fit_one, members, args, n_jobs):
    """Fit every member with ``fit_one(member, *args)``, in ``n_jobs`` processes.

    Parameters
    ----------
    fit_one : callable
        A module-level function (it is pickled to the workers) returning the fitted member.
    members : list
        The unfitted members, each carrying what it needs (its seed).
    args : tuple
        The data, shared by every member, sent once to each worker.
    n_jobs : int or None
        Number of processes (joblib's convention: ``None`` is one, ``-1`` all cores).

    Returns
    -------
    list
        The fitted members, in the order of ``members``.

    Notes
    -----
    Processes, not threads: the members' fits are NumPy code that holds the interpreter lock
    between array operations (see {ref}`sec-rf-complexity` of the random forests chapter).
    """
    n_jobs = min(effective_n_jobs(n_jobs), len(members))
    if n_jobs <= 1:
        return _fit_share(fit_one, members, args)
    shares = [list(s) for s in np.array_split(np.arange(len(members)), n_jobs)]
    done = Parallel(n_jobs=n_jobs, backend="loky")(
        delayed(_fit_share)(fit_one, [members[i] for i in share], args) for share in shares)
    return [m for part in done for m in part]
