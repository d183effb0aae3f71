"""Smoke tests of `benchmarks/throughput.py` and `benchmarks/keras_io_pattern.py` at tiny sizes."""

import math

import keras
import numpy as np
import pytest

import keras_vae
from benchmarks import keras_io_pattern as pattern
from benchmarks import throughput


def _trainable_count(model):
    return sum(math.prod(w.shape) for w in model.trainable_weights)


# === FLOP counting ===


def test_flop_count_correctness_tiny_autoencoder():
    # batch 2, 3 -> 4 -> 1 (one head) -> 4 -> 3. Per Dense: forward 2*2*k*n, dW the same,
    # dX the same except for the first layer (its input is data).
    #   encoder 3->4: 48 + 48          =  96
    #   head    4->1: 16 + 16 + 16     =  48
    #   decoder 1->4: 16 + 16 + 16     =  48
    #   decoder 4->3: 48 + 48 + 48     = 144
    products = throughput.dense_autoencoder_matmuls(2, 3, (4,), 1, heads=1)
    assert throughput.count_flops(products) == 336


def test_flop_count_correctness_tiny_lstm():
    # rows 2, d 3, units 1 (4 gates), 5 steps: input 2*2*3*4*5 = 240, recurrent 2*2*1*4*5 = 80,
    # backward dW_in 240, dW_rec 80, dh 80, dX 240.
    assert throughput.count_flops(throughput.lstm_layer(2, 3, 1, 5)) == 960
    assert throughput.count_flops(throughput.lstm_layer(2, 3, 1, 5, input_grad=False)) == 720
    assert throughput.count_flops(throughput.lstm_layer(2, 3, 1, 5, backward=False)) == 320


def test_flop_count_benchmark_dense_vae():
    # Forward multiply-adds per example of 784-512-256-(16, 16) / 16-256-512-784:
    macs = 784 * 512 + 512 * 256 + 2 * 256 * 16 + 16 * 256 + 256 * 512 + 512 * 784  # 1,077,248
    expected = 3 * 2 * macs - 2 * 784 * 512  # forward, dW and dX, but no dX for the data
    products = throughput.SPECS[0].matmuls(1)
    assert throughput.SPECS[0].name == "DenseVAE"
    assert throughput.count_flops(products) == expected == 5_660_672


@pytest.mark.parametrize("spec", throughput.SPECS, ids=lambda s: s.name)
def test_flop_count_linear_in_batch(spec):
    assert throughput.count_flops(spec.matmuls(8)) == 8 * throughput.count_flops(spec.matmuls(1))


def test_matmul_limit_basics():
    seconds = throughput.matmul_seconds([throughput.MatMul(4, 3, 2, count=3, transpose_a=True)], repeats=2)
    assert 0 < seconds < 1


# === The keras-io pattern twins ===


@pytest.fixture(scope="module")
def pattern_models():
    keras.utils.set_random_seed(0)
    models = {
        "vae": pattern.KerasIoVAE((4, 4, 1), (8,), 2, seed=0),
        "ae": pattern.KerasIoAutoencoder((4, 4, 1), (8,), 2, seed=0),
        "lstm_vae": pattern.KerasIoLSTMVAE(6, 2, (4,), 2, seed=0),
        "gan": pattern.KerasIoSequenceGAN(6, 2, 3, (4,), seed=0),
    }
    for name, model in models.items():
        if name == "gan":
            model.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3),
                          keras.losses.BinaryCrossentropy(from_logits=True))
        else:
            model.compile(optimizer=keras.optimizers.Adam(1e-3))
    return models


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("vae", {"loss", "reconstruction_loss", "kl_loss"}),
        ("ae", {"loss", "reconstruction_loss"}),
        ("lstm_vae", {"loss", "reconstruction_loss", "kl_loss"}),
        ("gan", {"d_loss", "g_loss"}),
    ],
)
def test_pattern_models_train_one_step(pattern_models, name, keys):
    rng = np.random.default_rng(0)
    shape = (8, 4, 4, 1) if name in ("vae", "ae") else (8, 6, 2)
    history = pattern_models[name].fit(rng.random(shape, dtype=np.float32), epochs=1, batch_size=8, verbose=0)
    assert set(history.history) == keys
    assert all(np.isfinite(v[0]) for v in history.history.values())


