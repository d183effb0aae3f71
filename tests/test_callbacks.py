"""The callbacks users reach for, with keras_vae models: TensorBoard, EarlyStopping,
ModelCheckpoint, TerminateOnNaN, and keras_vae's own SampleMonitor."""

import glob
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from test_models import compile_model, data_for, make, targets_for

from keras_vae import DenseAutoencoder, DenseVAE, LSTMForecaster
from keras_vae.callbacks import SampleMonitor


def scalar_tags(log_dir):
    """The scalar summary tags written under `log_dir` (all event files, recursively)."""
    tags = set()
    for path in glob.glob(os.path.join(log_dir, "**", "events.out.tfevents.*"), recursive=True):
        for record in tf.data.TFRecordDataset(path):
            event = tf.compat.v1.Event.FromString(record.numpy())
            for value in event.summary.value:
                tags.add((os.path.basename(os.path.dirname(path)), value.tag))
    return tags


@pytest.mark.slow
@pytest.mark.parametrize("key", ["vae_bernoulli", "gan_conditional"])
def test_tensorboard_logs_every_loss_term(key, tmp_path):
    model = make(key)
    x, y = data_for(model), targets_for(model)
    compile_model(model)
    validation = (x[:8],) if y is None else (x[:8], y[:8])
    model.fit(x, y, batch_size=16, epochs=1, validation_data=validation, verbose=0,
              callbacks=[keras.callbacks.TensorBoard(str(tmp_path))])
    tags = scalar_tags(str(tmp_path))
    for name in model.loss_names:
        assert ("train", f"epoch_{name}") in tags, (name, sorted(tags))
        assert ("validation", f"epoch_{name}") in tags, (name, sorted(tags))


@pytest.mark.slow
def test_early_stopping_and_checkpoint_on_val_loss(tmp_path, images):
    # A deterministic model, so the checkpoint's validation loss can be re-computed exactly.
    model = DenseAutoencoder(input_shape=(8, 8), latent_dim=2, hidden_dims=(16,), seed=0)
    model.compile(optimizer=keras.optimizers.Adam(3e-2))
    x_train, x_val = images[:48], images[48:]
    path = str(tmp_path / "best.keras")
    callbacks = [
        keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True),
    ]
    history = model.fit(x_train, epochs=200, batch_size=16, validation_data=(x_val,), verbose=0, callbacks=callbacks)
    val_loss = history.history["val_loss"]
    assert len(val_loss) < 200  # stopped early
    best = min(val_loss)
    assert int(np.argmin(val_loss)) == len(val_loss) - 3  # patience 2: stopped 2 epochs after the best
    restored = keras.models.load_model(path)
    assert restored.evaluate(x_val, verbose=0, return_dict=True)["loss"] == pytest.approx(best, rel=1e-5)
    assert model.evaluate(x_val, verbose=0, return_dict=True)["loss"] == pytest.approx(best, rel=1e-5)  # best weights restored


def test_terminate_on_nan_stops_a_diverging_run():
    model = LSTMForecaster(sequence_length=6, num_features=3, hidden_dims=(8,), seed=0)
    model.compile(optimizer=keras.optimizers.SGD(1e12))  # diverges within a few steps
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 6, 3), "float32"), rng.random((64, 1, 3), "float32")
    history = model.fit(x, y, batch_size=8, epochs=10, verbose=0, callbacks=[keras.callbacks.TerminateOnNaN()])
    assert len(history.history["loss"]) == 1  # stopped inside the first epoch
    assert int(model.optimizer.iterations) < 8


# === SampleMonitor ===


@pytest.mark.parametrize(
    "key", ["vae_bernoulli", "ae_bernoulli", "lstm_ae", "lstm_vae", "gan", "gan_conditional", "lstm_forecaster"]
)
def test_sample_monitor_writes_a_figure_every_n_epochs(key, tmp_path):
    model = make(key)
    x, y = data_for(model), targets_for(model)
    compile_model(model)
    if isinstance(model, DenseAutoencoder):
        model.fit_code_distribution(x)  # so it can sample too
    held_out = x[:4] if y is None or not getattr(model, "num_classes", 0) else (x[:4], y[:4])
    monitor = SampleMonitor(tmp_path / "figures", held_out, every=2, num_examples=4)
    model.fit(x, y, batch_size=16, epochs=3, verbose=0, callbacks=[monitor])
    written = sorted(os.listdir(tmp_path / "figures"))
    assert written == ["epoch_0002.png", "epoch_0003.png"]  # every 2nd epoch, and the last
    assert monitor.last_path == str(tmp_path / "figures" / "epoch_0003.png")
    with open(monitor.last_path, "rb") as file:
        assert file.read(8) == b"\x89PNG\r\n\x1a\n"


def test_sample_monitor_uses_the_same_codes_every_time(images):
    model = DenseVAE(input_shape=(8, 8), latent_dim=2, hidden_dims=(8,), seed=0)
    monitor = SampleMonitor("unused", images[:4], num_examples=4, seed=3)
    monitor.set_model(model)
    first, second = monitor.draw(), monitor.draw()
    sample_axes = (first.axes[1], second.axes[1])
    np.testing.assert_array_equal(*(ax.images[0].get_array() for ax in sample_axes))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"every": 0}, r"every.*Received: every=0"),
        ({"num_examples": -1}, r"num_examples.*Received: num_examples=-1"),
        ({"x": np.full((4, 8, 8), np.nan)}, r"finite"),
    ],
)
def test_sample_monitor_errors(kwargs, match, images):
    kwargs = {"directory": "unused", "x": images[:4], **kwargs}
    with pytest.raises(ValueError, match=match):
        SampleMonitor(**kwargs)


def test_sample_monitor_refuses_other_models(images):
    inputs = keras.Input((8, 8))
    other = keras.Model(inputs, keras.layers.Flatten()(inputs))
    monitor = SampleMonitor("unused", images[:4])
    monitor.set_model(other)
    with pytest.raises(ValueError, match=r"SampleMonitor draws keras_vae models.*Received a Functional"):
        monitor.draw()


def test_sample_monitor_takes_labels_exactly_for_a_conditional_model(images):
    conditional, vae = make("gan_conditional"), DenseVAE(input_shape=(8, 8), latent_dim=2, hidden_dims=(8,), seed=0)
    x = data_for(conditional)
    conditional.adapt(x)
    for model, given, match in (
        (vae, (images[:4], np.zeros(4)), r"exactly for a model trained on class labels.*Received labels for a DenseVAE$"),
        (conditional, x[:4], r"Received no labels for a SequenceGAN with num_classes=3"),
    ):
        monitor = SampleMonitor("unused", given)
        monitor.set_model(model)
        with pytest.raises(ValueError, match=match):
            monitor.draw()
    monitor = SampleMonitor("unused", (x[:4], np.arange(4) % 3), num_examples=4)
    monitor.set_model(conditional)
    assert len(monitor.draw().axes) == 2  # held-out beside sampled


@pytest.mark.parametrize("fitted", [False, True])
def test_sample_monitor_shows_autoencoder_samples_once_it_can_sample(fitted, images):
    model = DenseAutoencoder(input_shape=(8, 8), latent_dim=2, hidden_dims=(8,), seed=0)
    if fitted:
        model.fit_code_distribution(images)
    monitor = SampleMonitor("unused", images[:4], num_examples=4)
    monitor.set_model(model)
    arrays = model._preview(images[:4], seed=0)
    assert sorted(arrays) == (["reconstructions", "samples"] if fitted else ["reconstructions"])
    assert len(monitor.draw().axes) == 1 + fitted  # one row per array
