"""Diagnostics of learned latent spaces, anomaly detectors and sequence generators.

Each takes arrays (e.g. from `model.encode`, `model.sample_codes`, `model.anomaly_scores` or
generated sequences) and returns numbers, so it works the same for every model and can be
tested on cases with a known answer:

- latent spaces: `active_units`, `off_data_fraction`, `kl_per_dimension`;
- anomaly detection: `threshold_from_normal`, `detection_report`, and the baselines every
  detector should beat, `mean_sequence_scores` and `nearest_neighbour_scores`;
- samples of any shape: `nearest_neighbour_two_sample` (a 1-NN two-sample test);
- sequence generators, the TimeGAN metrics: `discriminative_score`, `predictive_score`
  (each trains a small post-hoc GRU, in compiled TensorFlow graphs) and
  `embed_real_and_synthetic` (coordinates for the PCA and t-SNE figures);
- held-out likelihood of a VAE: `importance_weighted_nll` (Burda et al.'s importance-weighted
  bound on -log p(x)), and `importance_weighted_bounds` with `vae_likelihood_functions`
  for that bound and the negative ELBO of any Gaussian-latent encoder-decoder pair.
"""

from __future__ import annotations

import inspect
import numbers
from typing import ClassVar, NamedTuple

import keras
import numpy as np
import tensorflow as tf

from keras_vae import losses
from keras_vae.checks import (
    check_array,
    check_choice,
    check_fraction,
    check_positive_int,
    check_same_length,
    check_seed,
)
from keras_vae.models import VAE


def active_units(z_mean, threshold: float = 0.01) -> int:
    """Counts latent dimensions the encoder actually uses.

    A dimension `j` is active when the posterior mean varies across data:
    `Var_x(E_q[z_j | x]) > threshold` (Burda et al. 2015, Section 5.2, threshold 0.01).
    A collapsed dimension has the same posterior mean, the prior's 0, for every input.

    Args:
        z_mean: posterior means `(n, latent_dim)` of n >= 2 held-out examples.
        threshold: variance above which a dimension counts as active, > 0.

    Returns:
        The number of active dimensions, an int in `[0, latent_dim]`.

    Example:
    >>> active_units(np.stack([np.linspace(-1, 1, 50), np.zeros(50)], axis=1))
    1

    Reference:
        Burda, Grosse & Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016,
        https://arxiv.org/abs/1509.00519
    """
    z_mean = check_array(z_mean, "z_mean", example_shape=(None,))
    if len(z_mean) < 2:
        raise ValueError(
            f"`z_mean` needs at least 2 examples to measure a variance. Received shape={z_mean.shape}"
        )
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0 < threshold < np.inf:
        raise ValueError(f"`threshold` must be a finite number > 0. Received: threshold={threshold!r}")
    return int(np.sum(np.var(z_mean, axis=0) > threshold))


def off_data_fraction(sampled, reference, held_out, quantile: float = 0.99) -> float:
    """Share of sampled codes that fall where no data lies.

    A code is *off the data* when its distance to the nearest `reference` code (e.g. the
    training codes) exceeds the `quantile` of the same distance over `held_out` codes (e.g.
    the test codes). By construction about `1 - quantile` of held-out codes are off the
    data, so a sampler that matches the data distribution scores about that; a sampler
    that draws into gaps or beyond the tails scores more. Decoded off-data codes are the
    blurry or mixed samples of a generative model.

    Args:
        sampled: codes to judge, `(n, latent_dim)`.
        reference: codes that define where the data is, `(m, latent_dim)`.
        held_out: codes that calibrate the distance threshold, `(k, latent_dim)`.
        quantile: in (0, 1), the held-out quantile used as the threshold.

    Returns:
        A float in [0, 1].
    """
    sampled = check_array(sampled, "sampled", example_shape=(None,))
    dim = sampled.shape[1]
    reference = check_array(reference, "reference", example_shape=(dim,))
    held_out = check_array(held_out, "held_out", example_shape=(dim,))
    quantile = check_fraction(quantile, "quantile")

    def nearest(points):  # (n, dim) -> (n,): distance to the closest reference code
        squared = (points**2).sum(1)[:, None] - 2 * points @ reference.T + (reference**2).sum(1)
        return np.sqrt(np.maximum(squared.min(axis=1), 0.0))

    threshold = np.quantile(nearest(held_out), quantile)
    return float(np.mean(nearest(sampled) > threshold))


def kl_per_dimension(z_mean, z_log_var) -> np.ndarray:
    """Mean KL divergence from the prior of each latent dimension of a VAE's posterior.

    For a diagonal Gaussian posterior `q(z | x) = N(z_mean, exp(z_log_var))` and the prior
    `N(0, I)`, the KL divergence is a sum of one term per latent dimension `j`:

    `kl_j(x) = 0.5 * (exp(z_log_var_j) + z_mean_j**2 - 1 - z_log_var_j)`  # Kingma & Welling, App. B

    This returns each `kl_j` averaged over the examples (mean over the batch, no sum over
    dimensions), so the sum of the result is the mean total KL, the `kl_loss` a VAE reports. A
    dimension with a mean KL near 0 carries no information about `x` (it has collapsed onto
    the prior); the others show how the information is spread. Computed in float64 without the
    `[-20, 20]` clamp of `keras_vae.losses`, so it equals the batch mean of
    `losses.gaussian_kl_per_dimension` whenever the log-variances lie inside that range.

    Args:
        z_mean: posterior means `(n, latent_dim)`, e.g. of held-out examples.
        z_log_var: posterior log-variances, same shape.

    Returns:
        A float64 array of shape `(latent_dim,)`, every entry >= 0.

    Example:
    >>> kl_per_dimension([[0.0, 1.0], [0.0, -1.0]], [[0.0, 0.0], [0.0, 0.0]])
    array([0. , 0.5])

    Reference:
        Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014, Appendix B,
        https://arxiv.org/abs/1312.6114
    """
    z_mean = check_array(z_mean, "z_mean", example_shape=(None,))
    z_log_var = check_array(z_log_var, "z_log_var", example_shape=(z_mean.shape[1],))
    check_same_length({"z_mean": z_mean, "z_log_var": z_log_var})
    mu, log_var = z_mean.astype("float64"), z_log_var.astype("float64")
    kl = 0.5 * (np.exp(log_var) + mu**2 - 1.0 - log_var)  # (n, latent_dim)
    return kl.mean(axis=0)  # mean over examples -> (latent_dim,)


# === Anomaly detection ===


class DetectionReport(NamedTuple):
    """Quality of thresholded anomaly scores; the anomalies (label 1) are the positive class."""

    precision: float
    recall: float
    f1: float
    roc_auc: float


