"""The same checks for every public model, over a table of tiny configs."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_vae import (
    LSTMVAE,
    VAE,
    Autoencoder,
    DenseAutoencoder,
    DenseVAE,
    LSTMAutoencoder,
    LSTMForecaster,
    SequenceGAN,
)

SEQUENCE = {"sequence_length": 6, "num_features": 3, "hidden_dims": (8,)}

CONFIGS = {
    "ae_bernoulli": (DenseAutoencoder, {"input_shape": (8, 8), "latent_dim": 2, "hidden_dims": (8,)}),
    "ae_gaussian_fixed": (
        DenseAutoencoder,
        {"input_shape": (64,), "latent_dim": 3, "hidden_dims": (8, 4), "likelihood": "gaussian", "observation_std": 0.5},
    ),
    "vae_bernoulli": (DenseVAE, {"input_shape": (8, 8), "latent_dim": 2, "hidden_dims": (8,)}),
    "vae_gaussian_learned_beta4": (
        DenseVAE,
        {"input_shape": (8, 8, 1), "latent_dim": 2, "hidden_dims": (), "likelihood": "gaussian", "beta": 4.0},
    ),
    "lstm_forecaster": (LSTMForecaster, {**SEQUENCE, "horizon": 2, "num_targets": 1}),
    "lstm_forecaster_stacked": (LSTMForecaster, {**SEQUENCE, "hidden_dims": (8, 4)}),
    "lstm_ae": (LSTMAutoencoder, {**SEQUENCE, "latent_dim": 2, "hidden_dims": (8, 4)}),
    "lstm_ae_bernoulli": (LSTMAutoencoder, {**SEQUENCE, "latent_dim": 2, "likelihood": "bernoulli"}),
    "lstm_vae": (LSTMVAE, {**SEQUENCE, "latent_dim": 2, "free_bits": 0.1, "observation_std": 0.5}),
    "lstm_vae_autoregressive": (
        LSTMVAE,
        {**SEQUENCE, "latent_dim": 2, "hidden_dims": (8, 4), "autoregressive": True, "step_dropout": 0.25},
    ),
    "gan": (SequenceGAN, {**SEQUENCE, "noise_dim": 2}),
    "gan_conditional": (
        SequenceGAN, {**SEQUENCE, "noise_dim": 2, "num_classes": 3, "discriminator_dims": (4,), "step_noise": False}
    ),
}


def make(key, **overrides):
    cls, kwargs = CONFIGS[key]
    return cls(**{**kwargs, "seed": 0, **overrides})


def data_for(model, n=32):
    rng = np.random.default_rng(0)
    return rng.random((n, *model.example_shape)).astype("float32")


def targets_for(model, n=32):
    """The `y` a model's fit needs, or None (autoencoders reconstruct x)."""
    rng = np.random.default_rng(1)
    if isinstance(model, LSTMForecaster):
        return rng.random((n, *model.target_shape)).astype("float32")
    if isinstance(model, SequenceGAN) and model.num_classes:
        return rng.integers(0, model.num_classes, n)
    return None


def compile_model(model, learning_rate=1e-2, **kwargs):
    if isinstance(model, SequenceGAN):
        model.compile(
            d_optimizer=keras.optimizers.Adam(learning_rate), g_optimizer=keras.optimizers.Adam(learning_rate), **kwargs
        )
    else:
        model.compile(optimizer=keras.optimizers.Adam(learning_rate), **kwargs)


def model_inputs(model, x, y):
    """What `predict` takes: x, or (x, labels) for a conditional GAN."""
    return (x, y) if isinstance(model, SequenceGAN) and model.num_classes else x


def output_shape(model, n):
    if isinstance(model, LSTMForecaster):
        return (n, *model.target_shape)
    if isinstance(model, SequenceGAN):
        return (n,)
    return (n, *model.example_shape)


def to_numpy(values):
    return [keras.ops.convert_to_numpy(v) for v in values]


