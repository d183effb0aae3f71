"""What only the recurrent models and the GAN have: the cuDNN path, KL annealing, free bits,
step dropout, the GAN's two phases, and sequence-shaped bad input.

The checks every model shares (shapes, config and `.keras` round trip, fit/validation/
evaluate/predict, resuming) run over the table in `test_models.py`.
"""

import itertools
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_vae import (
    LSTMVAE,
    LSTMAutoencoder,
    LSTMForecaster,
    SequenceGAN,
    callbacks,
    evaluation,
    losses,
)
from keras_vae.layers import MeanExample, StepDropout
from keras_vae.models._recurrent import CUDNN_LSTM_ARGUMENTS

T, F = 6, 3


def sequences(n=32, seed=0, length=T, features=F):
    """Smooth sequences in [0, 1]: a sine per feature with random frequency and phase."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)[None, :, None]
    frequency = rng.uniform(0.2, 0.6, (n, 1, features))
    phase = rng.uniform(0, 2 * np.pi, (n, 1, features))
    return ((np.sin(frequency * t + phase) + 1) / 2).astype("float32")


def small(cls, **kwargs):
    defaults = {"sequence_length": T, "num_features": F, "hidden_dims": (8,), "seed": 0}
    if cls is LSTMForecaster:
        defaults["horizon"] = 2
    return cls(**{**defaults, **kwargs})


def all_layers(model):
    """Every layer inside a model, including those of nested functional models."""
    return list(model._flatten_layers(include_self=False, recursive=True))


RECURRENT = [
    (LSTMForecaster, {"hidden_dims": (8, 4)}),
    (LSTMAutoencoder, {"hidden_dims": (8, 4)}),
    (LSTMVAE, {"hidden_dims": (8, 4), "autoregressive": True, "step_dropout": 0.2}),
    (SequenceGAN, {"hidden_dims": (8, 4), "num_classes": 2}),
]


@pytest.mark.parametrize("cls, kwargs", RECURRENT, ids=lambda v: getattr(v, "__name__", ""))
def test_every_lstm_is_on_the_cudnn_path(cls, kwargs):
    model = small(cls, **kwargs)
    lstms = [layer for layer in all_layers(model) if isinstance(layer, keras.layers.LSTM)]
    assert len(lstms) >= 2 * (2 if cls is not LSTMForecaster else 1)  # encoder and decoder stacks
    for layer in lstms:
        config = layer.get_config()
        for key, want in CUDNN_LSTM_ARGUMENTS.items():
            got = config[key]
            got = keras.activations.serialize(keras.activations.get(got)) if key.endswith("activation") else got
            want_value = keras.activations.serialize(keras.activations.get(want)) if key.endswith("activation") else want
            assert got == want_value, (layer.name, key, got)


# === KL annealing ===


@pytest.mark.parametrize(
    "schedule, step, expected",
    [
        ("linear", 0, 0.0), ("linear", 5, 0.5), ("linear", 10, 1.0), ("linear", 50, 1.0),
        ("sigmoid", 0, 0.0), ("sigmoid", 5, 0.5), ("sigmoid", 10, 1.0),
        # 4 cycles of 2.5 steps, rising over the first half (1.25 steps) of each.
        ("cyclical", 0, 0.0), ("cyclical", 0.625, 0.5), ("cyclical", 2.0, 1.0),
        ("cyclical", 2.5, 0.0), ("cyclical", 10, 1.0), ("cyclical", 11, 1.0),
    ],
)
def test_annealing_weight_correctness(schedule, step, expected):
    assert callbacks.annealing_weight(step, schedule, duration=10, cycles=4, ratio=0.5) == pytest.approx(expected, abs=1e-9)


def test_annealing_weight_is_monotonic_and_scaled():
    for schedule in ("linear", "sigmoid"):
        weights = [callbacks.annealing_weight(s, schedule, 20, start=0.5, stop=2.0) for s in range(25)]
        assert weights[0] == pytest.approx(0.5) and weights[-1] == pytest.approx(2.0)
        assert all(b >= a for a, b in itertools.pairwise(weights))


class RecordWeight(keras.callbacks.Callback):
    """Records the KL weight the step is about to use (after KLAnnealing has set it)."""

    def __init__(self):
        super().__init__()
        self.weights = []

    def on_train_batch_begin(self, batch, logs=None):
        self.weights.append(float(keras.ops.convert_to_numpy(self.model.kl_weight)))


def test_kl_annealing_moves_the_weight_the_loop_uses():
    x = sequences(32)
    model = small(LSTMVAE, latent_dim=2, beta=2.0)
    model.compile(optimizer="adam")
    record = RecordWeight()
    annealing = callbacks.KLAnnealing("linear", duration=4, unit="batch")
    history = model.fit(x, batch_size=8, epochs=2, callbacks=[annealing, record], shuffle=False, verbose=0)
    # Annealed up to beta=2 over 4 batches, then held (2 epochs x 4 batches).
    np.testing.assert_allclose(record.weights, [0.0, 0.5, 1.0, 1.5, 2.0, 2.0, 2.0, 2.0])
    assert history.history["kl_weight"] == [1.5, 2.0]
    # The loop's total is reconstruction + kl_weight * KL with the variable's current value.
    model.kl_weight.assign(0.25)
    logs = model.evaluate(x, batch_size=32, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(logs["reconstruction_loss"] + 0.25 * logs["kl_loss"], rel=1e-5)


def test_kl_annealing_continues_after_reload(tmp_path):
    x = sequences(32)
    model = small(LSTMVAE, latent_dim=2)
    model.compile(optimizer="adam")
    annealing = callbacks.KLAnnealing("linear", duration=8, unit="batch")
    model.fit(x, batch_size=8, epochs=1, callbacks=[annealing], verbose=0)  # 4 of 8 steps
    model.save(tmp_path / "half.keras")
    restored = keras.models.load_model(tmp_path / "half.keras")
    record = RecordWeight()
    restored.fit(x, batch_size=8, epochs=1, callbacks=[callbacks.KLAnnealing("linear", duration=8, unit="batch"), record], verbose=0)
    np.testing.assert_allclose(record.weights, [0.5, 0.625, 0.75, 0.875])


def test_kl_annealing_epoch_unit_and_cyclical():
    x = sequences(16)
    model = small(LSTMVAE, latent_dim=2)
    model.compile(optimizer="adam")
    annealing = callbacks.KLAnnealing("cyclical", duration=4, unit="epoch", cycles=2, ratio=0.5)
    history = model.fit(x, batch_size=16, epochs=6, callbacks=[annealing], verbose=0)
    assert history.history["kl_weight"] == [0.0, 1.0, 0.0, 1.0, 1.0, 1.0]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"schedule": "exponential"}, r"one of \('linear', 'sigmoid', 'cyclical'\).*Received: schedule='exponential'"),
        ({"duration": 0}, r"Received: duration=0"),
        ({"unit": "step"}, r"Received: unit='step'"),
        ({"ratio": 0.0}, r"ratio"),
        ({"start": -1.0}, r"start"),
        ({"stop": float("nan")}, r"stop"),
        ({"cycles": 0}, r"cycles"),
    ],
)
def test_kl_annealing_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        callbacks.KLAnnealing(**kwargs)


def test_kl_annealing_needs_a_kl_weight():
    model = small(LSTMAutoencoder, latent_dim=2)
    model.compile(optimizer="adam")
    with pytest.raises(ValueError, match=r"kl_weight.*Received a LSTMAutoencoder"):
        model.fit(sequences(8), epochs=1, callbacks=[callbacks.KLAnnealing()], verbose=0)


def test_latent_diagnostics_logs_active_units_and_kl_per_dimension():
    x = sequences(32)
    model = small(LSTMVAE, latent_dim=3)
    model.compile(optimizer="adam")
    history = model.fit(x, epochs=2, callbacks=[callbacks.LatentDiagnostics(x)], verbose=0)
    assert set(history.history) >= {"active_units", "kl_dim_0", "kl_dim_1", "kl_dim_2"}
    z_mean, z_log_var = model.posterior(x)
    kl = losses.gaussian_kl(z_mean, z_log_var)
    total = sum(history.history[f"kl_dim_{j}"][-1] for j in range(3))
    assert total == pytest.approx(float(np.mean(keras.ops.convert_to_numpy(kl))), rel=1e-4)


# === Free bits and step dropout ===


def test_free_bits_matches_the_minibatch_formula():
    rng = np.random.default_rng(0)
    kl = tf.Variable(rng.uniform(0, 1, (16, 4)).astype("float32") * np.array([0.1, 0.5, 1.0, 2.0], "float32"))
    free_bits = 0.3
    with tf.GradientTape(persistent=True) as tape:
        ours = tf.reduce_mean(losses.free_bits_kl(kl, free_bits))
        # Kingma et al. 2016: sum_j max(lambda, E_batch[kl_j]).
        paper = tf.reduce_sum(tf.maximum(free_bits, tf.reduce_mean(kl, axis=0)))
    assert float(ours) == pytest.approx(float(paper), rel=1e-6)
    np.testing.assert_allclose(tape.gradient(ours, kl), tape.gradient(paper, kl), rtol=1e-6)
    assert float(tf.reduce_mean(losses.free_bits_kl(kl, 0.0))) == pytest.approx(float(tf.reduce_mean(tf.reduce_sum(kl, -1))))


def test_step_dropout_drops_whole_steps_only_in_training():
    x = np.ones((200, 50, 3), "float32")
    layer = StepDropout(0.3, seed=1)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(x)), x)
    dropped = keras.ops.convert_to_numpy(layer(x, training=True))
    per_step = dropped.max(axis=-1)
    assert set(np.unique(dropped)) == {0.0, 1.0}
    np.testing.assert_array_equal(dropped.min(axis=-1), per_step)  # all features of a step together
    assert abs((per_step == 0).mean() - 0.3) < 0.02
    with pytest.raises(ValueError, match=r"Received: rate=1.0"):
        StepDropout(1.0)


def test_step_dropout_requires_an_autoregressive_decoder():
    with pytest.raises(ValueError, match=r"autoregressive=True.*Received: step_dropout=0.2"):
        small(LSTMVAE, step_dropout=0.2)


def test_lstm_vae_interpolation_ends_at_the_reconstructions():
    x = sequences(4)
    for autoregressive in (False, True):
        model = small(LSTMVAE, latent_dim=2, autoregressive=autoregressive)
        path = model.interpolate(x[0], x[1], steps=5)
        assert path.shape == (5, T, F)
        np.testing.assert_allclose(path[[0, -1]], model.reconstruct(x[:2]), atol=1e-6)


def test_autoregressive_generation_feeds_back_its_own_means():
    # Generating step by step must equal the teacher-forced decoder fed the generated means.
    model = small(LSTMVAE, latent_dim=2, autoregressive=True)
    z = np.random.default_rng(0).normal(size=(3, 2)).astype("float32")
    generated = model.decode(z)
    previous = np.pad(generated[:, :-1], ((0, 0), (1, 0), (0, 0)))
    forced = keras.ops.convert_to_numpy(model.decoder([z, previous]))
    np.testing.assert_allclose(generated, forced, atol=1e-5)


# === Anomaly scores and learning ===


def test_lstm_autoencoder_anomaly_scores_are_mean_squared_errors():
    x = sequences(8)
    model = small(LSTMAutoencoder, latent_dim=2)
    np.testing.assert_allclose(model.anomaly_scores(x), ((model.reconstruct(x) - x) ** 2).mean(axis=(1, 2)), rtol=1e-6)


@pytest.mark.parametrize("likelihood", ["gaussian", "bernoulli"])
def test_lstm_autoencoder_starts_from_the_mean_sequence(likelihood):
    x = sequences(40)
    model = small(LSTMAutoencoder, latent_dim=2, likelihood=likelihood)
    assert not model.mean_example.is_adapted
    model.adapt(x)
    # The decoder's last layer starts at zero: every reconstruction is the mean sequence, so
    # the untrained detector is exactly the mean-sequence baseline.
    mean = np.clip(x.mean(axis=0), 1e-4, 1 - 1e-4) if likelihood == "bernoulli" else x.mean(axis=0)
    np.testing.assert_allclose(model.reconstruct(x[:3]), np.broadcast_to(mean, (3, T, F)), atol=1e-5)
    if likelihood == "gaussian":
        np.testing.assert_allclose(model.anomaly_scores(x), evaluation.mean_sequence_scores(x, x), rtol=1e-4)


def test_lstm_autoencoder_fit_sets_the_mean_sequence_once(tmp_path):
    x = sequences(40)
    shifted = x + 5.0
    model = small(LSTMAutoencoder, latent_dim=2)
    model.compile()
    model.fit(x, epochs=1, batch_size=16, validation_split=0.25, verbose=0)
    # From the training part only: the validation quarter is not in the mean.
    np.testing.assert_allclose(model.mean_example.offset.numpy(), x[:30].mean(axis=0), atol=1e-6)
    assert float(model.mean_example.count) == 30
    # Resumed training keeps the mean it started from, also after a save and load.
    model.fit(shifted, epochs=1, batch_size=16, verbose=0)
    np.testing.assert_allclose(model.mean_example.offset.numpy(), x[:30].mean(axis=0), atol=1e-6)
    path = tmp_path / "ae.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    assert restored.mean_sequence and restored.mean_example.is_adapted
    np.testing.assert_allclose(restored.reconstruct(x), model.reconstruct(x), atol=1e-6)
    restored.fit(shifted, epochs=1, batch_size=16, verbose=0)
    np.testing.assert_allclose(restored.mean_example.offset.numpy(), x[:30].mean(axis=0), atol=1e-6)


def test_lstm_autoencoder_mean_sequence_from_a_dataset_or_by_hand():
    x = sequences(40)
    model = small(LSTMAutoencoder, latent_dim=2)
    model.compile()
    model.fit(tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=1, verbose=0)
    np.testing.assert_allclose(model.mean_example.offset.numpy(), x.mean(axis=0), atol=1e-6)
    # A generator cannot be read twice: fit asks for adapt() first, and works after it.
    model = small(LSTMAutoencoder, latent_dim=2)
    model.compile()

    def batches():
        while True:
            yield x[:16], x[:16]

    with pytest.raises(ValueError, match=r"call model.adapt\(x_train\) before fit\(\) on a generator.*Received: x of type generator"):
        model.fit(batches(), steps_per_epoch=2, epochs=1, verbose=0)
    assert not model.mean_example.is_adapted
    model.adapt(x)
    model.fit(batches(), steps_per_epoch=2, epochs=1, verbose=0)
    np.testing.assert_allclose(model.mean_example.offset.numpy(), x.mean(axis=0), atol=1e-6)


def test_lstm_autoencoder_without_the_mean_sequence():
    model = small(LSTMAutoencoder, latent_dim=2, mean_sequence=False)
    assert not hasattr(model, "mean_example") and model.get_config()["mean_sequence"] is False
    assert not any(isinstance(layer, MeanExample) for layer in model.decoder.layers)
    with pytest.raises(ValueError, match=r"does not use.*Received: a model built with mean_sequence=False"):
        model.adapt(sequences(4))
    model.compile()
    model.fit(sequences(8), epochs=1, verbose=0)  # nothing to adapt


def test_recurrent_models_learn():
    # Not a benchmark: the loss must fall clearly on structured data in a few epochs.
    x = sequences(128)
    y = x[:, -2:, :]  # a forecaster target with the right shape (the last two steps)
    for cls, kwargs, fit_args in (
        (LSTMAutoencoder, {"latent_dim": 4, "hidden_dims": (16,)}, (x,)),
        (LSTMVAE, {"latent_dim": 4, "hidden_dims": (16,)}, (x,)),
        (LSTMForecaster, {"hidden_dims": (16,)}, (x, y)),
    ):
        model = small(cls, **kwargs)
        model.compile(optimizer=keras.optimizers.Adam(1e-2))
        history = model.fit(*fit_args, batch_size=32, epochs=15, verbose=0).history["loss"]
        assert history[-1] < 0.7 * history[0], (cls.__name__, history)


# === The GAN's two phases ===


def test_gan_phases_update_only_their_own_network():
    x = sequences(16)
    phases = small(SequenceGAN).optimization_phases
    assert phases  # compiled below

    def weights(model):
        return (
            [keras.ops.convert_to_numpy(v) for v in model.discriminator.trainable_variables],
            [keras.ops.convert_to_numpy(v) for v in model.generator.trainable_variables],
        )

    for frozen in ("d", "g"):
        model = small(SequenceGAN)
        rates = {"d": 1e-2, "g": 1e-2, frozen: 0.0}
        model.compile(d_optimizer=keras.optimizers.SGD(rates["d"]), g_optimizer=keras.optimizers.SGD(rates["g"]))
        (d_before, g_before) = weights(model)
        model.fit(x, batch_size=16, epochs=1, verbose=0)
        (d_after, g_after) = weights(model)
        d_changed = any(not np.array_equal(a, b) for a, b in zip(d_before, d_after, strict=True))
        g_changed = any(not np.array_equal(a, b) for a, b in zip(g_before, g_after, strict=True))
        # Freezing one network's optimizer leaves exactly that network unchanged: neither
        # phase's gradient step reaches the other's variables.
        assert (d_changed, g_changed) == ((False, True) if frozen == "d" else (True, False))


def test_gan_phase_variables_partition_the_trainable_variables():
    model = small(SequenceGAN, num_classes=3)
    model.compile()
    d_phase, g_phase = model.optimization_phases()
    assert (d_phase.loss, g_phase.loss) == ("d_loss", "g_loss")
    d_ids = {id(v) for v in d_phase.variables}
    g_ids = {id(v) for v in g_phase.variables}
    assert not d_ids & g_ids
    assert d_ids | g_ids == {id(v) for v in model.trainable_variables}
    assert (d_phase.optimizer, g_phase.optimizer) == ("d_optimizer", "g_optimizer")
    assert model.g_optimizer is model.optimizer and model.d_optimizer is not model.optimizer


def test_gan_generator_average_with_use_ema():
    """`g_optimizer=...(use_ema=True)`, the Keras way to sample from an average of the
    generator's recent weights: `fit` ends with the generator on the average, the
    discriminator on its last iterate, and the generator's optimizer holds nothing of the
    discriminator's."""
    x = sequences(32)

    def fitted(use_ema):
        keras.utils.set_random_seed(0)
        model = small(SequenceGAN)
        model.compile(
            d_optimizer=keras.optimizers.Adam(1e-2),
            g_optimizer=keras.optimizers.Adam(1e-2, use_ema=use_ema, ema_momentum=0.5),
        )
        model.fit(x, batch_size=16, epochs=2, verbose=0)
        return model

    plain, model = fitted(False), fitted(True)
    slots = {kind: [v for v in model.optimizer.variables if v.path.endswith(kind)] for kind in ("_momentum", "_average")}
    assert [len(v) for v in slots.values()] == [len(model.generator.trainable_variables)] * 2
    averages = slots["_average"]
    for variable, average in zip(model.generator.trainable_variables, averages, strict=True):
        np.testing.assert_array_equal(variable.numpy(), average.numpy())
    for ours, theirs in zip(model.discriminator.trainable_variables, plain.discriminator.trainable_variables, strict=True):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())  # the average changes no trajectory
    assert any(
        not np.array_equal(ours.numpy(), theirs.numpy())
        for ours, theirs in zip(model.generator.trainable_variables, plain.generator.trainable_variables)
    )


