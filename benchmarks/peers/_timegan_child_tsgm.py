"""Child of `benchmarks/peers/timegan.py` for tsgm's TimeGAN (`tsgm.models.timeGAN.TimeGAN`,
Keras 3 on the TensorFlow backend).

Runs in the peer's own environment; imports no keras_vae. Settings are the class defaults
(3-layer GRU, hidden 24, gamma 1) except `batch_size=128` (its default is 256) to match the
TimeGAN reference and the other rows, and `n_features=5`. Its `fit(data, epochs)` runs
`epochs` iterations of every one of its three phases. The data is min-max scaled per
feature to [0, 1] first, as tsgm's TimeGAN tutorial does with `TSFeatureWiseScaler`, and the
samples are mapped back.
"""

import os

from _timegan_child_common import MinMax, main, prepare

prepare()
os.environ["KERAS_BACKEND"] = "tensorflow"

SETTINGS = {"module": "gru", "hidden_dim": 24, "n_layers": 3, "batch_size": 128, "gamma": 1.0}


def train(x, iterations, seed):
    import keras
    from tsgm.models.timeGAN import TimeGAN

    keras.utils.set_random_seed(seed)  # Python, NumPy (its noise) and TensorFlow
    scaler = MinMax(x)
    model = TimeGAN(seq_len=x.shape[1], n_features=x.shape[2], **SETTINGS)
    model.compile()
    model.fit(scaler.scale(x), epochs=int(iterations))
    return model, scaler


def sample(state, n, seed):
    import numpy as np

    model, scaler = state
    np.random.seed(seed)
    return scaler.unscale(model.generate(n_samples=n))


if __name__ == "__main__":
    raise SystemExit(main("tsgm", train, sample, ["tsgm", "tensorflow", "keras", "numpy"], SETTINGS))
