"""Training throughput of keras_vae's models against the keras-io pattern and the machine.

Command, from the repository root:

    PYTHONPATH=. python benchmarks/throughput.py [--quick] [--repeats N] [--output DIR]

437 s of wall time on 2 quiet cores (2026-12-07, 573 s of CPU time; since the third side,
one batch per call, was added); `--quick` (batch 256, default
compile only) about 1 minute. Expected: ours and the pattern within about 15% of each other
in CPU time everywhere (the same matrix products dominate both; see the results file).

What it measures, all in one process:

1. Training samples per second of `model.fit` for `DenseVAE`, `DenseAutoencoder`, `LSTMVAE`
   and `SequenceGAN`, and for their twins in `benchmarks/keras_io_pattern.py` (the keras-io
   custom-`train_step` pattern with the same networks, same parameter counts), at batch
   sizes 64, 256 and 1024, with `compile()`'s default and with `jit_compile=True` (XLA).
   Both models of a pair get the same NumPy data and Adam(1e-3). Timing: one short warm-up
   `fit` per model traces (and with XLA compiles) the step; then `--repeats` one-epoch `fit`
   calls per model, ours and the pattern's alternating so both see the same machine load.
   A callback times each epoch with `time.perf_counter` (the training loop only; the input
   checks and data adapter set-up of each `fit` call happen before the epoch starts; the
   JSON has them as `fit_setup_seconds`). We report the median over repeats, and the
   number of traces of each `train_step` (none may happen while timing).
   The table also gives the ratio of samples per CPU-second of this process, which other
   jobs on a shared machine disturb less than wall time.
2. The machine's limit for each model and batch size: the floating-point operations of one
   training step counted analytically (`*_matmuls`, `count_flops`), and the measured time of
   plain matrix products of exactly those shapes, run as one `tf.function` per step
   (`MatMulLimit`), one block of calls after each repeat of the fits, median over repeats.
   `limit samples/s = batch / (seconds for those matmuls)`. We count every
   matrix product of the forward pass (`2*m*k*n` FLOPs), and of the backward pass the
   gradient of each weight matrix and of each layer's input where one is needed (not for the
   data, or for a network a phase does not train): about 2x the forward. LSTMs: 4 gates'
   input and recurrent products at every step (one `(batch, d) @ (d, 4u)` and one
   `(batch, u) @ (u, 4u)`, as Keras computes them), and in the backward pass the weight
   gradients and the gradient through the recurrent kernel at every step. We ignore
   elementwise work (activations, gates, losses, sampling), bias adds and the optimizer's
   update (O(parameters) per step: few FLOPs, but memory-bound, so not negligible in time at
   small batches). The products run without data dependencies, so TensorFlow may overlap
   them: the limit bounds TensorFlow's op-by-op executor. XLA (`jit`) can beat it where it
   fuses many tiny products (the LSTMs at batch 64).

Targets (issue 15, replacing issue 6's 1.2x): ours no slower than the pattern (>= 0.95x) at
every batch size, and, for the dense models, >= 0.7 of the limit at batch 1024. The script
prints PASS or MISS for each.

Batches per compiled call. Ours is compiled with `compile()`'s default,
`steps_per_execution="auto"` (`keras_vae.training.choose_steps_per_execution`: 16 batches
per call here, since the timing callback is epoch-level), and measured a third time as
`ours, 1 batch per call` (`compile(steps_per_execution=1)`, Keras' own default, which the
pattern keeps): `auto ÷ 1 per call` is what the automatic choice gains.

Data. Dense models: scikit-learn's 8x8 digits upscaled (bilinear) to 28x28x1, MNIST's size,
tiled with small noise to the needed count, values in [0, 1]; with `hidden_dims=(512, 256)`
and `latent_dim=16` a step is 5.66 MFLOP per example, dominated by the 784x512 matrices, so
at batch 1024 the work is in the matmuls, not in per-step overhead, as with a real image
model (a small model such as (64,) on 8x8 digits would measure Python and launch overhead
only). Sequence models: TimeGAN's sines, `keras_vae.data.make_sines(n, 24, 5)`, one LSTM of
64 units, `latent_dim=8` (LSTMVAE) and `noise_dim=8`, `step_noise=False` (SequenceGAN),
the settings of `benchmarks/recurrent_models.py` and `benchmarks/sequence_gan.py`.

Writes `throughput.md`, `throughput.json` and `throughput.png` to `benchmarks/results/`.
The machine's load average is recorded: on a shared machine the absolute numbers move by
tens of percent between runs; the ratios of interleaved measurements move less.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

import keras_vae
from benchmarks import keras_io_pattern, recurrent_models
from keras_vae.data import make_sines

SEED = 0
BATCH_SIZES = (64, 256, 1024)
MODES = ("default", "jit")
IMAGE_SHAPE = (28, 28, 1)
DENSE_HIDDEN = (512, 256)
DENSE_LATENT = 16
SEQUENCE_LENGTH, NUM_FEATURES = 24, 5
LSTM_HIDDEN = (64,)
LSTM_LATENT = 8
NOISE_DIM = 8
SPEED_TARGET = 0.95  # ours / pattern, every batch size (issue 15: "no slower")
LIMIT_TARGET = 0.7  # achieved / limit, dense models at batch 1024 (issue 15)


# === The FLOPs of one training step ===


@dataclass(frozen=True)
class MatMul:
    """`count` products of an `(m, k)` by a `(k, n)` matrix, `2*m*k*n` FLOPs each. The
    transpose flags say how TensorFlow's gradient stores the operands (`X^T @ dY`)."""

    m: int
    k: int
    n: int
    count: int = 1
    transpose_a: bool = False
    transpose_b: bool = False

    @property
    def flops(self) -> int:
        return 2 * self.m * self.k * self.n * self.count