@pytest.fixture(scope="module", params=sorted(CONFIGS))
def trained(request, tmp_path_factory):
    """A model of each config, fitted briefly, saved, and reloaded."""
    model = make(request.param)
    x, y = data_for(model), targets_for(model)
    compile_model(model)
    validation = (x[:8],) if y is None else (x[:8], y[:8])
    history = model.fit(x, y, batch_size=16, epochs=2, validation_data=validation, verbose=0)
    if isinstance(model, DenseAutoencoder):
        model.fit_code_distribution(x)  # part of the state a saved autoencoder must keep
    path = str(tmp_path_factory.mktemp(request.param) / "model.keras")
    model.save(path)
    restored = keras.models.load_model(path)  # no custom_objects: classes are registered
    return request.param, model, restored, x, y, history


def can_sample(model):
    """Whether the model draws codes from a fitted mixture (all but `LSTMAutoencoder`)."""
    return isinstance(model, Autoencoder) and model.mixture_components is not None


def test_model_call_shapes(trained):
    _, model, _, x, y, _ = trained
    n = 5
    inputs = model_inputs(model, x[:n], None if y is None else y[:n])
    assert model.predict(inputs, verbose=0).shape == output_shape(model, n)
    if isinstance(model, Autoencoder):
        assert model.reconstruct(x[:n]).shape == (n, *model.example_shape)
        assert model.decode(np.zeros((n, model.latent_dim))).shape == (n, *model.example_shape)
    if can_sample(model):
        assert model.sample(n, seed=1).shape == (n, *model.example_shape)
    if isinstance(model, Autoencoder):  # one convention: encode gives the codes decode takes
        assert model.encode(x[:n]).shape == (n, model.latent_dim)
    if isinstance(model, VAE):
        z_mean, z_log_var = model.posterior(x[:n])
        assert z_mean.shape == z_log_var.shape == (n, model.latent_dim)
        np.testing.assert_array_equal(z_mean, model.encode(x[:n]))
    if isinstance(model, SequenceGAN):
        labels = None if y is None else y[:n]
        assert model.sample(n, labels=labels, seed=1).shape == (n, *model.example_shape)
    if isinstance(model, LSTMForecaster):
        assert model.forecast(x[:n]).shape == (n, *model.target_shape)


def test_model_outputs_are_means_of_the_likelihood(trained):
    _, model, _, x, y, _ = trained
    out = model.predict(model_inputs(model, x, y), verbose=0)
    if getattr(model, "likelihood", None) == "bernoulli" or isinstance(model, SequenceGAN):
        assert out.min() >= 0.0 and out.max() <= 1.0  # probabilities


def test_model_fit_history_and_evaluate(trained):
    _, model, _, x, y, history = trained
    names = set(model.loss_names)
    assert set(history.history) == names | {f"val_{n}" for n in names}
    for values in history.history.values():
        assert np.isfinite(values).all()
    before = to_numpy(model.weights)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == names
    for a, b in zip(before, to_numpy(model.weights), strict=True):
        np.testing.assert_array_equal(a, b)


def test_model_config_round_trip(trained):
    _, model, _, _, _, _ = trained
    config = model.get_config()
    clone = type(model).from_config(config)
    assert clone.get_config() == config
    assert len(clone.weights) == len(model.weights)
    registered = keras.saving.get_registered_name(type(model))
    assert registered == f"keras_vae>{type(model).__name__}"


