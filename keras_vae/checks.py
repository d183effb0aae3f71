"""Input checks shared by the models and the data helpers.

Every public entry point validates its inputs here, on the host and before any graph is
traced, so a user gets a `ValueError` that names what was expected and what was received
instead of a TensorFlow traceback from deep inside a training step.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np


def format_shape(shape) -> str:
    """Formats a shape: `batch` for an unknown first axis, `any` for other unknown axes,
    e.g. `(batch, 8, 8)` or `(batch, any)`."""
    parts = [("batch" if i == 0 else "any") if d is None else str(d) for i, d in enumerate(shape)]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


#: The largest seed every consumer takes: NumPy's legacy `RandomState` stops at 2**32 - 1.
MAX_SEED = 2**32 - 1  # also what scikit-learn takes as `random_state`


def check_seed(seed, name: str = "seed", *, optional: bool = False) -> int | None:
    """Returns `seed` as an `int` in [0, 2**32 - 1] (NumPy integers included); None passes
    when `optional` (draw fresh randomness). Else raises `ValueError`. The one seed check of
    the package: models, samplers, callbacks, data helpers and scores."""
    if seed is None and optional:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed <= MAX_SEED:
        allowed = "None or an integer" if optional else "an integer"
        raise ValueError(f"`{name}` must be {allowed} in [0, 2**32 - 1]. Received: {name}={seed!r}")
    return int(seed)


def check_bool(value, name: str) -> bool:
    """`value` must be True or False (not 0, 1 or a string)."""
    if not isinstance(value, bool):
        raise ValueError(f"`{name}` must be True or False. Received: {name}={value!r}")
    return value


def check_positive_int(value, name: str) -> int:
    """Returns `value` as an `int` if it is a whole number > 0, else raises `ValueError`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


def check_non_negative_float(value, name: str) -> float:
    """Returns `value` as a finite `float` >= 0, else raises `ValueError`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"`{name}` must be a non-negative number. Received: {name}={value!r}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"`{name}` must be a finite number >= 0. Received: {name}={value!r}")
    return float(value)


def check_fraction(value, name: str) -> float:
    """Returns `value` as a `float` strictly between 0 and 1, else raises `ValueError`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise ValueError(f"`{name}` must be a number in (0, 1). Received: {name}={value!r}")
    return float(value)


def check_choice(value, name: str, choices: Sequence[str]) -> str:
    """Returns `value` if it is one of `choices`, else raises `ValueError`."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(
            f"`{name}` must be one of {tuple(choices)}. Received: {name}={value!r}"
        )
    return value


def check_shape(value, name: str) -> tuple[int, ...]:
    """Returns a non-empty tuple of positive ints (a per-example shape)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, (tuple, list)) or len(value) == 0:
        raise ValueError(
            f"`{name}` must be a non-empty tuple of positive integers, e.g. (8, 8). "
            f"Received: {name}={value!r}"
        )
    return tuple(check_positive_int(d, f"{name}[{i}]") for i, d in enumerate(value))


def check_sizes(value, name: str) -> tuple[int, ...]:
    """Returns a (possibly empty) tuple of positive ints, e.g. hidden layer sizes."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, (tuple, list)):
        raise ValueError(
            f"`{name}` must be a tuple of positive integers, e.g. (64, 32). "
            f"Received: {name}={value!r}"
        )
    return tuple(check_positive_int(d, f"{name}[{i}]") for i, d in enumerate(value))


def check_array(
    x,
    name: str,
    *,
    example_shape: tuple[int | None, ...] | None = None,
    value_range: tuple[float, float] | None = None,
    range_reason: str = "",
    owner: str = "",
) -> np.ndarray:
    """Validates a batch of examples and returns it as a float32 NumPy array.

    Args:
        x: array-like of shape `(batch, *example_shape)`.
        name: the argument's name, used in messages (e.g. `"x"`, `"validation_data[0]"`).
        example_shape: the expected shape of one example; `None` entries match any size.
        value_range: inclusive `(low, high)` the values must lie in, if any.
        range_reason: why the range is required, appended to the message.
        owner: who asks (a class name), used as the message's prefix.

    Returns:
        A float32 `np.ndarray`.

    Raises:
        ValueError: on non-numeric or object data, an empty batch, a wrong rank or shape,
            NaN or infinite values, or values outside `value_range`.
    """
    prefix = f"{owner}: " if owner else ""
    expected = format_shape((None, *example_shape)) if example_shape is not None else None
    if x is None:
        raise ValueError(
            f"{prefix}`{name}` must be an array of examples"
            + (f" of shape {expected}" if expected else "")
            + f". Received: {name}=None"
        )
    try:
        array = np.asarray(x)
    except (ValueError, TypeError) as error:  # ragged nested lists
        raise ValueError(
            f"{prefix}`{name}` must be a rectangular numeric array"
            + (f" of shape {expected}" if expected else "")
            + f". Received a {type(x).__name__} that NumPy cannot convert: {error}"
        ) from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
    ):
        raise ValueError(
            f"{prefix}`{name}` must hold real numbers (float or int). "
            f"Received dtype={array.dtype}"
        )
    if np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError(f"{prefix}`{name}` must be real-valued. Received dtype={array.dtype}")
    if example_shape is not None:
        if array.ndim != len(example_shape) + 1:
            raise ValueError(
                f"{prefix}`{name}` must have rank {len(example_shape) + 1} with shape "
                f"{expected}. Received shape={array.shape} (rank {array.ndim})"
            )
        for axis, (got, want) in enumerate(zip(array.shape[1:], example_shape), start=1):
            if want is not None and got != want:
                raise ValueError(
                    f"{prefix}`{name}` must have shape {expected}. "
                    f"Received shape={array.shape} (axis {axis} is {got}, expected {want})"
                )
    elif array.ndim == 0:
        raise ValueError(f"{prefix}`{name}` must be a batch of examples. Received a scalar")
    if array.shape[0] == 0:
        raise ValueError(
            f"{prefix}`{name}` must contain at least one example. Received shape={array.shape}"
        )
    if array.size == 0:  # e.g. (n, 0): examples without a single value
        raise ValueError(
            f"{prefix}`{name}` must hold at least one value per example"
            + (f", shape {expected}" if expected else "")
            + f". Received shape={array.shape}"
        )
    array = array.astype("float32", copy=False)
    finite = np.isfinite(array)
    if not finite.all():
        bad = np.argwhere(~finite)[0]
        raise ValueError(
            f"{prefix}`{name}` must contain only finite values. Received "
            f"{array[tuple(bad)]} at index {tuple(int(i) for i in bad)} "
            f"({int((~finite).sum())} non-finite value(s) in all)"
        )
    if value_range is not None:
        low, high = value_range
        lo, hi = float(array.min()), float(array.max())
        if lo < low or hi > high:
            raise ValueError(
                f"{prefix}`{name}` must have values in [{low}, {high}]{range_reason}. "
                f"Received values in [{lo:g}, {hi:g}]"
            )
    return array


def check_same_length(arrays: dict[str, np.ndarray], owner: str = "") -> None:
    """Raises `ValueError` unless every array has the same number of examples."""
    lengths = {name: len(a) for name, a in arrays.items() if a is not None}
    if len(set(lengths.values())) > 1:
        prefix = f"{owner}: " if owner else ""
        described = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(
            f"{prefix}all arrays must have the same number of examples. Received: {described}"
        )
