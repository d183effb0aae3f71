"""Test session set-up: quiet TensorFlow, Agg plots, two logical CPU devices.

The two logical CPUs let `tf.distribute.MirroredStrategy` tests run on a machine without
GPUs. They must be configured before TensorFlow initialises its devices, hence here.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

_cpus = tf.config.list_physical_devices("CPU")
tf.config.set_logical_device_configuration(
    _cpus[0], [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)


@pytest.fixture(autouse=True)
def _float32_policy():
    """Every test starts and ends with the default float32 policy."""
    keras.config.set_dtype_policy("float32")
    yield
    keras.config.set_dtype_policy("float32")


@pytest.fixture(scope="session")
def images():
    """64 tiny 'images' in [0, 1] with some structure (not pure noise)."""
    rng = np.random.default_rng(0)
    base = rng.random((4, 8, 8))
    labels = rng.integers(0, 4, size=64)
    x = np.clip(base[labels] + 0.1 * rng.standard_normal((64, 8, 8)), 0, 1)
    return x.astype("float32")


@pytest.fixture(scope="session")
def mirrored_strategy():
    """One `MirroredStrategy` over the two logical CPUs for the whole session.

    TensorFlow numbers collective operations per process; a second strategy over the same
    devices reuses the numbers, and its all-reduces then fail with a shape mismatch. Like a
    user's program, the test session creates its strategy once.
    """
    return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
