import keras
import numpy as np
import pytest

from keras_vae.layers import ObservationModel, Sampling


def test_sampling_basics():
    layer = Sampling(seed=0, name="sampling")
    z = layer([np.zeros((4, 3), "float32"), np.zeros((4, 3), "float32")])
    assert tuple(z.shape) == (4, 3)
    restored = Sampling.from_config(layer.get_config())
    assert restored.seed == 0 and restored.name == "sampling"


def test_sampling_correctness_statistics():
    mean = np.tile(np.array([[1.0, -2.0]], "float32"), (200_000, 1))
    log_var = np.tile(np.log(np.array([[0.25, 4.0]], "float32")), (200_000, 1))
    z = np.asarray(Sampling(seed=1)([mean, log_var]))
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0], atol=0.02)
    np.testing.assert_allclose(z.std(axis=0), [0.5, 2.0], rtol=0.01)


def test_sampling_is_differentiable_in_mean_and_log_var():
    import tensorflow as tf

    mean = tf.Variable(np.zeros((8, 2), "float32"))
    log_var = tf.Variable(np.zeros((8, 2), "float32"))
    with tf.GradientTape() as tape:
        z = Sampling(seed=2)([mean, log_var])
        objective = tf.reduce_sum(z**2)
    grad_mean, grad_log_var = tape.gradient(objective, [mean, log_var])
    assert grad_mean is not None and grad_log_var is not None
    assert np.abs(grad_log_var.numpy()).sum() > 0


def test_sampling_seeding():
    inputs = [np.zeros((5, 2), "float32"), np.zeros((5, 2), "float32")]
    first = np.asarray(Sampling(seed=3)(inputs))
    again = np.asarray(Sampling(seed=3)(inputs))
    other = np.asarray(Sampling(seed=4)(inputs))
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)
    layer = Sampling(seed=3)
    # A layer's consecutive draws differ: the seed generator's state advances.
    assert not np.allclose(np.asarray(layer(inputs)), np.asarray(layer(inputs)))


def test_sampling_errors():
    with pytest.raises(ValueError, match="expects a list"):
        Sampling(seed=0)(np.zeros((2, 2), "float32"))


def test_observation_model_basics():
    bernoulli = ObservationModel("bernoulli")
    assert bernoulli.value_range == (0.0, 1.0)
    np.testing.assert_allclose(np.asarray(bernoulli.mean(np.zeros((1, 2)))), [[0.5, 0.5]])
    learned = ObservationModel("gaussian")
    assert len(learned.trainable_weights) == 1
    fixed = ObservationModel("gaussian", observation_std=0.5)
    assert fixed.trainable_weights == []
    x = np.zeros((1, 4), "float32")
    expected = -0.5 * 4 * (np.log(2 * np.pi) + 2 * np.log(0.5))
    np.testing.assert_allclose(np.asarray(fixed.log_likelihood(x, x)), [expected], rtol=1e-6)
    restored = ObservationModel.from_config(fixed.get_config())
    assert restored.observation_std == 0.5
    binomial = ObservationModel("binomial", trials=16)
    assert binomial.value_range == (0.0, 1.0) and binomial.trainable_weights == []
    np.testing.assert_allclose(np.asarray(binomial.mean(np.zeros((1, 2)))), [[0.5, 0.5]])
    # All 16 draws fail with p = 1/2: log(2**-16) per value.
    np.testing.assert_allclose(np.asarray(binomial.log_likelihood(x, x)), [-4 * 16 * np.log(2)], rtol=1e-6)
    assert ObservationModel.from_config(binomial.get_config()).trials == 16


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"likelihood": "poisson"}, "likelihood"),
        ({"likelihood": "gaussian", "observation_std": 0.0}, "observation_std"),
        ({"likelihood": "gaussian", "observation_std": float("nan")}, "observation_std"),
        ({"likelihood": "bernoulli", "observation_std": 1.0}, "only applies"),
        ({"likelihood": "binomial"}, r"`trials` .* is required for likelihood='binomial'.*Received: likelihood='binomial', trials=None"),
        ({"likelihood": "bernoulli", "trials": 16}, r"only applies to it\. Received: likelihood='bernoulli', trials=16"),
        ({"likelihood": "binomial", "trials": 0}, r"`trials` must be a positive integer"),
        ({"likelihood": "binomial", "trials": 16, "observation_std": 0.1}, "only applies"),
    ],
)
def test_observation_model_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ObservationModel(**kwargs)


def test_layers_are_registered_serializable():
    for cls in (Sampling, ObservationModel):
        name = keras.saving.get_registered_name(cls)
        assert name.startswith("keras_vae>")
        assert keras.saving.get_registered_object(name) is cls


def test_sampling_state_is_saved(tmp_path):
    inputs = keras.Input((2,)), keras.Input((2,))
    model = keras.Model(inputs, Sampling(seed=5)(list(inputs)))
    zeros = np.zeros((3, 2), "float32")
    model([zeros, zeros])  # advance the stream once
    model.save(tmp_path / "m.keras")
    restored = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(
        np.asarray(model([zeros, zeros])), np.asarray(restored([zeros, zeros]))
    )


