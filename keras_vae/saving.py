"""Loading and saving `.keras` files, with errors that say what is wrong with the file.

`keras.models.load_model` (Keras 3.15) reports an existing file that is not a zip archive,
or a truncated archive, as "File not found", and an archive without `config.json` as a bare
`KeyError`. `load_model` here checks the file first and raises a `ValueError` that names
what a `.keras` archive must be and what the file is instead; then Keras loads it.

`model.save` opens the destination before it serialises anything, so an error halfway
(a full disk, an object that cannot be serialised) leaves an empty or partial file, in
place of the good one it was to replace. `save_model` writes to a temporary file next to
the destination and renames it only once it is complete, so the path holds either the new
archive or what it held before, never half of one.

Example:
>>> keras_vae.saving.save_model(vae, "vae.keras")
>>> vae = keras_vae.saving.load_model("vae.keras")    # no custom_objects needed
"""

from __future__ import annotations

import json
import os
import uuid
import zipfile
import zlib

import keras

#: What `model.save("x.keras")` writes (Keras 3): the model's config, its metadata and one
#: weights file, HDF5 by default (NumPy `.npz` with `weights_format="npz"`).
CONFIG_FILE = "config.json"
WEIGHTS_FILES = ("model.weights.h5", "model.weights.npz")
_EXPECTED = f"a `.keras` archive written by `model.save` (a zip file holding {CONFIG_FILE} and {WEIGHTS_FILES[0]})"
_ZIP_MAGIC = b"PK\x03\x04"


def load_model(path: str | os.PathLike, custom_objects=None, compile: bool = True, safe_mode: bool = True):
    """Checks that `path` is a complete `.keras` archive, then loads it with Keras.

    Args:
        path: a `.keras` file written by `model.save` or `save_model`.
        custom_objects, compile, safe_mode: passed to `keras.models.load_model`. keras_vae's
            classes are registered, so its models need no `custom_objects`.

    Returns:
        The model, as `keras.models.load_model` returns it.

    Raises:
        ValueError: if `path` is not a path ending in `.keras`, does not exist, is a
            folder, is not a zip archive (e.g. a text or HDF5 file), is a truncated or
            corrupt zip archive, lacks `config.json` or the weights file, holds a
            `config.json` that is not a Keras config, or Keras cannot rebuild the model
            from it (the message names the file and Keras' own error).
    """
    path = _check_keras_path(path, "path")
    if not os.path.exists(path):
        raise ValueError(f"`path` must be an existing file, {_EXPECTED}. Received: path={path!r}, which does not exist")
    if os.path.isdir(path):
        raise ValueError(f"`path` must be a file, {_EXPECTED}. Received: path={path!r}, which is a folder")
    _check_archive(path)
    try:
        return keras.models.load_model(path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)
    except (ValueError, TypeError, KeyError, AttributeError, OSError) as error:
        raise ValueError(
            f"`path` must be {_EXPECTED} that Keras can rebuild. Received: path={path!r}, "
            f"which Keras could not load: {type(error).__name__}: {error}"
        ) from error


def save_model(model: keras.Model, path: str | os.PathLike, overwrite: bool = True) -> None:
    """Saves `model` to the `.keras` file `path`, all or nothing.

    The archive is written by `keras.saving.save_model` to a temporary file in the same
    folder and renamed to `path` when complete (`os.replace`, atomic on one file system).
    If saving fails, the temporary file is removed and `path` is left as it was.

    Args:
        model: the model to save.
        path: destination ending in `.keras`, in an existing folder.
        overwrite: whether to replace an existing file at `path`.

    Raises:
        ValueError: if `model` is not a Keras model, `path` does not end in `.keras`, its
            folder does not exist, it is a folder, or it exists and `overwrite` is False.
            Errors of serialisation propagate unchanged, after the clean-up.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"`model` must be a keras.Model. Received: {type(model).__name__}")  # noqa: TRY004
    path = _check_keras_path(path, "path")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(
            f"`path` must be in an existing folder. Received: path={path!r}, whose folder {folder!r} does not exist"
        )
    if os.path.isdir(path):
        raise ValueError(f"`path` must name a file, not a folder. Received: path={path!r}, which is a folder")
    if os.path.exists(path) and not overwrite:
        raise ValueError(f"`path` must not exist when overwrite=False. Received: path={path!r}, which exists")
    # Hidden, unique and ending in `.keras` (which Keras requires) in the same folder, so
    # the final rename never crosses file systems.
    partial = os.path.join(folder, f".{os.path.basename(path)}.{uuid.uuid4().hex}.partial.keras")
    try:
        keras.saving.save_model(model, partial)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _check_keras_path(path, name: str) -> str:
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"`{name}` must be a path (str or os.PathLike) ending in `.keras`. Received: {name}={path!r}")  # noqa: TRY004
    path = os.fspath(path)
    if not path.endswith(".keras"):
        suffix = os.path.splitext(path)[1] or "no suffix"
        raise ValueError(f"`{name}` must end in `.keras`. Received: {name}={path!r} ({suffix})")
    return path


def _check_archive(path: str) -> None:
    """Raises `ValueError` unless `path` is a readable zip holding a Keras model config."""
    size = os.path.getsize(path)
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as file:
            head = file.read(len(_ZIP_MAGIC))
        if size == 0:
            found = "an empty file (0 bytes: an interrupted save or copy?)"
        elif head == _ZIP_MAGIC:
            found = (
                f"a truncated or corrupt zip archive of {size} bytes: it starts like one but its "
                "central directory, at the end of every complete zip file, is missing (an "
                "interrupted save or copy?)"
            )
        else:
            found = f"a file of {size} bytes that is not a zip archive (it starts with {head!r})"
        raise ValueError(f"`path` must be {_EXPECTED}. Received: path={path!r}, {found}")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
            missing = [] if CONFIG_FILE in members else [CONFIG_FILE]
            if not any(weights in members for weights in WEIGHTS_FILES):
                missing.append(WEIGHTS_FILES[0])
            if missing:
                raise ValueError(
                    f"`path` must be {_EXPECTED}. Received: path={path!r}, a zip archive without "
                    f"{' and '.join(missing)} (its members: {sorted(members)[:10]})"
                )
            corrupt = archive.testzip()  # reads every member and checks its CRC
            config = archive.read(CONFIG_FILE)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise ValueError(
            f"`path` must be {_EXPECTED}. Received: path={path!r}, a corrupt zip archive "
            f"({type(error).__name__}: {error})"
        ) from None
    if corrupt is not None:
        raise ValueError(
            f"`path` must be {_EXPECTED}. Received: path={path!r}, whose member {corrupt!r} is "
            "corrupt (its CRC check fails)"
        )
    try:
        config = json.loads(config)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(
            f"`path` must be {_EXPECTED}. Received: path={path!r}, whose {CONFIG_FILE} is not "
            f"JSON ({error})"
        ) from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"`path` must be {_EXPECTED}. Received: path={path!r}, whose {CONFIG_FILE} is not a "
            f"Keras object config (no 'class_name'; it holds a {type(config).__name__})"
        )