def dense_layer(rows, k, n, backward=True, weight_grad=True, input_grad=True):
    """A Dense layer `(rows, k) -> (rows, n)`: forward, then the needed gradients."""
    products = [MatMul(rows, k, n)]
    if backward and weight_grad:
        products.append(MatMul(k, rows, n, transpose_a=True))  # dW = X^T @ dY
    if backward and input_grad:
        products.append(MatMul(rows, n, k, transpose_b=True))  # dX = dY @ W^T
    return products


def lstm_layer(rows, d, units, steps, backward=True, weight_grad=True, input_grad=True):
    """An LSTM of `units` reading `(rows, steps, d)`; its 4 gates are one `4*units` product."""
    gates = 4 * units
    products = [MatMul(rows, d, gates, steps), MatMul(rows, units, gates, steps)]  # input, recurrent
    if backward:
        if weight_grad:
            products += [MatMul(d, rows, gates, steps, transpose_a=True),
                         MatMul(units, rows, gates, steps, transpose_a=True)]
        products.append(MatMul(rows, gates, units, steps, transpose_b=True))  # dh_{t-1}
        if input_grad:
            products.append(MatMul(rows, gates, d, steps, transpose_b=True))
    return products


def dense_autoencoder_matmuls(batch, input_size, hidden_dims, latent_dim, heads):
    """MLP encoder (`heads` linear heads of `latent_dim`) and mirrored MLP decoder."""
    sizes = [input_size, *hidden_dims]
    products = []
    for i in range(len(hidden_dims)):
        products += dense_layer(batch, sizes[i], sizes[i + 1], input_grad=i > 0)  # no dX for data
    for _ in range(heads):
        products += dense_layer(batch, sizes[-1], latent_dim)
    sizes = [latent_dim, *reversed(hidden_dims), input_size]
    for i in range(len(sizes) - 1):
        products += dense_layer(batch, sizes[i], sizes[i + 1])
    return products


def lstm_vae_matmuls(batch, steps, features, hidden_dims, latent_dim):
    """Encoder LSTMs, two heads; decoder: z -> initial states, LSTMs reading z, output Dense."""
    products = []
    sizes = [features, *hidden_dims]
    for i in range(len(hidden_dims)):
        products += lstm_layer(batch, sizes[i], sizes[i + 1], steps, input_grad=i > 0)
    products += dense_layer(batch, hidden_dims[-1], latent_dim) * 2  # z_mean, z_log_var
    sizes = [latent_dim, *reversed(hidden_dims)]
    for i, units in enumerate(reversed(hidden_dims)):
        products += dense_layer(batch, latent_dim, 2 * units)  # initial [h, c]
        products += lstm_layer(batch, sizes[i], units, steps)
    products += dense_layer(batch * steps, sizes[-1], features)  # (batch * T, units) @ (units, F)
    return products