def test_model_save_load_gives_identical_outputs(trained):
    _, model, restored, x, y, _ = trained
    assert type(restored) is type(model)
    inputs = model_inputs(model, x, y)
    np.testing.assert_array_equal(model.predict(inputs, verbose=0), restored.predict(inputs, verbose=0))
    for a, b in zip(to_numpy(model.weights), to_numpy(restored.weights), strict=True):
        np.testing.assert_array_equal(a, b)
    if isinstance(model, Autoencoder):
        z = np.random.default_rng(1).normal(size=(4, model.latent_dim))
        np.testing.assert_array_equal(model.decode(z), restored.decode(z))
    if can_sample(model):
        np.testing.assert_array_equal(model.sample(3, seed=7), restored.sample(3, seed=7))
    if isinstance(model, VAE):
        assert float(restored.kl_weight) == float(model.kl_weight)
    if isinstance(model, SequenceGAN):
        # The scaler is in the config: a reloaded model samples in the same units.
        assert restored.data_min == model.data_min and restored.data_max == model.data_max
        labels = None if y is None else y[:3]
        np.testing.assert_array_equal(model.sample(3, labels=labels, seed=7), restored.sample(3, labels=labels, seed=7))


def optimizers_of(model):
    """Every optimizer of a compiled model, in phase order (the last is `model.optimizer`)."""
    return [getattr(model, name) for name in model.optimizer_names()]


def test_model_save_load_keeps_optimizer_state(trained):
    _, model, restored, _, _, _ = trained
    for ours, theirs in zip(optimizers_of(model), optimizers_of(restored), strict=True):
        assert int(theirs.iterations) == int(ours.iterations) == 4  # 2 epochs x 2 batches
        for a, b in zip(to_numpy(ours.variables), to_numpy(theirs.variables), strict=True):
            np.testing.assert_array_equal(a, b)


def test_model_weights_only_checkpoint(trained, tmp_path):
    key, model, _, x, y, _ = trained
    path = str(tmp_path / "model.weights.h5")
    model.save_weights(path)
    fresh = make(key)
    fresh.load_weights(path)
    inputs = model_inputs(model, x, y)
    np.testing.assert_array_equal(model.predict(inputs, verbose=0), fresh.predict(inputs, verbose=0))


def test_model_trains_on_a_dataset_and_with_sample_weight(trained):
    key, trained_model, _, x, y, _ = trained
    model = make(key)
    compile_model(model, 1e-3)
    first = trained_model.loss_names[0]
    if y is not None:
        parts = (x, y)
    elif isinstance(model, Autoencoder):
        parts = (x, x)  # explicit targets
    else:
        parts = (x,)
    dataset = tf.data.Dataset.from_tensor_slices(parts).batch(8)
    assert np.isfinite(model.fit(dataset, epochs=1, verbose=0).history[first]).all()
    weights = np.ones(len(x), "float32")
    assert np.isfinite(model.fit(x, y, sample_weight=weights, epochs=1, verbose=0).history[first]).all()


@pytest.mark.slow
def test_model_learns(images):
    # Not a quality benchmark: the training loss must fall clearly on structured data.
    for key in ("ae_bernoulli", "vae_bernoulli"):
        model = make(key, hidden_dims=(32,))
        model.compile(optimizer=keras.optimizers.Adam(1e-2))
        history = model.fit(images, batch_size=16, epochs=15, verbose=0).history["loss"]
        assert history[-1] < 0.95 * history[0], (key, history)


# === Bad input: ValueError naming expected and received, before any step ===

CONSTRUCTOR_ERRORS = [
    ({"latent_dim": 0}, r"latent_dim.*Received: latent_dim=0"),
    ({"latent_dim": -3}, r"Received: latent_dim=-3"),
    ({"latent_dim": 2.5}, r"Received: latent_dim=2.5"),
    ({"hidden_dims": (8, 0)}, r"hidden_dims\[1\]"),
    ({"hidden_dims": "8"}, r"hidden_dims"),
    ({"input_shape": (8, -8)}, r"input_shape\[1\]"),
    ({"input_shape": ()}, r"input_shape"),
    ({"likelihood": "poisson"}, r"one of \('bernoulli', 'gaussian', 'binomial'\).*Received: likelihood='poisson'"),
    ({"likelihood": "gaussian", "observation_std": -1.0}, r"observation_std"),
    ({"seed": -1}, r"seed"),
]


