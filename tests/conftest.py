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


# === Which tests are slow: `pytest -m "not slow"` runs the rest in about a minute ===

#: Modules that run tutorials, subprocesses, peer venvs or tf.distribute set-ups.
SLOW_MODULES = {
    "test_tutorials.py", "test_distribution_and_precision.py", "test_fault_tolerance.py",
    "test_readme.py", "test_peers_timegan.py", "test_benchmarks_throughput.py",
    "test_recurrent.py",
}
#: Modules whose per-model contract tests run the recurrent configs only in the full run:
#: the dense configs check the same contract in seconds.
PER_MODEL_MODULES = {"test_models.py", "test_callbacks.py", "test_code_distribution.py"}
RECURRENT_WORDS = ("lstm", "gan", "sequence", "recurrent", "forecaster")


def pytest_itemcollected(item):
    module = item.path.name
    callspec = getattr(item, "callspec", None)
    ids = callspec.id.lower() if callspec is not None else ""
    if module in SLOW_MODULES or (
        module in PER_MODEL_MODULES and any(word in ids for word in RECURRENT_WORDS)
    ):
        item.add_marker(pytest.mark.slow)
