"""One test per entry of `keras_vae.errata.ERRATA`, plus consistency tests.

An entry's test lives here or in the per-article file `tests/test_errata_<NNN>.py`; the
consistency tests read both.

Each defect test reproduces the defect with a minimal construction of our own (never the
articles' code) and asserts what TensorFlow 2.21 / Keras 3 does: the exception class and a
message fragment for crashes, the wrong behaviour numerically for silent defects, the
corrected maths numerically for text entries. Where the entry is about a model, the test
then checks that keras_vae's corrected model does the job. Trained models are shared through
module-scoped fixtures (one short `fit` each) to keep the module fast.
"""

from __future__ import annotations

import ast
import math
import re
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers, ops

from keras_vae import DenseAutoencoder, DenseVAE, Sampling, errata, losses

_trapezoid = getattr(np, "trapezoid", None) or np.trapz  # NumPy < 2.0 has only trapz

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"

SHAPE = (8, 8)
D = 64  # pixels per example
LATENT = 2


def _init(seed):
    return keras.initializers.GlorotUniform(seed=seed)


# --------------------------------------------------------------------------- data and models


def _structured(rng, weights, n):
    """(n, 8, 8) values in [0, 1] that lie near a 2-D manifold (a sigmoid of a 2-D code)."""
    z = rng.normal(size=(n, LATENT))
    return (1.0 / (1.0 + np.exp(-(z @ weights)))).reshape(n, *SHAPE).astype("float32")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(LATENT, D)) * 2.5
    return {
        "train": _structured(rng, weights, 64),
        "val": _structured(rng, weights, 32),
        "test": _structured(rng, weights, 32),
        "noise": rng.random((32, *SHAPE)).astype("float32"),
    }