def sequence_gan_matmuls(batch, steps, features, noise_dim, hidden_dims, discriminator_dims):
    """Discriminator phase (on real and fake, `2 * batch` rows), then generator phase."""

    def generator(backward):
        products = []
        sizes = [noise_dim, *hidden_dims]
        for i, units in enumerate(hidden_dims):
            products += dense_layer(batch, noise_dim, 2 * units, backward, input_grad=False)
            products += lstm_layer(batch, sizes[i], units, steps, backward, input_grad=i > 0)
        return products + dense_layer(batch * steps, sizes[-1], features, backward)

    def discriminator(rows, weight_grad, input_grad):
        products = []
        sizes = [features, *discriminator_dims]
        for i, units in enumerate(discriminator_dims):
            products += lstm_layer(rows, sizes[i], units, steps, weight_grad=weight_grad,
                                   input_grad=input_grad or i > 0)
        return products + dense_layer(rows * steps, sizes[-1], 1, weight_grad=weight_grad)

    d_phase = generator(backward=False) + discriminator(2 * batch, weight_grad=True, input_grad=False)
    g_phase = generator(backward=True) + discriminator(batch, weight_grad=False, input_grad=True)
    return d_phase + g_phase


def count_flops(products) -> int:
    return sum(p.flops for p in products)


class MatMulLimit:
    """The matrix products of one training step as one `tf.function`, timed in blocks.

    Every product reads its own left operand (a distinct variable), so no two are the same
    computation and none can be merged or constant-folded; each result feeds the returned
    sum, so none is pruned.
    """

    def __init__(self, products, block_seconds: float = 0.1):
        rng = np.random.default_rng(SEED)
        right, pairs = {}, []
        for p in products:
            a_shape = (p.k, p.m) if p.transpose_a else (p.m, p.k)
            b_shape = (p.n, p.k) if p.transpose_b else (p.k, p.n)
            if b_shape not in right:
                right[b_shape] = tf.Variable(rng.standard_normal(b_shape, dtype=np.float32))
            for _ in range(p.count):
                pairs.append((tf.Variable(rng.standard_normal(a_shape, dtype=np.float32)), right[b_shape], p))

        @tf.function
        def step():
            return tf.add_n([
                tf.matmul(a, b, transpose_a=p.transpose_a, transpose_b=p.transpose_b)[0, 0] for a, b, p in pairs
            ])

        self._step = step
        step().numpy()  # trace
        start = time.perf_counter()
        step().numpy()
        self.calls = max(1, math.ceil(block_seconds / max(time.perf_counter() - start, 1e-6)))

    def seconds_per_step(self) -> float:
        """Mean wall time of one call over one block of calls."""
        start = time.perf_counter()
        for _ in range(self.calls):
            self._step().numpy()
        return (time.perf_counter() - start) / self.calls


def matmul_seconds(products, repeats: int = 5) -> float:
    """Median over `repeats` blocks of the wall time of one step's matrix products."""
    limit = MatMulLimit(products)
    return statistics.median(limit.seconds_per_step() for _ in range(repeats))


# === Models and data ===


@dataclass(frozen=True)
class ModelSpec:
    """One row of the benchmark: our model, its keras-io twin, their data and FLOPs."""

    name: str
    build_ours: Callable
    build_pattern: Callable
    matmuls: Callable  # batch -> [MatMul]
    data: str  # "images" or "sequences"
    samples_per_epoch: int  # per timed epoch (at least `MIN_STEPS` batches)


def _adam():
    return keras.optimizers.Adam(1e-3)


def _compile_ours(model, jit, **options):
    if isinstance(model, keras_vae.SequenceGAN):
        model.compile(d_optimizer=_adam(), g_optimizer=_adam(), jit_compile=jit, **options)
    else:
        model.compile(optimizer=_adam(), jit_compile=jit, **options)
    return model


