"""Every public model under `tf.distribute`, mixed precision and XLA: same code, right answer.

The checks run over the model table of `test_models.py` (tiny configs), so a new model is
covered by adding it there.
"""

import keras
import numpy as np
import pytest
from test_models import compile_model, data_for, make, optimizers_of, targets_for

from keras_vae import DenseVAE, SequenceGAN
from keras_vae.layers import _SeededLayer

# One config per public class (plus the autoregressive and conditional variants, which
# draw extra random numbers or read labels) for the slower precision checks.
ONE_PER_CLASS = [
    "ae_bernoulli",
    "vae_gaussian_learned_beta4",
    "lstm_forecaster",
    "lstm_ae",
    "lstm_vae_autoregressive",
    "gan_conditional",
]
# The replica checks add the one config whose loss has a term the others lack (free bits,
# clipped per latent dimension). The configs left out differ from one above only in the
# likelihood or the number of layers, which a replica computes like the single device does.
MIRRORED = [*ONE_PER_CLASS, "lstm_vae"]


def weights_of(model):
    # Without the code distribution: `fit` refits it by EM after the step, from codes that
    # differ by rounding between precisions and compilers; its own tests are elsewhere.
    skipped = {id(w) for w in getattr(model, "code_distribution", keras.layers.Layer()).weights}
    return [keras.ops.convert_to_numpy(w) for w in model.weights if id(w) not in skipped]


def one_step(model, x, y, loss_scale=None, learning_rate=0.1, **compile_kwargs):
    """Compiles with SGD (the update is then just -lr * gradient) and takes one full-batch step.

    With `loss_scale`, each SGD is wrapped in a `LossScaleOptimizer` starting at that scale.
    """

    def sgd():
        optimizer = keras.optimizers.SGD(learning_rate)
        if loss_scale is None:
            return optimizer
        return keras.optimizers.LossScaleOptimizer(optimizer, initial_scale=loss_scale)

    if isinstance(model, SequenceGAN):
        model.compile(d_optimizer=sgd(), g_optimizer=sgd(), **compile_kwargs)
    else:
        model.compile(optimizer=sgd(), **compile_kwargs)
    return model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0).history


# === tf.distribute ===