def threshold_from_normal(scores, quantile: float = 0.99) -> float:
    """Chooses an anomaly threshold from the scores of normal sequences only.

    `threshold = quantile_q(scores of normal validation sequences)`, and a sequence is flagged
    as an anomaly when its score is above it, so about `1 - q` of normal sequences are flagged:
    `quantile` sets the false-positive rate you accept. Anomalies play no part. They are rare
    or unknown when a detector is built, and a threshold tuned on the labelled test anomalies
    would make the reported precision and recall optimistic.

    Args:
        scores: anomaly scores `(n,)` of normal sequences the model was not trained on, e.g.
            `LSTMAutoencoder.anomaly_scores(x_validation_normal)`.
        quantile: in (0, 1), the share of normal scores at or below the threshold.

    Returns:
        The threshold, a float (NumPy's linear interpolation between order statistics).

    Example:
    >>> threshold_from_normal(np.arange(101.0), quantile=0.9)
    90.0
    """
    scores = _check_scores(scores)
    quantile = check_fraction(quantile, "quantile")
    return float(np.quantile(scores.astype("float64"), quantile))


def detection_report(scores, labels, threshold: float) -> DetectionReport:
    """Precision, recall, F1 and ROC AUC of anomaly scores against true labels.

    A sequence is predicted anomalous when `score > threshold`. Precision, recall and F1 judge
    these predictions; ROC AUC judges the scores themselves over all thresholds, so it does not
    depend on `threshold`. When nothing is flagged, precision is reported as 0
    (scikit-learn's `zero_division=0`) rather than left undefined.

    Args:
        scores: anomaly scores `(n,)`, higher meaning more anomalous.
        labels: true labels `(n,)`, 0 (normal) or 1 (anomaly); both must occur, or ROC AUC
            is undefined.
        threshold: a finite number, e.g. from `threshold_from_normal`.

    Returns:
        `DetectionReport(precision, recall, f1, roc_auc)`, floats in [0, 1].

    Example:
    >>> detection_report([0.1, 0.2, 0.9, 0.4], [0, 0, 1, 1], threshold=0.3)
    DetectionReport(precision=1.0, recall=1.0, f1=1.0, roc_auc=1.0)
    """
    from sklearn import metrics  # imported here: only these helpers need scikit-learn

    scores = _check_scores(scores)
    try:
        labels = np.asarray(labels)
    except (ValueError, TypeError) as error:  # ragged nested lists
        raise ValueError(
            f"`labels` must be a 1-D array of 0s and 1s, one per score. Received a "
            f"{type(labels).__name__} that NumPy cannot convert: {error}"
        ) from None
    if labels.dtype == object or labels.dtype.kind not in "biuf":
        raise ValueError(f"`labels` must be numbers 0 or 1. Received dtype={labels.dtype}")
    if labels.shape != scores.shape:
        raise ValueError(
            "`scores` and `labels` must be 1-D arrays of the same length. "
            f"Received: scores.shape={scores.shape}, labels.shape={labels.shape}"
        )
    if not np.isin(labels, (0, 1)).all():
        unexpected = np.unique(labels[~np.isin(labels, (0, 1))])[:5]
        raise ValueError(
            "`labels` must be 0 (normal) or 1 (anomaly). "
            f"Received other values, e.g. {unexpected.tolist()}"
        )
    labels = labels.astype("int64")
    if labels.min() == labels.max():
        raise ValueError(
            "`labels` must contain both classes, 0 (normal) and 1 (anomaly): ROC AUC is "
            f"undefined otherwise. Received only {int(labels[0])}s ({len(labels)} labels)"
        )
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, numbers.Real)
        or not np.isfinite(threshold)
    ):
        raise ValueError(f"`threshold` must be a finite number. Received: threshold={threshold!r}")
    predicted = (scores > threshold).astype("int64")
    return DetectionReport(
        precision=float(metrics.precision_score(labels, predicted, zero_division=0.0)),
        recall=float(metrics.recall_score(labels, predicted, zero_division=0.0)),
        f1=float(metrics.f1_score(labels, predicted, zero_division=0.0)),
        roc_auc=float(metrics.roc_auc_score(labels, scores)),
    )


def mean_sequence_scores(x_normal, x) -> np.ndarray:
    """Baseline anomaly scores: the mean squared distance to the mean normal sequence.

    `score(x) = mean_{t,f} (x_tf - m_tf)^2` with `m` the step-wise mean of `x_normal`. It needs
    no training and is what an autoencoder that ignores its code would score, so it is the
    first number a reconstruction-based detector has to beat: report its ROC AUC beside the
    model's. It is strong when the sequences are aligned (heartbeats cut at the R peak, one
    day per sequence) and weak on windows cut at random phases of a periodic signal, where
    the mean sequence is nearly flat.

    Args:
        x_normal: normal sequences `(n, T, F)` (or any `(n, ...)`), e.g. the training data.
        x: sequences to score, with the same shape per example.

    Returns:
        float32 `(len(x),)`, higher meaning farther from the mean normal sequence.

    Example:
    >>> x_normal = np.zeros((4, 3, 1)); x = np.array([[[0.0], [0.0], [0.0]], [[1.0], [1.0], [1.0]]])
    >>> mean_sequence_scores(x_normal, x).tolist()
    [0.0, 1.0]
    """
    x_normal, x = _check_reference_and_queries(x_normal, x)
    mean = x_normal.astype("float64").mean(axis=0)
    return np.square(x - mean).reshape(len(x), -1).mean(axis=1).astype("float32")


def nearest_neighbour_scores(x_normal, x, batch_size: int = 256) -> np.ndarray:
    """Baseline anomaly scores: the mean squared distance to the nearest normal sequence.

    `score(x) = min_i mean_{t,f} (x_tf - x_normal[i]_tf)^2`, the distance to the closest
    sequence of `x_normal` (for windows of one long series, the "discord" distance of Yeh et
    al.'s matrix profile, without z-normalising the windows). It needs no training either, and
    it often beats learned detectors on small data: a model that scores below it has not
    earned its training time. Cost: `len(x) * len(x_normal)` distances, computed in batches.

    Args:
        x_normal: normal sequences `(n, ...)`, e.g. the training data.
        x: sequences to score, with the same shape per example.
        batch_size: queries per batch, > 0.

    Returns:
        float32 `(len(x),)`, higher meaning farther from every normal sequence.

    Example:
    >>> x_normal = np.array([[0.0, 0.0], [2.0, 2.0]]); x = np.array([[2.0, 2.0], [1.0, 1.0]])
    >>> nearest_neighbour_scores(x_normal, x).tolist()
    [0.0, 1.0]

    Reference:
        Yeh et al., "Matrix Profile I: All Pairs Similarity Joins for Time Series", ICDM
        2016, https://doi.org/10.1109/ICDM.2016.0179
    """
    x_normal, x = _check_reference_and_queries(x_normal, x)
    batch_size = check_positive_int(batch_size, "batch_size")
    reference = x_normal.reshape(len(x_normal), -1).astype("float64")  # (n, d)
    queries = x.reshape(len(x), -1).astype("float64")  # (m, d)
    squared_norms = np.square(reference).sum(axis=1)  # (n,)
    scores = np.empty(len(queries), dtype="float64")
    for start in range(0, len(queries), batch_size):
        chunk = queries[start : start + batch_size]  # (b, d)
        # |q - r|^2 = |q|^2 - 2 q.r + |r|^2; clipped at 0 against rounding.
        distances = np.square(chunk).sum(axis=1, keepdims=True) - 2 * chunk @ reference.T
        scores[start : start + len(chunk)] = np.maximum(distances + squared_norms, 0.0).min(axis=1)
    return (scores / reference.shape[1]).astype("float32")