def test_gan_samples_in_the_original_units():
    x = sequences(32) * 40.0 - 7.0  # data far from [0, 1]
    model = small(SequenceGAN)
    model.compile()
    model.fit(x, epochs=1, verbose=0)
    assert model.data_min == pytest.approx(list(x.min(axis=(0, 1))))
    samples = model.sample(64, seed=0)
    assert samples.min() >= min(model.data_min) - 1e-4 and samples.max() <= max(model.data_max) + 1e-4
    assert samples.max() - samples.min() > 1.0  # not squashed into [0, 1]


# === Bad input, sequence-shaped ===


def bad_sequences():
    good = sequences(8)
    nan = good.copy()
    nan[2, 3, 1] = np.nan
    inf = good.copy()
    inf[0, 0, 0] = -np.inf
    return {
        "2-D input": (good[:, :, 0], r"rank 3 with shape \(batch, 6, 3\).*Received shape=\(8, 6\)"),
        "4-D input": (good[..., None], r"rank 3.*Received shape=\(8, 6, 3, 1\)"),
        "feature count": (good[:, :, :2], r"shape \(batch, 6, 3\).*axis 2 is 2, expected 3"),
        "sequence length": (good[:, :5], r"shape \(batch, 6, 3\).*axis 1 is 5, expected 6"),
        "nan": (nan, r"finite.*nan at index \(2, 3, 1\)"),
        "inf": (inf, r"finite.*-inf at index \(0, 0, 0\)"),
        "empty": (good[:0], r"at least one example"),
    }


