"""The same checks for every public model, over a table of tiny configs."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_vae import DenseAutoencoder, DenseVAE

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
}


def make(key, **overrides):
    cls, kwargs = CONFIGS[key]
    return cls(**{**kwargs, "seed": 0, **overrides})


def data_for(model, n=32):
    rng = np.random.default_rng(0)
    return rng.random((n, *model.example_shape)).astype("float32")


def to_numpy(values):
    return [keras.ops.convert_to_numpy(v) for v in values]


@pytest.fixture(scope="module", params=sorted(CONFIGS))
def trained(request, tmp_path_factory):
    """A model of each config, fitted briefly, saved, and reloaded."""
    model = make(request.param)
    x = data_for(model)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = model.fit(x, batch_size=16, epochs=2, validation_data=(x[:8],), verbose=0)
    if isinstance(model, DenseAutoencoder):
        model.fit_code_distribution(x)  # part of the state a saved autoencoder must keep
    path = str(tmp_path_factory.mktemp(request.param) / "model.keras")
    model.save(path)
    restored = keras.models.load_model(path)  # no custom_objects: classes are registered
    return request.param, model, restored, x, history


def test_model_call_shapes(trained):
    _, model, _, x, _ = trained
    n = 5
    assert model.predict(x[:n], verbose=0).shape == (n, *model.example_shape)
    assert model.reconstruct(x[:n]).shape == (n, *model.example_shape)
    assert model.decode(np.zeros((n, model.latent_dim))).shape == (n, *model.example_shape)
    if isinstance(model, DenseVAE):
        z_mean, z_log_var = model.encode(x[:n])
        assert z_mean.shape == z_log_var.shape == (n, model.latent_dim)
    else:
        assert model.encode(x[:n]).shape == (n, model.latent_dim)
    assert model.sample(n, seed=1).shape == (n, *model.example_shape)


def test_model_outputs_are_means_of_the_likelihood(trained):
    _, model, _, x, _ = trained
    out = model.predict(x, verbose=0)
    if model.likelihood == "bernoulli":
        assert out.min() >= 0.0 and out.max() <= 1.0


def test_model_fit_history_and_evaluate(trained):
    _, model, _, x, history = trained
    names = set(model.loss_names)
    assert set(history.history) == names | {f"val_{n}" for n in names}
    for values in history.history.values():
        assert np.isfinite(values).all()
    before = to_numpy(model.weights)
    logs = model.evaluate(x, verbose=0, return_dict=True)
    assert set(logs) == names
    for a, b in zip(before, to_numpy(model.weights), strict=True):
        np.testing.assert_array_equal(a, b)


def test_model_config_round_trip(trained):
    _, model, _, _, _ = trained
    config = model.get_config()
    clone = type(model).from_config(config)
    assert clone.get_config() == config
    assert len(clone.weights) == len(model.weights)
    registered = keras.saving.get_registered_name(type(model))
    assert registered == f"keras_vae>{type(model).__name__}"


def test_model_save_load_gives_identical_outputs(trained):
    _, model, restored, x, _ = trained
    assert type(restored) is type(model)
    np.testing.assert_array_equal(model.predict(x, verbose=0), restored.predict(x, verbose=0))
    z = np.random.default_rng(1).normal(size=(4, model.latent_dim))
    np.testing.assert_array_equal(model.decode(z), restored.decode(z))
    for a, b in zip(to_numpy(model.weights), to_numpy(restored.weights), strict=True):
        np.testing.assert_array_equal(a, b)
    if isinstance(model, DenseVAE):
        assert float(restored.kl_weight) == float(model.kl_weight)
    np.testing.assert_array_equal(model.sample(3, seed=7), restored.sample(3, seed=7))


def test_model_save_load_keeps_optimizer_state(trained):
    _, model, restored, x, _ = trained
    assert int(restored.optimizer.iterations) == int(model.optimizer.iterations) == 4  # 2 epochs x 2 batches
    for a, b in zip(to_numpy(model.optimizer.variables), to_numpy(restored.optimizer.variables), strict=True):
        np.testing.assert_array_equal(a, b)


def test_model_weights_only_checkpoint(trained, tmp_path):
    key, model, _, x, _ = trained
    path = str(tmp_path / "model.weights.h5")
    model.save_weights(path)
    fresh = make(key)
    fresh.load_weights(path)
    np.testing.assert_array_equal(model.predict(x, verbose=0), fresh.predict(x, verbose=0))


def test_model_trains_on_a_dataset_and_with_sample_weight(trained):
    key, _, _, x, _ = trained
    model = make(key)
    model.compile(optimizer="adam")
    dataset = tf.data.Dataset.from_tensor_slices((x, x)).batch(8)
    assert np.isfinite(model.fit(dataset, epochs=1, verbose=0).history["loss"]).all()
    weights = np.ones(len(x), "float32")
    assert np.isfinite(model.fit(x, sample_weight=weights, epochs=1, verbose=0).history["loss"]).all()


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
    ({"likelihood": "poisson"}, r"one of \('bernoulli', 'gaussian'\).*Received: likelihood='poisson'"),
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
    _, model, _, x, _ = trained
    model.save(tmp_path / "now.keras")
    restored = keras.models.load_model(tmp_path / "now.keras")
    for m in (model, restored):
        m.fit(x, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(to_numpy(model.weights), to_numpy(restored.weights), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