def nearest_neighbour_two_sample(real, synthetic) -> float:
    """How well a 1-nearest-neighbour classifier tells `synthetic` from `real`, minus 0.5.

    Every example of both sets is labelled by the origin of its nearest other example
    (Euclidean distance on the flattened values, leave-one-out); the score is that
    classifier's accuracy minus 0.5. About 0 means the two sets are mixed as two samples of
    one distribution are (with equal sizes it can fall slightly below 0); 0.5 means every
    example's nearest neighbour has its origin, as when samples are blurred or memorised
    copies cluster apart. It needs no training and works for images and sequences alike;
    score real data against other real data for the floor of your set sizes. Cost:
    `(len(real) + len(synthetic))**2` distances in memory.

    Args:
        real: real examples `(n, ...)`, n >= 2.
        synthetic: generated examples `(m, ...)` of the same shape per example, m >= 2.

    Returns:
        The leave-one-out accuracy minus 0.5, in [-0.5, 0.5].

    Example:
    >>> real = np.array([[0.0], [0.1], [0.2]]); synthetic = np.array([[5.0], [5.1], [5.2]])
    >>> nearest_neighbour_two_sample(real, synthetic)
    0.5

    Reference:
        Lopez-Paz & Oquab, "Revisiting Classifier Two-Sample Tests", ICLR 2017,
        https://arxiv.org/abs/1610.06545; the 1-NN form is the one Xu et al. 2018, "An
        empirical study on evaluation metrics of generative adversarial networks",
        https://arxiv.org/abs/1806.07755, recommend.
    """
    real = check_array(real, "real")
    synthetic = check_array(synthetic, "synthetic", example_shape=real.shape[1:])
    for name, array in (("real", real), ("synthetic", synthetic)):
        if len(array) < 2:
            raise ValueError(f"`{name}` needs at least 2 examples for a leave-one-out test. Received {len(array)}")
    points = np.concatenate([real, synthetic]).reshape(len(real) + len(synthetic), -1).astype("float64")
    origin = np.r_[np.zeros(len(real)), np.ones(len(synthetic))]
    squared = np.square(points).sum(axis=1)
    distances = squared[:, None] + squared[None] - 2 * points @ points.T  # (n + m, n + m)
    np.fill_diagonal(distances, np.inf)  # leave each example out
    return float((origin[distances.argmin(axis=1)] == origin).mean() - 0.5)


def _check_reference_and_queries(x_normal, x) -> tuple[np.ndarray, np.ndarray]:
    x_normal = check_array(x_normal, "x_normal")
    x = check_array(x, "x", example_shape=x_normal.shape[1:])
    return x_normal, x


def _check_scores(scores) -> np.ndarray:
    scores = check_array(scores, "scores")
    if scores.ndim != 1:
        raise ValueError(
            f"`scores` must be a 1-D array, one score per sequence. Received shape={scores.shape}"
        )
    return scores


# === TimeGAN metrics for sequence generators ===
#
# Hyper-parameters of the reference code (github.com/jsyoon0823/TimeGAN: metrics/*.py,
# utils.py). Each is quoted where it is used.
_TRAIN_FRACTION = 0.8  # utils.train_test_divide(train_rate=0.8)
_ADAM_LEARNING_RATE = 1e-3  # tf.compat.v1.train.AdamOptimizer() defaults: lr 1e-3, betas as Keras
_ADAM_EPSILON = 1e-8  # ... and epsilon 1e-8 (Keras' default is 1e-7)
_TSNE_PERPLEXITY = 40.0  # metrics/visualization_metrics.py
_TSNE_ITERATIONS = 300

# Training steps per call of the compiled training loop. The batch indices of one call are
# drawn on the host beforehand; 1000 steps of 2 x 128 int32 indices is 1 MB.
_STEPS_PER_CALL = 1000
_PREDICT_CHUNK = 4096  # sequences per forward pass when scoring
# XLA makes the loop of tiny GRU steps many times faster on CPU. Measured on 2 cores, with
# (24, 5) sequences: 2000 discriminator steps 1.1 s instead of 12-17 s, 5000 predictor steps
# 2.1 s instead of 27-46 s (once compiled; each new array shape compiles again, ~1-2 s).
_JIT_COMPILE = True


class Score(NamedTuple):
    """A score computed `len(values)` times with different seeds: mean, std (ddof=0), values."""

    mean: float
    std: float
    values: tuple[float, ...]