@pytest.mark.parametrize("cls", [LSTMForecaster, LSTMAutoencoder, LSTMVAE, SequenceGAN], ids=lambda c: c.__name__)
@pytest.mark.parametrize("case", sorted(bad_sequences()))
def test_sequence_model_data_errors(cls, case):
    x, match = bad_sequences()[case]
    model = small(cls)
    if cls is SequenceGAN:
        model.compile()
    else:
        model.compile(optimizer="adam")
    y = np.zeros((len(x), 2, F), "float32") if cls is LSTMForecaster else None
    with pytest.raises(ValueError, match=match):
        model.fit(x, y, epochs=1, verbose=0)
    assert int(model.optimizer.iterations) == 0
    with pytest.raises(ValueError, match=match):
        model.predict(x, verbose=0)


def test_forecaster_target_errors():
    x = sequences(8)
    model = small(LSTMForecaster, num_targets=1)
    model.compile(optimizer="adam")
    with pytest.raises(ValueError, match=r"fit\(x, y\) with y of shape \(batch, 2, 1\). Received: y=None"):
        model.fit(x, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"`y` must have shape \(batch, 2, 1\).*axis 2 is 3"):
        model.fit(x, x[:, :2], epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"must yield `\(x, y\)` batches"):
        model.fit(tf.data.Dataset.from_tensor_slices(x).batch(4), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"Received: horizon=0"):
        small(LSTMForecaster, horizon=0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"sequence_length": 0}, r"Received: sequence_length=0"),
        ({"num_features": -1}, r"Received: num_features=-1"),
        ({"hidden_dims": ()}, r"at least one LSTM size"),
        ({"hidden_dims": (8, 0)}, r"hidden_dims\[1\]"),
        ({"seed": "a"}, r"seed"),
    ],
)
@pytest.mark.parametrize("cls", [LSTMForecaster, LSTMAutoencoder, LSTMVAE, SequenceGAN], ids=lambda c: c.__name__)
def test_sequence_model_constructor_errors(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        small(cls, **kwargs)


def test_gan_label_and_sampling_errors():
    x = sequences(8)
    conditional = small(SequenceGAN, num_classes=3)
    conditional.compile()
    with pytest.raises(ValueError, match=r"conditional: call fit\(x, y\).*Received: y=None"):
        conditional.fit(x, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"integer class labels in \[0, 3\). Received values in \[0, 3\]"):
        conditional.fit(x, np.array([0, 1, 2, 3, 0, 1, 2, 0]), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"integer class labels.*Received values in \[0.5"):
        conditional.fit(x, np.full(8, 0.5), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"`y` must have rank 1 with shape \(batch,\).*Received shape=\(8, 1, 1\)"):
        conditional.fit(x, np.zeros((8, 1, 1)), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"same number of examples.*x has 8, y has 5"):
        conditional.fit(x, np.zeros(5), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"predict takes \(sequences, labels\)"):
        conditional.predict(x, verbose=0)
    unconditional = small(SequenceGAN)
    unconditional.compile()
    with pytest.raises(ValueError, match=r"without `num_classes`.*Received: y of shape \(8,\)"):
        unconditional.fit(x, np.zeros(8), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"adapt"):
        unconditional.sample(2)
    unconditional.adapt(x)
    with pytest.raises(ValueError, match=r"Received: n=0"):
        unconditional.sample(0)
    with pytest.raises(ValueError, match=r"Received: n=-2"):
        unconditional.sample(-2)
    with pytest.raises(ValueError, match=r"d_optimizer=.*g_optimizer=.*Received: optimizer='adam'"):
        unconditional.compile(optimizer="adam")
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match=r"two optimizer objects"):
        unconditional.compile(d_optimizer=shared, g_optimizer=shared)
    with pytest.raises(ValueError, match=r"adapt\(x_train\) before fit\(\) on a generator or PyDataset.*Received: an unadapted model and x of type generator"):
        small(SequenceGAN).fit((b for b in [x[:4]]), verbose=0)
    with pytest.raises(ValueError, match=r"data_max` must be >= `data_min"):
        small(SequenceGAN, data_min=[1.0] * F, data_max=[0.0] * F)
    with pytest.raises(ValueError, match=r"`data_min` must be 3 finite numbers"):
        small(SequenceGAN, data_min=[0.0], data_max=[1.0])
    assert math.isfinite(unconditional.sample(1)[0].sum())


def test_gan_reads_files_written_before_its_scaler_was_a_layer():
    # Such files hold the scaler's two weights on the model (feature_min, feature_scale)
    # and nothing for a `scaler` layer; checked end to end on a file written by the old code.
    model = small(SequenceGAN)
    low, scale = np.array([1.0, 2.0, 3.0], "float32"), np.array([2.0, 0.5, 4.0], "float32")
    model.load_own_variables({"0": low, "1": scale})
    model.scaler.load_own_variables({})
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model.scaler.minimum), low)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model.scaler.scale), scale)
    with pytest.raises(ValueError, match=r"expected 0 variables, but received 1"):
        model.load_own_variables({"0": low})  # anything else is still refused
    with pytest.raises(ValueError, match=r"expected 2 variables, but received 1"):
        model.scaler.load_own_variables({"0": low})