def _compile_pattern(model, jit):
    if isinstance(model, keras_io_pattern.KerasIoSequenceGAN):
        model.compile(_adam(), _adam(), keras.losses.BinaryCrossentropy(from_logits=True), jit_compile=jit)
    else:
        model.compile(optimizer=_adam(), jit_compile=jit)
    return model


SPECS = (
    ModelSpec(
        "DenseVAE",
        lambda: keras_vae.DenseVAE(IMAGE_SHAPE, DENSE_LATENT, DENSE_HIDDEN, seed=SEED),
        lambda: keras_io_pattern.KerasIoVAE(IMAGE_SHAPE, DENSE_HIDDEN, DENSE_LATENT, seed=SEED),
        lambda b: dense_autoencoder_matmuls(b, math.prod(IMAGE_SHAPE), DENSE_HIDDEN, DENSE_LATENT, heads=2),
        "images", 4096,
    ),
    ModelSpec(
        "DenseAutoencoder",
        lambda: keras_vae.DenseAutoencoder(IMAGE_SHAPE, DENSE_LATENT, DENSE_HIDDEN, seed=SEED),
        lambda: keras_io_pattern.KerasIoAutoencoder(IMAGE_SHAPE, DENSE_HIDDEN, DENSE_LATENT, seed=SEED),
        lambda b: dense_autoencoder_matmuls(b, math.prod(IMAGE_SHAPE), DENSE_HIDDEN, DENSE_LATENT, heads=1),
        "images", 4096,
    ),
    ModelSpec(
        "LSTMVAE",
        lambda: keras_vae.LSTMVAE(SEQUENCE_LENGTH, NUM_FEATURES, LSTM_LATENT, LSTM_HIDDEN, seed=SEED),
        lambda: keras_io_pattern.KerasIoLSTMVAE(SEQUENCE_LENGTH, NUM_FEATURES, LSTM_HIDDEN, LSTM_LATENT, seed=SEED),
        lambda b: lstm_vae_matmuls(b, SEQUENCE_LENGTH, NUM_FEATURES, LSTM_HIDDEN, LSTM_LATENT),
        "sequences", 1024,
    ),
    ModelSpec(
        "SequenceGAN",
        lambda: keras_vae.SequenceGAN(SEQUENCE_LENGTH, NUM_FEATURES, NOISE_DIM, LSTM_HIDDEN, step_noise=False, seed=SEED),
        lambda: keras_io_pattern.KerasIoSequenceGAN(SEQUENCE_LENGTH, NUM_FEATURES, NOISE_DIM, LSTM_HIDDEN, seed=SEED),
        lambda b: sequence_gan_matmuls(b, SEQUENCE_LENGTH, NUM_FEATURES, NOISE_DIM, LSTM_HIDDEN, LSTM_HIDDEN),
        "sequences", 1024,
    ),
)
MIN_STEPS = 3  # batches per timed epoch, at least


def image_data(n: int, seed: int = SEED) -> np.ndarray:
    """`n` digit images upscaled to 28x28x1, float32 in [0, 1] (see the module docstring)."""
    from scipy.ndimage import zoom
    from sklearn.datasets import load_digits

    digits = load_digits().images / 16.0  # (1797, 8, 8) in [0, 1]
    images = zoom(digits, (1, 28 / 8, 28 / 8), order=1)  # (1797, 28, 28), bilinear
    rng = np.random.default_rng(seed)
    picked = images[rng.integers(0, len(images), size=n)]
    noisy = picked + 0.05 * rng.standard_normal(picked.shape)
    return np.clip(noisy, 0.0, 1.0).astype("float32")[..., None]  # (n, 28, 28, 1)


def epoch_samples(spec: ModelSpec, batch: int, scale: float = 1.0) -> int:
    """Samples in one timed epoch: a whole number of batches, no partial last batch."""
    return batch * max(MIN_STEPS, round(spec.samples_per_epoch * scale / batch))


# === Timing ===


class EpochTimer(recurrent_models.EpochTimer):
    """Wall and CPU seconds of the training part of each epoch, and the last epoch's logs."""

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        self.logs = dict(logs or {})