def discriminative_score(
    real,
    synthetic,
    *,
    repeats: int = 10,
    iterations: int = 2000,
    batch_size: int = 128,
    hidden_dim: int | None = None,
    seed: int = 0,
) -> Score:
    """TimeGAN's discriminative score: how well a post-hoc classifier tells synthetic from real.

    Follows the reference code of Yoon et al. (2019), `metrics/discriminative_metrics.py`:

    1. Split each set on its own at random: `int(0.8 * n)` sequences to train, the rest to
       test (`utils.train_test_divide`).
    2. Train a one-layer GRU (`hidden_dim` units, tanh) whose last hidden state feeds a
       `Dense(1)` logit, for `iterations` Adam steps (learning rate 1e-3). Each step draws
       `batch_size` real and `batch_size` synthetic training sequences, each batch without
       replacement, and minimises
       `loss = mean(softplus(-logit(real))) + mean(softplus(logit(synthetic)))`  # BCE, real -> 1
    3. Label the held-out sequences of both sets with `sigmoid(logit) > 0.5` and compute the
       accuracy over all of them together (real is 1, synthetic 0).
    4. `score = |accuracy - 0.5|`: about 0 when the classifier does no better than chance,
       0.5 when it separates the sets perfectly. Lower is better.

    Steps 1-4 run `repeats` times with different seeds; the reference's `main_timegan.py`
    runs them `metric_iteration = 10` times and prints the mean, the paper's tables give
    mean ± std.

    Where the paper's text and the code differ, this follows the code: the paper describes
    the post-hoc classifier as a 2-layer LSTM and speaks of its classification error on the
    held-out set; the code trains one GRU layer of `int(num_features / 2)` units and reports
    `|accuracy - 0.5|`.

    Deliberate differences from the code:
    - Keras 3 / TF2 instead of TF1 placeholders and sessions. The training loop runs inside
      compiled graphs (`tf.function`, 1000 steps per call); batch indices are drawn on the
      host with NumPy.
    - Explicit seeds instead of the unseeded global NumPy and TensorFlow generators.
    - `hidden_dim=None` means `max(num_features // 2, 1)`: the code's `int(dim / 2)` is 0 for
      a single feature.
    - Sequences of one fixed length only. The code also accepts sequences of different
      lengths (padded, with each length passed to the RNN); this function does not.
    - A batch is capped at the number of training sequences of its set, which is what the
      code's `np.random.permutation(n)[:batch_size]` gives for small sets.
    The GRU is the TF1 `GRUCell` of the code: the reset gate is applied before the recurrent
    matrix product (Keras `reset_after=False`), gate biases start at 1 and kernels are
    Glorot-uniform (drawn per matrix, so their scale differs a little from TF1's one matrix
    for inputs and state together). One revision of the reference file uses
    `tf.keras.layers.GRUCell`, i.e. Keras' defaults, instead. Adam's epsilon is TF1's 1e-8.

    One repeat with the reference's settings on 10000 real and 10000 synthetic sequences of
    shape `(24, 5)` takes about 1-2 s on 2 CPU cores, plus about 2 s the first time for
    tracing and XLA compilation (the compiled loop is kept and reused by later calls).

    Args:
        real: real sequences `(n_real, sequence_length, num_features)`, n_real >= 2.
        synthetic: synthetic sequences of the same `(sequence_length, num_features)`, at
            least 2; their number may differ from n_real.
        repeats: how many classifiers to train and score, each from a fresh start, > 0.
        iterations: Adam steps per classifier, > 0 (reference: 2000).
        batch_size: sequences of each set per step, > 0 (reference: 128).
        hidden_dim: GRU units, > 0, or None for `max(num_features // 2, 1)`.
        seed: int >= 0. Repeat `r` draws its split, batches and initial weights from child
            `r` of `np.random.SeedSequence(seed)`, so the same seed gives the same values
            (on the same machine and software), and the first values do not depend on
            `repeats`.

    Returns:
        `Score(mean, std, values)`: mean and standard deviation (ddof=0) over the repeats and
        the `repeats` scores themselves, each in [0, 0.5].

    Example:
    >>> score = discriminative_score(x_real, x_generated, repeats=3)  # (n, 24, 5) each
    >>> print(f"{score.mean:.3f} ± {score.std:.3f}")

    Reference:
        Yoon, Jarrett & van der Schaar, "Time-series Generative Adversarial Networks",
        NeurIPS 2019, Section 5,
        https://papers.nips.cc/paper/8789-time-series-generative-adversarial-networks;
        reference code https://github.com/jsyoon0823/TimeGAN (`metrics/
        discriminative_metrics.py`, `utils.py`, `main_timegan.py`).
    """
    real, synthetic = _check_real_and_synthetic(real, synthetic, min_sequences=2)
    repeats, iterations, batch_size, seed = _check_run_settings(
        repeats, iterations, batch_size, seed
    )
    hidden_dim = _check_hidden_dim(hidden_dim, real.shape[2])

    def score_once(rng: np.random.Generator) -> float:
        real_train, real_test = _split(real, rng)
        synthetic_train, synthetic_test = _split(synthetic, rng)
        network = _PostHocNetwork.fresh(real.shape[2], hidden_dim, every_step=False, rng=rng)
        sources = [
            (real_train, min(batch_size, len(real_train))),
            (synthetic_train, min(batch_size, len(synthetic_train))),
        ]
        network.fit(sources, iterations, rng)
        correct = np.sum(network.probabilities(real_test) > 0.5) + np.sum(
            network.probabilities(synthetic_test) <= 0.5
        )
        accuracy = correct / (len(real_test) + len(synthetic_test))
        return abs(accuracy - 0.5)

    return _repeat(score_once, seed, repeats)


def predictive_score(
    real,
    synthetic,
    *,
    repeats: int = 10,
    iterations: int = 5000,
    batch_size: int = 128,
    hidden_dim: int | None = None,
    seed: int = 0,
) -> Score:
    """TimeGAN's predictive score: one-step-ahead error of a model trained on synthetic data.

    "Train on synthetic, test on real", following `metrics/predictive_metrics.py` of the
    reference code of Yoon et al. (2019):

    1. The task: from the first `num_features - 1` features up to step t, predict the last
       feature at step t + 1, at every step:
       `inputs = x[:, :-1, :-1]`, `targets = x[:, 1:, -1]`   # (n, T-1, F-1) -> (n, T-1)
    2. A one-layer GRU (tanh; `hidden_dim` units, from the full `num_features`) with a
       `Dense(1)` and a sigmoid at every step is trained on the *synthetic* sequences only,
       for `iterations` Adam steps (learning rate 1e-3) on batches of `batch_size` drawn
       without replacement, minimising the mean absolute error over batch and steps.
    3. The score is its mean absolute error on *all* real sequences: the mean over steps of
       each sequence, then the mean over sequences. Lower is better.

    Synthetic data that keep the real relations between features and across time train a
    predictor that also works on real data. The floor to compare with is the score of a
    predictor trained on real data, `predictive_score(real, real)` (the paper's "Original"
    row: about 0.095 for its sines of shape `(24, 5)`, there and here). The sigmoid output
    assumes data scaled to [0, 1], as the reference scales all its data sets (min-max);
    targets outside that range add error no model can remove.

    Where the paper's text and the code differ, this follows the code: the paper describes a
    2-layer LSTM that predicts the next-step temporal vectors; the code trains one GRU layer
    of `int(num_features / 2)` units that predicts only the last feature, from the other
    features (the last feature's own past is not an input).

    Deliberate differences from the code are those of `discriminative_score`: Keras 3 / TF2
    with the training loop in compiled graphs, explicit seeds, sequences of one fixed length
    only, and a batch capped at the number of synthetic sequences. The GRU is likewise the
    code's TF1 `GRUCell` (`reset_after=False`, gate biases starting at 1, Glorot-uniform
    kernels) and Adam's epsilon TF1's 1e-8. With one length, the code's per-sequence MAE
    averaged over sequences equals the MAE over all real steps.

    One repeat with the reference's settings on 10000 synthetic and 10000 real sequences of
    shape `(24, 5)` takes about 2-3 s on 2 CPU cores, plus about 2 s the first time for
    tracing and XLA compilation.

    Args:
        real: real sequences `(n_real, sequence_length, num_features)`, sequence_length >= 2
            and num_features >= 2 (at least one input feature and the target).
        synthetic: synthetic sequences of the same `(sequence_length, num_features)`; their
            number may differ from n_real.
        repeats: how many predictors to train and score, each from a fresh start, > 0.
        iterations: Adam steps per predictor, > 0 (reference: 5000).
        batch_size: synthetic sequences per step, > 0 (reference: 128).
        hidden_dim: GRU units, > 0, or None for `max(num_features // 2, 1)`.
        seed: int >= 0, as in `discriminative_score`.

    Returns:
        `Score(mean, std, values)`: mean and standard deviation (ddof=0) over the repeats and
        the `repeats` mean absolute errors themselves.

    Example:
    >>> score = predictive_score(x_real, x_generated, repeats=3)  # (n, 24, 5), in [0, 1]
    >>> floor = predictive_score(x_real, x_real, repeats=3)

    Reference:
        Yoon, Jarrett & van der Schaar, "Time-series Generative Adversarial Networks",
        NeurIPS 2019, Section 5,
        https://papers.nips.cc/paper/8789-time-series-generative-adversarial-networks;
        reference code https://github.com/jsyoon0823/TimeGAN (`metrics/
        predictive_metrics.py`, `main_timegan.py`).
    """
    real, synthetic = _check_real_and_synthetic(real, synthetic, min_sequences=1)
    _, sequence_length, num_features = real.shape
    if sequence_length < 2 or num_features < 2:
        raise ValueError(
            "The predictive score needs sequence_length >= 2 (a next step to predict) and "
            "num_features >= 2 (at least one input feature besides the target, the last "
            f"one). Received sequences of shape {real.shape[1:]} "
            "(sequence_length, num_features)"
        )
    repeats, iterations, batch_size, seed = _check_run_settings(
        repeats, iterations, batch_size, seed
    )
    hidden_dim = _check_hidden_dim(hidden_dim, num_features)
    real_inputs, real_targets = real[:, :-1, :-1], real[:, 1:, -1]  # (n, T-1, F-1), (n, T-1)

    def score_once(rng: np.random.Generator) -> float:
        network = _PostHocNetwork.fresh(num_features, hidden_dim, every_step=True, rng=rng)
        network.fit([(synthetic, min(batch_size, len(synthetic)))], iterations, rng)
        predictions = network.probabilities(real_inputs)[:, :, 0]  # (n, T-1)
        errors = np.abs(real_targets.astype("float64") - predictions)  # (n, T-1)
        return float(errors.mean(axis=1).mean())  # mean over steps, then over sequences

    return _repeat(score_once, seed, repeats)


