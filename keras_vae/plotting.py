"""Matplotlib figures for the tutorials: images, latent spaces, sequences and training curves.

Every function builds a `matplotlib.figure.Figure` directly, without `pyplot`: no GUI
backend is chosen or needed, no global figure list grows in a long loop, and the code runs
the same under `MPLBACKEND=Agg`, in a notebook and on a headless server. Each function
returns its figure (a notebook shows it when it is a cell's last value) and, given `path`,
saves it there first as PNG (or any format the suffix names), creating parent folders.

Functions that draw one panel also accept `ax=`, an existing `Axes`, so several panels
can share one figure (e.g. one latent scatter per β); then they return `ax.figure`.

Functions that draw a row of panels accept `axes=`, a sequence of `Axes` (one per panel),
for the same purpose; functions that draw a grid of panels make their own figure.

Images are NumPy arrays `(n, height, width)`, `(n, height, width, channels)` with 1 or 3
channels, or flat `(n, height * width)` together with `image_shape`. Sequences are
`(n, timesteps, features)` or `(n, timesteps)`; one series is `(timesteps,)` or
`(timesteps, features)`. Sequence inputs are checked with `keras_vae.checks.check_array`:
a wrong shape, an empty batch, a NaN or an infinity raises a `ValueError` naming what was
received.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Mapping, Sequence
from statistics import NormalDist

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from keras_vae.checks import (
    check_array,
    check_non_negative_float,
    check_positive_int,
    check_same_length,
)

__all__ = [
    "annealing_curves",
    "anomaly_score_histogram",
    "anomaly_scores_plot",
    "anomaly_summary",
    "decoded_latent_grid",
    "embedding_panels",
    "embedding_scatter",
    "forecast_grid",
    "forecast_plot",
    "forecast_vs_truth",
    "image_grid",
    "kl_per_dimension_bar",
    "latent_scatter",
    "prior_grid_values",
    "real_vs_synthetic",
    "reconstruction_grid",
    "sample_grid",
    "save_figure",
    "sequence_grid",
    "tile_images",
    "training_curves",
]

# Digits are ink (1) on paper (0): a reversed grey map draws dark ink on a white page.
_IMAGE_CMAP = "gray_r"
_PANEL_INCHES = 3.2


def save_figure(figure: Figure, path: str | os.PathLike | None, dpi: int = 120) -> Figure:
    """Saves `figure` to `path` (creating parent folders) unless `path` is None.

    Args:
        figure: the figure to save.
        path: destination file; the suffix picks the format (`.png`, `.pdf`, `.svg`).
        dpi: resolution of raster formats.

    Returns:
        `figure`, so calls can be chained.
    """
    if path is not None:
        path = os.fspath(path)
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        figure.savefig(path, dpi=dpi, bbox_inches="tight")
    return figure


def _as_images(images, image_shape, name="images") -> np.ndarray:
    """Returns `(n, height, width)` or `(n, height, width, channels)` float images."""
    try:
        images = np.asarray(images)
    except (ValueError, TypeError) as error:  # ragged nested lists
        raise ValueError(f"`{name}` must be a rectangular numeric array. Received: {error}") from None
    if images.dtype == object or not (np.issubdtype(images.dtype, np.number) or images.dtype == np.bool_):
        raise ValueError(f"`{name}` must hold real numbers (float or int). Received dtype={images.dtype}")
    images = images.astype("float32")
    if image_shape is not None:
        images = images.reshape((len(images), *tuple(image_shape)))
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]  # (n, height, width)
    if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] != 3):
        raise ValueError(
            f"`{name}` must have shape (n, height, width) or (n, height, width, 1 or 3), or "
            f"be flat (n, height * width) with `image_shape` given. Received shape={images.shape}"
        )
    if len(images) == 0:
        raise ValueError(f"`{name}` must contain at least one image. Received shape={images.shape}")
    return images


def tile_images(images, ncols: int, pad: int = 1, pad_value: float = 0.0) -> np.ndarray:
    """Tiles `n` images into one array, row by row, with `pad` pixels between them.

    Args:
        images: `(n, height, width)` or `(n, height, width, 3)`.
        ncols: images per row, > 0; the last row is padded with `pad_value`.
        pad: pixels between neighbouring images.
        pad_value: value of the padding and of empty cells.

    Returns:
        `(rows * (height + pad) - pad, ncols * (width + pad) - pad[, 3])` array.

    Example:
    >>> tile_images(np.ones((5, 8, 8)), ncols=3).shape
    (17, 26)
    """
    images = _as_images(images, None)
    if ncols <= 0:
        raise ValueError(f"`ncols` must be a positive integer. Received: ncols={ncols!r}")
    n, height, width = images.shape[:3]
    rows = math.ceil(n / ncols)
    channels = images.shape[3:]
    tiled = np.full(
        (rows * (height + pad) - pad, ncols * (width + pad) - pad, *channels),
        pad_value,
        dtype="float32",
    )
    for index, image in enumerate(images):
        top, left = (index // ncols) * (height + pad), (index % ncols) * (width + pad)
        tiled[top : top + height, left : left + width] = image
    return tiled


def _new_axes(ax: Axes | None, width: float, height: float) -> Axes:
    if ax is not None:
        return ax
    figure = Figure(figsize=(width, height), layout="constrained")
    return figure.add_subplot()


def _show_tiled(ax, tiled, value_range):
    low, high = value_range if value_range is not None else (None, None)
    ax.imshow(tiled, cmap=_IMAGE_CMAP, vmin=low, vmax=high, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])


def image_grid(
    images,
    ncols: int = 10,
    *,
    image_shape: Sequence[int] | None = None,
    title: str | None = None,
    value_range: tuple[float, float] | None = (0.0, 1.0),
    ax: Axes | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Draws images as one tiled grid.

    Args:
        images: `(n, height, width)`, `(n, height, width, 1 or 3)`, or flat with
            `image_shape`.
        ncols: images per row.
        image_shape: the shape of one image when `images` is flat, e.g. `(8, 8)`.
        title: panel title.
        value_range: `(low, high)` mapped to white and black, or None to scale to the data.
        ax: draw into this `Axes` instead of a new figure.
        path: if given, save the figure there.

    Returns:
        The `Figure`.
    """
    images = _as_images(images, image_shape)
    ncols = min(ncols, len(images))
    rows = math.ceil(len(images) / ncols)
    ax = _new_axes(ax, 0.6 * ncols + 0.4, 0.6 * rows + 0.6)
    _show_tiled(ax, tile_images(images, ncols), value_range)
    if title:
        ax.set_title(title)
    return save_figure(ax.figure, path)