def count_traces(model) -> None:
    """Wraps `model.train_step` to count its Python calls in `model.benchmark_traces`.

    Keras calls `train_step` in Python only while tracing the step function, so the count
    is the number of traces (one per distinct input signature); a count that grows during
    the timed epochs would mean retracing was being measured.
    """
    step = model.train_step

    def counted(data):
        model.benchmark_traces += 1
        return step(data)

    model.benchmark_traces = 0
    model.train_step = counted


def build_pair(spec: ModelSpec, jit: bool) -> dict:
    """Our model and its pattern twin, seeded alike, compiled with Adam(1e-3)."""
    models = {}
    one_per_call = lambda model, jit: _compile_ours(model, jit, steps_per_execution=1)  # noqa: E731
    for side, build, compile_ in (("ours", spec.build_ours, _compile_ours),
                                  ("pattern", spec.build_pattern, _compile_pattern),
                                  ("ours_one_per_call", spec.build_ours, one_per_call)):
        keras.utils.set_random_seed(SEED)
        models[side] = compile_(build(), jit)
        count_traces(models[side])
    return models


def measure_pair(models: dict, batch: int, x: np.ndarray, repeats: int, limit: MatMulLimit | None = None) -> dict:
    """Samples/s of ours and the pattern on the same data.

    After a warm-up fit of two batches each, every repeat times one epoch of ours, one of
    the pattern's and (with `limit`) one block of the step's matrix products, so all three
    see the same machine load. Returns medians and the raw timings.
    """
    timers = {side: EpochTimer() for side in models}
    setup = {side: [] for side in models}
    limit_seconds = []
    started = time.perf_counter()
    for model in models.values():  # warm-up: trace (and with XLA compile) the step
        model.fit(x[: 2 * batch], epochs=1, batch_size=batch, verbose=0)
    warmup_seconds = time.perf_counter() - started
    traces_after_warmup = {side: model.benchmark_traces for side, model in models.items()}
    for _ in range(repeats):
        for side, model in models.items():
            start = time.perf_counter()
            model.fit(x, epochs=1, batch_size=batch, verbose=0, callbacks=[timers[side]])
            setup[side].append(time.perf_counter() - start - timers[side].seconds[-1])
        if limit is not None:  # two blocks, so one disturbed block does not decide a median of two
            limit_seconds += [limit.seconds_per_step(), limit.seconds_per_step()]
    result = {"warmup_seconds": warmup_seconds, "limit_step_seconds": limit_seconds}
    for side, model in models.items():
        result[side] = {
            "samples_per_second": len(x) / statistics.median(timers[side].seconds),
            "samples_per_cpu_second": len(x) / statistics.median(timers[side].cpu_seconds),
            "epoch_seconds": timers[side].seconds,
            "fit_setup_seconds": statistics.median(setup[side]),
            "final_logs": {k: float(v) for k, v in timers[side].logs.items()},
            "traces": model.benchmark_traces,
            "retraced_while_timed": model.benchmark_traces - traces_after_warmup[side],
        }
    return result