@pytest.fixture(scope="module")
def vae_fit(data):
    vae = DenseVAE(input_shape=SHAPE, latent_dim=LATENT, hidden_dims=(16,), seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = vae.fit(
        data["train"], epochs=5, batch_size=16, validation_data=(data["val"],), verbose=0
    )
    return vae, history.history


@pytest.fixture(scope="module")
def vae(vae_fit):
    return vae_fit[0]


@pytest.fixture(scope="module")
def ae_fit(data):
    ae = DenseAutoencoder(input_shape=SHAPE, latent_dim=LATENT, hidden_dims=(16,), seed=0)
    ae.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = ae.fit(data["train"], epochs=40, batch_size=16, verbose=0)
    return ae, history.history


def _assert_history_ok(history, keys):
    assert set(keys) <= set(history)
    for key in keys:
        assert np.all(np.isfinite(history[key])), key


# --------------------------------------------------------------------------- exact maths
# The 1-D linear-Gaussian model p(z) = N(0, 1), p(x|z) = N(z, S2): everything is known in
# closed form, so bounds and gaps can be measured exactly.

S2 = 0.25
X = 1.5
Q = (0.5, 0.5)  # a q(z|x) = N(0.5, 0.5) that is not the posterior


def _log_normal(x, mean, var):
    return -0.5 * (math.log(2 * math.pi * var) + (x - mean) ** 2 / var)


def _kl_normal(m1, v1, m2, v2):
    """KL(N(m1, v1) || N(m2, v2))."""
    return 0.5 * (math.log(v2 / v1) + (v1 + (m1 - m2) ** 2) / v2 - 1.0)


def _expected_log_lik(m, v, x=X, s2=S2):
    """E_{z ~ N(m, v)}[log N(x; z, s2)]."""
    return -0.5 * math.log(2 * math.pi * s2) - ((x - m) ** 2 + v) / (2 * s2)


def _elbo(m, v, beta=1.0):
    return _expected_log_lik(m, v) - beta * _kl_normal(m, v, 0.0, 1.0)


LOG_PX = _log_normal(X, 0.0, 1.0 + S2)
POST = (X / (1.0 + S2), S2 / (1.0 + S2))  # exact posterior N(1.2, 0.2)


def _mc_kl_to_std_normal(mean, log_var, n=200_000, seed=0):
    """Monte-Carlo E_q[log q(z) - log N(z; 0, I)], q = N(mean, exp(log_var)), diagonal."""
    rng = np.random.default_rng(seed)
    mean, log_var = np.asarray(mean, float), np.asarray(log_var, float)
    z = mean + np.exp(log_var / 2) * rng.standard_normal((n, mean.size))
    log_q = -0.5 * np.sum(np.log(2 * np.pi) + log_var + (z - mean) ** 2 / np.exp(log_var), axis=1)
    log_p = -0.5 * np.sum(np.log(2 * np.pi) + z**2, axis=1)
    return float(np.mean(log_q - log_p)), z


def _closed_kl(mean, log_var):
    mean, log_var = np.asarray(mean, float), np.asarray(log_var, float)
    return float(0.5 * np.sum(np.exp(log_var) + mean**2 - 1.0 - log_var))


def _article_style_regulariser(mean, log_var, z, c=1e-2):
    """Our own re-statement of the defective regulariser's structure (see the erratum):
    squared log-variance, variance-weighted (mean - z)^2, magic factors, negative sign."""
    return -0.5 * c * np.sum(c * log_var**2 + np.exp(log_var) * (mean - z) ** 2, axis=-1)


# --------------------------------------------------------------------------- small helpers


def _tiny_encoder(seed=0, in_dim=6, hidden=8):
    """Hidden Dense + two separate heads (mean, log-variance), built eagerly."""
    hidden_layer = layers.Dense(hidden, activation="relu", kernel_initializer=_init(seed))
    mean_head = layers.Dense(LATENT, kernel_initializer=_init(seed + 1))
    log_var_head = layers.Dense(LATENT, kernel_initializer=_init(seed + 2))
    for layer, dim in ((hidden_layer, in_dim), (mean_head, hidden), (log_var_head, hidden)):
        layer.build((None, dim))
    return hidden_layer, mean_head, log_var_head


def _linear_codes_scaling(scale):
    """Linear encoder/decoder 16 -> 2 -> 16 with the code scaled by `scale` and the decoder
    by 1/scale: returns (reconstruction MSE, mean KL with log-variance 0)."""
    rng = np.random.default_rng(1)
    x = rng.random((32, 16)).astype("float32")
    w_enc = rng.normal(size=(16, LATENT)).astype("float32")
    w_dec = rng.normal(size=(LATENT, 16)).astype("float32")
    mean = x @ (w_enc * scale)
    reconstruction = mean @ (w_dec / scale)
    mse = float(keras.losses.MeanSquaredError()(x, reconstruction))
    kl = float(np.mean(losses.gaussian_kl(mean, np.zeros_like(mean))))
    return mse, kl


def _run_snippet(source, **names):
    """Runs a one-line stand-in for an article's code in a namespace holding only `names`."""
    exec(source, dict(names))  # noqa: S102 - the point is to reproduce the NameError


def _grad_of_log_var_head(vae, x, term):
    with tf.GradientTape() as tape:
        terms = vae.compute_terms(x, training=True)
        value = ops.mean(terms[term])
    return tape.gradient(value, vae.z_log_var_layer.trainable_weights)


# =========================================================================== consistency


def _test_functions_in_this_module():
    """Test functions of this file and of the per-article files `test_errata_<NNN>.py`."""
    names = []
    for path in [Path(__file__), *sorted(Path(__file__).parent.glob("test_errata_[0-9][0-9][0-9].py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names += [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]
    return names


def test_every_erratum_has_exactly_one_test_and_ids_are_unique():
    ids = [e.id for e in errata.ERRATA]
    assert len(ids) == len(set(ids)), "duplicate erratum ids"
    names = _test_functions_in_this_module()
    for e in errata.ERRATA:
        assert re.fullmatch(r"[0-9]{3}-[0-9.]+-[a-z0-9-]+", e.id), e.id
        assert names.count(e.test_name) == 1, f"{e.test_name} must be defined exactly once"
    defect_tests = {n for n in names if re.match(r"test_[0-9]{3}_", n)}
    assert defect_tests == {e.test_name for e in errata.ERRATA}, "a defect test has no erratum"


def test_every_kind_and_field_is_valid():
    for e in errata.ERRATA:
        assert e.kind in errata.KINDS, e.id
        assert e.article in errata.ARTICLES, e.id
        assert e.id.startswith(e.article[:3] + "-"), e.id
        # The heading's leading number; some headings have no space after it ("6.附录...").
        assert e.id.split("-")[1] == re.match(r"[0-9.]+", e.section).group().rstrip("."), e.id
        assert e.tutorials and set(e.tutorials) <= set(errata.TUTORIALS), e.id
        for field in ("defect", "tensorflow", "why", "fix"):
            assert getattr(e, field).strip(), (e.id, field)
    assert errata.for_article("002", "4.3") and all(
        e.article.startswith("002") and e.section.startswith("4.3")
        for e in errata.for_article("002", "4.3")
    )
    assert len(errata.for_article("00")) == len(errata.ERRATA)
    assert errata.for_tutorial("01") == errata.for_tutorial(1)
    assert {e.id for e in errata.for_tutorial("01")} == {
        e.id for e in errata.ERRATA if "01" in e.tutorials
    }


def test_sections_are_verbatim_headings_of_the_articles():
    if not SEEDS.is_dir():
        pytest.skip(f"the seed articles are not at {SEEDS}")
    for e in errata.ERRATA:
        text = (SEEDS / e.article).read_text(encoding="utf-8")
        headings = {line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")}
        assert e.section in headings, (e.id, e.section)


@pytest.mark.parametrize(
    "name, language", [("errata.md", "en"), ("errata.zh-CN.md", "zh-CN")], ids=["en", "zh-CN"]
)
def test_docs_errata_pages_are_generated_from_the_data(name, language):
    page = (ROOT / "docs" / name).read_text(encoding="utf-8")
    command = "python -m keras_vae.errata" + ("" if language == "en" else f" --language {language}")
    assert page == errata.to_markdown(errata.ERRATA, language), (
        f"docs/{name} is stale: run `{command} > docs/{name}`"
    )


_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # CJK letters or punctuation
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])-?\d+(?:\.\d+)?(?:e-?\d+)?")  # CJK letters count as \w
_CODE = re.compile(r"`[^`]+`")


def test_every_erratum_has_both_languages():
    for e in errata.ERRATA:
        assert e.zh is not None, f"{e.id} has no [erratum.zh] table"
        for field in errata.FIELDS:
            english, chinese = getattr(e, field), getattr(e.zh, field)
            # Chinese, unless the field is only a verbatim TensorFlow message.
            assert _CJK.search(chinese) or chinese == english, (e.id, field, "not Chinese")
            # The translation keeps every number and every code span of the English.
            assert sorted(_NUMBER.findall(english)) == sorted(_NUMBER.findall(chinese)), (e.id, field)
            assert sorted(_CODE.findall(english)) == sorted(_CODE.findall(chinese)), (e.id, field)
        assert e.text("zh-CN") is e.zh and e.text("en").defect == e.defect
    with pytest.raises(ValueError, match="language must be one of"):
        errata.ERRATA[0].text("fr")
    with pytest.raises(ValueError, match="language must be one of"):
        errata.to_markdown(errata.ERRATA, "fr")


def test_show_prints_entries_below_the_tutorials_headings(capsys):
    entries = errata.for_tutorial("01")
    errata.show(entries)
    printed = capsys.readouterr().out
    assert all(e.id in printed for e in entries)
    assert printed.startswith("### `") and "\n#### §" in printed and "\n##### `" in printed
    assert "# Errata of the blog articles" not in printed  # no page header inside a tutorial


# =========================================================================== article 000


def test_000_2_1_latent_called_noise(vae, data):
    # The noise of a VAE is epsilon alone: (z - mean) / sigma is standard normal.
    mean = np.tile(np.array([[1.0, -2.0]], "float32"), (4096, 1))
    log_var = np.tile(np.array([[0.5, -1.0]], "float32"), (4096, 1))
    z = np.asarray(Sampling(seed=0)([mean, log_var]))
    epsilon = (z - mean) / np.exp(log_var / 2)
    assert np.all(np.abs(epsilon.mean(axis=0)) < 0.02)
    assert np.all(np.abs(epsilon.std(axis=0) - 1.0) < 0.02)
    # The code's parameters are a deterministic function of x, different for different x.
    first = vae.encode(data["test"])
    again = vae.encode(data["test"])
    np.testing.assert_array_equal(first, again)
    assert np.all(first.std(axis=0) > 1e-3)


def test_000_3_1_3_kl_is_against_the_prior(vae):
    kl_prior = _kl_normal(*Q, 0.0, 1.0)
    kl_posterior = _kl_normal(*Q, *POST)
    gap = LOG_PX - _elbo(*Q)
    assert gap == pytest.approx(kl_posterior, abs=1e-12)  # the gap is the KL to the posterior
    assert kl_prior == pytest.approx(0.2216, abs=1e-4)
    assert kl_posterior - kl_prior > 1.0  # two different quantities
    # keras_vae's KL term is the one against the prior N(0, I).
    got = float(losses.gaussian_kl(np.array([[Q[0]]]), np.array([[math.log(Q[1])]]))[0])
    assert got == pytest.approx(kl_prior, rel=1e-5)


def test_000_4_1_relu_class_as_activation(vae):
    inputs = keras.Input((4,))
    outputs = layers.Dense(3, activation=layers.ReLU)(inputs)
    assert tuple(outputs.shape) == (None, 3)  # the graph builds ...
    model = keras.Model(inputs, outputs)
    x = np.ones((2, 4), "float32")
    with pytest.raises(
        tf.errors.OperatorNotAllowedInGraphError, match="symbolic `tf.Tensor` as a Python `bool`"
    ):
        model.predict(x, verbose=0)  # ... and fails on the first real call
    with pytest.raises(ValueError, match="truth value of an array"):
        layers.Dense(3, activation=layers.ReLU)(x)
    # Fixed: a string activation; keras_vae never passes a class as an activation.
    assert np.all(np.asarray(layers.Dense(3, activation="relu")(x)) >= 0)
    for model_ in (vae.encoder, vae.decoder):
        for layer in model_.layers:
            assert not isinstance(getattr(layer, "activation", None), type), layer.name
    assert vae.encoder.get_layer("encoder_hidden_0").get_config()["activation"] == "relu"


def test_000_4_1_dense_on_image_keeps_spatial_axes(vae, data):
    latent = layers.Dense(2)(layers.Dense(8)(keras.Input((28, 28, 1))))
    assert tuple(latent.shape) == (None, 28, 28, 2)
    z_mean, z_log_var = vae.posterior(data["test"])
    assert z_mean.shape == z_log_var.shape == (len(data["test"]), LATENT)


def test_000_4_1_graph_disconnected(vae, data):
    encoder_input = keras.Input((4,))
    layers.Dense(2)(encoder_input)
    decoder_input = keras.Input((2,))
    decoder_output = layers.Dense(4)(decoder_input)
    with pytest.raises(ValueError, match="is not connected to `inputs`"):
        keras.Model(encoder_input, decoder_output)
    assert tuple(vae.decoder.input_shape) == (None, LATENT)
    assert vae.reconstruct(data["test"]).shape == data["test"].shape


def test_000_4_1_no_sampling(vae, data):
    hidden, mean_head, log_var_head = _tiny_encoder()
    decoder = layers.Dense(6, kernel_initializer=_init(5))
    x = np.random.default_rng(2).random((16, 6)).astype("float32")
    with tf.GradientTape() as tape:
        h = hidden(x)
        z_mean, _ = mean_head(h), log_var_head(h)
        loss = ops.mean(ops.square(decoder(z_mean, training=True) - x))
    assert tape.gradient(loss, log_var_head.kernel) is None
    np.testing.assert_array_equal(
        decoder(mean_head(hidden(x, training=True), training=True), training=True),
        decoder(mean_head(hidden(x, training=True), training=True), training=True),
    )
    # keras_vae samples: the reconstruction is stochastic and trains the log-variance head.
    first = vae.compute_terms(data["test"], training=True)["reconstruction_loss"]
    second = vae.compute_terms(data["test"], training=True)["reconstruction_loss"]
    assert not np.allclose(first, second)
    gradients = _grad_of_log_var_head(vae, data["test"], "reconstruction_loss")
    assert all(g is not None for g in gradients)
    assert float(ops.sum(ops.abs(gradients[0]))) > 0


def test_000_4_1_no_kl(vae_fit, data):
    mse_1, kl_1 = _linear_codes_scaling(1.0)
    mse_100, kl_100 = _linear_codes_scaling(100.0)
    assert mse_100 == pytest.approx(mse_1, rel=1e-5)  # the MSE cannot tell them apart
    assert kl_100 / kl_1 == pytest.approx(1e4, rel=1e-3)  # the KL can
    vae, history = vae_fit
    terms = vae.compute_terms(data["test"], training=True)
    np.testing.assert_allclose(
        terms["loss"], terms["reconstruction_loss"] + float(vae.kl_weight) * terms["kl_loss"], rtol=1e-5
    )
    assert float(ops.min(terms["kl_loss"])) >= 0 and float(ops.mean(terms["kl_loss"])) > 0
    _assert_history_ok(history, ["kl_loss", "val_kl_loss"])


def test_000_4_1_decoder_output_too_small(vae):
    code = keras.Input((2,))
    model = keras.Model(code, layers.Dense(28)(code))
    model.compile(optimizer="adam", loss="mse")
    z = np.zeros((16, 2), "float32")
    images = np.zeros((16, 28, 28, 1), "float32")
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 28 and 8"):
        model.fit(z, images, batch_size=8, epochs=1, verbose=0)
    # With a batch of 1 the shapes broadcast and a number comes out, silently.
    value = keras.losses.MeanSquaredError()(images[:1], np.ones((1, 28), "float32"))
    assert float(value) == pytest.approx(1.0)
    assert vae.decode(np.zeros((3, LATENT), "float32")).shape == (3, *SHAPE)


def test_000_4_1_undefined_x_train(vae_fit):
    with pytest.raises(NameError, match="name 'x_train' is not defined"):
        _run_snippet("x_train.shape")
    _assert_history_ok(vae_fit[1], ["loss", "reconstruction_loss", "kl_loss"])


def _noisy_sine_windows(n=32, steps=12, seed=0):
    """(n, steps, 1) consecutive windows of a noisy sine wave, float32."""
    rng = np.random.default_rng(seed)
    t = np.arange(n + steps)
    series = np.sin(0.3 * t) + 0.1 * rng.standard_normal(t.size)
    windows = np.stack([series[i : i + steps] for i in range(n)])
    return windows[..., None].astype("float32")


def test_000_4_2_undefined_names():
    # The snippet imports LSTM and Dense only, then uses Input (and later x_train).
    with pytest.raises(NameError, match="name 'Input' is not defined"):
        _run_snippet("Input(shape=(None, 1))", LSTM=layers.LSTM, Dense=layers.Dense)
    with pytest.raises(NameError, match="name 'x_train' is not defined"):
        _run_snippet("x_train.shape")
    assert tuple(keras.Input(shape=(None, 1)).shape) == (None, None, 1)


def test_000_4_2_last_state_against_whole_sequence():
    inputs = keras.Input((None, 1))
    outputs = layers.Dense(1, kernel_initializer=_init(1))(
        layers.LSTM(4, kernel_initializer=_init(0), recurrent_initializer="orthogonal")(inputs)
    )
    model = keras.Model(inputs, outputs)
    assert tuple(model.output_shape) == (None, 1)  # one number per sequence
    model.compile(optimizer="adam", loss="mse")
    x = _noisy_sine_windows(n=16, steps=6)
    history = model.fit(x, x, epochs=1, batch_size=8, verbose=0)  # no error, no warning
    assert np.isfinite(history.history["loss"][0])
    # Keras broadcasts the single prediction against every step of the target.
    prediction = model.predict(x, verbose=0)
    assert prediction.shape == (16, 1)
    mse = float(keras.losses.MeanSquaredError()(x, prediction))
    assert mse == pytest.approx(float(np.mean((x[..., 0] - prediction) ** 2)), rel=1e-5)
    # The best any such model can do is each sequence's own mean: the loss has a floor.
    floor = float(np.mean(np.var(x[..., 0], axis=1)))
    best = float(keras.losses.MeanSquaredError()(x, x[..., 0].mean(axis=1, keepdims=True)))
    assert best == pytest.approx(floor, rel=1e-5) and floor > 0.05
    assert mse >= floor
    # Fixed (per-step output): the LSTM returns one vector per step, so targets can be steps.
    per_step = layers.LSTM(4, return_sequences=True)(inputs)
    assert tuple(per_step.shape) == (None, None, 4)


def test_000_4_2_target_is_the_input():
    # A per-step copy (weight 1, bias 0, no recurrence) solves fit(x, x) exactly ...
    copy = keras.Sequential(
        [keras.Input((None, 1)), layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")]
    )
    copy.compile(loss="mse")
    x = _noisy_sine_windows()
    assert copy.evaluate(x, x, verbose=0) == 0.0
    # ... and is a poor forecaster: as a prediction of the next value it has a large error.
    next_step = copy.evaluate(x[:, :-1], x[:, 1:], verbose=0)
    assert next_step == pytest.approx(float(np.mean((x[:, 1:] - x[:, :-1]) ** 2)), rel=1e-5)
    assert next_step > 0.05


# =========================================================================== article 001


def test_001_3_prior_called_true_distribution():
    kl_prior = _kl_normal(*Q, 0.0, 1.0)
    kl_posterior = _kl_normal(*Q, *POST)
    assert kl_prior == pytest.approx(0.2216, abs=1e-4)
    assert kl_posterior == pytest.approx(1.5169, abs=1e-4)
    assert LOG_PX - _elbo(*Q) == pytest.approx(kl_posterior, abs=1e-12)  # the gap, not a term
    got = float(losses.gaussian_kl(np.array([[Q[0]]]), np.array([[math.log(Q[1])]]))[0])
    assert got == pytest.approx(kl_prior, rel=1e-5)  # keras_vae's KL is against the prior


def test_001_4_undefined_names():
    with pytest.raises(NameError, match="name 'Lambda' is not defined"):
        _run_snippet("Lambda(lambda t: t)", Input=keras.Input, LSTM=layers.LSTM, Dense=layers.Dense)
    # Keras 3's backend module no longer carries the tensor functions the snippet calls.
    for name in ("exp", "sum", "square", "random_normal"):
        assert not hasattr(keras.backend, name), name
    assert callable(ops.exp) and callable(keras.random.normal)


def test_001_4_per_step_codes():
    timesteps, features, latent_dim = 10, 8, 32
    inputs = keras.Input((timesteps, features))
    h = layers.LSTM(4, return_sequences=True)(inputs)
    z_mean = layers.Dense(features, use_bias=False)(h)
    assert tuple(z_mean.shape) == (None, timesteps, features)  # one code per step, 80 numbers
    code = keras.Input((latent_dim,))
    decoder = keras.Model(code, layers.Dense(features)(code))
    with pytest.raises(
        ValueError, match=r"expected shape=\(None, 32\), found shape=\(None, 10, 8\)"
    ):
        decoder(z_mean)
    # Fixed: the final state and a head of width latent_dim give one code per sequence.
    fixed = layers.Dense(latent_dim)(layers.LSTM(4)(inputs))
    assert tuple(fixed.shape) == (None, latent_dim)


def test_001_4_decoder_lstm_on_a_vector():
    z = keras.Input((32,))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        layers.LSTM(4, return_sequences=True)(z)
    # Fixed: turn the code into a sequence before the LSTM reads it.
    h = layers.LSTM(4, return_sequences=True)(layers.RepeatVector(10)(z))
    assert tuple(h.shape) == (None, 10, 4)


def test_001_4_lambda_layer_never_called():
    code = keras.Input((4,))
    decoder = keras.Model(code, layers.Dense(2)(code))
    sampler = layers.Lambda(lambda t: t)  # created, never called
    with pytest.raises(ValueError, match="Inputs to a layer should be tensors. Got '<Lambda"):
        decoder(sampler)
    # Fixed: a sampling layer called on [z_mean, z_log_var] returns a tensor.
    z_mean, z_log_var = keras.Input((4,)), keras.Input((4,))
    z = Sampling(seed=0)([z_mean, z_log_var])
    assert tuple(decoder(z).shape) == (None, 2)


def test_001_4_tf_functions_on_symbolic_tensors():
    x_input, reconstruction = keras.Input((10, 8)), keras.Input((10, 8))
    per_step = keras.losses.binary_crossentropy(x_input, reconstruction)  # a Keras op: fine
    assert tuple(per_step.shape) == (None, 10)
    with pytest.raises(ValueError, match="A KerasTensor cannot be used as input to a TensorFlow function"):
        tf.reduce_mean(per_step)
    with pytest.raises(ValueError, match="A KerasTensor cannot be used as input to a TensorFlow function"):
        tf.keras.backend.sum(x_input, axis=-1)
    assert tuple(ops.mean(per_step).shape) == ()  # keras.ops trace symbolically


def test_001_4_loss_graph_disconnected():
    x = keras.Input((6,))  # the input that is encoded and decoded
    reconstruction = layers.Dense(6, activation="sigmoid")(layers.Dense(2)(x))
    x_input, z_input = keras.Input((6,)), keras.Input((2,))  # the loss model's inputs
    loss = ops.mean(keras.losses.binary_crossentropy(x_input, reconstruction))
    with pytest.raises(ValueError, match="is not connected to `inputs`"):
        keras.Model([x_input, z_input], loss)


def test_001_4_kl_from_fed_placeholders():
    hidden, mean_head, log_var_head = _tiny_encoder(seed=20)
    encoder_vars = (
        hidden.trainable_weights + mean_head.trainable_weights + log_var_head.trainable_weights
    )
    x = np.random.default_rng(13).normal(size=(16, 6)).astype("float32")
    fed_mean = np.zeros((16, LATENT), "float32")  # arrays supplied as extra inputs
    fed_log_var = np.zeros((16, LATENT), "float32")
    with tf.GradientTape(persistent=True) as tape:
        h = hidden(x)
        z_mean, z_log_var = mean_head(h), log_var_head(h)
        kl_fed = ops.mean(losses.gaussian_kl(fed_mean, fed_log_var))
        kl_own = ops.mean(losses.gaussian_kl(z_mean, z_log_var))
    assert float(kl_fed) == 0.0 and float(kl_own) > 0.1  # fed zeros: "KL" is 0 whatever phi is
    assert tape.gradient(kl_fed, encoder_vars) == [None] * len(encoder_vars)
    assert all(g is not None for g in tape.gradient(kl_own, encoder_vars))


def test_001_4_tensor_passed_as_loss():
    a, b = keras.Input((3,)), keras.Input((3,))
    loss = ops.sum(a * b, axis=-1)
    model = keras.Model([a, b], loss)
    model.compile(optimizer="adam", loss=loss)  # accepted ...
    x = np.ones((4, 3), "float32")
    with pytest.raises(ValueError, match="Could not interpret loss identifier: <KerasTensor"):
        model.fit([x, x], epochs=1, verbose=0)  # ... and rejected at the first fit


def test_001_4_mean_vs_sum_reduction():
    rng = np.random.default_rng(14)
    batch, timesteps, features = 4, 10, 8
    x = rng.random((batch, timesteps, features)).astype("float32")
    probs = rng.uniform(0.05, 0.95, (batch, timesteps, features)).astype("float32")
    z_mean = rng.normal(size=(batch, 32)).astype("float32")
    z_log_var = rng.normal(size=(batch, 32)).astype("float32")
    elementwise = -(x * np.log(probs) + (1 - x) * np.log(1 - probs))  # (batch, steps, features)
    per_step = np.asarray(keras.losses.binary_crossentropy(x, probs))
    np.testing.assert_allclose(per_step, elementwise.mean(axis=-1), rtol=1e-4)  # mean over features
    kl = np.asarray(losses.gaussian_kl(z_mean, z_log_var))  # (batch,), summed over latent dims
    article_total = float(tf.reduce_mean(per_step)) + kl  # reconstruction mean over everything
    # Times T * F it is the ELBO's per-example sum plus (T * F) * KL: beta = 80.
    summed = elementwise.reshape(batch, -1).sum(axis=1).mean()
    np.testing.assert_allclose(
        timesteps * features * article_total, summed + timesteps * features * kl, rtol=1e-4
    )
    # keras_vae's Gaussian likelihood sums over steps and features: one number per sequence.
    mean, log_var = np.zeros_like(x), np.zeros_like(x)
    log_lik = np.asarray(losses.gaussian_log_likelihood(x, mean, log_var))
    expected = -0.5 * np.sum(np.log(2 * np.pi) + x**2, axis=(1, 2))
    np.testing.assert_allclose(log_lik, expected, rtol=1e-5)


# =========================================================================== article 002


def test_002_2_3_lower_bound_called_non_negative(vae, data):
    assert _elbo(*Q) == pytest.approx(-3.4474, abs=1e-4)
    assert _elbo(*Q) < LOG_PX < 0
    terms = vae.compute_terms(data["test"], training=False)
    elbo = -np.asarray(terms["loss"])
    assert np.all(elbo < 0)
    assert np.all(np.asarray(terms["reconstruction_loss"]) >= 0)
    assert np.all(np.asarray(terms["kl_loss"]) >= 0)


def test_002_3_3_elbo_written_as_equality():
    # The closed-form ELBO agrees with a Monte-Carlo estimate (guards our algebra).
    rng = np.random.default_rng(0)
    z = Q[0] + math.sqrt(Q[1]) * rng.standard_normal(400_000)
    mc_expected = np.mean(-0.5 * (np.log(2 * np.pi * S2) + (X - z) ** 2 / S2))
    assert mc_expected == pytest.approx(_expected_log_lik(*Q), abs=0.01)
    assert LOG_PX == pytest.approx(-1.9305, abs=1e-4)
    gap = LOG_PX - _elbo(*Q)
    assert gap == pytest.approx(1.5169, abs=1e-4)  # not an equality ...
    assert gap == pytest.approx(_kl_normal(*Q, *POST), abs=1e-12)  # ... the gap is KL(q||p(z|x))
    assert LOG_PX - _elbo(*POST) == pytest.approx(0.0, abs=1e-12)  # equality at the posterior


def test_002_3_3_kl_misnamed():
    mean, log_var = np.array([1.0]), np.array([0.5])
    closed = _closed_kl(mean, log_var)
    monte_carlo, _ = _mc_kl_to_std_normal(mean, log_var)
    assert closed == pytest.approx(0.5744, abs=1e-4)
    assert monte_carlo == pytest.approx(closed, abs=0.02)  # Kullback-Leibler: E_q[log q - log p]
    assert float(losses.gaussian_kl(mean[None], log_var[None])[0]) == pytest.approx(closed, rel=1e-5)
    # The Cramér distance of the same pair, integral of (F_q - F_p)^2, is another number.
    def cdf(t):
        return 0.5 * (1.0 + np.vectorize(math.erf)(t / math.sqrt(2.0)))

    grid = np.linspace(-12.0, 12.0, 20001)
    cramer = _trapezoid((cdf((grid - 1.0) / math.exp(0.25)) - cdf(grid)) ** 2, grid)
    assert cramer == pytest.approx(0.2476, abs=1e-3)
    assert abs(cramer - closed) > 0.3


def test_002_3_3_reparameterisation_misdescribed():
    mean = tf.Variable(np.tile(np.array([[1.0, -2.0]], "float32"), (256, 1)))
    log_var = tf.Variable(np.tile(np.array([[0.5, -1.0]], "float32"), (256, 1)))
    with tf.GradientTape(persistent=True) as tape:
        z = Sampling(seed=3)([mean, log_var])
        total = ops.sum(z)
    np.testing.assert_allclose(tape.gradient(total, mean), np.ones((256, 2)), rtol=1e-6)
    np.testing.assert_allclose(
        tape.gradient(total, log_var), 0.5 * (np.asarray(z) - np.asarray(mean)), rtol=1e-5, atol=1e-6
    )


def test_002_3_3_encoder_called_generative_model(vae):
    # The generative model p(z) p(x|z) alone gives the evidence: integrate over z, no q.
    grid = np.linspace(-10.0, 10.0, 40001)
    joint = np.exp(-0.5 * grid**2) / math.sqrt(2 * math.pi) * np.exp(
        -0.5 * (X - grid) ** 2 / S2
    ) / math.sqrt(2 * math.pi * S2)
    assert math.log(_trapezoid(joint, grid)) == pytest.approx(LOG_PX, abs=1e-8)
    # keras_vae: the decoder (with the prior) generates; the encoder infers.
    samples = vae.sample(5)
    assert samples.shape == (5, *SHAPE) and np.all((samples >= 0) & (samples <= 1))
    assert tuple(vae.decoder.input_shape) == (None, LATENT)
    assert tuple(vae.encoder.input_shape) == (None, *SHAPE)


def test_002_3_4_beta_below_one_is_not_a_bound():
    assert _elbo(*POST, beta=1.0) == pytest.approx(LOG_PX, abs=1e-12)
    beta_half = _elbo(*POST, beta=0.5)
    assert beta_half == pytest.approx(-1.3682, abs=1e-4)
    assert beta_half - LOG_PX == pytest.approx(0.5 * _kl_normal(*POST, 0.0, 1.0), abs=1e-12)
    assert beta_half > LOG_PX + 0.5  # above the evidence: no longer a lower bound
    assert _elbo(*POST, beta=2.0) < LOG_PX  # beta > 1 stays a (looser) bound


def test_002_4_1_shared_layer_mean_equals_log_var(vae, data):
    hidden = layers.Dense(8, activation="relu", kernel_initializer=_init(0))
    head = layers.Dense(LATENT, kernel_initializer=_init(1))
    h = hidden(np.random.default_rng(3).random((16, 6)).astype("float32"))
    np.testing.assert_array_equal(head(h), head(h))  # "mean" and "log-variance" coincide
    assert vae.z_mean_layer is not vae.z_log_var_layer
    z_mean, z_log_var = vae.posterior(data["test"])
    assert not np.allclose(z_mean, z_log_var)


def test_002_4_1_relu_on_mean_and_log_var(vae):
    x = np.random.default_rng(0).normal(size=(64, 6)).astype("float32")
    out = np.asarray(layers.Dense(LATENT, activation="relu", kernel_initializer=_init(0))(x))
    assert out.min() == 0.0 and 0.3 < np.mean(out == 0.0) < 0.8
    assert np.exp(out).min() >= 1.0  # the variance can never be below the prior's
    assert vae.z_mean_layer.get_config()["activation"] == "linear"
    assert vae.z_log_var_layer.get_config()["activation"] == "linear"


def test_002_4_2_sigmoid_output_squared_error():
    logit = tf.Variable([[10.0]])
    target = tf.constant([[0.0]])
    with tf.GradientTape(persistent=True) as tape:
        squared = ops.square(ops.sigmoid(logit) - target)
        cross_entropy = tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=logit)
        log_lik = losses.bernoulli_log_likelihood(target, logit)
    assert float(tape.gradient(squared, logit)[0, 0]) == pytest.approx(9.08e-5, rel=1e-2)
    assert float(tape.gradient(cross_entropy, logit)[0, 0]) == pytest.approx(0.99995, abs=1e-4)
    # keras_vae's Bernoulli log-likelihood works on logits: full-size gradient, stable value.
    assert float(tape.gradient(log_lik, logit)[0, 0]) == pytest.approx(-0.99995, abs=1e-4)
    assert float(log_lik[0]) == pytest.approx(-float(cross_entropy[0, 0]), rel=1e-6)


def test_002_4_3_undefined_names(vae_fit):
    with pytest.raises(NameError, match="name 'inputs' is not defined"):
        _run_snippet("inputs - 1")
    _assert_history_ok(vae_fit[1], ["loss", "val_loss"])


def test_002_4_3_tuple_into_dense(vae, data):
    x = np.ones((4, 6), "float32")
    with pytest.raises(ValueError, match=r"expects 1 input\(s\), but it received 2 input tensors"):
        layers.Dense(3)((x, x))
    z_mean, z_log_var = vae.encoder(data["test"])
    z = Sampling(seed=0)([z_mean, z_log_var])
    assert tuple(vae.decoder(z).shape) == (len(data["test"]), *SHAPE)


def test_002_4_3_kl_outside_tape(vae, data):
    hidden, mean_head, _ = _tiny_encoder()
    decoder = layers.Dense(6, kernel_initializer=_init(5))
    x = np.random.default_rng(4).random((16, 6)).astype("float32")
    encoder_vars = hidden.trainable_weights + mean_head.trainable_weights
    term = ops.mean(0.5 * ops.sum(ops.square(mean_head(hidden(x))), axis=1))  # before the tape
    with tf.GradientTape(persistent=True) as tape:
        reconstruction = ops.mean(ops.square(decoder(mean_head(hidden(x))) - x))
        total = reconstruction + term
    assert tape.gradient(term, encoder_vars) == [None] * len(encoder_vars)
    for with_term, without in zip(
        tape.gradient(total, encoder_vars), tape.gradient(reconstruction, encoder_vars), strict=False
    ):
        np.testing.assert_array_equal(with_term, without)
    # keras_vae computes the KL inside the tape: the log-variance head gets a KL gradient.
    gradients = _grad_of_log_var_head(vae, data["test"], "kl_loss")
    assert all(g is not None for g in gradients)
    assert float(ops.sum(ops.abs(gradients[0]))) > 0


def test_002_4_3_wrong_kl_formula():
    mean, log_var = np.array([1.0, -0.5]), np.array([0.5, -1.0])
    closed = _closed_kl(mean, log_var)
    monte_carlo, z = _mc_kl_to_std_normal(mean, log_var)
    assert closed == pytest.approx(0.8833, abs=1e-4)
    assert monte_carlo == pytest.approx(closed, abs=0.02)
    wrong = float(np.mean(_article_style_regulariser(mean, log_var, z[:1000])))
    assert wrong == pytest.approx(-0.015, abs=0.005)
    assert abs(wrong - closed) > 0.5
    # At q = prior the KL is 0 but the defective expression is not.
    draws = np.random.default_rng(5).standard_normal((3, 2))
    assert np.all(_article_style_regulariser(np.zeros(2), np.zeros(2), draws) != 0)
    assert float(losses.gaussian_kl(np.zeros((1, 2)), np.zeros((1, 2)))[0]) == 0.0
    got = float(losses.gaussian_kl(mean[None], log_var[None])[0])
    assert got == pytest.approx(closed, rel=1e-5)


def test_002_4_3_kl_term_sign():
    at = lambda lv: float(_article_style_regulariser(np.zeros(2), np.full(2, lv), np.ones(2)))
    assert at(0.0) == pytest.approx(-0.01, rel=1e-6)
    assert at(10.0) == pytest.approx(-220.27, rel=1e-3)
    assert at(10.0) < at(5.0) < at(0.0) <= 0  # minimising it inflates the variance
    # The correct penalty is >= 0 and smallest (0) at the prior.
    kl = lambda lv: float(losses.gaussian_kl(np.zeros((1, 2)), np.full((1, 2), lv))[0])
    assert kl(0.0) == 0.0 < kl(-1.0) and kl(0.0) < kl(1.0) < kl(10.0)


def test_002_4_3_no_sampling(vae, data):
    hidden, mean_head, log_var_head = _tiny_encoder(seed=10)
    decoder = layers.Dense(6, kernel_initializer=_init(15))
    x = np.random.default_rng(6).random((16, 6)).astype("float32")
    with tf.GradientTape() as tape:
        h = hidden(x)
        z_mean = mean_head(h)
        log_var_head(h)
        reconstruction = ops.mean(ops.square(decoder(z_mean) - x))
    assert tape.gradient(reconstruction, log_var_head.trainable_weights) == [None, None]
    gradients = _grad_of_log_var_head(vae, data["test"], "reconstruction_loss")
    assert all(g is not None for g in gradients)
    assert float(ops.sum(ops.abs(gradients[0]))) > 0


def test_002_4_3_mean_vs_sum_reduction(vae, data):
    rng = np.random.default_rng(7)
    x, y = rng.random((16, D)).astype("float32"), rng.random((16, D)).astype("float32")
    per_example_sum = np.mean(np.sum((x - y) ** 2, axis=1))
    assert float(keras.losses.MeanSquaredError()(x, y)) * D == pytest.approx(per_example_sum, rel=1e-5)
    # Consequence: D = 64 observations x_d ~ N(z, 1) of one z, q = N(m, v). The objective is
    # separable in m and v; minimise each on a grid, reconstruction summed vs averaged.
    obs = 1.0 + rng.standard_normal(D)
    m = np.linspace(-1.0, 3.0, 40001)
    v = np.exp(np.linspace(-8.0, 2.0, 40001))

    def argmins(scale):  # scale 1: ELBO (sum); scale 1/D: mean-reduced reconstruction
        recon_m = scale * (np.sum(obs**2) - 2 * m * np.sum(obs) + D * m**2) / 2  # sum_d (x_d - m)^2 / 2
        m_star = m[np.argmin(recon_m + 0.5 * m**2)]
        v_star = v[np.argmin(scale * D * v / 2 + 0.5 * (v - np.log(v)))]
        return m_star, v_star

    m_sum, v_sum = argmins(1.0)
    m_mean, v_mean = argmins(1.0 / D)
    assert m_sum == pytest.approx(obs.mean() * D / (D + 1), abs=2e-4)
    assert v_sum == pytest.approx(1 / (D + 1), rel=1e-3)
    assert m_mean == pytest.approx(obs.mean() / 2, abs=2e-4)  # shrunk halfway to the prior
    assert v_mean == pytest.approx(0.5, rel=1e-3)  # = the beta = D optimum
    # keras_vae sums the reconstruction over pixels (no 1/D factor).
    logits = np.asarray(vae.decoder(np.zeros((4, LATENT), "float32")))
    target = data["test"][:4]
    elementwise = tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=logits)
    np.testing.assert_allclose(
        -np.asarray(losses.bernoulli_log_likelihood(target, logits)),
        np.sum(np.asarray(elementwise).reshape(4, -1), axis=1),
        rtol=1e-5,
    )
    reconstruction = np.asarray(vae.compute_terms(data["test"])["reconstruction_loss"])
    assert np.all(reconstruction > 0.1 * D)  # a per-example sum over 64 pixels, not a mean


def test_002_4_3_nested_gradient_lists(vae_fit):
    encoder, decoder = layers.Dense(2), layers.Dense(6)
    encoder.build((None, 6))
    decoder.build((None, 2))
    x = np.random.default_rng(8).random((8, 6)).astype("float32")
    nested = [encoder.trainable_weights, decoder.trainable_weights]
    with tf.GradientTape() as tape:
        loss = ops.mean(ops.square(decoder(encoder(x)) - x))
    gradients = tape.gradient(loss, nested)
    assert [type(g) for g in gradients] == [list, list]
    optimizer = keras.optimizers.Adam()
    with pytest.raises(AttributeError, match="'list' object has no attribute '_unique_id'"):
        optimizer.apply_gradients(zip(gradients, nested, strict=True))
    # Fixed: one flat list of variables.
    flat = encoder.trainable_weights + decoder.trainable_weights
    before = [ops.convert_to_numpy(v) for v in flat]
    with tf.GradientTape() as tape:
        loss = ops.mean(ops.square(decoder(encoder(x)) - x))
    optimizer.apply_gradients(zip(tape.gradient(loss, flat), flat, strict=True))
    assert all(not np.array_equal(b, ops.convert_to_numpy(v)) for b, v in zip(before, flat, strict=True))
    _assert_history_ok(vae_fit[1], ["loss"])


# =========================================================================== article 003


def _input_gradient_ratio(layer_class, timesteps):
    """|d sum(h_T) / d x_1| / |d sum(h_T) / d x_T| for one seeded 8-unit recurrent layer."""
    layer = layer_class(
        8,
        kernel_initializer=keras.initializers.GlorotUniform(seed=0),
        recurrent_initializer=keras.initializers.Orthogonal(seed=1),
    )
    x = tf.Variable(np.random.default_rng(0).normal(size=(1, timesteps, 1)).astype("float32"))
    with tf.GradientTape() as tape:
        total = ops.sum(layer(x))
    gradient = np.abs(tape.gradient(total, x).numpy()[0, :, 0])
    return float(gradient[0] / gradient[-1])


def test_003_3_1_long_range_dependencies():
    for layer_class in (layers.SimpleRNN, layers.LSTM):
        ratios = [_input_gradient_ratio(layer_class, t) for t in (10, 30, 60)]
        assert ratios[0] > ratios[1] > ratios[2], layer_class.__name__  # decays with distance
        assert ratios[2] < 1e-4, layer_class.__name__  # 60 steps back: a vanishing signal


def test_003_4_1_lstm_on_2d_input():
    noise = keras.Input((100,))
    h = layers.Dense(8)(noise)  # (None, 8): no time axis
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        layers.LSTM(4)(h)
    # Fixed: a noise sequence, one noise vector per time step.
    noise_sequence = keras.Input((12, 3))
    assert tuple(layers.LSTM(4, return_sequences=True)(noise_sequence).shape) == (None, 12, 4)


def test_003_4_1_no_time_axis():
    def gradients(timesteps):
        lstm = layers.LSTM(4, kernel_initializer=_init(0))
        x = np.random.default_rng(15).normal(size=(3, timesteps, 5)).astype("float32")
        lstm.build((None, timesteps, 5))
        with tf.GradientTape() as tape:
            loss = ops.sum(ops.square(lstm(x)))
        grads = tape.gradient(loss, lstm.trainable_weights)
        return {w.name: float(np.abs(g).max()) for w, g in zip(lstm.trainable_weights, grads, strict=True)}

    one_step = gradients(1)  # a flat vector given a time axis of length 1
    assert one_step["recurrent_kernel"] == 0.0  # the recurrence is never used
    assert one_step["kernel"] > 0 and one_step["bias"] > 0
    assert gradients(6)["recurrent_kernel"] > 0  # a real sequence uses it


def test_003_4_1_generator_output_overwritten():
    noise = keras.Input((6,))
    x = layers.Dense(5)(layers.Dense(4)(noise))  # "generator"
    sample = keras.Input((5,))
    x = layers.Dense(1, activation="sigmoid")(layers.Dense(4)(sample))  # "discriminator", same name
    with pytest.raises(ValueError, match="is not connected to `inputs`"):
        keras.Model(noise, x)
    assert tuple(keras.Model(sample, x).output_shape) == (None, 1)  # only D is a model


def test_003_4_1_generator_fitted_with_mse():
    rng = np.random.default_rng(16)
    n, steps = 4096, 6
    real = np.repeat(rng.choice([-1.0, 1.0], size=(n, 1)), steps, axis=1).astype("float32")
    perfect = np.repeat(rng.choice([-1.0, 1.0], size=(n, 1)), steps, axis=1).astype("float32")
    mean_only = np.zeros_like(real)  # the average of the data: never a real sequence
    mse = keras.losses.MeanSquaredError()
    assert float(mse(real, perfect)) == pytest.approx(2.0, abs=0.1)  # samples like the data
    assert float(mse(real, mean_only)) == pytest.approx(1.0, abs=1e-6)  # collapsed: "better"
    assert not np.any(np.all(real == 0.0, axis=1))


def test_003_4_1_no_adversarial_training():
    generator = layers.Dense(6, kernel_initializer=_init(0))
    discriminator = layers.Dense(1, kernel_initializer=_init(1))  # logits
    generator.build((None, 4))
    discriminator.build((None, 6))
    rng = np.random.default_rng(17)
    noise = rng.normal(size=(16, 4)).astype("float32")
    real = rng.normal(size=(16, 6)).astype("float32")

    def generator_gradients():
        with tf.GradientTape(persistent=True) as tape:
            fake = generator(noise)
            mse = ops.mean(ops.square(fake - real))  # the separately compiled generator's loss
            adversarial = ops.mean(ops.softplus(-discriminator(fake)))  # -log D(G(u))
        return (
            [np.asarray(g) for g in tape.gradient(mse, generator.trainable_weights)],
            [np.asarray(g) for g in tape.gradient(adversarial, generator.trainable_weights)],
        )

    mse_before, adversarial_before = generator_gradients()
    discriminator.kernel.assign(-2.0 * discriminator.kernel)  # a different discriminator
    mse_after, adversarial_after = generator_gradients()
    for before, after in zip(mse_before, mse_after, strict=True):
        np.testing.assert_array_equal(before, after)  # D has no say in G's update
    assert not np.allclose(adversarial_before[0], adversarial_after[0])


def test_003_4_2_encoder_decoder_never_joined():
    x = np.random.default_rng(18).random((8, 6)).astype("float32")
    data = keras.Input((6,))
    encoder = keras.Model(data, layers.Dense(2, activation="tanh")(data))
    code = keras.Input((2,))
    decoder = keras.Model(code, layers.Dense(6, activation="sigmoid")(code))
    encoder.compile(optimizer="adam", loss="mse")
    decoder.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="None values not supported"):
        encoder.fit(x, epochs=1, verbose=0)  # the data alone give the encoder no target
    # Joined: one reconstruction loss reaches both halves.
    with tf.GradientTape() as tape:
        loss = ops.mean(ops.square(decoder(encoder(x)) - x))
    gradients = tape.gradient(loss, encoder.trainable_weights + decoder.trainable_weights)
    assert all(g is not None and float(ops.max(ops.abs(g))) > 0 for g in gradients)


def test_003_4_2_tanh_bounded_code():
    x = 100.0 * np.random.default_rng(19).normal(size=(256, 6)).astype("float32")
    code = np.asarray(layers.Dense(LATENT, activation="tanh", kernel_initializer=_init(0))(x))
    assert np.abs(code).max() <= 1.0  # never leaves the square, however large the input
    outside = 1.0 - math.erf(1.0 / math.sqrt(2.0)) ** 2
    assert outside == pytest.approx(0.5339, abs=1e-4)
    draws = np.random.default_rng(20).standard_normal((200_000, LATENT))
    assert np.mean(np.any(np.abs(draws) > 1.0, axis=1)) == pytest.approx(outside, abs=0.005)


def test_003_4_2_not_variational():
    data = keras.Input((6,))
    hidden = layers.Dense(8, kernel_initializer=_init(0))(data)
    encoder = keras.Model(data, layers.Dense(LATENT, activation="tanh", kernel_initializer=_init(1))(hidden))
    x = np.random.default_rng(21).random((16, 6)).astype("float32")
    assert len(encoder.outputs) == 1  # no mean / log-variance pair
    np.testing.assert_array_equal(encoder(x, training=True), encoder(x, training=True))  # no draw
    mse_1, kl_1 = _linear_codes_scaling(1.0)
    mse_100, kl_100 = _linear_codes_scaling(100.0)
    assert mse_100 == pytest.approx(mse_1, rel=1e-5)  # an MSE-only loss is blind to the codes
    assert kl_100 / kl_1 == pytest.approx(1e4, rel=1e-3)


# =========================================================================== article 004


def test_004_2_2_objective_missing_kl(vae, data):
    no_kl = _expected_log_lik(*POST)
    assert no_kl == pytest.approx(-0.8058, abs=1e-4)
    assert no_kl - LOG_PX == pytest.approx(_kl_normal(*POST, 0.0, 1.0), abs=1e-12)
    assert no_kl > LOG_PX + 1.0  # not a lower bound on log p(x)
    terms = vae.compute_terms(data["test"], training=True)
    assert set(terms) == {"loss", "reconstruction_loss", "kl_loss"}
    assert float(ops.mean(terms["kl_loss"])) > 0


def test_004_2_2_decoder_fed_h_and_z(vae):
    encode_h = layers.Dense(4, kernel_initializer=_init(1))
    decoder = layers.Dense(16, kernel_initializer=_init(2))
    rng = np.random.default_rng(0)
    x1, x2 = rng.random((1, 16)).astype("float32"), rng.random((1, 16)).astype("float32")
    z = np.zeros((1, LATENT), "float32")  # the same z for both inputs
    out1 = decoder(ops.concatenate([encode_h(x1), z], axis=-1))
    out2 = decoder(ops.concatenate([encode_h(x2), z], axis=-1))
    assert float(ops.max(ops.abs(out1 - out2))) > 0.1  # x reaches the output around z
    # keras_vae: the decoder sees only z, and its output depends on z.
    assert len(vae.decoder.inputs) == 1 and tuple(vae.decoder.input_shape) == (None, LATENT)
    codes = np.array([[-2.0, 0.0], [2.0, 0.0]], "float32")
    decoded = vae.decode(codes)
    assert np.abs(decoded[0] - decoded[1]).max() > 1e-3


def test_004_3_2_3_z_drawn_independently_of_x(vae, data):
    prior_bound = _elbo(0.0, 1.0)
    assert prior_bound == pytest.approx(-6.7258, abs=1e-4)
    assert LOG_PX - prior_bound == pytest.approx(_kl_normal(0.0, 1.0, *POST), abs=1e-12)
    assert LOG_PX - prior_bound > 4.0 and LOG_PX - _elbo(*POST) == pytest.approx(0, abs=1e-12)
    # keras_vae's q(z|x) depends on x.
    z_mean_a = vae.encode(data["test"][:8])
    z_mean_b = vae.encode(data["test"][8:16])
    assert not np.allclose(z_mean_a, z_mean_b)


def test_004_4_1_input_shape_deprecated():
    with pytest.warns(UserWarning, match="Argument `input_shape` is deprecated. Use `shape` instead"):
        layers.InputLayer(input_shape=(6,))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layers.InputLayer(shape=(6,))
        DenseAutoencoder(input_shape=SHAPE, latent_dim=LATENT, hidden_dims=(8,), seed=0)
        DenseVAE(input_shape=SHAPE, latent_dim=LATENT, hidden_dims=(8,), seed=0)


@pytest.mark.slow
def test_004_4_1_undefined_x_train(ae_fit):
    with pytest.raises(NameError, match="name 'x_train' is not defined"):
        _run_snippet("len(x_train)")
    _assert_history_ok(ae_fit[1], ["loss", "reconstruction_loss"])


def test_004_4_1_unflattened_images(ae_fit, data):
    model = keras.Sequential([keras.Input((16,)), layers.Dense(2)])
    images = np.random.default_rng(9).random((4, 4, 4)).astype("float32")
    with pytest.raises(
        ValueError, match=r"Expected shape \(None, 16\), but input has incompatible shape \(4, 4, 4\)"
    ):
        model(images)
    ae = ae_fit[0]
    assert ae.encode(data["test"]).shape == (len(data["test"]), LATENT)


def test_004_4_1_tested_on_random_noise(ae_fit, data):
    ae = ae_fit[0]
    held_out = float(np.mean((ae.reconstruct(data["test"]) - data["test"]) ** 2))
    noise = float(np.mean((ae.reconstruct(data["noise"]) - data["noise"]) ** 2))
    assert held_out < 0.01 and noise > 0.05  # noise says nothing about what was learned
    assert noise > 10 * held_out


def test_004_4_2_normal_sample_does_not_exist():
    with pytest.raises(AttributeError, match="has no attribute 'normal_sample'"):
        tf.random.normal_sample((2, 2))
    z = Sampling(seed=0)([np.zeros((3, LATENT), "float32"), np.zeros((3, LATENT), "float32")])
    assert tuple(z.shape) == (3, LATENT)


def test_004_4_2_z_dim_not_stored():
    class Forgetful(keras.layers.Layer):
        def __init__(self, z_dim, **kwargs):
            super().__init__(**kwargs)

        def call(self, x):
            return x[:, :z_dim]  # noqa: F821 - the defect: z_dim is not in scope here

    with pytest.raises(NameError, match="name 'z_dim' is not defined"):
        Forgetful(2)(np.ones((3, 4), "float32"))
    assert DenseVAE(input_shape=SHAPE, latent_dim=3, hidden_dims=(8,), seed=0).latent_dim == 3


def test_004_4_2_reduce_sum_axis_out_of_range():
    per_example = tf.math.reduce_variance(tf.random.normal((4, 3), seed=1), axis=1)  # rank 1
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Invalid reduction dimension \(1 for input with 1 dimension"):
        tf.reduce_sum(per_example, axis=1)
    assert tuple(losses.gaussian_kl(np.zeros((4, 3)), np.zeros((4, 3))).shape) == (4,)


def test_004_4_2_log_var_independent_of_x(vae, data):
    encoder = layers.Dense(10, activation="relu", kernel_initializer=_init(0))
    encoder.build((None, 6))
    x = np.random.default_rng(10).random((8, 6)).astype("float32")

    def log_var_from_noise():
        with tf.GradientTape() as tape:
            encoder(x)
            noise = tf.random.normal((8, 10))
            log_var = tf.math.log(tf.math.reduce_variance(noise, axis=1, keepdims=True))
        return log_var, tape.gradient(log_var, encoder.trainable_weights)

    first, gradients = log_var_from_noise()
    second, _ = log_var_from_noise()
    assert gradients == [None, None]
    assert not np.allclose(first, second)  # same x, different "log-variance"
    _, z_log_var = vae.posterior(data["test"])
    assert np.all(z_log_var.std(axis=0) > 1e-4)  # varies with x
    gradients = _grad_of_log_var_head(vae, data["test"], "loss")
    assert all(g is not None for g in gradients)


def test_004_4_2_noise_shaped_like_input():
    x = tf.random.uniform((4, 64), seed=1)
    z_mean = tf.zeros((4, 10))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Incompatible shapes: \[4,64\] vs. \[4,10\]"):
        tf.random.normal(tf.shape(x)) * tf.exp(0.0) + z_mean
    z = Sampling(seed=0)([z_mean, tf.zeros((4, 10))])
    assert tuple(z.shape) == (4, 10)


def test_004_4_2_z_mean_is_relu_hidden_layer(vae, data):
    inputs = keras.Input((16,))
    hidden = layers.Dense(10, activation="relu", kernel_initializer=_init(0))(inputs)
    z_mean = keras.Model(inputs, hidden).predict(
        np.random.default_rng(11).normal(size=(32, 16)).astype("float32"), verbose=0
    )
    assert z_mean.shape == (32, 10) and z_mean.min() == 0.0  # not z_dim wide, never negative
    got = vae.encode(data["test"])
    assert got.shape == (len(data["test"]), LATENT)
    assert vae.z_mean_layer.get_config()["activation"] == "linear"
    assert vae.z_mean_layer.get_config()["units"] == LATENT


def test_004_4_2_list_into_sequential_decoder(vae):
    decoder = keras.Sequential([keras.Input((12,)), layers.Dense(5)])
    h, z = np.zeros((4, 10), "float32"), np.zeros((4, 2), "float32")
    with (
        pytest.raises(ValueError, match="expected axis -1 of input shape to have value 12"),
        pytest.warns(UserWarning, match="structure of `inputs` doesn't match the expected"),
    ):
        decoder([h, z])
    assert tuple(decoder(ops.concatenate([h, z], axis=-1)).shape) == (4, 5)
    assert len(vae.decoder.inputs) == 1


def test_004_4_2_multi_output_single_loss(vae, data):
    inputs = keras.Input((6,))
    code = layers.Dense(2)(inputs)
    reconstruction = layers.Dense(6, activation="sigmoid")(code)
    model = keras.Model(inputs, (reconstruction, code, code))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x = np.random.default_rng(12).random((16, 6)).astype("float32")
    with pytest.raises(KeyError, match=r"in the `loss` argument, can't be found"):
        model.fit(x, x, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="computes its own loss terms"):
        vae.compile(optimizer="adam", loss="binary_crossentropy")
    terms = vae.compute_terms(data["test"])
    assert set(terms) == {"loss", "reconstruction_loss", "kl_loss"}


def test_004_4_2_no_kl(vae_fit):
    mse_1, kl_1 = _linear_codes_scaling(1.0)
    mse_100, kl_100 = _linear_codes_scaling(100.0)
    assert mse_100 == pytest.approx(mse_1, rel=1e-5)
    assert kl_100 > 1e3 * kl_1
    _assert_history_ok(vae_fit[1], ["kl_loss", "val_kl_loss"])
