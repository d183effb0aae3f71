"""Errata tests of article 001 (recurrent VAEs) added after the first 64 entries.

One test per entry of `keras_vae/errata/data/001_54e3f6aded2d2551.toml` appended after the
first 64 entries of the errata; the consistency tests of `tests/test_errata.py` find them
here. Each reproduces the defect with a construction of our own and checks the corrected
maths or keras_vae's corrected code.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_vae
from keras_vae import LSTMVAE, errata

PACKAGE = Path(keras_vae.__file__).resolve().parent

# The 1-D linear-Gaussian model p(z) = N(0, 1), p(x|z) = N(z, S2), observed at X: its
# evidence and posterior are known exactly.
S2 = 0.25
X = 1.5
LOG_PX = -0.5 * (math.log(2 * math.pi * (1.0 + S2)) + X**2 / (1.0 + S2))
POST = (X / (1.0 + S2), S2 / (1.0 + S2))  # N(1.2, 0.2)


def _elbo(mean, log_var):
    """ELBO of q = N(mean, exp(log_var)) in closed form, as a differentiable TF expression."""
    var = tf.exp(log_var)
    expected_log_lik = -0.5 * math.log(2 * math.pi * S2) - ((X - mean) ** 2 + var) / (2 * S2)
    kl = 0.5 * (var + mean**2 - 1.0 - log_var)
    return expected_log_lik - kl


def _sgd(sign, steps, learning_rate=0.05):
    """`steps` SGD steps that minimise sign * ELBO from q = N(0.5, 0.5); ELBO after each."""
    mean, log_var = tf.Variable(0.5), tf.Variable(math.log(0.5))
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)

    @tf.function  # traced once: the steps stay fast
    def step():
        with tf.GradientTape() as tape:
            objective = sign * _elbo(mean, log_var)
        grads = tape.gradient(objective, [mean, log_var])
        optimizer.apply_gradients(zip(grads, [mean, log_var]))
        return _elbo(mean, log_var)

    trace = [float(step()) for _ in range(steps)]
    return float(mean), float(tf.exp(log_var)), trace


def _sines(n=32, steps=8, seed=0):
    """n two-feature sine windows in [0, 1] with random phases."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 2 * np.pi, steps)
    wave = 0.5 + 0.4 * np.sin(t[None, :, None] + rng.uniform(0, 2 * np.pi, (n, 1, 1)))
    return np.concatenate([wave, 1.0 - wave], axis=-1).astype("float32")


def _docstrings_of_the_package():
    """(file, text) of every Python source of keras_vae except the errata data."""
    return [(p, p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))]


# =========================================================================== article 001


def test_001_3_gradient_descent_on_the_elbo():
    start = float(_elbo(tf.constant(0.5), tf.constant(math.log(0.5))))
    assert start == pytest.approx(-3.447, abs=1e-3)
    # Gradient descent on L itself, as the text prescribes: the ELBO falls at every step.
    mean, _, trace = _sgd(+1.0, steps=20)
    assert all(b < a for a, b in zip([start, *trace], trace))
    assert mean == pytest.approx(-59.5, abs=0.1)
    assert trace[-1] == pytest.approx(-9228, rel=1e-3)
    # Descent on -L (ascent on L) reaches the exact posterior, where the bound is tight.
    mean, var, trace = _sgd(-1.0, steps=200)
    assert (mean, var) == pytest.approx(POST, abs=2e-3)
    assert trace[-1] == pytest.approx(LOG_PX, abs=1e-3)
    assert LOG_PX == pytest.approx(-1.931, abs=1e-3)
    # keras_vae: the loss is the negative ELBO, and its training steps make it smaller.
    x = _sines()
    keras.utils.set_random_seed(0)
    vae = LSTMVAE(sequence_length=8, num_features=2, latent_dim=2, hidden_dims=(8,), seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(0.01))
    terms = vae.compute_terms(x)
    np.testing.assert_allclose(
        np.asarray(terms["loss"]),
        np.asarray(terms["reconstruction_loss"]) + np.asarray(terms["kl_loss"]),
        rtol=1e-5,
    )
    before = float(np.mean(terms["loss"]))
    for _ in range(5):  # what fit runs on every batch (eagerly here: no tracing)
        vae.train_step(tf.constant(x))
    after = float(np.mean(vae.compute_terms(x)["loss"]))
    assert after < 0.8 * before  # the ELBO estimate, -loss, went up


def test_001_6_aevb_venue():
    citations = []
    for path, text in _docstrings_of_the_package():
        for match in re.finditer(r"Auto-Encoding Variational Bayes", text):
            citation = text[match.start() : match.start() + 120].split("(")[0]  # up to the notes
            citations.append((path.name, citation))
    assert len(citations) >= 3, citations
    for name, citation in citations:
        assert not re.search(r"NeurIPS|NIPS|Neural Information Processing", citation), name
    cited_as_iclr = {name for name, citation in citations if "ICLR 2014" in citation}
    assert {"losses.py", "dense_vae.py", "vae.py", "evaluation.py"} <= cited_as_iclr, citations
    assert "ICLR 2014" in keras_vae.losses.__doc__
    assert "ICLR 2014" in keras_vae.DenseVAE.__doc__
    assert "arxiv.org/abs/1312.6114" in errata._REFERENCES
