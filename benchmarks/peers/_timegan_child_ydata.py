"""Child of `benchmarks/peers/timegan.py` for ydata-synthetic's TimeGAN (TF2 / Keras 2).

Runs in the peer's own environment; imports no keras_vae. Settings are those of the
package's TimeGAN example (`examples/timeseries`: batch 128, lr 5e-4, latent_dim 24 as the
GRUs' width, gamma 1). `TimeGAN.fit` takes a DataFrame of one long series and cuts it into
overlapping windows (`real_data_loading`); the sines are already 10000 independent
sequences, so this calls the model's own `train(data, train_steps)` (what `fit` calls after
the windowing) on them, min-max scaled per feature to [0, 1] as `real_data_loading` would,
and maps the samples back. `train_steps` is the count of every one of its three phases.
"""

import os

from _timegan_child_common import MinMax, main, prepare

prepare()
os.environ["YDATA_SYNTHETIC_NO_ANALYTICS"] = "1"  # the package's opt-out of its usage ping

import numpy as np  # noqa: E402

SETTINGS = {"batch_size": 128, "lr": 5e-4, "noise_dim": 32, "layers_dim": 128, "latent_dim": 24, "gamma": 1}


def train(x, iterations, seed):
    import tensorflow as tf
    from ydata_synthetic.synthesizers import ModelParameters
    from ydata_synthetic.synthesizers.timeseries.timegan.model import TimeGAN

    np.random.seed(seed)  # its noise comes from NumPy's global generator
    tf.random.set_seed(seed)
    scaler = MinMax(x)
    model = TimeGAN(ModelParameters(**SETTINGS))
    model.seq_len, model.n_seq = x.shape[1], x.shape[2]
    model.num_cols = [f"f{i}" for i in range(x.shape[2])]
    model.train(data=scaler.scale(x), train_steps=int(iterations))
    return model, scaler


def sample(state, n, seed):
    model, scaler = state
    np.random.seed(seed)
    frames = model.sample(n)  # a list of one DataFrame per sequence
    return scaler.unscale(np.stack([frame.to_numpy() for frame in frames]))


if __name__ == "__main__":
    raise SystemExit(main("ydata-synthetic", train, sample, ["ydata-synthetic", "tensorflow", "numpy"], SETTINGS))