@pytest.mark.parametrize("cls", [DenseAutoencoder, DenseVAE])
@pytest.mark.parametrize("kwargs, match", CONSTRUCTOR_ERRORS)
def test_model_constructor_errors(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**{"input_shape": (8, 8), "hidden_dims": (4,), **kwargs})


@pytest.mark.parametrize("beta", [-0.1, float("nan"), float("inf"), "1"])
def test_dense_vae_beta_errors(beta):
    with pytest.raises(ValueError, match=r"beta"):
        DenseVAE(input_shape=(8, 8), beta=beta)


def bad_inputs():
    good = np.random.default_rng(0).random((8, 8, 8)).astype("float32")
    nan = good.copy()
    nan[3, 2, 1] = np.nan
    inf = good.copy()
    inf[0, 0, 0] = np.inf
    return {
        "wrong rank": (good.reshape(8, 64), r"rank 3 with shape \(batch, 8, 8\).*Received shape=\(8, 64\)"),
        "wrong feature count": (good[:, :, :7], r"shape \(batch, 8, 8\).*Received shape=\(8, 8, 7\)"),
        "nan": (nan, r"finite.*Received nan at index \(3, 2, 1\)"),
        "inf": (inf, r"finite.*Received inf at index \(0, 0, 0\)"),
        "empty": (good[:0], r"at least one example.*Received shape=\(0, 8, 8\)"),
        "strings": (np.full((8, 8, 8), "a"), r"real numbers.*Received dtype=<U1"),
        "objects": (np.empty((8, 8, 8), dtype=object), r"real numbers.*Received dtype=object"),
        "unscaled pixels": ((good * 255).astype("uint8"), r"values in \[0.0, 1.0\].*bernoulli.*Received values in \[0, 25"),
        "ragged list": ([[0.0] * 3, [0.0] * 2], r"rectangular numeric array"),
    }


@pytest.fixture(scope="module")
def compiled_vae():
    model = DenseVAE(input_shape=(8, 8), latent_dim=2, hidden_dims=(4,), seed=0)
    model.compile(optimizer="adam")
    return model


@pytest.mark.parametrize("case", sorted(bad_inputs()))
def test_model_data_errors(compiled_vae, case, tmp_path):
    x, match = bad_inputs()[case]
    checkpoint = str(tmp_path / "ckpt.keras")
    log = str(tmp_path / "log.csv")
    callbacks = [keras.callbacks.ModelCheckpoint(checkpoint), keras.callbacks.CSVLogger(log)]
    iterations = int(compiled_vae.optimizer.iterations)
    with pytest.raises(ValueError, match=match):
        compiled_vae.fit(x, epochs=1, verbose=0, callbacks=callbacks)
    # Raised before any step, and nothing written half-way.
    assert int(compiled_vae.optimizer.iterations) == iterations
    assert os.listdir(tmp_path) == []
    with pytest.raises(ValueError, match=match.split(".*")[0]):
        compiled_vae.evaluate(x, verbose=0)
    if case != "unscaled pixels":  # inputs to predict/encode need not be probabilities
        with pytest.raises(ValueError, match=match):
            compiled_vae.predict(x, verbose=0)
        with pytest.raises(ValueError, match=match):
            compiled_vae.encode(x)


def test_model_validation_data_errors(compiled_vae, images):
    with pytest.raises(ValueError, match=r"validation_data x.*Received shape=\(4, 64\)"):
        compiled_vae.fit(images, validation_data=(images[:4].reshape(4, 64),), verbose=0)
    with pytest.raises(ValueError, match=r"`validation_data` must be"):
        compiled_vae.fit(images, validation_data=images[:4], verbose=0)