def test_mean_example_adapt_correctness():
    import tensorflow as tf

    from keras_vae.layers import MeanExample

    x = np.random.default_rng(0).uniform(size=(50, 4, 2)).astype("float32")
    layer = MeanExample((4, 2))
    assert not layer.is_adapted
    np.testing.assert_array_equal(layer(np.ones((1, 4, 2))), np.ones((1, 4, 2)))  # adds 0 until adapted
    # A Dataset of (x, y) batches, read once, gives the mean of the array.
    layer.adapt(tf.data.Dataset.from_tensor_slices((x, x)).batch(7))
    np.testing.assert_allclose(layer.offset.numpy(), x.mean(axis=0), atol=1e-6)
    assert float(layer.count) == 50
    np.testing.assert_allclose(layer(np.zeros((3, 4, 2))), np.broadcast_to(x.mean(axis=0), (3, 4, 2)), atol=1e-6)
    # Bernoulli: the logit of the (clipped) mean, so sigmoid(0 + offset) is the mean.
    binary = MeanExample((2,), likelihood="bernoulli")
    binary.adapt(np.array([[0.0, 0.2], [0.0, 0.6]]))
    np.testing.assert_allclose(keras.ops.sigmoid(binary.offset).numpy(), [1e-4, 0.4], rtol=1e-4)
    restored = MeanExample.from_config(binary.get_config())
    assert restored.example_shape == (2,) and restored.likelihood == "bernoulli"


def test_min_max_scaler_maps_each_feature_to_the_unit_interval_and_back():
    import tensorflow as tf

    from keras_vae.layers import MinMaxScaler

    rng = np.random.default_rng(0)
    x = (rng.normal(size=(40, 6, 3)) * [1.0, 10.0, 0.0] + [0.0, -5.0, 2.0]).astype("float32")  # feature 2 is constant
    scaler = MinMaxScaler((6, 3))
    assert not scaler.is_adapted and scaler.data_min is None
    np.testing.assert_array_equal(scaler(x), x)  # the identity until adapted
    # A Dataset of (x, y) batches, read once, gives the array's range.
    scaler.adapt(tf.data.Dataset.from_tensor_slices((x, x)).batch(7))
    np.testing.assert_allclose(scaler.data_min, x.min(axis=(0, 1)), rtol=1e-6)
    np.testing.assert_allclose(scaler.data_max, x.max(axis=(0, 1)), rtol=1e-6)
    scaled = keras.ops.convert_to_numpy(scaler(x))
    np.testing.assert_allclose(scaled[..., :2].min(axis=(0, 1)), [0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(scaled[..., :2].max(axis=(0, 1)), [1.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(scaled[..., 2], 0.0, atol=1e-6)  # a zero range is shifted, not divided by 0
    np.testing.assert_allclose(keras.ops.convert_to_numpy(scaler.inverse(scaled)), x, atol=1e-5)
    restored = MinMaxScaler.from_config(scaler.get_config())
    assert restored.is_adapted and restored.data_min == scaler.data_min and restored.data_max == scaler.data_max
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(restored(x)), scaled)


def test_min_max_scaler_errors():
    import tensorflow as tf

    from keras_vae.layers import MinMaxScaler

    scaler = MinMaxScaler((4, 2))
    with pytest.raises(ValueError, match=r"`x` must have shape \(batch, 4, 2\)\. Received shape=\(3, 4, 3\)"):
        scaler.adapt(np.zeros((3, 4, 3)))
    with pytest.raises(ValueError, match=r"at least one example\. Received an empty Dataset"):
        scaler.adapt(tf.data.Dataset.from_tensor_slices(np.zeros((0, 4, 2))).batch(2))
    with pytest.raises(ValueError, match=r"given together\. Received: data_min=\[0\.0, 0\.0\], data_max=None"):
        MinMaxScaler((4, 2), data_min=[0.0, 0.0])
    with pytest.raises(ValueError, match=r"`data_max` must be 2 finite numbers, one per feature\. Received: data_max=\[1\.0, inf\]"):
        scaler.set_range([0.0, 0.0], [1.0, np.inf])
    with pytest.raises(ValueError, match=r"`data_max` must be >= `data_min`"):
        scaler.set_range([1.0, 0.0], [0.0, 1.0])
    assert not scaler.is_adapted  # a failed call leaves it as it was


def test_mean_example_errors():
    import tensorflow as tf

    from keras_vae.layers import MeanExample

    layer = MeanExample((3,))
    with pytest.raises(ValueError, match=r"`x` must have shape \(batch, 3\)\. Received shape=\(2, 4\)"):
        layer.adapt(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"at least one example\. Received an empty Dataset"):
        layer.adapt(tf.data.Dataset.from_tensor_slices(np.zeros((0, 3))).batch(2))
    with pytest.raises(ValueError, match=r"`likelihood` must be one of"):
        MeanExample((3,), likelihood="poisson")
    assert not layer.is_adapted