@pytest.mark.parametrize("key", MIRRORED)
def test_mirrored_step_equals_single_device_step(key, mirrored_strategy):
    # One step on a global batch of 32, split 16 + 16 over two replicas, must give the
    # single-device update: losses reduced over the global batch (also the GAN's
    # batch-moment term), each replica drawing its own slice of the global batch's noise,
    # and the logged means those of the global batch, not of the first replica.
    single = make(key)
    x, y = data_for(single), targets_for(single)
    single_logs = one_step(single, x, y)
    with mirrored_strategy.scope():
        mirrored = make(key)
    mirrored_logs = one_step(mirrored, x, y)
    assert mirrored.distribute_strategy is mirrored_strategy
    for a, b in zip(weights_of(single), weights_of(mirrored), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert mirrored_logs.keys() == single_logs.keys()
    for name, value in single_logs.items():
        assert mirrored_logs[name][0] == pytest.approx(value[0], rel=1e-5, abs=1e-6), name


def test_mirrored_replicas_draw_different_noise(mirrored_strategy):
    # The slices of the global batch's noise differ between replicas: with a plain draw both
    # replicas would read the same generator state and sample identical noise.
    with mirrored_strategy.scope():
        model = DenseVAE(input_shape=(4,), latent_dim=3, hidden_dims=(), seed=0)

    def draw():
        zeros = keras.ops.zeros((2, 3))
        return model.sampling([zeros, zeros])

    per_replica = mirrored_strategy.experimental_local_results(mirrored_strategy.run(draw))
    first, second = (keras.ops.convert_to_numpy(v) for v in per_replica)
    assert not np.allclose(first, second)
    single = DenseVAE(input_shape=(4,), latent_dim=3, hidden_dims=(), seed=0)
    expected = keras.ops.convert_to_numpy(single.sampling([keras.ops.zeros((4, 3))] * 2))
    np.testing.assert_allclose(np.concatenate([first, second]), expected, atol=1e-6)


# === Mixed precision ===


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
@pytest.mark.parametrize("key", ONE_PER_CLASS)
def test_mixed_precision_trains_with_float32_losses(key, policy):
    reference = make(key)
    x, y = data_for(reference), targets_for(reference)
    reference_before = weights_of(reference)
    one_step(reference, x, y, learning_rate=0.01)
    keras.config.set_dtype_policy(policy)
    model = make(key)
    for a, b in zip(weights_of(model), reference_before, strict=True):
        np.testing.assert_array_equal(a, b)  # same float32 initial weights
    compile_model(model)  # compile() adds loss scaling under mixed_float16
    if policy == "mixed_float16":
        assert all(isinstance(opt, keras.optimizers.LossScaleOptimizer) for opt in optimizers_of(model))
    terms = model.compute_terms(x[:4], None if y is None else y[:4], training=True)
    assert all(value.dtype == "float32" for value in terms.values())
    assert all(w.dtype == "float32" for w in model.trainable_weights)
    # Loss scaling is undone before the update: one SGD step moves the weights by the
    # float32 step, up to half-precision rounding (a scale left in would be 64 times off).
    # The scale starts at 64, not Keras' 2**15, at which this untrained model's large
    # gradients overflow float16 and the first step is (rightly) skipped.
    model = make(key)
    one_step(model, x, y, loss_scale=64.0, learning_rate=0.01)
    moved = np.concatenate([(a - b).ravel() for a, b in zip(weights_of(model), reference_before, strict=True)])
    expected = np.concatenate(
        [(a - b).ravel() for a, b in zip(weights_of(reference), reference_before, strict=True)]
    )
    assert np.linalg.norm(moved - expected) < 0.1 * np.linalg.norm(expected)
    # A short run on the same compiled step (same batch size: no retrace) stays finite.
    history = model.fit(x, y, batch_size=len(x), epochs=4, verbose=0).history
    for name, values in history.items():
        assert np.isfinite(values).all(), name


def test_log_variance_is_clamped_under_mixed_precision(images):
    # A diverging encoder (log-variance bias 1e4) must not produce inf/NaN: the log-variance
    # is clamped to [-20, 20] in float32 before exp() (keras_vae.losses.clip_log_var).
    keras.config.set_dtype_policy("mixed_float16")
    model = DenseVAE(input_shape=(8, 8), latent_dim=2, hidden_dims=(8,), seed=0)
    head = model.encoder.get_layer("z_log_var")
    for bias in (1e4, -1e4):
        head.bias.assign(np.full(head.bias.shape, bias, "float32"))
        terms = model.compute_terms(images[:8], training=True)
        for name, value in terms.items():
            assert np.isfinite(keras.ops.convert_to_numpy(value)).all(), (bias, name)


# === XLA ===


@pytest.mark.parametrize("key", ONE_PER_CLASS)
def test_jit_compile_step_equals_default_step(key, monkeypatch):
    # XLA's random kernels give a different stream from the same seed than the default
    # kernels, so the compiled and the default step are compared with every random draw
    # of the models' layers (sampling, step dropout, GAN noise) set to 0; then the
    # compiled model trains with its noise back.
    monkeypatch.setattr(_SeededLayer, "_draw", lambda self, draw, shape: keras.ops.zeros(shape))
    default = make(key)
    x, y = data_for(default), targets_for(default)
    one_step(default, x, y)
    compiled = make(key)
    one_step(compiled, x, y, jit_compile=True)
    assert compiled.jit_compile
    for a, b in zip(weights_of(default), weights_of(compiled), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)
    monkeypatch.undo()
    if not any(isinstance(layer, _SeededLayer) for layer in compiled._flatten_layers()):
        return  # no random draws: the step above is the whole compiled step
    compiled.make_train_function(force=True)  # retrace with the real draws
    history = compiled.fit(x, y, batch_size=len(x), epochs=2, verbose=0).history
    for name, values in history.items():
        assert np.isfinite(values).all(), name