def reconstruction_grid(
    originals,
    reconstructions,
    n: int = 10,
    *,
    image_shape: Sequence[int] | None = None,
    title: str | None = "Test images (top) and their reconstructions (bottom)",
    value_range: tuple[float, float] | None = (0.0, 1.0),
    ax: Axes | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Draws the first `n` originals in one row and their reconstructions below them.

    Args:
        originals: images, as for `image_grid`.
        reconstructions: images of the same shape, in the same order.
        n: how many pairs to draw.
        image_shape, title, value_range, ax, path: as for `image_grid`.

    Returns:
        The `Figure`.
    """
    originals = _as_images(originals, image_shape, "originals")
    reconstructions = _as_images(reconstructions, image_shape, "reconstructions")
    if originals.shape != reconstructions.shape:
        raise ValueError(
            "`originals` and `reconstructions` must have the same shape. Received: "
            f"{originals.shape} and {reconstructions.shape}"
        )
    n = min(n, len(originals))
    pairs = np.concatenate([originals[:n], reconstructions[:n]])  # (2 * n, height, width)
    ax = _new_axes(ax, 0.6 * n + 1.2, 2.0)
    _show_tiled(ax, tile_images(pairs, ncols=n), value_range)
    height = originals.shape[1]
    # Row centres of the tiled picture: images are `height` tall with 1 pixel between rows.
    ax.set_yticks([height / 2 - 0.5, height * 1.5 + 0.5], ["original", "reconstruction"])
    if title:
        ax.set_title(title)
    return save_figure(ax.figure, path)


def sample_grid(
    samples,
    ncols: int = 10,
    *,
    image_shape: Sequence[int] | None = None,
    title: str | None = "Samples",
    value_range: tuple[float, float] | None = (0.0, 1.0),
    ax: Axes | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Draws generated samples as a grid; `image_grid` with a default title.

    Args:
        samples: images, as for `image_grid` (e.g. `model.sample(100)`).
        ncols, image_shape, title, value_range, ax, path: as for `image_grid`.

    Returns:
        The `Figure`.
    """
    return image_grid(
        samples, ncols, image_shape=image_shape, title=title, value_range=value_range,
        ax=ax, path=path,
    )


def latent_scatter(
    z,
    labels=None,
    *,
    title: str | None = "Latent space (test set)",
    axis_labels: tuple[str, str] = ("$z_1$", "$z_2$"),
    label_name: str = "digit",
    ax: Axes | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Scatters 2-D codes, coloured by an integer label, with a colour bar.

    Args:
        z: `(n, 2)` codes (e.g. a VAE's `z_mean` or an autoencoder's codes). Wider codes
            are refused: project them first (PCA, t-SNE) and pass the 2-D projection.
        labels: optional `(n,)` integer labels; each distinct value gets its own colour and
            a tick on the colour bar.
        title: panel title.
        axis_labels: the x and y axis labels.
        label_name: the colour bar's label.
        ax: draw into this `Axes` instead of a new figure.
        path: if given, save the figure there.

    Returns:
        The `Figure`.
    """
    z = np.asarray(z, dtype="float32")
    if z.ndim != 2 or z.shape[1] != 2 or len(z) == 0:
        raise ValueError(
            f"`z` must have shape (n, 2) with n >= 1. Received shape={z.shape}"
            + (" (project wider codes to 2-D first)" if z.ndim == 2 and z.shape[1] > 2 else "")
        )
    ax = _new_axes(ax, 5.2, 4.4)
    if labels is None:
        ax.scatter(z[:, 0], z[:, 1], s=6, alpha=0.7)
    else:
        labels = np.asarray(labels).reshape(-1)
        if len(labels) != len(z):
            raise ValueError(
                f"`labels` must have one entry per code. Received {len(labels)} labels "
                f"for {len(z)} codes"
            )
        classes = np.unique(labels)
        # Map each class to its index so the colours are discrete and evenly spread,
        # whatever the label values are.
        index = np.searchsorted(classes, labels)
        norm = BoundaryNorm(np.arange(len(classes) + 1) - 0.5, len(classes))
        cmap = "tab10" if len(classes) <= 10 else "tab20"
        points = ax.scatter(z[:, 0], z[:, 1], c=index, cmap=cmap, norm=norm, s=6, alpha=0.8)
        colorbar = ax.figure.colorbar(points, ax=ax, ticks=np.arange(len(classes)))
        colorbar.ax.set_yticklabels([str(c) for c in classes])
        colorbar.set_label(label_name)
    ax.xaxis.set_major_locator(MaxNLocator(5))  # tiny ranges (a collapsed posterior) stay legible
    ax.yaxis.set_major_locator(MaxNLocator(6))
    ax.set_xlabel(axis_labels[0])
    ax.set_ylabel(axis_labels[1])
    if title:
        ax.set_title(title)
    return save_figure(ax.figure, path)


def prior_grid_values(n: int = 15, low: float = 0.05, high: float = 0.95) -> np.ndarray:
    """`n` values of a standard normal at evenly spaced quantiles in `[low, high]`.

    Evenly spaced *quantiles* (not evenly spaced values) give every row of a decoded latent
    grid the same prior probability mass, so the grid shows the region a prior sample
    lands in, and never points the decoder was not trained near. Uses the inverse CDF of
    `statistics.NormalDist`, so SciPy is not needed.

    Args:
        n: number of values, >= 2.
        low, high: the outermost quantiles, `0 < low < high < 1`.

    Returns:
        `(n,)` float32 array, increasing.

    Example:
    >>> prior_grid_values(3, 0.1, 0.9).round(2)
    array([-1.28,  0.  ,  1.28], dtype=float32)
    """
    if n < 2 or not 0 < low < high < 1:
        raise ValueError(
            "`prior_grid_values` needs n >= 2 and 0 < low < high < 1. "
            f"Received: n={n!r}, low={low!r}, high={high!r}"
        )
    standard_normal = NormalDist()
    return np.array(
        [standard_normal.inv_cdf(p) for p in np.linspace(low, high, n)], dtype="float32"
    )


def _tick(value) -> str:
    """A short tick label: 2 decimals, trailing zeros dropped, never "-0"."""
    return f"{round(float(value), 2) + 0.0:g}"


def decoded_latent_grid(
    decode: Callable[[np.ndarray], np.ndarray],
    n: int = 15,
    *,
    values: tuple[Sequence[float], Sequence[float]] | Sequence[float] | None = None,
    image_shape: Sequence[int] | None = None,
    title: str | None = "Decoded latent grid",
    value_range: tuple[float, float] | None = (0.0, 1.0),
    ax: Axes | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Decodes a regular grid of 2-D codes and tiles the images into one picture.

    The image at column `i` and row `j` (from the top) is `decode([[x_i, y_j]])`, with `y`
    decreasing down the rows so the picture has the orientation of a scatter plot of the
    same codes (`latent_scatter`).

    Args:
        decode: maps codes `(k, 2)` to images `(k, ...)`, e.g. `model.decode`.
        n: images per side when `values` is None.
        values: the grid's coordinates: None for the standard normal prior's quantiles
            5%..95% (`prior_grid_values(n)`, right for a VAE); one sequence used for both
            axes; or a pair `(x_values, y_values)` (e.g. percentiles of an autoencoder's
            codes, which have no prior).
        image_shape: the shape of one image if `decode` returns flat vectors.
        title, value_range, ax, path: as for `image_grid`.

    Returns:
        The `Figure`.
    """
    if values is None:
        x_values = y_values = prior_grid_values(n)
    elif len(values) == 2 and np.ndim(values[0]) == 1:
        x_values, y_values = (np.asarray(v, dtype="float32") for v in values)
    else:
        x_values = y_values = np.asarray(values, dtype="float32")
    grid_x, grid_y = np.meshgrid(x_values, y_values[::-1])  # each (rows, cols)
    codes = np.stack([grid_x.ravel(), grid_y.ravel()], axis=-1)  # (rows * cols, 2)
    images = _as_images(decode(codes), image_shape, "decode(codes)")
    ax = _new_axes(ax, 5.0, 5.0)
    _show_tiled(ax, tile_images(images, ncols=len(x_values)), value_range)
    height, width = images.shape[1:3]
    # Label a few ticks, at image centres (images are 1 pixel apart), with their codes.
    ticks = np.linspace(0, len(x_values) - 1, min(5, len(x_values))).round().astype(int)
    ax.set_xticks(ticks * (width + 1) + width / 2 - 0.5, [_tick(x_values[i]) for i in ticks])
    rows = np.linspace(0, len(y_values) - 1, min(5, len(y_values))).round().astype(int)
    ax.set_yticks(rows * (height + 1) + height / 2 - 0.5, [_tick(y_values[::-1][i]) for i in rows])
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    if title:
        ax.set_title(title)
    return save_figure(ax.figure, path)


def training_curves(
    history: Mapping[str, Sequence[float]],
    *,
    title: str | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Plots every logged term per epoch: one panel per term, training and validation.

    Args:
        history: a `keras.callbacks.History.history` dict, e.g. `{"loss": [...],
            "kl_loss": [...], "val_loss": [...], ...}`. A `val_` key is drawn (dashed) in
            the panel of the term it validates.
        title: the figure's title.
        path: if given, save the figure there.

    Returns:
        The `Figure`.
    """
    terms = [key for key in history if not key.startswith("val_")]
    terms += [key[4:] for key in history if key.startswith("val_") and key[4:] not in terms]
    terms.sort(key=lambda term: term != "loss")  # the total first, then the terms as logged
    if not terms:
        raise ValueError(f"`history` has no logged terms. Received keys {list(history)}")
    figure = Figure(figsize=(_PANEL_INCHES * len(terms), 2.9), layout="constrained")
    axes = figure.subplots(1, len(terms), squeeze=False)[0]
    for ax, term in zip(axes, terms):
        for key, style, label in ((term, "-", "train"), (f"val_{term}", "--", "validation")):
            if key in history:
                values = np.asarray(history[key], dtype="float64")
                ax.plot(np.arange(1, len(values) + 1), values, style, label=label)
        ax.set_title(term)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        figure.suptitle(title)
    return save_figure(figure, path)


# Sequence figures. Time runs along x in steps 0, 1, ...; feature `i` is drawn in colour
# `C{i}` in every figure, so a feature and its reconstruction or forecast share a colour.

# Real data red and synthetic data blue, as in the PCA/t-SNE figures of TimeGAN (Yoon et
# al., NeurIPS 2019) and its reference code; `real_vs_synthetic` uses the same pair.
_REAL_COLOR = "tab:red"
_SYNTHETIC_COLOR = "tab:blue"
_NORMAL_COLOR = "tab:blue"
_ANOMALY_COLOR = "tab:red"
# Above this many features a colour legend is a wall of text; pick one with `feature=`.
_MAX_LEGEND_FEATURES = 10
# Horizons up to this many steps get point markers, so a one-step forecast is visible.
_MARKER_HORIZON = 30


def _as_sequences(x, name: str) -> np.ndarray:
    """Returns finite float32 `(n, timesteps, features)`; `(n, timesteps)` gains an axis."""
    array = check_array(x, name)  # numeric, non-empty, finite
    if array.ndim == 2:
        array = array[..., None]  # (n, timesteps, 1)
    if array.ndim != 3 or array.shape[1] == 0 or array.shape[2] == 0:
        raise ValueError(
            f"`{name}` must have shape (n, timesteps, features) or (n, timesteps) with "
            f"timesteps, features >= 1. Received shape={np.shape(x)}"
        )
    return array


def _as_series(x, name: str) -> np.ndarray:
    """Returns finite float32 `(timesteps, features)`; `(timesteps,)` gains an axis."""
    array = check_array(x, name)
    if array.ndim == 1:
        array = array[:, None]  # (timesteps, 1)
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError(
            f"`{name}` must have shape (timesteps,) or (timesteps, features) for one series. "
            f"Received shape={np.shape(x)}"
        )
    return array


def _as_vector(x, name: str, what: str) -> np.ndarray:
    """Returns finite float32 `(n,)`, else a `ValueError` saying what one entry is."""
    array = check_array(x, name)
    if array.ndim != 1:
        raise ValueError(
            f"`{name}` must have shape (n,): one {what}. Received shape={np.shape(x)}"
        )
    return array


def _check_same_shape(a: np.ndarray, b: np.ndarray, a_name: str, b_name: str, axes: str):
    if a.shape != b.shape:
        raise ValueError(
            f"`{a_name}` and `{b_name}` must have the same shape {axes}. "
            f"Received shapes {a.shape} and {b.shape}"
        )


def _features(feature: int | None, num_features: int, name: str) -> list[int]:
    """The feature indices to draw: all of them, or the one `feature` names."""
    if feature is None:
        return list(range(num_features))
    if (
        isinstance(feature, bool)
        or not isinstance(feature, numbers.Integral)
        or not 0 <= feature < num_features
    ):
        raise ValueError(
            f"`feature` must be None or an integer in [0, {num_features}) for `{name}` with "
            f"{num_features} feature(s). Received: feature={feature!r}"
        )
    return [int(feature)]


def _feature_names(feature_names, num_features: int) -> list[str]:
    if feature_names is None:
        return [f"feature {index}" for index in range(num_features)]
    feature_names = [str(name) for name in feature_names]
    if len(feature_names) != num_features:
        raise ValueError(
            f"`feature_names` must name all {num_features} features. "
            f"Received {len(feature_names)} names: {feature_names}"
        )
    return feature_names


def _color(feature: int) -> str:
    return f"C{feature % 10}"


def _legend(ax: Axes, features: list[int], names: list[str], styles, **kwargs) -> None:
    """A legend of proxy lines: one per drawn feature (colour), one per style (dashes...).

    Proxies are not added to the axes, so `ax.lines` holds only the data.
    """
    many = len(features) > 1
    handles = []
    if many and len(features) <= _MAX_LEGEND_FEATURES:
        handles += [Line2D([], [], color=_color(f), label=names[f]) for f in features]
    style_color = "0.3" if many else _color(features[0])
    handles += [Line2D([], [], color=style_color, label=label, **style) for label, style in styles]
    if handles:
        ax.legend(handles=handles, fontsize="small", **kwargs)


def _panel_grid(count: int, ncols: int, width: float, height: float, **kwargs):
    """A new figure with `count` panels in rows of `ncols`; unused cells are removed."""
    ncols = min(check_positive_int(ncols, "ncols"), count)
    rows = math.ceil(count / ncols)
    figure = Figure(figsize=(width * ncols, height * rows + 0.5), layout="constrained")
    axes = figure.subplots(rows, ncols, squeeze=False, **kwargs).ravel()
    for ax in axes[count:]:
        ax.remove()
    return figure, list(axes[:count])


def _panel_titles(titles, n: int, what: str) -> list[str] | None:
    """`titles` as strings, checked to name each of the `n` drawn panels."""
    if titles is None:
        return None
    titles = [str(t) for t in titles]
    if len(titles) < n:
        raise ValueError(
            f"`titles` must have one entry per drawn {what} (n={n}). "
            f"Received {len(titles)} titles"
        )
    return titles


def _axes_row(axes, count: int, width: float, height: float, sharey: bool = False):
    """`axes` as a list of `count` Axes, or `count` new side-by-side panels."""
    if axes is None:
        figure = Figure(figsize=(width * count, height), layout="constrained")
        return list(figure.subplots(1, count, sharey=sharey, squeeze=False)[0])
    axes = list(np.ravel(np.asarray(axes, dtype=object)))
    if len(axes) != count or not all(isinstance(ax, Axes) for ax in axes):
        raise ValueError(
            f"`axes` must be {count} matplotlib Axes. Received {len(axes)} object(s): "
            f"{[type(ax).__name__ for ax in axes]}"
        )
    return axes


def sequence_grid(
    sequences,
    *,
    overlay=None,
    n: int = 12,
    ncols: int = 4,
    feature: int | None = None,
    feature_names: Sequence[str] | None = None,
    titles: Sequence[str] | None = None,
    label: str = "original",
    overlay_label: str = "reconstruction",
    sharey: bool = True,
    title: str | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Draws the first `n` sequences as small multiples, one panel per sequence.

    Each panel draws every feature as a line (or only `feature`) against the time step;
    `overlay`, e.g. the reconstructions of the same sequences, is drawn dashed in the same
    colours on top. Panels share the x axis and, by default, the y axis.

    Args:
        sequences: `(n, timesteps, features)` or `(n, timesteps)`.
        overlay: optional array of the same shape, drawn dashed over its sequence.
        n: how many sequences (panels) to draw, from the first.
        ncols: panels per row.
        feature: draw only this feature index; None draws all.
        feature_names: a name per feature, for the legend; default `feature 0`, ....
        titles: optional panel titles, one per drawn sequence (e.g. class labels).
        label: legend name of the solid lines (`sequences`), shown when `overlay` is given.
        overlay_label: legend name of the dashed lines (`overlay`).
        sharey: give every panel the same y limits (compare amplitudes across panels).
        title: the figure's title.
        path: if given, save the figure there.

    Returns:
        The `Figure`, with one `Axes` per drawn sequence; in each, the lines of `sequences`
        (one per drawn feature) come before those of `overlay`.
    """
    sequences = _as_sequences(sequences, "sequences")
    if overlay is not None:
        overlay = _as_sequences(overlay, "overlay")
        _check_same_shape(sequences, overlay, "sequences", "overlay", "(n, timesteps, features)")
    n = min(check_positive_int(n, "n"), len(sequences))
    features = _features(feature, sequences.shape[2], "sequences")
    names = _feature_names(feature_names, sequences.shape[2])
    titles = _panel_titles(titles, n, "sequence")
    figure, axes = _panel_grid(n, ncols, 2.8, 1.9, sharex=True, sharey=sharey)
    steps = np.arange(sequences.shape[1])
    for index, ax in enumerate(axes):
        for f in features:
            ax.plot(steps, sequences[index, :, f], color=_color(f), linewidth=1.2)
        if overlay is not None:
            for f in features:
                ax.plot(steps, overlay[index, :, f], "--", color=_color(f), linewidth=1.2)
        if titles is not None:
            ax.set_title(titles[index], fontsize="medium")
        ax.grid(alpha=0.3)
    styles = [] if overlay is None else [(label, {}), (overlay_label, {"linestyle": "--"})]
    _legend(axes[0], features, names, styles)
    figure.supxlabel("time step")
    if title:
        figure.suptitle(title)
    return save_figure(figure, path)


def real_vs_synthetic(
    real,
    synthetic,
    *,
    n: int = 20,
    feature: int = 0,
    titles: tuple[str, str] = ("Real", "Synthetic"),
    title: str | None = None,
    axes: Sequence[Axes] | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Draws `n` real sequences (left) and `n` synthetic ones (right) with the same y limits.

    Thin, translucent lines of one feature, so the eye compares the two families' shapes,
    spread and range rather than single curves. The first `n` of each array are drawn:
    shuffle first if the arrays are ordered.

    Args:
        real: `(n_real, timesteps, features)` or `(n_real, timesteps)` real sequences.
        synthetic: generated sequences with the same `(timesteps, features)` as `real`.
        n: how many sequences to draw from each.
        feature: the feature index to draw.
        titles: the left and right panel titles.
        title: the figure's title (only for a new figure).
        axes: a pair of `Axes` to draw into instead of a new figure.
        path: if given, save the figure there.

    Returns:
        The `Figure`: left panel `min(n, n_real)` lines of `real`, right panel
        `min(n, n_synthetic)` lines of `synthetic`.
    """
    real = _as_sequences(real, "real")
    synthetic = _as_sequences(synthetic, "synthetic")
    if real.shape[1:] != synthetic.shape[1:]:
        raise ValueError(
            "`real` and `synthetic` must have the same (timesteps, features). Received "
            f"shapes {real.shape} and {synthetic.shape}"
        )
    n = check_positive_int(n, "n")
    (f,) = _features(feature, real.shape[2], "real")
    new_figure = axes is None
    axes = _axes_row(axes, 2, 4.0, 3.0, sharey=True)
    drawn = (real[:n, :, f], synthetic[:n, :, f])  # each (at most n, timesteps)
    steps = np.arange(real.shape[1])
    for ax, values, color, panel_title in zip(
        axes, drawn, (_REAL_COLOR, _SYNTHETIC_COLOR), titles, strict=True
    ):
        for sequence in values:
            ax.plot(steps, sequence, color=color, linewidth=0.8, alpha=0.6)
        ax.set_title(f"{panel_title} ({len(values)} sequences)")
        ax.set_xlabel("time step")
        ax.grid(alpha=0.3)
    # The same limits on both sides: a generator that under- or overshoots shows at a glance.
    low = min(float(v.min()) for v in drawn)
    high = max(float(v.max()) for v in drawn)
    margin = 0.05 * (high - low) or 0.5
    for ax in axes:
        ax.set_ylim(low - margin, high + margin)
    axes[0].set_ylabel(f"feature {f}")
    if title and new_figure:
        axes[0].figure.suptitle(title)
    return save_figure(axes[0].figure, path)


def _draw_forecast(ax, history, truth, forecast, features, names, legend: bool) -> None:
    """Draws one series' window, true continuation and forecast into `ax`."""
    window, horizon = len(history), len(forecast)
    past = np.arange(window)
    future = np.arange(window, window + horizon)
    marker = {"markersize": 3} if horizon <= _MARKER_HORIZON else {"marker": None}
    truth_style = {"marker": "o", **marker}
    forecast_style = {"linestyle": "--", "marker": "x", **marker}
    for f in features:
        ax.plot(past, history[:, f], color=_color(f), linewidth=1.2)
    if truth is not None:
        for f in features:
            ax.plot(future, truth[:, f], color=_color(f), linewidth=1.2, **truth_style)
    for f in features:
        ax.plot(future, forecast[:, f], color=_color(f), linewidth=1.2, **forecast_style)
    # The forecast origin: everything right of this line was not seen by the model.
    ax.axvline(window - 0.5, color="0.5", linestyle=":", linewidth=1.0)
    ax.grid(alpha=0.3)
    if legend:
        styles = [("input window", {})]
        if truth is not None:
            styles.append(("truth", truth_style))
        styles.append(("forecast", forecast_style))
        _legend(ax, features, names, styles)


def forecast_plot(
    history,
    truth,
    forecast,
    *,
    feature: int | None = None,
    feature_names: Sequence[str] | None = None,
    title: str | None = "Forecast",
    ax: Axes | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Draws one input window, then the true continuation and the forecast of it.

    Time steps `0 .. T-1` are the window the model saw (solid), `T .. T+H-1` the horizon:
    truth solid with dots, forecast dashed with crosses; a dotted vertical line marks the
    forecast origin. For several series use `forecast_grid`; for a long series with
    one-step-ahead forecasts, `forecast_vs_truth`.

    Args:
        history: the input window, `(T,)` or `(T, features)`.
        truth: the true continuation, `(H,)` or `(H, features)`, or None if unknown.
        forecast: the forecast, same shape as `truth`; `H` may be 1.
        feature: draw only this feature index; None draws all.
        feature_names: a name per feature, for the legend.
        title: panel title.
        ax: draw into this `Axes` instead of a new figure.
        path: if given, save the figure there.

    Returns:
        The `Figure`; its lines are the window's (one per drawn feature), then the truth's,
        then the forecast's, then the origin line.
    """
    history = _as_series(history, "history")
    forecast = _as_series(forecast, "forecast")
    if truth is not None:
        truth = _as_series(truth, "truth")
        _check_same_shape(truth, forecast, "truth", "forecast", "(horizon, features)")
    if history.shape[1] != forecast.shape[1]:
        raise ValueError(
            "`history` and `forecast` must have the same number of features. Received "
            f"shapes {history.shape} and {forecast.shape}"
        )
    features = _features(feature, history.shape[1], "history")
    names = _feature_names(feature_names, history.shape[1])
    ax = _new_axes(ax, 6.0, 3.2)
    _draw_forecast(ax, history, truth, forecast, features, names, legend=True)
    ax.set_xlabel("time step")
    if title:
        ax.set_title(title)
    return save_figure(ax.figure, path)


def forecast_grid(
    histories,
    truths,
    forecasts,
    *,
    n: int = 6,
    ncols: int = 3,
    feature: int | None = None,
    feature_names: Sequence[str] | None = None,
    titles: Sequence[str] | None = None,
    title: str | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Draws `forecast_plot` panels for the first `n` series of a batch.

    Args:
        histories: input windows, `(batch, T, features)` or `(batch, T)`.
        truths: true continuations, `(batch, H, features)` or `(batch, H)`, or None.
        forecasts: forecasts, same shape as `truths`.
        n: how many series (panels) to draw, from the first.
        ncols: panels per row.
        feature, feature_names: as for `forecast_plot`.
        titles: optional panel titles, one per drawn series.
        title: the figure's title.
        path: if given, save the figure there.

    Returns:
        The `Figure`, with one `Axes` per drawn series; the legend is in the first.
    """
    histories = _as_sequences(histories, "histories")
    forecasts = _as_sequences(forecasts, "forecasts")
    if truths is not None:
        truths = _as_sequences(truths, "truths")
        _check_same_shape(truths, forecasts, "truths", "forecasts", "(batch, horizon, features)")
    check_same_length({"histories": histories, "forecasts": forecasts}, owner="forecast_grid")
    if histories.shape[2] != forecasts.shape[2]:
        raise ValueError(
            "`histories` and `forecasts` must have the same number of features. Received "
            f"shapes {histories.shape} and {forecasts.shape}"
        )
    n = min(check_positive_int(n, "n"), len(histories))
    features = _features(feature, histories.shape[2], "histories")
    names = _feature_names(feature_names, histories.shape[2])
    titles = _panel_titles(titles, n, "series")
    figure, axes = _panel_grid(n, ncols, 3.4, 2.4, sharex=True)
    for index, ax in enumerate(axes):
        series_truth = None if truths is None else truths[index]
        _draw_forecast(
            ax, histories[index], series_truth, forecasts[index], features, names,
            legend=index == 0,
        )
        if titles is not None:
            ax.set_title(titles[index], fontsize="medium")
    figure.supxlabel("time step")
    if title:
        figure.suptitle(title)
    return save_figure(figure, path)


def forecast_vs_truth(
    truth,
    forecast,
    *,
    start: int = 0,
    feature: int | None = None,
    feature_names: Sequence[str] | None = None,
    labels: tuple[str, str] = ("truth", "forecast"),
    title: str | None = "One-step-ahead forecast",
    ax: Axes | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Draws a long series and forecasts of it over time, e.g. one-step-ahead predictions.

    `forecast[i]` is drawn at time step `start + i`, next to `truth[start + i]`: a model
    that needs a window of `w` steps before its first prediction has `start=w`.

    Args:
        truth: the series, `(N,)` or `(N, features)`.
        forecast: `(M,)` or `(M, features)`, the forecasts of `truth[start:start + M]`.
        start: the time step of `forecast[0]`, `>= 0`, with `start + M <= N`.
        feature: draw only this feature index; None draws all.
        feature_names: a name per feature, for the legend.
        labels: legend names of the solid (truth) and dashed (forecast) lines.
        title: panel title.
        ax: draw into this `Axes` instead of a new figure.
        path: if given, save the figure there.

    Returns:
        The `Figure`; its lines are the truth's (one per drawn feature), then the forecast's.
    """
    truth = _as_series(truth, "truth")
    forecast = _as_series(forecast, "forecast")
    if truth.shape[1] != forecast.shape[1]:
        raise ValueError(
            "`truth` and `forecast` must have the same number of features. Received "
            f"shapes {truth.shape} and {forecast.shape}"
        )
    if (
        isinstance(start, bool)
        or not isinstance(start, numbers.Integral)
        or not 0 <= start <= len(truth) - len(forecast)
    ):
        raise ValueError(
            "`start` must be an integer with 0 <= start and start + len(forecast) <= "
            f"len(truth). Received: start={start!r} with forecast shape {forecast.shape} "
            f"and truth shape {truth.shape}"
        )
    features = _features(feature, truth.shape[1], "truth")
    names = _feature_names(feature_names, truth.shape[1])
    ax = _new_axes(ax, 8.0, 3.0)
    steps = np.arange(len(truth))
    for f in features:
        ax.plot(steps, truth[:, f], color=_color(f), linewidth=1.0)
    for f in features:
        ax.plot(steps[start : start + len(forecast)], forecast[:, f], "--", color=_color(f),
                linewidth=1.0)
    _legend(ax, features, names, [(labels[0], {}), (labels[1], {"linestyle": "--"})])
    ax.set_xlabel("time step")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    return save_figure(ax.figure, path)


def _anomaly_inputs(scores, labels, threshold):
    """Validated `(scores (n,), labels (n,) bool or None, threshold float or None)`."""
    scores = _as_vector(scores, "scores", "anomaly score per sequence")
    if labels is not None:
        raw = np.asarray(labels)
        if raw.shape != scores.shape:
            raise ValueError(
                f"`labels` must have shape {scores.shape}: one label per score. "
                f"Received shape={raw.shape}"
            )
        numeric = np.issubdtype(raw.dtype, np.number) or raw.dtype == np.bool_
        if not numeric or not set(np.unique(raw).tolist()) <= {0, 1}:
            shown = np.unique(raw).tolist()[:10] if numeric else f"of dtype {raw.dtype}"
            raise ValueError(
                "`labels` must be 0 or False (normal) and 1 or True (anomaly). "
                f"Received values {shown}"
            )
        labels = raw.astype(bool)
    if threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not (
            np.isfinite(threshold)
        ):
            raise ValueError(
                f"`threshold` must be a finite number or None. Received: threshold={threshold!r}"
            )
        threshold = float(threshold)
    return scores, labels, threshold


def _label_groups(labels, label_names):
    """`(mask, legend label, colour)` for each class present: normal first, then anomaly."""
    if labels is None:
        return [(slice(None), "all sequences", _NORMAL_COLOR)]
    groups = []
    for value, name, color in ((False, label_names[0], _NORMAL_COLOR),
                               (True, label_names[1], _ANOMALY_COLOR)):
        chosen = labels == value
        if chosen.any():
            groups.append((chosen, f"{name} ({int(chosen.sum())})", color))
    return groups


def anomaly_scores_plot(
    scores,
    labels,
    threshold: float | None,
    *,
    sort: bool = False,
    label_names: tuple[str, str] = ("normal", "anomaly"),
    title: str | None = "Anomaly scores",
    ax: Axes | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Scatters one anomaly score per test sequence, coloured by its true label.

    Points above the dashed threshold line are flagged; blue points above it are false
    alarms and red points below it are missed anomalies.

    Args:
        scores: `(n,)` scores, e.g. each sequence's reconstruction error.
        labels: `(n,)` true labels, 0/False normal and 1/True anomaly, or None if unknown.
        threshold: the decision threshold (flag a sequence if its score exceeds it), or None.
        sort: order the sequences by score (x is then the rank) instead of by index.
        label_names: legend names of label 0 and label 1.
        title: panel title.
        ax: draw into this `Axes` instead of a new figure.
        path: if given, save the figure there.

    Returns:
        The `Figure`: one point collection per label present (normal first), and the
        threshold as a horizontal line.
    """
    scores, labels, threshold = _anomaly_inputs(scores, labels, threshold)
    order = np.argsort(scores, kind="stable") if sort else np.arange(len(scores))
    position = np.empty(len(scores))
    position[order] = np.arange(len(scores))  # x of each sequence: its rank or its index
    ax = _new_axes(ax, 6.0, 3.2)
    for chosen, label, color in _label_groups(labels, label_names):
        ax.scatter(position[chosen], scores[chosen], s=10, color=color, label=label)
    if threshold is not None:
        flagged = int((scores > threshold).sum())
        ax.axhline(threshold, color="black", linestyle="--", linewidth=1.0,
                   label=f"threshold {threshold:.3g} ({flagged} flagged)")
    ax.set_xlabel("rank by score" if sort else "sequence index")
    ax.set_ylabel("score")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
    return save_figure(ax.figure, path)


def anomaly_score_histogram(
    scores,
    labels,
    threshold: float | None,
    *,
    bins: int = 30,
    density: bool = True,
    label_names: tuple[str, str] = ("normal", "anomaly"),
    title: str | None = "Score distributions",
    ax: Axes | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Overlays histograms of the normal and the anomalous scores, with the threshold.

    Both histograms use the same bin edges, so their overlap is the region no threshold
    can separate.

    Args:
        scores, labels, threshold, label_names: as for `anomaly_scores_plot`.
        bins: number of bins spanning all scores.
        density: normalise each histogram to unit area, so a rare class is as visible as a
            common one; False draws counts.
        title: panel title.
        ax: draw into this `Axes` instead of a new figure.
        path: if given, save the figure there.

    Returns:
        The `Figure`: one bar per bin and label present (normal first) and the threshold
        as a vertical line.
    """
    scores, labels, threshold = _anomaly_inputs(scores, labels, threshold)
    edges = np.histogram_bin_edges(scores, bins=check_positive_int(bins, "bins"))
    ax = _new_axes(ax, 5.0, 3.2)
    for chosen, label, color in _label_groups(labels, label_names):
        ax.hist(scores[chosen], bins=edges, density=density, color=color, alpha=0.6,
                label=label)
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", linewidth=1.0,
                   label=f"threshold {threshold:.3g}")
    ax.set_xlabel("score")
    ax.set_ylabel("density" if density else "count")
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
    return save_figure(ax.figure, path)


def anomaly_summary(
    scores,
    labels,
    threshold: float | None,
    *,
    sort: bool = False,
    bins: int = 30,
    density: bool = True,
    label_names: tuple[str, str] = ("normal", "anomaly"),
    title: str | None = None,
    axes: Sequence[Axes] | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Two panels: `anomaly_scores_plot` (left) and `anomaly_score_histogram` (right).

    Args:
        scores, labels, threshold, sort, label_names: as for `anomaly_scores_plot`.
        bins, density: as for `anomaly_score_histogram`.
        title: the figure's title (only for a new figure).
        axes: a pair of `Axes` to draw into instead of a new figure.
        path: if given, save the figure there.

    Returns:
        The `Figure`.
    """
    new_figure = axes is None
    left, right = _axes_row(axes, 2, 5.0, 3.2)
    anomaly_scores_plot(scores, labels, threshold, sort=sort, label_names=label_names, ax=left)
    anomaly_score_histogram(
        scores, labels, threshold, bins=bins, density=density, label_names=label_names,
        ax=right,
    )
    if title and new_figure:
        left.figure.suptitle(title)
    return save_figure(left.figure, path)


def annealing_curves(
    history,
    *,
    keys: Sequence[str] = ("kl_weight", "kl_loss", "reconstruction_loss", "active_units"),
    title: str | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Stacks one panel per logged key over a shared epoch axis, to follow KL annealing.

    Reading down the panels shows cause and effect: the KL weight ramps up, the KL term
    (and with it the number of active units) falls or holds, reconstruction pays for it.
    Keys absent from `history` are skipped; a `val_` key is drawn dashed in its panel.

    Args:
        history: a `keras.callbacks.History` or its `.history` dict of per-epoch lists.
        keys: the terms to draw, top to bottom.
        title: the figure's title.
        path: if given, save the figure there.

    Returns:
        The `Figure`, with one `Axes` per key present; each panel's first line is the
        training values against epochs 1, 2, ....
    """
    history = getattr(history, "history", history)
    if not isinstance(history, Mapping):
        raise TypeError(
            "`history` must be a keras History or a dict of per-epoch lists. "
            f"Received a {type(history).__name__}"
        )
    present = [key for key in keys if key in history or f"val_{key}" in history]
    if not present:
        raise ValueError(
            f"`history` has none of the keys {tuple(keys)}. Received keys {list(history)}"
        )
    figure = Figure(figsize=(6.0, 1.8 * len(present) + 0.6), layout="constrained")
    axes = figure.subplots(len(present), 1, sharex=True, squeeze=False)[:, 0]
    for ax, key in zip(axes, present, strict=True):
        for name, style, label in ((key, "-", "train"), (f"val_{key}", "--", "validation")):
            if name in history:
                values = np.asarray(history[name], dtype="float64")
                if values.ndim != 1:
                    raise ValueError(
                        f"`history[{name!r}]` must be a list of per-epoch numbers. "
                        f"Received shape={values.shape}"
                    )
                ax.plot(np.arange(1, len(values) + 1), values, style, label=label)
        if key == "active_units":
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
        if f"val_{key}" in history:
            ax.legend(fontsize="small")
    axes[-1].set_xlabel("epoch")
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    if title:
        figure.suptitle(title)
    return save_figure(figure, path)


def embedding_scatter(
    real_coords,
    synthetic_coords,
    *,
    title: str | None = "PCA",
    labels: tuple[str, str] = ("Real", "Synthetic"),
    ax: Axes | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Scatters 2-D projections of real (red) and synthetic (blue) data in one panel.

    The TimeGAN check of a sequence generator: project real and synthetic sequences with
    the same PCA or t-SNE and look whether the blue cloud covers the red one. This function
    only draws; compute the coordinates first (e.g. `sklearn.decomposition.PCA` fitted on
    the real data, or `sklearn.manifold.TSNE` on both sets stacked together).

    Args:
        real_coords: `(n_real, 2)` projected real examples.
        synthetic_coords: `(n_synthetic, 2)` projected synthetic examples.
        title: panel title, also used to name the axes (`PCA 1`, `PCA 2`).
        labels: legend names of the real and the synthetic points.
        ax: draw into this `Axes` instead of a new figure.
        path: if given, save the figure there.

    Returns:
        The `Figure`: two point collections, real then synthetic.

    Reference:
        Yoon, Jarrett and van der Schaar, "Time-series Generative Adversarial Networks",
        NeurIPS 2019, the t-SNE/PCA visualisations of Section 5:
        https://papers.nips.cc/paper/8789-time-series-generative-adversarial-networks
    """
    coords = []
    for name, value in (("real_coords", real_coords), ("synthetic_coords", synthetic_coords)):
        array = check_array(value, name)
        if array.ndim != 2 or array.shape[1] != 2:
            raise ValueError(
                f"`{name}` must have shape (n, 2): 2-D projections. Received "
                f"shape={np.shape(value)}"
                + (" (project to 2-D first)" if array.ndim == 2 and array.shape[1] > 2 else "")
            )
        coords.append(array)
    ax = _new_axes(ax, 4.6, 4.2)
    for points, label, color in zip(
        coords, labels, (_REAL_COLOR, _SYNTHETIC_COLOR), strict=True
    ):
        ax.scatter(points[:, 0], points[:, 1], s=8, alpha=0.3, color=color,
                   label=f"{label} ({len(points)})")
    axis_name = title or "component"
    ax.set_xlabel(f"{axis_name} 1")
    ax.set_ylabel(f"{axis_name} 2")
    ax.legend(fontsize="small", markerscale=2)
    if title:
        ax.set_title(title)
    return save_figure(ax.figure, path)


def embedding_panels(
    embeddings: Mapping[str, tuple],
    *,
    labels: tuple[str, str] = ("Real", "Synthetic"),
    title: str | None = None,
    axes: Sequence[Axes] | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Draws `embedding_scatter` panels side by side, one per projection.

    Example: `embedding_panels({"PCA": (real_pca, fake_pca), "t-SNE": (real_tsne,
    fake_tsne)})` gives the TimeGAN paper's pair of figures.

    Args:
        embeddings: panel title -> `(real_coords, synthetic_coords)`, each `(n, 2)`.
        labels: legend names of the real and the synthetic points.
        title: the figure's title (only for a new figure).
        axes: one `Axes` per projection to draw into instead of a new figure.
        path: if given, save the figure there.

    Returns:
        The `Figure`, with one `Axes` per projection, in the mapping's order.
    """
    if not isinstance(embeddings, Mapping) or not embeddings:
        raise ValueError(
            "`embeddings` must be a non-empty dict of title -> (real_coords, "
            f"synthetic_coords). Received: {type(embeddings).__name__}"
        )
    for name, pair in embeddings.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(
                f"`embeddings[{name!r}]` must be a pair (real_coords, synthetic_coords). "
                f"Received a {type(pair).__name__}"
                + (f" of length {len(pair)}" if isinstance(pair, (tuple, list)) else "")
            )
    new_figure = axes is None
    axes = _axes_row(axes, len(embeddings), 4.6, 4.2)
    for ax, (name, (real_coords, synthetic_coords)) in zip(
        axes, embeddings.items(), strict=True
    ):
        embedding_scatter(real_coords, synthetic_coords, title=name, labels=labels, ax=ax)
    if title and new_figure:
        axes[0].figure.suptitle(title)
    return save_figure(axes[0].figure, path)


def kl_per_dimension_bar(
    kl_per_dim,
    *,
    threshold: float | None = None,
    sort: bool = False,
    title: str | None = "KL per latent dimension",
    ax: Axes | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Draws one bar per latent dimension: its KL(q(z_i | x) || p(z_i)), batch-averaged.

    Dimensions with (near) zero KL carry no information about `x`: the posterior of that
    unit has collapsed to the prior. With `threshold`, bars at or above it are coloured as
    active and the others grey, and the line and the count are shown.

    Args:
        kl_per_dim: `(latent_dim,)` KL of each dimension in nats: not summed over the
            latent dimensions, averaged over the batch, so the bars add up to `kl_loss`.
        threshold: optional KL level separating active from inactive dimensions.
        sort: order the bars by decreasing KL; the tick labels keep the dimension indices
            (up to 32 dimensions; beyond, ticks count bars).
        title: panel title.
        ax: draw into this `Axes` instead of a new figure.
        path: if given, save the figure there.

    Returns:
        The `Figure`: one bar per dimension, plus the threshold line if given.
    """
    kl = check_array(kl_per_dim, "kl_per_dim")
    if kl.ndim != 1:
        hint = " (average over the batch axis first)" if kl.ndim == 2 else ""
        raise ValueError(
            f"`kl_per_dim` must have shape (latent_dim,): one KL per dimension{hint}. "
            f"Received shape={np.shape(kl_per_dim)}"
        )
    if threshold is not None:
        threshold = check_non_negative_float(threshold, "threshold")
    order = np.argsort(-kl, kind="stable") if sort else np.arange(len(kl))
    values = kl[order]
    ax = _new_axes(ax, max(3.5, 0.35 * len(kl) + 1.5), 3.0)
    if threshold is None:
        colors = ["C0"] * len(values)
    else:
        colors = ["C0" if v >= threshold else "0.7" for v in values]
    ax.bar(np.arange(len(values)), values, color=colors)
    if threshold is not None:
        active = int((kl >= threshold).sum())
        ax.axhline(threshold, color="black", linestyle="--", linewidth=1.0,
                   label=f"threshold {threshold:.3g}: {active} of {len(kl)} active")
        ax.legend(fontsize="small")
    if len(kl) <= 32:
        ax.set_xticks(np.arange(len(kl)), [str(i) for i in order])
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("latent dimension" + (" (sorted by KL)" if sort else ""))
    ax.set_ylabel("KL (nats)")
    ax.grid(axis="y", alpha=0.3)
    if title:
        ax.set_title(title)
    return save_figure(ax.figure, path)
