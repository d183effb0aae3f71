"""Every figure function draws under Agg, saves a PNG, and rejects mismatched input."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from keras_vae import plotting

IMAGES = np.random.default_rng(0).random((12, 8, 8))


def test_plotting_basics(tmp_path):
    figures = {
        "grid": plotting.image_grid(IMAGES, 4),
        "reconstructions": plotting.reconstruction_grid(IMAGES, IMAGES[::-1], n=6),
        "samples": plotting.sample_grid(IMAGES.reshape(12, 64), image_shape=(8, 8)),
        "scatter": plotting.latent_scatter(np.random.default_rng(1).normal(size=(12, 2)), np.arange(12) % 10),
        "latent_grid": plotting.decoded_latent_grid(lambda z: np.repeat(z[:, :1], 64, 1).reshape(-1, 8, 8), n=5),
        "curves": plotting.training_curves({"loss": [3, 2, 1], "val_loss": [3.5, 2.5, 2.0], "kl_loss": [0, 1, 1]}),
    }
    for name, figure in figures.items():
        assert isinstance(figure, Figure)
        path = tmp_path / f"{name}.png"
        plotting.save_figure(figure, path)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plotting_errors():
    with pytest.raises(ValueError, match="same shape"):
        plotting.reconstruction_grid(IMAGES, IMAGES[:, :4])


# Sequence figures: tiny arrays (6 sequences of 10 steps, 3 features) keep every test fast.
RNG = np.random.default_rng(2)
SEQUENCES = RNG.normal(size=(6, 10, 3)).cumsum(axis=1)  # (n, timesteps, features)
SCORES = np.concatenate([RNG.random(20), 2.0 + RNG.random(5)])  # 20 normal, 5 anomalous
SCORE_LABELS = np.array([0] * 20 + [1] * 5)
HISTORY = {"loss": [5.0, 4.0, 3.5], "kl_weight": [0.0, 0.5, 1.0], "kl_loss": [9.0, 4.0, 3.0],
           "val_kl_loss": [9.5, 4.5, 3.2], "active_units": [2, 2, 1]}


def _png(path):
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


SEQUENCE_FIGURES = {
    "sequence_grid": (lambda **kw: plotting.sequence_grid(SEQUENCES, overlay=SEQUENCES + 0.1, n=5, ncols=2, **kw), 5),
    "real_vs_synthetic": (lambda **kw: plotting.real_vs_synthetic(SEQUENCES, SEQUENCES[::-1], n=4, **kw), 2),
    "forecast_plot": (lambda **kw: plotting.forecast_plot(SEQUENCES[0, :7], SEQUENCES[0, 7:], SEQUENCES[1, 7:], **kw), 1),
    "forecast_grid": (lambda **kw: plotting.forecast_grid(SEQUENCES[:, :7], SEQUENCES[:, 7:], SEQUENCES[:, 7:] + 1, n=4, **kw), 4),
    "forecast_vs_truth": (lambda **kw: plotting.forecast_vs_truth(SEQUENCES[0, :, 0], SEQUENCES[0, 3:, 0] + 0.1, start=3, **kw), 1),
    "anomaly_scores_plot": (lambda **kw: plotting.anomaly_scores_plot(SCORES, SCORE_LABELS, 1.5, **kw), 1),
    "anomaly_score_histogram": (lambda **kw: plotting.anomaly_score_histogram(SCORES, SCORE_LABELS, 1.5, **kw), 1),
    "anomaly_summary": (lambda **kw: plotting.anomaly_summary(SCORES, SCORE_LABELS, 1.5, **kw), 2),
    "annealing_curves": (lambda **kw: plotting.annealing_curves(HISTORY, **kw), 3),
    "embedding_scatter": (lambda **kw: plotting.embedding_scatter(SCORES[:10].reshape(5, 2), SCORES[10:24].reshape(-1, 2), **kw), 1),
    "embedding_panels": (lambda **kw: plotting.embedding_panels({"PCA": (SEQUENCES[0, :, :2], SEQUENCES[1, :, :2]), "t-SNE": (SEQUENCES[2, :, :2], SEQUENCES[3, :, :2])}, **kw), 2),
    "kl_per_dimension_bar": (lambda **kw: plotting.kl_per_dimension_bar([0.0, 1.2, 0.01, 3.0], threshold=0.1, **kw), 1),
}


@pytest.mark.parametrize("name", SEQUENCE_FIGURES)
def test_sequence_figures_basics(name, tmp_path):
    draw, num_axes = SEQUENCE_FIGURES[name]
    path = tmp_path / "nested" / f"{name}.png"
    figure = draw(path=path)
    assert isinstance(figure, Figure)
    assert len(figure.axes) == num_axes
    assert _png(path)


def test_sequence_figures_accept_axes():
    figure = Figure(layout="constrained")
    axes = figure.subplots(3, 4).ravel()
    drawn = [
        plotting.forecast_plot(SEQUENCES[0, :7, 0], None, SEQUENCES[0, 7:, 0], ax=axes[0]),
        plotting.forecast_vs_truth(SEQUENCES[0], SEQUENCES[0], ax=axes[1]),
        plotting.anomaly_scores_plot(SCORES, None, None, ax=axes[2]),
        plotting.anomaly_score_histogram(SCORES, SCORE_LABELS, 1.5, ax=axes[3]),
        plotting.embedding_scatter(SEQUENCES[0, :, :2], SEQUENCES[1, :, :2], ax=axes[4]),
        plotting.kl_per_dimension_bar(np.ones(3), ax=axes[5]),
        plotting.real_vs_synthetic(SEQUENCES, SEQUENCES, axes=axes[6:8]),
        plotting.anomaly_summary(SCORES, SCORE_LABELS, 1.5, axes=axes[8:10]),
        plotting.embedding_panels({"PCA": (SEQUENCES[0, :, :2], SEQUENCES[1, :, :2])}, axes=axes[10:11]),
    ]
    assert all(result is figure for result in drawn)
    assert len(figure.axes) == 12  # drawn into, not added to
    assert all(ax.has_data() for ax in axes[:11])
    assert axes[6].get_ylim() == axes[7].get_ylim()


def test_sequence_grid_correctness():
    overlay = SEQUENCES * 0.5
    figure = plotting.sequence_grid(SEQUENCES, overlay=overlay, titles=list("abcdef"), ncols=4)
    assert len(figure.axes) == 6  # the two unused cells of the 2 x 4 grid are removed
    first = figure.axes[0]
    assert len(first.lines) == 6  # 3 features of the sequence, then 3 of the overlay
    np.testing.assert_allclose(first.lines[0].get_ydata(), SEQUENCES[0, :, 0])
    np.testing.assert_allclose(first.lines[3].get_ydata(), overlay[0, :, 0])
    assert first.lines[3].get_linestyle() == "--"
    np.testing.assert_allclose(figure.axes[5].lines[2].get_ydata(), SEQUENCES[5, :, 2])
    assert [ax.get_title() for ax in figure.axes] == list("abcdef")
    assert first.get_legend() is not None
    # One chosen feature, and (n, timesteps) univariate input.
    one = plotting.sequence_grid(SEQUENCES, feature=2, n=2)
    assert [len(ax.lines) for ax in one.axes] == [1, 1]
    np.testing.assert_allclose(one.axes[1].lines[0].get_ydata(), SEQUENCES[1, :, 2])
    univariate = plotting.sequence_grid(SEQUENCES[:, :, 0])
    np.testing.assert_allclose(univariate.axes[0].lines[0].get_ydata(), SEQUENCES[0, :, 0])


def test_real_vs_synthetic_correctness():
    synthetic = 3.0 * SEQUENCES[:4]
    figure = plotting.real_vs_synthetic(SEQUENCES, synthetic, n=5, feature=1)
    left, right = figure.axes
    assert (len(left.lines), len(right.lines)) == (5, 4)
    np.testing.assert_allclose(left.lines[0].get_ydata(), SEQUENCES[0, :, 1])
    np.testing.assert_allclose(right.lines[3].get_ydata(), synthetic[3, :, 1])
    assert left.get_ylim() == right.get_ylim()
    low, high = right.get_ylim()
    assert low <= synthetic[:, :, 1].min() and high >= synthetic[:, :, 1].max()


def test_forecast_correctness():
    history, truth, forecast = SEQUENCES[0, :7], SEQUENCES[0, 7:], SEQUENCES[1, 7:]
    ax = plotting.forecast_plot(history, truth, forecast, feature_names=["a", "b", "c"]).axes[0]
    assert len(ax.lines) == 3 * 3 + 1  # window, truth, forecast per feature; origin line
    np.testing.assert_allclose(ax.lines[0].get_ydata(), history[:, 0])
    np.testing.assert_allclose(ax.lines[3].get_xdata(), [7, 8, 9])
    np.testing.assert_allclose(ax.lines[3].get_ydata(), truth[:, 0])
    np.testing.assert_allclose(ax.lines[8].get_ydata(), forecast[:, 2])
    assert "a" in [text.get_text() for text in ax.get_legend().get_texts()]
    # A one-step forecast of a univariate series without the truth: 1 + 1 lines + origin.
    single = plotting.forecast_plot(history[:, 0], None, forecast[:1, 0]).axes[0]
    assert len(single.lines) == 3
    assert single.lines[1].get_marker() == "x"  # a single point must stay visible
    grid = plotting.forecast_grid(SEQUENCES[:, :7], None, SEQUENCES[:, 7:], feature=0)
    np.testing.assert_allclose(grid.axes[5].lines[1].get_ydata(), SEQUENCES[5, 7:, 0])
    long = plotting.forecast_vs_truth(SEQUENCES[0], SEQUENCES[0, 4:] + 1, start=4).axes[0]
    np.testing.assert_allclose(long.lines[3].get_xdata(), np.arange(4, 10))
    np.testing.assert_allclose(long.lines[3].get_ydata(), SEQUENCES[0, 4:, 0] + 1)


def test_anomaly_correctness():
    order = RNG.permutation(len(SCORES))
    scores, labels = SCORES[order], SCORE_LABELS[order]
    ax = plotting.anomaly_scores_plot(scores, labels.astype(bool), 1.5, sort=True).axes[0]
    normal, anomalous = ax.collections
    np.testing.assert_allclose(normal.get_offsets()[:, 1], scores[labels == 0])
    np.testing.assert_allclose(anomalous.get_offsets()[:, 1], scores[labels == 1])
    assert anomalous.get_offsets()[:, 0].min() == 20  # sorted: the 5 highest ranks
    assert ax.lines[0].get_ydata()[0] == 1.5
    assert "5 flagged" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    histogram = plotting.anomaly_score_histogram(scores, labels, 1.5, bins=10, density=False).axes[0]
    assert len(histogram.patches) == 2 * 10
    assert sum(patch.get_height() for patch in histogram.patches) == len(scores)
    assert histogram.lines[0].get_xdata()[0] == 1.5


def test_annealing_curves_correctness():
    class History:  # a keras.callbacks.History stand-in: only `.history` is read
        history = HISTORY

    figure = plotting.annealing_curves(History(), keys=("kl_weight", "kl_loss", "missing"))
    weight, kl = figure.axes
    np.testing.assert_allclose(weight.lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(weight.lines[0].get_ydata(), HISTORY["kl_weight"])
    np.testing.assert_allclose(kl.lines[1].get_ydata(), HISTORY["val_kl_loss"])
    assert [ax.get_ylabel() for ax in figure.axes] == ["kl_weight", "kl_loss"]
    assert weight.get_shared_x_axes().joined(weight, kl)


def test_embedding_and_kl_correctness():
    real, synthetic = SEQUENCES[0, :, :2], SEQUENCES[1, :8, :2]
    ax = plotting.embedding_scatter(real, synthetic, title="t-SNE").axes[0]
    np.testing.assert_allclose(ax.collections[0].get_offsets(), real)
    np.testing.assert_allclose(ax.collections[1].get_offsets(), synthetic)
    assert (ax.get_title(), ax.get_xlabel()) == ("t-SNE", "t-SNE 1")
    panels = plotting.embedding_panels({"PCA": (real, synthetic), "t-SNE": (synthetic, real)})
    assert [a.get_title() for a in panels.axes] == ["PCA", "t-SNE"]
    kl = np.array([0.0, 1.2, 0.01, 3.0])
    bars = plotting.kl_per_dimension_bar(kl, threshold=0.1, sort=True).axes[0]
    np.testing.assert_allclose([p.get_height() for p in bars.patches], [3.0, 1.2, 0.01, 0.0])
    assert [t.get_text() for t in bars.get_xticklabels()] == ["3", "1", "2", "0"]
    assert "2 of 4 active" in bars.get_legend().get_texts()[0].get_text()


@pytest.mark.parametrize(
    "draw, match",
    [
        (lambda: plotting.sequence_grid(SEQUENCES[0, :, 0]), r"\(n, timesteps, features\).*shape=\(10,\)"),
        (lambda: plotting.sequence_grid(SEQUENCES, overlay=SEQUENCES[:, :5]), "same shape"),
        (lambda: plotting.sequence_grid(SEQUENCES, feature=3), r"in \[0, 3\).*feature=3"),
        (lambda: plotting.sequence_grid(SEQUENCES, titles=["a"]), "one entry per drawn sequence"),
        (lambda: plotting.sequence_grid(SEQUENCES, ncols=0), "ncols"),
        (lambda: plotting.sequence_grid(np.full((2, 3), np.nan)), "finite"),
        (lambda: plotting.real_vs_synthetic(SEQUENCES, SEQUENCES[:, :5]), "same \\(timesteps, features\\)"),
        (lambda: plotting.real_vs_synthetic(SEQUENCES, SEQUENCES, axes=[Figure().add_subplot()]), "2 matplotlib Axes"),
        (lambda: plotting.forecast_plot(SEQUENCES[:, :7], SEQUENCES[0, 7:], SEQUENCES[0, 7:]), r"\(timesteps,\) or \(timesteps, features\)"),
        (lambda: plotting.forecast_plot(SEQUENCES[0, :7], SEQUENCES[0, 7:], SEQUENCES[0, 8:]), "same shape"),
        (lambda: plotting.forecast_plot(SEQUENCES[0, :7, 0], None, SEQUENCES[0, 7:]), "same number of features"),
        (lambda: plotting.forecast_grid(SEQUENCES, None, SEQUENCES[:3]), "same number of examples"),
        (lambda: plotting.forecast_vs_truth(SEQUENCES[0, :, 0], SEQUENCES[0, :, 0], start=1), "start"),
        (lambda: plotting.anomaly_scores_plot(SCORES[:, None], None, 1.0), r"shape \(n,\)"),
        (lambda: plotting.anomaly_scores_plot(SCORES, SCORE_LABELS[:3], 1.0), "one label per score"),
        (lambda: plotting.anomaly_scores_plot(SCORES, SCORE_LABELS + 1, 1.0), r"Received values \[1, 2\]"),
        (lambda: plotting.anomaly_score_histogram(SCORES, None, float("nan")), "threshold"),
        (lambda: plotting.annealing_curves({"loss": [1.0]}), "none of the keys"),
        (lambda: plotting.embedding_scatter(SEQUENCES[0], SEQUENCES[0, :, :2]), "project to 2-D"),
        (lambda: plotting.embedding_panels({"PCA": SEQUENCES[0]}), "pair"),
        (lambda: plotting.kl_per_dimension_bar(np.ones((4, 3))), "average over the batch"),
        (lambda: plotting.kl_per_dimension_bar(np.ones(3), threshold=-1.0), "threshold"),
    ],
)
def test_sequence_figures_errors(draw, match):
    with pytest.raises(ValueError, match=match):
        draw()
