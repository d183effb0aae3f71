"""The shared loop's contract, checked on the dense models and on a two-phase toy model."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_vae import DenseAutoencoder, DenseVAE
from keras_vae.training import DataSpec, GenerativeModel, Phase


def tiny_vae(**kwargs):
    kwargs = {"input_shape": (8, 8), "latent_dim": 2, "hidden_dims": (8,), "seed": 0, **kwargs}
    return DenseVAE(**kwargs)


def tiny_ae(**kwargs):
    kwargs = {"input_shape": (8, 8), "latent_dim": 2, "hidden_dims": (8,), "seed": 0, **kwargs}
    return DenseAutoencoder(**kwargs)


def weights_of(model):
    return [keras.ops.convert_to_numpy(w) for w in model.weights]


@pytest.fixture(scope="module")
def fitted(images):
    """One DenseVAE fitted for two epochs with validation, shared by the contract tests."""
    model = tiny_vae()
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    before = weights_of(model)
    history = model.fit(
        images, epochs=2, batch_size=16, validation_data=(images[:16],), verbose=0
    )
    return model, before, history


def test_fit_changes_the_weights(fitted):
    model, before, _ = fitted
    after = weights_of(model)
    trainable = {id(v) for v in model.trainable_weights}
    changed = [
        not np.allclose(b, a) for b, a, w in zip(before, after, model.weights, strict=True) if id(w) in trainable
    ]
    assert all(changed)


def test_history_keys_are_exact(fitted):
    _, _, history = fitted
    assert set(history.history) == {
        "loss", "reconstruction_loss", "kl_loss",
        "val_loss", "val_reconstruction_loss", "val_kl_loss",
    }
    for values in history.history.values():
        assert len(values) == 2 and np.isfinite(values).all()


def test_loss_is_the_sum_of_its_terms(fitted):
    _, _, history = fitted
    h = history.history
    # beta = 1: loss = reconstruction + KL, epoch means of each are additive.
    np.testing.assert_allclose(
        h["loss"], np.add(h["reconstruction_loss"], h["kl_loss"]), rtol=1e-5
    )


def test_evaluate_changes_no_weight(fitted, images):
    model, _, _ = fitted
    before = weights_of(model)
    iterations = int(model.optimizer.iterations)
    logs = model.evaluate(images, batch_size=16, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "reconstruction_loss", "kl_loss"}
    for b, a in zip(before, weights_of(model), strict=True):
        np.testing.assert_array_equal(b, a)
    assert int(model.optimizer.iterations) == iterations


def test_trackers_reset_every_epoch(images):
    model = tiny_ae()
    model.compile(optimizer="sgd")
    counts = []

    class RecordCounts(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            counts.append([float(t.count) for t in self.model.loss_trackers])

    model.fit(images, epochs=3, batch_size=16, verbose=0, callbacks=[RecordCounts()])
    # Each epoch starts from empty trackers (the count of examples seen is 0).
    assert counts == [[0.0, 0.0]] * 3


def test_epoch_log_is_the_mean_over_examples(images):
    # With SGD at learning rate 0 the weights never move, so the epoch's logged loss must
    # equal the mean per-example loss computed directly; uneven last batch included.
    model = tiny_ae()
    model.compile(optimizer=keras.optimizers.SGD(0.0))
    history = model.fit(images[:40], epochs=1, batch_size=16, shuffle=False, verbose=0)
    per_example = np.asarray(model.compute_terms(images[:40])["loss"])
    assert history.history["loss"][0] == pytest.approx(per_example.mean(), rel=1e-5)


def test_sample_weight_weights_each_example(images):
    model = tiny_ae()
    model.compile(optimizer="sgd")
    weights = np.linspace(0.0, 2.0, len(images)).astype("float32")
    per_example = np.asarray(model.compute_terms(images)["loss"])
    logs = model.evaluate(images, sample_weight=weights, batch_size=64, verbose=0, return_dict=True)
    # Keras' "sum_over_batch_size" reduction: sum(w * l) / batch_size.
    assert logs["loss"] == pytest.approx(np.sum(weights * per_example) / len(images), rel=1e-5)


@pytest.mark.slow
def test_fit_x_equals_fit_x_x_and_dataset(images):
    results = []
    for how in ("x", "x, x", "dataset"):
        model = tiny_ae()
        model.compile(optimizer=keras.optimizers.SGD(0.1))
        if how == "x":
            model.fit(images, batch_size=16, shuffle=False, verbose=0)
        elif how == "x, x":
            model.fit(images, images, batch_size=16, shuffle=False, verbose=0)
        else:
            model.fit(tf.data.Dataset.from_tensor_slices(images).batch(16), verbose=0)
        results.append(weights_of(model))
    for other in results[1:]:
        for a, b in zip(results[0], other, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_fit_with_targets_trains_a_denoiser(images):
    # fit(x_noisy, x_clean): the target is y, not x.
    noisy = np.clip(images + 0.3 * np.random.default_rng(0).standard_normal(images.shape), 0, 1)
    model = tiny_ae()
    model.compile(optimizer="sgd")
    to_clean = np.asarray(model.compute_terms(noisy.astype("float32"), images)["loss"])
    to_noisy = np.asarray(model.compute_terms(noisy.astype("float32"))["loss"])
    assert not np.allclose(to_clean, to_noisy)


@pytest.mark.slow
def test_no_variable_is_left_off_the_loss_path(images):
    # Keras warns "Gradients do not exist for variables ..." when a trained variable gets no
    # gradient: the classic bug of a KL computed outside the tape or a head never used.
    for model in (tiny_vae(), tiny_ae(), tiny_vae(likelihood="gaussian")):
        model.compile(optimizer="adam")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            model.fit(images, batch_size=32, epochs=1, verbose=0)


def test_kl_weight_variable_is_read_by_the_compiled_step(images):
    model = tiny_vae()
    model.compile(optimizer=keras.optimizers.SGD(0.0))
    model.fit(images, batch_size=64, epochs=1, verbose=0)  # trace once
    for weight in (0.0, 2.0):
        model.kl_weight.assign(weight)
        logs = model.evaluate(images, batch_size=64, verbose=0, return_dict=True)
        assert logs["loss"] == pytest.approx(
            logs["reconstruction_loss"] + weight * logs["kl_loss"], rel=1e-5
        )


def test_compile_refuses_a_loss():
    model = tiny_vae()
    with pytest.raises(ValueError, match=r"computes its own loss terms.*Received: loss='mse'"):
        model.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="Received: metrics="):
        model.compile(optimizer="adam", metrics=["mae"])


def test_fit_refuses_class_weight(images):
    model = tiny_vae()
    model.compile()
    with pytest.raises(ValueError, match="class_weight"):
        model.fit(images, class_weight={0: 1.0}, verbose=0)


# === Two optimizers, two phases: what a GAN needs, in the same loop ===


class TwoPhaseToy(GenerativeModel):
    """Phase "a_loss" moves only `a` with one optimizer, phase "b_loss" only `b`."""

    loss_names = ("a_loss", "b_loss")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.a = self.add_weight(shape=(), initializer="ones", name="a")
        self.b = self.add_weight(shape=(), initializer="ones", name="b")
        self.built = True

    # One declaration of the data (x of shape (batch, 1), no targets), not several hooks.
    data_spec = DataSpec((1,), targets="none")

    # No compile() of its own: the phases name their optimizers, compile() takes them by name.

    def a_terms(self, x, y=None, training=False):
        return {"a_loss": ops.sum(ops.square(x * self.a - 3.0), axis=1)}

    def b_terms(self, x, y=None, training=False):
        # Reads `a` too: the phase must still leave `a` alone.
        return {"b_loss": ops.sum(ops.square(x * self.b * self.a + 2.0), axis=1)}

    def optimization_phases(self):
        return [
            Phase("a_loss", self.a_terms, "a_optimizer", [self.a]),
            Phase("b_loss", self.b_terms, "b_optimizer", [self.b]),
        ]

    def call(self, x):
        return x * self.a


def test_two_phases_update_only_their_own_variables():
    model = TwoPhaseToy()
    model.compile(a_optimizer=keras.optimizers.SGD(0.1), b_optimizer=keras.optimizers.SGD(0.0))
    model.fit(np.ones((8, 1), "float32"), batch_size=8, epochs=1, verbose=0)
    assert float(model.a) != 1.0  # moved by phase a
    assert float(model.b) == 1.0  # phase b's optimizer has lr 0: nothing else may move b
    model = TwoPhaseToy()
    model.compile(b_optimizer=keras.optimizers.SGD(0.1), a_optimizer=keras.optimizers.SGD(0.0))
    history = model.fit(np.ones((8, 1), "float32"), batch_size=8, epochs=1, verbose=0)
    assert float(model.a) == 1.0 and float(model.b) != 1.0
    assert set(history.history) == {"a_loss", "b_loss"}
    assert int(model.a_optimizer.iterations) == 1 and int(model.b_optimizer.iterations) == 1


def test_named_optimizers_default_check_and_survive_the_compile_config():
    model = TwoPhaseToy()
    model.compile(b_optimizer=keras.optimizers.SGD(0.5))  # a_optimizer: default_optimizer's "adam"
    assert model.optimizer_names() == ("a_optimizer", "b_optimizer")
    assert isinstance(model.a_optimizer, keras.optimizers.Adam)
    # The last phase's optimizer is Keras' model.optimizer, whose iterations count the steps.
    assert model.b_optimizer is model.optimizer and float(model.optimizer.learning_rate) == 0.5
    config = model.get_compile_config()
    assert "optimizer" not in config and {"a_optimizer", "b_optimizer"} <= set(config)
    restored = TwoPhaseToy()
    restored.compile_from_config(config)
    assert isinstance(restored.a_optimizer, keras.optimizers.Adam) and restored.b_optimizer is restored.optimizer
    assert float(restored.b_optimizer.learning_rate) == 0.5
    with pytest.raises(ValueError, match=r"pass a_optimizer=\.\.\. and b_optimizer=\.\.\. instead of optimizer\. Received: optimizer='sgd'"):
        TwoPhaseToy().compile(optimizer="sgd")
    shared = keras.optimizers.SGD()
    with pytest.raises(ValueError, match=r"`a_optimizer` and `b_optimizer` must be two optimizer objects"):
        TwoPhaseToy().compile(a_optimizer=shared, b_optimizer=shared)


def _slot_names(optimizer, model):
    prefix = f"{optimizer.name}/{model.name}_"  # Adam's slots: "<optimizer>/<model>_<variable>_<slot>"
    return sorted(v.path.removeprefix(prefix) for v in optimizer.variables if v.path.startswith(prefix))


def test_each_optimizer_holds_slots_for_its_own_phase_only():
    model = TwoPhaseToy()
    model.compile(a_optimizer=keras.optimizers.Adam(0.1), b_optimizer=keras.optimizers.Adam(0.1))
    assert _slot_names(model.a_optimizer, model) == ["a_momentum", "a_velocity"]
    assert _slot_names(model.b_optimizer, model) == ["b_momentum", "b_velocity"]


@pytest.mark.parametrize("ema_on", ["a", "b", "both"])
def test_use_ema_ends_fit_with_each_phase_on_its_own_average(ema_on):
    """`use_ema=True` on any phase's optimizer: after `fit`, that phase's variables hold
    that optimizer's averages, and the other phase's variables are the plain trained ones."""

    def fitted(with_ema):
        model = TwoPhaseToy()
        model.compile(
            **{f"{name}_optimizer": keras.optimizers.SGD(0.05, use_ema=name in with_ema, ema_momentum=0.5) for name in "ab"}
        )
        model.fit(np.linspace(0.5, 1.5, 16, dtype="float32")[:, None], batch_size=4, epochs=2, shuffle=False, verbose=0)
        return model

    with_ema = "ab" if ema_on == "both" else ema_on
    plain, model = fitted(""), fitted(with_ema)
    for name in "ab":
        optimizer = getattr(model, f"{name}_optimizer")
        value = float(getattr(model, name))
        if name in with_ema:
            (average,) = [v for v in optimizer.variables if v.path.endswith("_average")]
            assert value == float(average.numpy())
            # The average lags the plain trajectory: it is not the last iterate.
            assert value != float(getattr(plain, name))
        else:
            # EMA never changes the training trajectory: same as without it.
            assert value == float(getattr(plain, name))


# Distribution, mixed precision and XLA are checked for every model in
# test_distribution_and_precision.py.