def test_pattern_vae_interface(pattern_models):
    vae = pattern_models["vae"]
    z_mean, z_log_var, z = vae.encoder(np.zeros((3, 4, 4, 1), "float32"))
    assert z_mean.shape == z_log_var.shape == z.shape == (3, 2)
    probabilities = keras.ops.convert_to_numpy(vae.decoder(z))
    assert probabilities.shape == (3, 4, 4, 1)
    assert ((probabilities > 0) & (probabilities < 1)).all()


def test_pattern_twins_have_our_parameter_counts(pattern_models):
    ours = {
        "vae": keras_vae.DenseVAE((4, 4, 1), 2, (8,), seed=0),
        "ae": keras_vae.DenseAutoencoder((4, 4, 1), 2, (8,), seed=0),
        "lstm_vae": keras_vae.LSTMVAE(6, 2, 2, (4,), seed=0),
        "gan": keras_vae.SequenceGAN(6, 2, 3, (4,), step_noise=False, seed=0),
    }
    for name, model in ours.items():
        assert _trainable_count(model) == _trainable_count(pattern_models[name]), name


# === Timing and reports ===


def test_measure_pair_times_without_retracing():
    spec = throughput.ModelSpec(
        "tiny", lambda: keras_vae.DenseVAE((4, 4, 1), 2, (8,), seed=0),
        lambda: pattern.KerasIoVAE((4, 4, 1), (8,), 2, seed=0),
        lambda b: throughput.dense_autoencoder_matmuls(b, 16, (8,), 2, heads=2), "images", 32,
    )
    x = np.random.default_rng(0).random((32, 4, 4, 1), dtype=np.float32)
    limit = throughput.MatMulLimit(spec.matmuls(8), block_seconds=0.01)
    result = throughput.measure_pair(throughput.build_pair(spec, jit=False), 8, x, 2, limit)
    for side in ("ours", "pattern", "ours_one_per_call"):
        assert result[side]["samples_per_second"] > 0
        assert len(result[side]["epoch_seconds"]) == 2
        assert result[side]["retraced_while_timed"] == 0
        assert result[side]["traces"] >= 1
    assert len(result["limit_step_seconds"]) == 4  # two blocks per repeat


def _row(model, batch, ours, pattern_rate, limit):
    return {"model": model, "batch_size": batch, "mode": "default", "ours": ours, "pattern": pattern_rate,
            "ours_over_pattern": ours / pattern_rate, "ours_over_pattern_cpu": 1.0, "limit": limit,
            "ours_one_per_call": ours / 2, "auto_over_one_per_call": 2.0, "steps_per_execution": 16,
            "ours_over_limit": ours / limit, "pattern_over_limit": pattern_rate / limit, "flops_per_step": 2e6 * batch}


def test_table_and_targets(tmp_path):
    rows = [_row("DenseVAE", 1024, 1500.0, 1000.0, 2000.0), _row("LSTMVAE", 64, 900.0, 1000.0, 5000.0),
            _row("DenseAutoencoder", 1024, 1300.0, 1000.0, 2000.0)]
    lines = throughput.table(rows).splitlines()
    assert [c.strip() for c in lines[0].strip("|").split("|")] == list(throughput.TABLE_COLUMNS)
    assert len(lines) == 2 + len(rows)
    cells = [c.strip() for c in lines[2].strip("|").split("|")]
    assert cells[:6] == ["`DenseVAE`", "1024", "default", "1500", "1000", "1.50"]
    assert cells[7:9] == ["750", "2.00"]  # one batch per call, and what "auto" gains
    assert cells[-1] == "2.00"  # MFLOP per sample
    checks = throughput.check_targets(rows)
    assert [(c["where"], c["passed"]) for c in checks] == [
        ("DenseVAE batch 1024 default", True),  # 1.5x the pattern
        ("DenseVAE batch 1024 default", True),  # 0.75 of the limit
        ("LSTMVAE batch 64 default", False),  # 0.9x the pattern: slower; no limit target
        ("DenseAutoencoder batch 1024 default", True),  # 1.3x the pattern
        ("DenseAutoencoder batch 1024 default", False),  # 0.65 of the limit
    ]
    throughput.plot(rows, tmp_path / "throughput.png")
    assert (tmp_path / "throughput.png").stat().st_size > 0