def run(specs, batch_sizes, modes, repeats, scale, log=print) -> list[dict]:
    """Measures every model x mode x batch size; returns one row dict per combination.

    Each model is built and compiled once per mode and reused across batch sizes (the
    traced step accepts any batch size; XLA compiles once per batch size in the warm-up).
    """
    rows = []
    largest = {kind: max(epoch_samples(s, b, scale) for s in specs for b in batch_sizes if s.data == kind)
               for kind in {s.data for s in specs}}
    data = {kind: image_data(n) if kind == "images" else make_sines(n, SEQUENCE_LENGTH, NUM_FEATURES, seed=SEED)
            for kind, n in largest.items()}
    for spec in specs:
        limits = {batch: MatMulLimit(spec.matmuls(batch)) for batch in batch_sizes}
        for mode in modes:
            models = build_pair(spec, jit=mode == "jit")
            for batch in batch_sizes:
                x = data[spec.data][: epoch_samples(spec, batch, scale)]
                pair = measure_pair(models, batch, x, repeats, limits[batch])
                flops = count_flops(spec.matmuls(batch))
                limit_seconds = statistics.median(pair["limit_step_seconds"])
                ours, pattern = pair["ours"]["samples_per_second"], pair["pattern"]["samples_per_second"]
                one_per_call = pair["ours_one_per_call"]["samples_per_second"]
                limit = batch / limit_seconds
                rows.append({
                    "model": spec.name, "batch_size": batch, "mode": mode, "samples_per_epoch": len(x),
                    "ours": ours, "pattern": pattern, "ours_over_pattern": ours / pattern,
                    "ours_one_per_call": one_per_call, "steps_per_execution": models["ours"].steps_per_execution,
                    "auto_over_one_per_call": ours / one_per_call,
                    "ours_over_pattern_cpu": pair["ours"]["samples_per_cpu_second"]
                    / pair["pattern"]["samples_per_cpu_second"],
                    "limit": limit, "ours_over_limit": ours / limit, "pattern_over_limit": pattern / limit,
                    "flops_per_step": flops, "ours_gflops_per_second": flops * ours / batch / 1e9,
                    "limit_gflops_per_second": flops / limit_seconds / 1e9,
                    "details": pair,
                })
                log(f"{spec.name:17s} batch {batch:5d} {mode:7s}: ours {ours:8.0f}/s, pattern {pattern:8.0f}/s "
                    f"(x{ours / pattern:.2f}), one batch per call {one_per_call:8.0f}/s "
                    f"(auto x{ours / one_per_call:.2f}), limit {limit:8.0f}/s (ours {ours / limit:.2f}) "
                    f"[warm-up {pair['warmup_seconds']:.1f} s]")
    return rows


# === Targets and reports ===


def check_targets(rows) -> list[dict]:
    """PASS/MISS of each target for each row it applies to."""
    checks = []
    for r in rows:
        where = f"{r['model']} batch {r['batch_size']} {r['mode']}"
        checks.append({"target": f"ours >= {SPEED_TARGET}x pattern", "where": where,
                       "value": r["ours_over_pattern"], "passed": r["ours_over_pattern"] >= SPEED_TARGET})
        if r["model"].startswith("Dense") and r["batch_size"] == 1024:
            checks.append({"target": f"ours >= {LIMIT_TARGET} of limit", "where": where,
                           "value": r["ours_over_limit"], "passed": r["ours_over_limit"] >= LIMIT_TARGET})
    return checks


TABLE_COLUMNS = ("model", "batch", "mode", "ours samples/s", "pattern samples/s", "ours ÷ pattern",
                 "ours ÷ pattern (CPU s)", "ours, 1 batch per call", "auto ÷ 1 per call", "limit samples/s", "ours ÷ limit", "pattern ÷ limit", "MFLOP/sample")


def table(rows) -> str:
    """The results as a Markdown table with `TABLE_COLUMNS`."""
    lines = ["| " + " | ".join(TABLE_COLUMNS) + " |", "|" + "---|" * len(TABLE_COLUMNS)]
    for r in rows:
        cells = (f"`{r['model']}`", r["batch_size"], r["mode"], f"{r['ours']:.0f}", f"{r['pattern']:.0f}",
                 f"{r['ours_over_pattern']:.2f}", f"{r['ours_over_pattern_cpu']:.2f}",
                 f"{r['ours_one_per_call']:.0f}", f"{r['auto_over_one_per_call']:.2f}", f"{r['limit']:.0f}", f"{r['ours_over_limit']:.2f}",
                 f"{r['pattern_over_limit']:.2f}", f"{r['flops_per_step'] / r['batch_size'] / 1e6:.2f}")
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def machine() -> dict:
    """`recurrent_models.machine()`, with all three load averages: this run is timing-sensitive."""
    return {**recurrent_models.machine(), "load_average_at_start": [round(v, 2) for v in os.getloadavg()]}