def test_model_target_and_weight_errors(compiled_vae, images):
    with pytest.raises(ValueError, match=r"same number of examples.*x has 64, y has 10"):
        compiled_vae.fit(images, images[:10], verbose=0)
    with pytest.raises(ValueError, match=r"sample_weight` must be >= 0"):
        compiled_vae.fit(images, sample_weight=-np.ones(64), verbose=0)
    with pytest.raises(ValueError, match=r"sample_weight` must have shape \(batch,\)"):
        compiled_vae.fit(images, sample_weight=np.ones((64, 3)), verbose=0)


def test_model_dataset_errors(compiled_vae, images):
    unbatched = tf.data.Dataset.from_tensor_slices(images)
    with pytest.raises(ValueError, match=r"Received x of shape \(8, 8\).*\.batch"):
        compiled_vae.fit(unbatched, verbose=0)
    wrong = tf.data.Dataset.from_tensor_slices(images.reshape(64, 64)).batch(8)
    with pytest.raises(ValueError, match=r"shape \(batch, 8, 8\). Received x of shape \(None, 64\)"):
        compiled_vae.fit(wrong, verbose=0)
    nested = tf.data.Dataset.from_tensor_slices({"x": images}).batch(8)
    with pytest.raises(ValueError, match=r"must yield batches.*Received element_spec"):
        compiled_vae.fit(nested, verbose=0)
    unscaled = tf.data.Dataset.from_tensor_slices(images * 255).batch(8)
    with pytest.raises(ValueError, match=r"first batch of x.*\[0.0, 1.0\]"):
        compiled_vae.fit(unscaled, verbose=0)


def test_model_sample_and_decode_errors(compiled_vae):
    with pytest.raises(ValueError, match=r"Received: n=0"):
        compiled_vae.sample(0)
    with pytest.raises(ValueError, match=r"`z` must have shape \(batch, 2\). Received shape=\(3, 5\)"):
        compiled_vae.decode(np.zeros((3, 5)))
    ae = DenseAutoencoder(input_shape=(8, 8), hidden_dims=(4,))
    with pytest.raises(ValueError, match=r"fit_code_distribution"):
        ae.sample(2)


def test_model_resumes_training_after_load(trained, tmp_path):
    # Continuing fit on the reloaded model gives the same weights as continuing on the
    # original: weights, optimizer moments, KL weight and sampling state all survive.
    _, model, _, x, y, _ = trained
    model.save(tmp_path / "now.keras")
    restored = keras.models.load_model(tmp_path / "now.keras")
    for m in (model, restored):
        m.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(to_numpy(model.weights), to_numpy(restored.weights), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


@pytest.mark.slow
def test_binomial_likelihood_trains_saves_and_checks_its_range(tmp_path):
    """`likelihood="binomial"` with `trials` survives save/load and names its range."""
    counts = np.random.default_rng(0).integers(0, 17, size=(32, 8, 8))
    x = (counts / 16).astype("float32")
    for cls in (DenseVAE, DenseAutoencoder):
        model = cls(input_shape=(8, 8), latent_dim=2, hidden_dims=(8,), likelihood="binomial", trials=16, seed=0)
        compile_model(model)
        model.fit(x, batch_size=16, epochs=1, verbose=0)
        path = tmp_path / f"{cls.__name__}.keras"
        model.save(path)
        restored = keras.models.load_model(path)
        assert restored.trials == 16 and restored.likelihood == "binomial"
        np.testing.assert_array_equal(model.predict(x, verbose=0), restored.predict(x, verbose=0))
        terms = model.evaluate(x, verbose=0, return_dict=True)
        # A normalised probability of counts: no example can beat log p = 0.
        assert np.isfinite(terms["loss"]) and terms["reconstruction_loss"] > 0
        with pytest.raises(ValueError, match=r"`x` must have values in \[0\.0, 1\.0\] because likelihood='binomial' "
                                             r"reads each value as a count divided by trials=16.*Received values in \[0, 16\]"):
            model.fit(counts.astype("float32"), epochs=1, verbose=0)