def embed_real_and_synthetic(
    real, synthetic, method: str = "pca", n: int = 1000, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """2-D coordinates of real and synthetic sequences for TimeGAN's PCA and t-SNE figures.

    As in the reference code (`metrics/visualization_metrics.py`): at most `n` sequences of
    each set are drawn at random, each is reduced to its mean over features (a vector of
    `sequence_length` values), and

    - `"pca"`: a 2-component PCA is fitted on the real vectors only and applied to both sets,
      so the axes are the real data's main directions of variation;
    - `"tsne"`: t-SNE (2 components, perplexity 40, 300 iterations) embeds both sets
      together.

    Synthetic sequences that match the real distribution cover the same region as the real
    ones; a generator that has collapsed onto a few modes covers a small part of it.

    Differences from the code: each set is subsampled on its own, keeping the input order
    (the code indexes the synthetic set with the real set's random indices, which needs at
    least as many synthetic sequences as real ones); t-SNE is seeded and uses scikit-learn's
    current defaults (`init="pca"`, `learning_rate="auto"`) where the code ran with the older
    ones (random initialisation, learning rate 200). The 300 iterations are `max_iter`
    (`n_iter` before scikit-learn 1.5); scikit-learn spends the first 250 of them in its early
    exaggeration phase.

    Args:
        real: real sequences `(n_real, sequence_length, num_features)`.
        synthetic: synthetic sequences of the same `(sequence_length, num_features)`.
        method: `"pca"` or `"tsne"`.
        n: at most this many sequences of each set, > 0 (reference: 1000); a set with more
            is subsampled without replacement.
        seed: int >= 0, seeds the subsampling and t-SNE.

    Returns:
        `(real_coords, synthetic_coords)`, float64 arrays of shape `(min(n, n_real), 2)` and
        `(min(n, n_synthetic), 2)`, rows in the order of the input sequences. No plotting:
        see `keras_vae.plotting`.

    Example:
    >>> real_xy, synthetic_xy = embed_real_and_synthetic(x_real, x_generated, "pca")
    >>> plt.scatter(*real_xy.T, alpha=0.2); plt.scatter(*synthetic_xy.T, alpha=0.2)

    Reference:
        Yoon, Jarrett & van der Schaar, "Time-series Generative Adversarial Networks",
        NeurIPS 2019, Section 5 (visualisation),
        https://papers.nips.cc/paper/8789-time-series-generative-adversarial-networks;
        reference code https://github.com/jsyoon0823/TimeGAN
        (`metrics/visualization_metrics.py`).
    """
    from sklearn.decomposition import PCA  # imported here: only this helper needs them
    from sklearn.manifold import TSNE

    real, synthetic = _check_real_and_synthetic(real, synthetic, min_sequences=1)
    method = check_choice(method, "method", ("pca", "tsne"))
    n = check_positive_int(n, "n")
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)

    def reduce(x):  # a random subset of at most n sequences, each averaged over features
        if len(x) > n:
            x = x[np.sort(rng.choice(len(x), size=n, replace=False))]
        return x.astype("float64").mean(axis=2)  # (n, T, F) -> (n, T)

    real_vectors, synthetic_vectors = reduce(real), reduce(synthetic)
    if method == "pca":
        if len(real_vectors) < 2 or real_vectors.shape[1] < 2:
            raise ValueError(
                "A 2-component PCA needs at least 2 real sequences of sequence_length >= 2. "
                f"Received real.shape={real.shape}"
            )
        pca = PCA(n_components=2).fit(real_vectors)
        return pca.transform(real_vectors), pca.transform(synthetic_vectors)
    both = np.concatenate([real_vectors, synthetic_vectors])  # (n_r + n_s, T)
    if len(both) <= _TSNE_PERPLEXITY:
        raise ValueError(
            f"t-SNE with perplexity {_TSNE_PERPLEXITY:g} needs more than {_TSNE_PERPLEXITY:g} "
            f"sequences in all. Received {len(real_vectors)} real and {len(synthetic_vectors)} "
            "synthetic sequences"
        )
    # scikit-learn renamed `n_iter` to `max_iter` in 1.5 and removed `n_iter` in 1.7.
    iterations_name = "max_iter" if "max_iter" in inspect.signature(TSNE).parameters else "n_iter"
    tsne = TSNE(
        n_components=2,
        perplexity=_TSNE_PERPLEXITY,
        random_state=seed,
        **{iterations_name: _TSNE_ITERATIONS},
    )
    coords = tsne.fit_transform(both)
    return coords[: len(real_vectors)], coords[len(real_vectors) :]


def _check_real_and_synthetic(real, synthetic, min_sequences: int):
    """Both as float32 `(n, T, F)` arrays with the same `(T, F)`, each with enough sequences."""
    arrays = []
    for name, x in (("real", real), ("synthetic", synthetic)):
        x = check_array(x, name)
        if x.ndim != 3:
            raise ValueError(
                f"`{name}` must be a batch of sequences of shape (n, sequence_length, "
                f"num_features). Received shape={x.shape} (rank {x.ndim})"
            )
        if len(x) < min_sequences:
            raise ValueError(
                f"`{name}` must contain at least {min_sequences} sequences, to split them into "
                f"training ({_TRAIN_FRACTION:.0%}) and held-out ones. Received shape={x.shape}"
            )
        arrays.append(x)
    real, synthetic = arrays
    if real.shape[1:] != synthetic.shape[1:]:
        raise ValueError(
            "`real` and `synthetic` must hold sequences of the same shape (sequence_length, "
            "num_features); only their numbers may differ. Received: "
            f"real.shape={real.shape}, synthetic.shape={synthetic.shape}"
        )
    return real, synthetic


