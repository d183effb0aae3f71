"""`compile(steps_per_execution="auto")`, the default: several batches per compiled call
when nothing a user sees changes, one when a callback must see every batch."""

import keras
import numpy as np
import pytest

from keras_vae import DenseVAE
from keras_vae.callbacks import KLAnnealing
from keras_vae.execution import AUTO_STEPS_PER_EXECUTION, choose_steps_per_execution, runs_every_batch


def tiny_vae():
    model = DenseVAE(input_shape=(8, 8), latent_dim=2, hidden_dims=(8,), seed=0)
    return model


class CountBatches(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.train, self.test, self.predict = [], [], []

    def on_train_batch_end(self, batch, logs=None):
        self.train.append(batch)

    def on_test_batch_end(self, batch, logs=None):
        self.test.append(batch)

    def on_predict_batch_end(self, batch, logs=None):
        self.predict.append(batch)


class EpochsOnly(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        pass


def test_the_rule():
    most = AUTO_STEPS_PER_EXECUTION
    assert most > 1
    assert choose_steps_per_execution() == most
    assert choose_steps_per_execution([EpochsOnly(), keras.callbacks.EarlyStopping()]) == most
    assert choose_steps_per_execution([EpochsOnly(), CountBatches()]) == 1
    assert choose_steps_per_execution(keras.callbacks.CallbackList([CountBatches()])) == 1
    # A step count: the largest divisor up to `most`, so no call runs past it.
    assert choose_steps_per_execution(steps=(12,), most=16) == 12
    assert choose_steps_per_execution(steps=(40, None), most=16) == 10
    assert choose_steps_per_execution(steps=(40, 6), most=16) == 2
    assert choose_steps_per_execution(steps=(17,), most=16) == 1


@pytest.mark.parametrize(
    "callback, every_batch",
    [
        (keras.callbacks.ModelCheckpoint("m.keras"), False),
        (keras.callbacks.ModelCheckpoint("m.keras", save_freq=5), True),
        (keras.callbacks.BackupAndRestore("backup"), False),
        (keras.callbacks.BackupAndRestore("backup", save_freq=3), True),
        (keras.callbacks.TensorBoard("logs"), False),
        (keras.callbacks.TensorBoard("logs", update_freq="batch"), True),
        (keras.callbacks.TerminateOnNaN(), True),
        (keras.callbacks.LambdaCallback(on_epoch_end=print), False),
        (keras.callbacks.LambdaCallback(on_train_batch_end=print), True),
        (keras.callbacks.ProgbarLogger(), True),
        (KLAnnealing(duration=10), False),
        (KLAnnealing(duration=10, unit="batch"), True),
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, bool) else str(value),
)
def test_which_callbacks_run_every_batch(callback, every_batch):
    assert runs_every_batch(callback) is every_batch


@pytest.mark.slow
def test_auto_trains_exactly_like_one_batch_per_call(images):
    """Same batches, same updates, same logs; only the calls are fewer."""
    results = {}
    for steps in ("auto", 1):
        keras.utils.set_random_seed(0)
        model = tiny_vae()
        model.compile(optimizer=keras.optimizers.Adam(1e-2), steps_per_execution=steps)
        history = model.fit(images, epochs=2, batch_size=4, shuffle=False,
                            validation_data=(images[:16],), verbose=0)
        results[steps] = (model, history.history)
    auto, one = results["auto"][0], results[1][0]
    assert auto.steps_per_execution == AUTO_STEPS_PER_EXECUTION and one.steps_per_execution == 1
    assert int(auto.optimizer.iterations) == int(one.optimizer.iterations) == 2 * 16
    for a, b in zip(auto.weights, one.weights, strict=True):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b),
                                   rtol=1e-5, atol=1e-6)
    for key, values in results[1][1].items():
        np.testing.assert_allclose(results["auto"][1][key], values, rtol=1e-5)


def test_a_batch_level_callback_still_runs_every_batch(images):
    model = tiny_vae()
    model.compile()
    counter = CountBatches()
    model.fit(images, epochs=1, batch_size=4, validation_data=(images[:16],),
              callbacks=[counter], verbose=0)
    assert model.steps_per_execution == 1
    assert counter.train == list(range(16)) and counter.test == list(range(4))
    model.predict(images, batch_size=4, callbacks=[counter], verbose=0)
    assert counter.predict == list(range(16))
    # Without it, the next fit goes back to several batches per call; per call, a batch
    # callback would see only the last batch of each.
    model.fit(images, epochs=1, batch_size=4, verbose=0)
    assert model.steps_per_execution == AUTO_STEPS_PER_EXECUTION


@pytest.mark.slow
def test_steps_per_epoch_is_respected(images):
    dataset = __import__("tensorflow").data.Dataset.from_tensor_slices(images).batch(4).repeat()
    model = tiny_vae()
    model.compile()
    model.fit(dataset, epochs=2, steps_per_epoch=6, verbose=0)
    assert model.steps_per_execution == 6
    assert int(model.optimizer.iterations) == 12
    model.fit(dataset, epochs=1, steps_per_epoch=7, verbose=0)
    assert model.steps_per_execution == 7 and int(model.optimizer.iterations) == 19


@pytest.mark.slow
def test_a_fixed_number_is_kept_and_both_survive_saving(images, tmp_path):
    for given, expected in (("auto", AUTO_STEPS_PER_EXECUTION), (1, 1), (3, 3)):
        model = tiny_vae()
        model.compile(steps_per_execution=given)
        model.fit(images, epochs=1, batch_size=4, verbose=0)
        assert model.steps_per_execution == expected
        path = tmp_path / f"model_{given}.keras"
        model.save(path)
        loaded = keras.saving.load_model(path)
        loaded.fit(images, epochs=1, batch_size=4, verbose=0)
        assert loaded.steps_per_execution == expected
        assert loaded.get_compile_config()["steps_per_execution"] == given


@pytest.mark.parametrize("bad", [0, -2, 1.5, "fast", True])
def test_bad_steps_per_execution(bad):
    with pytest.raises(ValueError, match='"auto" or a positive integer'):
        tiny_vae().compile(steps_per_execution=bad)
