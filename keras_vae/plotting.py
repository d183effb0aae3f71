"""Matplotlib figures for the tutorials: image grids, latent spaces and training curves.

Every function builds a `matplotlib.figure.Figure` directly, without `pyplot`: no GUI
backend is chosen or needed, no global figure list grows in a long loop, and the code runs
the same under `MPLBACKEND=Agg`, in a notebook and on a headless server. Each function
returns its figure (a notebook shows it when it is a cell's last value) and, given `path`,
saves it there first as PNG (or any format the suffix names), creating parent folders.

Functions that draw one panel also accept `ax=`, an existing `Axes`, so several panels
can share one figure (e.g. one latent scatter per β); then they return `ax.figure`.

Images are NumPy arrays `(n, height, width)`, `(n, height, width, channels)` with 1 or 3
channels, or flat `(n, height * width)` together with `image_shape`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from statistics import NormalDist

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = [
    "decoded_latent_grid",
    "image_grid",
    "latent_scatter",
    "prior_grid_values",
    "reconstruction_grid",
    "sample_grid",
    "save_figure",
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
    images = np.asarray(images, dtype="float32")
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