def _check_run_settings(repeats, iterations, batch_size, seed):
    return (
        check_positive_int(repeats, "repeats"),
        check_positive_int(iterations, "iterations"),
        check_positive_int(batch_size, "batch_size"),
        check_seed(seed),
    )


def _check_hidden_dim(hidden_dim, num_features: int) -> int:
    if hidden_dim is None:
        return max(num_features // 2, 1)  # the reference's int(dim / 2), but never 0
    return check_positive_int(hidden_dim, "hidden_dim")


def _repeat(score_once, seed: int, repeats: int) -> Score:
    """Runs `score_once(rng)` with the generator of each child of `SeedSequence(seed)`."""
    children = np.random.SeedSequence(seed).spawn(repeats)
    values = tuple(float(score_once(np.random.default_rng(child))) for child in children)
    return Score(mean=float(np.mean(values)), std=float(np.std(values)), values=values)


def _split(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A random `int(0.8 * n)` / rest split, as `utils.train_test_divide` of the reference."""
    order = rng.permutation(len(x))
    n_train = int(len(x) * _TRAIN_FRACTION)
    return x[order[:n_train]], x[order[n_train:]]


def _tf1_gru_bias(shape, dtype=None):
    """The bias of TF1's `GRUCell` for a Keras GRU with `reset_after=False` (gates z, r, h):
    1 for the update and reset gates, so both start mostly open, and 0 for the candidate."""
    units = shape[0] // 3
    return keras.ops.concatenate(
        [keras.ops.ones((2 * units,), dtype=dtype), keras.ops.zeros((units,), dtype=dtype)]
    )


def _post_hoc_gru(num_inputs: int, hidden_dim: int, *, every_step: bool, seed: int):
    """The reference's post-hoc network: GRU -> Dense(1) logit, at the last or every step.

    float32 whatever the global dtype policy; every initialiser draws from one seeded
    `SeedGenerator`, so the initial weights depend on `seed` only.
    """
    seeds = keras.random.SeedGenerator(seed)
    inputs = keras.Input((None, num_inputs), dtype="float32")
    hidden = keras.layers.GRU(
        hidden_dim,
        activation="tanh",
        return_sequences=every_step,
        reset_after=False,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seeds),
        recurrent_initializer=keras.initializers.GlorotUniform(seed=seeds),
        bias_initializer=_tf1_gru_bias,
        dtype="float32",
    )(inputs)  # (batch, hidden_dim) or (batch, T, hidden_dim)
    logits = keras.layers.Dense(
        1, kernel_initializer=keras.initializers.GlorotUniform(seed=seeds), dtype="float32"
    )(hidden)  # (batch, 1) or (batch, T, 1)
    return keras.Model(inputs, logits)


class _PostHocNetwork:
    """A post-hoc GRU with its Adam optimizer and its training loop compiled into a graph.

    Two kinds, as in the reference: the discriminator (`every_step=False`: one logit per
    sequence, real vs synthetic) and the predictor (`every_step=True`: the next value of the
    last feature at every step, from the other features). One network per configuration is
    built and cached; `fresh` resets it to new seeded weights and a new optimizer state, which
    is the same as building it anew, so every repeat of every call reuses one traced and
    compiled loop instead of tracing its own.
    """

    _cache: ClassVar[dict] = {}  # (num_features, hidden_dim, every_step) -> network

    @classmethod
    def fresh(cls, num_features: int, hidden_dim: int, *, every_step: bool, rng):
        key = (num_features, hidden_dim, every_step)
        if key not in cls._cache:
            cls._cache[key] = cls(*key)
        network = cls._cache[key]
        network.reset(seed=int(rng.integers(2**31 - 1)))
        return network

    def __init__(self, num_features: int, hidden_dim: int, every_step: bool):
        # The predictor sees all features but the last, its target.
        self.num_inputs = num_features - 1 if every_step else num_features
        self.hidden_dim = hidden_dim
        self.every_step = every_step
        self.model = _post_hoc_gru(self.num_inputs, hidden_dim, every_step=every_step, seed=0)
        variables = self.model.trainable_variables
        self.optimizer = keras.optimizers.Adam(
            learning_rate=_ADAM_LEARNING_RATE, epsilon=_ADAM_EPSILON
        )
        self.optimizer.build(variables)  # the moment slots must exist before tracing
        self._fresh_optimizer_state = [
            keras.ops.convert_to_numpy(v) for v in self.optimizer.variables
        ]
        loss_fn = self._predictor_loss if every_step else self._discriminator_loss
        n_sources = 1 if every_step else 2
        sequences = tf.TensorSpec((None, None, num_features), tf.float32)
        signature = [[sequences] * n_sources, [tf.TensorSpec((None, None), tf.int32)] * n_sources]

        @tf.function(input_signature=signature, jit_compile=_JIT_COMPILE)
        def run_steps(arrays, indices):  # indices: (steps, batch) per array
            for step in tf.range(tf.shape(indices[0])[0]):
                batches = [tf.gather(array, index[step]) for array, index in zip(arrays, indices)]
                with tf.GradientTape() as tape:
                    loss = loss_fn(*batches)
                self.optimizer.apply(tape.gradient(loss, variables), variables)

        self._run_steps = run_steps

    def reset(self, seed: int) -> None:
        fresh = _post_hoc_gru(
            self.num_inputs, self.hidden_dim, every_step=self.every_step, seed=seed
        )
        self.model.set_weights(fresh.get_weights())
        for variable, value in zip(self.optimizer.variables, self._fresh_optimizer_state):
            variable.assign(value)

    def _discriminator_loss(self, real_batch, synthetic_batch):  # (b_r, T, F), (b_s, T, F)
        # One GRU pass over both batches; the loss keeps the reference's two separate means.
        logits = self.model(tf.concat([real_batch, synthetic_batch], axis=0))  # (b_r + b_s, 1)
        n_real = tf.shape(real_batch)[0]
        real_loss = tf.reduce_mean(tf.math.softplus(-logits[:n_real]))  # BCE with label 1
        synthetic_loss = tf.reduce_mean(tf.math.softplus(logits[n_real:]))  # BCE with label 0
        return real_loss + synthetic_loss

    def _predictor_loss(self, batch):  # (b, T, F)
        predictions = tf.sigmoid(self.model(batch[:, :-1, :-1]))  # (b, T-1, 1)
        return tf.reduce_mean(tf.abs(batch[:, 1:, -1:] - predictions))  # mean over b and T-1

    def fit(self, sources, iterations: int, rng: np.random.Generator) -> None:
        """Minimises the loss by Adam for `iterations` steps on random batches.

        `sources` is a list of `(array, batch_size)`: every step draws `batch_size` rows of
        each array, without replacement and independently of the other array. The indices are
        drawn on the host with `rng`, `_STEPS_PER_CALL` steps at a time, so the graph holds no
        random op (a run repeats exactly) and Python runs once per 1000 steps, not per step.
        """
        arrays = [tf.convert_to_tensor(array) for array, _ in sources]
        for start in range(0, iterations, _STEPS_PER_CALL):
            steps = min(_STEPS_PER_CALL, iterations - start)
            indices = [
                np.stack(
                    [rng.choice(len(array), size, replace=False) for _ in range(steps)]
                ).astype("int32")
                for array, size in sources
            ]
            self._run_steps(arrays, indices)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """`sigmoid(logits)` of `x` as float32 NumPy, in chunks of `_PREDICT_CHUNK` sequences."""
        chunks = [
            keras.ops.convert_to_numpy(
                keras.ops.sigmoid(self.model(x[start : start + _PREDICT_CHUNK]))
            )
            for start in range(0, len(x), _PREDICT_CHUNK)
        ]
        return np.concatenate(chunks)


# === Held-out likelihood ===
#
# Burda, Grosse & Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016,
# https://arxiv.org/abs/1509.00519, Section 3, the k-sample bound:
#
#   L_k(x) = E[log (1/k) sum_i w_i],   w_i = p(x, z_i) / q(z_i | x),   z_i ~ q(z | x)
#
# L_1 is the ELBO, L_k <= L_{k+1} <= log p(x) (their Theorem 1), and L_k -> log p(x) as
# k -> infinity when the weights are bounded. The paper's experiments report -L_5000 on test
# data as the negative log-likelihood.

# The weights run in a compiled graph (`tf.function`) without XLA. Measured on 2 shared cores:
# a DenseVAE (hidden_dims=(256, 128)) on the 359 test digits, k = 1000: 1.3-1.5 s in a graph,
# 2.1-2.3 s with XLA; k = 5000: 10.7 s either way; an LSTMVAE (24 x 5, 64 units) on 200
# sequences, k = 500: 5.0 s in a graph, 7.6 s with XLA. The decoder's matrix products dominate
# and XLA adds its compile time to every call.
_IWAE_JIT_COMPILE = False


class LikelihoodBounds(NamedTuple):
    """Per-example estimates from the same `k` importance samples, in nats.

    Attributes:
        nll: `(n,)` float64, `-log((1/k) sum_i w_i)`: the importance-weighted estimate of
            -log p(x), an upper bound on it in expectation (-L_k of Burda et al. 2016).
        negative_elbo: `(n,)` float64, `-(1/k) sum_i log w_i`: an unbiased estimate of the
            negative ELBO (-L_1), the quantity a VAE with beta = 1 and no free bits minimises.
            Always >= `nll`, example by example (a mean of logs is at most the log of the mean).
    """

    nll: np.ndarray
    negative_elbo: np.ndarray


def vae_likelihood_functions(model):
    """The two functions that define a keras_vae VAE's importance weights.

    Args:
        model: a `keras_vae.VAE` (`DenseVAE`, `LSTMVAE`, or your own networks).

    Returns:
        `(encode, log_likelihood)` for `importance_weighted_bounds`: `encode(x)` gives
        `(z_mean, z_log_var)` of q(z | x); `log_likelihood(x, z)` gives log p(x | z) summed
        over data dimensions, `(batch,)`, with the model's own observation model (the
        function its `reconstruction_loss` uses), and for an autoregressive `LSTMVAE`
        `sum_t log p(x_t | z, x_<t)` with the true previous steps (teacher forcing, no step
        dropout). Neither involves `beta`, `kl_weight` or `free_bits`: those shape the
        training objective, not the model's density.
    """
    if not isinstance(model, VAE):
        raise ValueError(  # noqa: TRY004 (the package raises ValueError for every bad argument)
            "`model` must be a keras_vae VAE (DenseVAE, LSTMVAE, or VAE over your own networks: "
            f"an encoder that gives z_mean and z_log_var). Received: model of type {type(model).__name__}"
        )

    def encode(x):
        z_mean, z_log_var = model.encoder(x, training=False)
        return z_mean, z_log_var

    def log_likelihood(x, z):
        return model.log_likelihood(x, z, training=False)  # Eq. (1) of the models, (batch,)

    return encode, log_likelihood


def importance_weighted_nll(
    model, x, *, num_samples: int = 1000, batch_size: int = 4096, seed: int = 0
) -> np.ndarray:
    """Importance-weighted estimate of the negative log-likelihood -log p(x) of a VAE.

    `nll(x) = -log((1/k) sum_{i=1..k} p(x | z_i) p(z_i) / q(z_i | x)),  z_i ~ q(z | x)`
    # Burda et al. 2016, Section 3 (L_k), with k = `num_samples`

    The expectation of this estimate is an upper bound on the true -log p(x) that tightens
    as k grows (Burda et al., Theorem 1) and reaches it as k -> infinity. With k = 1 it is
    a one-sample estimate of the negative ELBO, `reconstruction_loss + kl_loss` of the model
    with beta = 1 (with the KL estimated from the sample instead of in closed form). When
    q(z | x) is the exact posterior every weight equals p(x), and the estimate is exact for
    any k. Burda et al. report k = 5000 on test data. The value does not depend on the
    model's `beta`, `kl_weight` or `free_bits`: it scores the model p(x | z) p(z), not the
    objective it was trained with.

    For a Bernoulli likelihood on grey values in (0, 1) (e.g. the digits), p(x | z) is not
    a normalised density over [0, 1] (see `losses.bernoulli_log_likelihood`), so the figure
    compares models with the same likelihood; it is not a density of the data. A Gaussian
    likelihood gives a density, which can exceed 1, so the NLL can be negative.

    Args:
        model: a `DenseVAE` or `LSTMVAE`.
        x: `(n, *example_shape)` examples, e.g. the test split, in [0, 1] for a Bernoulli
            likelihood.
        num_samples: k, importance samples per example, >= 1.
        batch_size: (example, sample) pairs decoded in one pass, >= 1; bounds memory. The
            k samples of `max(1, batch_size // k)` examples go through together, or, when
            k > `batch_size`, the samples of one example in chunks of `batch_size`.
        seed: integer >= 0. The noise is drawn on the host from `numpy.random.default_rng(seed)`
            in the order (example, sample, latent dimension), so a call repeats exactly and
            does not depend on `batch_size` (up to float32 rounding); it never touches the
            model's own random streams.

    Returns:
        float64 array `(n,)`: the estimate for each example, in nats; average it over
        examples for a data set's NLL.

    Example:
    >>> nll = importance_weighted_nll(vae, digits.x_test, num_samples=1000)
    >>> float(nll.mean())  # nats per image, <= the negative ELBO on average

    Reference:
        Burda, Grosse & Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016,
        https://arxiv.org/abs/1509.00519
    """
    encode, log_likelihood = vae_likelihood_functions(model)
    x = check_array(
        x, "x", example_shape=model.example_shape, value_range=model.data_spec.value_range,
        range_reason=model.data_spec.range_reason, owner="importance_weighted_nll",
    )
    return importance_weighted_bounds(
        encode, log_likelihood, x, num_samples=num_samples, batch_size=batch_size, seed=seed
    ).nll


def importance_weighted_bounds(
    encode, log_likelihood, x, *, num_samples: int = 1000, batch_size: int = 4096, seed: int = 0
) -> LikelihoodBounds:
    """Importance-weighted NLL and negative ELBO for any encoder-decoder pair with a diagonal
    Gaussian q(z | x) and the prior N(0, I).

    The general form of `importance_weighted_nll`, for models that are not keras_vae VAEs
    (wrap their networks in two functions). For each example and each of the k samples:

    `z = z_mean + exp(0.5 * z_log_var) * eps,  eps ~ N(0, I)`   # the reparameterised draw
    `log q(z | x) = log N(eps; 0, I) - 0.5 * sum_j z_log_var_j`  # change of variables eps -> z
    `log w = log p(x | z) + log N(z; 0, I) - log q(z | x)`       # Burda et al. 2016, Section 3

    then `nll = -logmeanexp_i(log w_i)` and `negative_elbo = -mean_i(log w_i)` per example
    (the log-mean-exp in float64 on the host). Writing log q through `eps` avoids the
    cancellation in `z - z_mean` when the posterior is narrow. Log-variances are clamped to
    `[losses.LOG_VAR_MIN, losses.LOG_VAR_MAX]` as in `Sampling`. The weights run in one
    compiled graph (`tf.function`), traced once per call.

    Args:
        encode: `encode(x) -> (z_mean, z_log_var)`, each `(batch, latent_dim)`.
        log_likelihood: `log_likelihood(x, z) -> (batch,)`, log p(x | z) summed over data
            dimensions, for `x` `(batch, *example_shape)` and `z` `(batch, latent_dim)`.
        x: `(n, *example_shape)` examples.
        num_samples, batch_size, seed: as in `importance_weighted_nll`.

    Returns:
        `LikelihoodBounds(nll, negative_elbo)`, two float64 arrays `(n,)`, nats.
    """
    if not callable(encode) or not callable(log_likelihood):
        raise ValueError(  # noqa: TRY004
            "`encode` and `log_likelihood` must be callables. Received: "
            f"encode of type {type(encode).__name__}, log_likelihood of type {type(log_likelihood).__name__}"
        )
    x = check_array(x, "x", owner="importance_weighted_bounds")
    num_samples = check_positive_int(num_samples, "num_samples")
    batch_size = check_positive_int(batch_size, "batch_size")
    seed = check_seed(seed)
    latent_dim = _check_likelihood_functions(encode, log_likelihood, x[:1])

    # Fixed chunk shapes, (examples, samples) = (e, s) with e * s <= batch_size, so the graph
    # compiles once; the last chunks are padded and the padding's weights dropped.
    samples_per_pass = min(num_samples, batch_size)
    examples_per_pass = min(len(x), max(1, batch_size // num_samples))
    log_weights = _log_weight_function(encode, log_likelihood)
    rng = np.random.default_rng(seed)
    nll, negative_elbo = [], []
    for start in range(0, len(x), examples_per_pass):
        x_chunk = _pad_rows(x[start : start + examples_per_pass], examples_per_pass)
        used = min(examples_per_pass, len(x) - start)
        chunk_weights = []  # (used, s) blocks, s <= samples_per_pass
        for sample_start in range(0, num_samples, samples_per_pass):
            used_samples = min(samples_per_pass, num_samples - sample_start)
            # float64 draws consume the stream in order, so the noise of example i, sample j
            # is the same however the pairs are chunked.
            eps = rng.standard_normal((used, used_samples, latent_dim)).astype("float32")
            eps = _pad_rows(_pad_rows(eps, examples_per_pass).swapaxes(0, 1), samples_per_pass)
            weights = log_weights(x_chunk, eps.swapaxes(0, 1))  # (e, s)
            chunk_weights.append(np.asarray(weights, dtype="float64")[:used, :used_samples])
        w = np.concatenate(chunk_weights, axis=1)  # (used, k): log w_i, float64
        peak = w.max(axis=1, keepdims=True)  # log-mean-exp without overflow
        nll.append(-(peak[:, 0] + np.log(np.mean(np.exp(w - peak), axis=1))))
        negative_elbo.append(-w.mean(axis=1))
    return LikelihoodBounds(nll=np.concatenate(nll), negative_elbo=np.concatenate(negative_elbo))


def _check_likelihood_functions(encode, log_likelihood, x_one) -> int:
    """Calls both functions eagerly on one example; returns latent_dim or raises ValueError."""
    outputs = encode(x_one)
    if not isinstance(outputs, (tuple, list)) or len(outputs) != 2:
        raise ValueError(
            "`encode(x)` must return two tensors (z_mean, z_log_var). Received: "
            f"{type(outputs).__name__} of length {len(outputs) if isinstance(outputs, (tuple, list)) else 1}"
        )
    z_mean, z_log_var = (tuple(keras.ops.shape(t)) for t in outputs)
    if len(z_mean) != 2 or z_mean != z_log_var or z_mean[0] != 1:
        raise ValueError(
            "`encode(x)` must return z_mean and z_log_var of the same shape (batch, latent_dim). "
            f"Received shapes {z_mean} and {z_log_var} for a batch of 1"
        )
    latent_dim = int(z_mean[1])
    log_px = tuple(keras.ops.shape(log_likelihood(x_one, keras.ops.zeros((1, latent_dim)))))
    if log_px != (1,):
        raise ValueError(
            "`log_likelihood(x, z)` must return one value per example, shape (batch,). "
            f"Received shape {log_px} for a batch of 1"
        )
    return latent_dim


def _pad_rows(array: np.ndarray, rows: int) -> np.ndarray:
    """Pads axis 0 to `rows` by repeating the first row (its results are discarded)."""
    if len(array) == rows:
        return array
    return np.concatenate([array, np.repeat(array[:1], rows - len(array), axis=0)])


def _log_weight_function(encode, log_likelihood):
    """A compiled `(x (e, *shape), eps (e, s, latent_dim)) -> log w (e, s)`."""

    # No Python control flow inside, so no AutoGraph (which cannot convert this closure).
    @tf.function(jit_compile=_IWAE_JIT_COMPILE, autograph=False)
    def log_weights(x, eps):
        e, s, latent_dim = eps.shape
        z_mean, z_log_var = encode(x)  # (e, latent_dim) each
        z_mean = keras.ops.cast(z_mean, "float32")
        z_log_var = losses.clip_log_var(z_log_var)
        z = z_mean[:, None, :] + keras.ops.exp(0.5 * z_log_var)[:, None, :] * eps  # (e, s, latent_dim)
        z = keras.ops.reshape(z, (e * s, latent_dim))
        x_repeated = keras.ops.repeat(x, s, axis=0)  # (e * s, *shape), example-major like z
        log_px_given_z = keras.ops.reshape(log_likelihood(x_repeated, z), (e, s))
        log_prior = keras.ops.reshape(losses.gaussian_log_likelihood(z, 0.0, 0.0), (e, s))
        log_eps = keras.ops.reshape(
            losses.gaussian_log_likelihood(keras.ops.reshape(eps, (e * s, latent_dim)), 0.0, 0.0), (e, s)
        )
        log_q = log_eps - 0.5 * keras.ops.sum(z_log_var, axis=-1)[:, None]  # (e, s)
        return log_px_given_z + log_prior - log_q  # log w, Burda et al. 2016, Section 3

    return log_weights
