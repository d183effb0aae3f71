"""LSTMForecaster: Keras losses and metrics in compile(), and forecasts relative to the last
observed value (keras_vae/models/lstm_forecaster.py)."""

import keras
import numpy as np
import pytest

from keras_vae import DenseVAE, LSTMForecaster

RNG = np.random.default_rng(0)
X = RNG.normal(size=(48, 6, 3)).astype("float32")
Y = RNG.normal(size=(48, 2, 2)).astype("float32")


def forecaster(**kwargs):
    return LSTMForecaster(6, 3, horizon=2, num_targets=2, hidden_dims=(8,), seed=0, **kwargs)


def zero_network(model):
    head = model.network.get_layer("forecast")
    for weight in head.weights:
        weight.assign(np.zeros(weight.shape, "float32"))
    return model


def test_forecaster_predict_change_correctness():
    # With the network's output at zero, the forecast is the last observed value of each
    # target column, whatever its level: persistence is the starting point.
    model = zero_network(forecaster())
    shifted = X + 1000.0
    np.testing.assert_allclose(model.forecast(shifted), np.repeat(shifted[:, -1:, :2], 2, axis=1), rtol=1e-6)
    model = zero_network(forecaster(target_columns=[2, 0]))
    np.testing.assert_allclose(model.forecast(X), np.repeat(X[:, -1:, [2, 0]], 2, axis=1), rtol=1e-6)
    model = zero_network(forecaster(predict_change=False))
    np.testing.assert_array_equal(model.forecast(X), np.zeros((48, 2, 2)))


def test_forecaster_follows_a_shifted_level():
    # predict_change reads target columns relative to their last value: shifting the target
    # columns of a window by c shifts the forecast by c and nothing else, however far c lies
    # outside anything seen. Shifting a non-target column changes the forecast's shape.
    model = forecaster()
    shift = np.zeros((1, 1, 3), "float32")
    shift[..., :2] = [50.0, -20.0]
    np.testing.assert_allclose(model.forecast(X + shift), model.forecast(X) + shift[..., :2], atol=1e-3)
    other = np.zeros((1, 1, 3), "float32")
    other[..., 2] = 5.0
    change = model.forecast(X + other) - model.forecast(X)
    assert np.abs(change - change.mean(axis=0)).max() > 1e-3  # not a plain shift
    plain = forecaster(predict_change=False)
    assert np.abs(plain.forecast(X + shift) - plain.forecast(X) - shift[..., :2]).max() > 1.0


@pytest.mark.parametrize(
    "loss, by_hand",
    [
        ("mae", lambda y, f: np.abs(y - f).mean()),
        (keras.losses.Huber(delta=0.5), lambda y, f: np.where(np.abs(y - f) <= 0.5, 0.5 * (y - f) ** 2, 0.5 * np.abs(y - f) - 0.125).mean()),
        (lambda y, f: keras.ops.abs(y - f) ** 3, lambda y, f: (np.abs(y - f) ** 3).mean()),
        (None, lambda y, f: ((y - f) ** 2).mean()),
    ],
    ids=["name", "instance", "function", "default"],
)
def test_forecaster_loss_correctness(loss, by_hand):
    model = forecaster()
    model.compile(optimizer="adam", loss=loss)
    result = model.evaluate(X, Y, batch_size=48, verbose=0, return_dict=True)
    np.testing.assert_allclose(result["loss"], by_hand(Y, model.forecast(X)), rtol=1e-5)


def test_forecaster_metrics_basics(tmp_path):
    model = forecaster()
    model.compile(optimizer="adam", loss="mse", metrics=["mae", keras.metrics.MeanSquaredError(name="mse_metric")])
    history = model.fit(X, Y, epochs=1, batch_size=16, validation_data=(X, Y), verbose=0).history
    assert sorted(history) == ["loss", "mae", "mse_metric", "val_loss", "val_mae", "val_mse_metric"]
    result = model.evaluate(X, Y, batch_size=48, verbose=0, return_dict=True)
    forecast = model.forecast(X)
    np.testing.assert_allclose(result["mae"], np.abs(Y - forecast).mean(), rtol=1e-5)
    np.testing.assert_allclose(result["mse_metric"], result["loss"], rtol=1e-6)
    # The chosen loss and metrics survive a .keras round trip.
    model.compile(optimizer="adam", loss="mae", metrics=["mse"])
    model.save(tmp_path / "forecaster.keras")
    restored = keras.models.load_model(tmp_path / "forecaster.keras")
    again = restored.evaluate(X, Y, batch_size=48, verbose=0, return_dict=True)
    assert sorted(again) == ["loss", "mse"]
    np.testing.assert_allclose(again["loss"], np.abs(Y - forecast).mean(), rtol=1e-5)
    assert restored.predict_change and restored.target_columns == (0, 1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"loss": "nonsense"}, r"`loss` must be a Keras loss or metric.*Received: loss='nonsense'"),
        ({"loss": 3}, r"`loss` must be a Keras loss.*Received: loss=3"),
        ({"loss": keras.losses.Loss}, r"`loss` must be a Keras loss"),
        ({"metrics": [keras.metrics.AUC()]}, r"stateful metric cannot be computed per window"),
    ],
)
def test_forecaster_compile_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        forecaster().compile(optimizer="adam", **kwargs)


def test_forecaster_constructor_errors():
    with pytest.raises(ValueError, match=r"`target_columns` must list 2 input column indices in \[0, 3\)"):
        forecaster(target_columns=[0, 3])
    with pytest.raises(ValueError, match=r"num_targets <= num_features=3.*Received: num_targets=4"):
        LSTMForecaster(6, 3, num_targets=4)
    assert LSTMForecaster(6, 3, num_targets=4, predict_change=False).target_columns is None
    with pytest.raises(ValueError, match=r"`predict_change` must be True or False"):
        forecaster(predict_change="yes")


def test_other_models_still_refuse_a_loss():
    with pytest.raises(ValueError, match=r"computes its own loss terms.*Received: loss='mse'"):
        DenseVAE(input_shape=(8, 8), hidden_dims=(4,)).compile(optimizer="adam", loss="mse")