def markdown(report) -> str:
    m, c = report["machine"], report["config"]
    passed = sum(ch["passed"] for ch in report["checks"])
    lines = [
        (f"Training samples/s of `model.fit`, keras_vae (`compile()` defaults: `steps_per_execution=\"auto\"`; "
        "and with one batch per call) vs the keras-io pattern (`benchmarks/keras_io_pattern.py`, Keras' default of one batch per call), "
        f"median of {c['repeats']} one-epoch fits after a warm-up{', QUICK MODE' if c['quick'] else ''}. "
        f"Dense: 28x28x1 digits, hidden_dims={DENSE_HIDDEN}, latent_dim={DENSE_LATENT}. Sequences: sines "
        f"{SEQUENCE_LENGTH}x{NUM_FEATURES}, LSTM {LSTM_HIDDEN}. Limit: the same step's matmuls alone "
        "(see the script's docstring). Wall-time ratios move by tens of percent when other jobs "
        "share the CPU; the CPU-time ratio (samples per CPU-second of this process) moves less."),
        "",
        table(report["rows"]),
        "",
        f"Targets: {passed} of {len(report['checks'])} met.",
        "",
    ]
    lines += [f"- {'PASS' if ch['passed'] else 'MISS'}: {ch['target']} at {ch['where']} ({ch['value']:.2f})"
              for ch in report["checks"]]
    lines += [
        "",
        (f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, TensorFlow {m['tensorflow']}, "
         f"Keras {m['keras']}, {m['date']}; load average (1, 5, 15 min) {m['load_average_at_start']} at start, "
         f"{m['load_average_at_end']} at end (above {m['cores']} means other jobs shared the CPU). "
         f"Run time {report['run_seconds']:.0f} s."),
    ]
    return "\n".join(lines) + "\n"


def plot(rows, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(r["model"] for r in rows))
    fig, axes = plt.subplots(1, len(names), figsize=(3.6 * len(names), 3.4), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        mine = [r for r in rows if r["model"] == name]
        for mode, style in (("default", "-"), ("jit", ":")):
            part = [r for r in mine if r["mode"] == mode]
            batches = [r["batch_size"] for r in part]
            if not part:
                continue
            ax.plot(batches, [r["ours"] for r in part], "o" + style, color="C0", label=f"keras_vae ({mode})")
            ax.plot(batches, [r["pattern"] for r in part], "s" + style, color="C1", label=f"keras-io pattern ({mode})")
        batches = sorted({r["batch_size"] for r in mine})  # one limit per batch: the mean over modes
        limit = {b: statistics.mean(r["limit"] for r in mine if r["batch_size"] == b) for b in batches}
        ax.plot(list(limit), list(limit.values()), "k--", label="matmul limit")
        ax.set(xscale="log", title=name, xlabel="batch size", ylim=(0, None))
        ax.set_xticks(list(limit), [str(b) for b in limit])
        ax.minorticks_off()
    axes[0][0].set_ylabel("training samples / s")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: batch 256, default compile only, smaller epochs, 2 repeats")
    parser.add_argument("--repeats", type=int, default=None, help="timed one-epoch fits per model (default 3)")
    parser.add_argument("--models", nargs="+", default=[s.name for s in SPECS], choices=[s.name for s in SPECS])
    parser.add_argument("--batch-sizes", nargs="+", type=int, default=None)
    parser.add_argument("--modes", nargs="+", default=None, choices=MODES, help="default: both (quick: default)")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info = machine()
    batch_sizes = args.batch_sizes or ((256,) if args.quick else BATCH_SIZES)
    repeats = args.repeats or (2 if args.quick else 3)
    modes = args.modes or (["default"] if args.quick else list(MODES))
    scale = 0.25 if args.quick else 1.0
    specs = [s for s in SPECS if s.name in args.models]
    rows = run(specs, batch_sizes, modes, repeats, scale)
    checks = check_targets(rows)
    info["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    report = {
        "machine": info,
        "config": {"quick": args.quick, "repeats": repeats, "batch_sizes": list(batch_sizes), "modes": modes,
                   "seed": SEED},
        "rows": rows, "checks": checks, "run_seconds": time.perf_counter() - started,
    }
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "throughput.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.output / "throughput.md").write_text(markdown(report))
    plot(rows, args.output / "throughput.png")
    print()
    print(table(rows))
    for ch in checks:
        print(f"{'PASS' if ch['passed'] else 'MISS'}: {ch['target']} at {ch['where']} ({ch['value']:.2f})")
    print(f"Wrote {args.output}/throughput.{{md,json,png}} in {report['run_seconds']:.0f} s")
    return report


if __name__ == "__main__":
    main()
