"""Recurrent models on the TimeGAN sines: training speed and quality.

Command, from the repository root (about 210 s of CPU time on 2 cores; `--quick` about 20 s):

    PYTHONPATH=. python benchmarks/recurrent_models.py [--epochs N] [--quick] [--no-jit] [--output DIR]

Data: `keras_vae.data.make_sines(10000, 24, 5, seed=0)`, split by index into 8000 train,
1000 validation and 1000 test sequences (the sequences are i.i.d., so an index split leaks
nothing). Every model has one LSTM layer of 64 units, Adam(1e-3), batch size 128, and is
seeded (`keras.utils.set_random_seed` and the model's `seed`).

- `LSTMForecaster`: reads the first 23 steps of a sequence, predicts step 24 (all 5
  features). Test MAE, against the persistence baseline (repeat step 23) and, for scale,
  linear extrapolation (`2 * x_23 - x_22`). Target: beat persistence.
- `LSTMAutoencoder` (`latent_dim=8`): test reconstruction MSE per value, against the MSE of
  predicting the training mean sequence. The issue sets no number; the target is to beat it.
- `LSTMVAE` (`latent_dim=8`, `observation_std=0.1`): KL weight annealed linearly from 0 to 1
  over the first half of the training batches (`KLAnnealing`), active units on the validation
  set each epoch (`LatentDiagnostics`). Test negative ELBO (`evaluate`, one sample of z),
  reconstruction MSE of the posterior mean, active units of the test `z_mean`, test KL after
  training and training KL of the epoch in which annealing ends. Target: active units >= half
  of `latent_dim` (no posterior collapse).

Throughput is training sequences per second, the median over epochs 2..N (epoch 1 includes
tracing and, with XLA, compiling), measured by a callback that sees only the training part of
each epoch. The quality figures come from the default-compile run of `--epochs` epochs; the
`jit_compile=True` column is a separate, short run (first epoch plus 5 timed epochs) of the
same model from the same seed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

import keras_vae
from keras_vae import callbacks, evaluation
from keras_vae.data import make_sines
from keras_vae.run_tutorials import cpu_name

SEED = 0
BATCH_SIZE = 128
HIDDEN_DIMS = (64,)
LATENT_DIM = 8
JIT_EPOCHS = 6  # one to compile, five timed


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock and CPU seconds (this process, all threads) of the training part of every
    epoch. Listed first among the callbacks, so its `on_epoch_end` runs before any other
    callback's end-of-epoch work. CPU time is less sensitive than wall time to other jobs."""

    def __init__(self):
        super().__init__()
        self.seconds, self.cpu_seconds = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self._start, self._cpu_start = time.perf_counter(), time.process_time()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)
        self.cpu_seconds.append(time.process_time() - self._cpu_start)


def machine() -> dict:
    return {
        "cpu": cpu_name(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras_vae": keras_vae.__version__,
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "load_average_1min_at_start": round(os.getloadavg()[0], 2),
    }


def build(name: str, sequence_length: int):
    keras.utils.set_random_seed(SEED)
    if name == "LSTMForecaster":
        return keras_vae.LSTMForecaster(sequence_length - 1, 5, horizon=1, hidden_dims=HIDDEN_DIMS, seed=SEED)
    cls = {"LSTMAutoencoder": keras_vae.LSTMAutoencoder, "LSTMVAE": keras_vae.LSTMVAE}[name]
    return cls(sequence_length, 5, latent_dim=LATENT_DIM, hidden_dims=HIDDEN_DIMS, seed=SEED)


def train(name, splits, epochs, jit_compile):
    """Builds, compiles and fits one model; returns it, its History and its EpochTimer."""
    x_train, x_val, _ = splits
    model = build(name, x_train.shape[1])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), jit_compile=jit_compile)
    timer = EpochTimer()
    extra = []
    if name == "LSTMVAE":
        steps = epochs * math.ceil(len(x_train) / BATCH_SIZE)
        extra = [callbacks.KLAnnealing("linear", duration=max(steps // 2, 1), unit="batch"),
                 callbacks.LatentDiagnostics(x_val, per_dimension=False)]
    inputs = (x_train[:, :-1], x_train[:, -1:]) if name == "LSTMForecaster" else (x_train,)
    history = model.fit(*inputs, epochs=epochs, batch_size=BATCH_SIZE, callbacks=[timer, *extra], verbose=0)
    return model, history, timer


def rate(seconds, n_train):
    steady = seconds[1:] or seconds  # with one epoch only, the rate includes tracing
    return n_train / statistics.median(steady)


def quality(name, model, history, splits):
    """The model's test figures, its target and whether the target was met."""
    x_train, _, x_test = splits
    if name == "LSTMForecaster":
        mae = model.evaluate(x_test[:, :-1], x_test[:, -1:], batch_size=256, verbose=0, return_dict=True)["mae"]
        persistence = float(np.mean(np.abs(x_test[:, -2] - x_test[:, -1])))
        linear = float(np.mean(np.abs(2 * x_test[:, -2] - x_test[:, -3] - x_test[:, -1])))
        figures = {"test_mae": mae, "persistence_mae": persistence, "linear_extrapolation_mae": linear}
        text = f"test MAE {mae:.4f} (persistence {persistence:.4f}, linear extrapolation {linear:.4f})"
        return figures, text, "MAE < persistence", mae < persistence
    mse = float(np.mean(np.square(model.reconstruct(x_test) - x_test)))
    baseline = float(np.mean(np.square(x_train.mean(axis=0) - x_test)))  # mean training sequence
    figures = {"test_reconstruction_mse": mse, "mean_sequence_mse": baseline}
    if name == "LSTMAutoencoder":
        text = f"test reconstruction MSE {mse:.2e} (mean sequence {baseline:.2e})"
        return figures, text, "MSE < mean sequence", mse < baseline
    terms = model.evaluate(x_test, batch_size=256, verbose=0, return_dict=True)
    z_mean = model.encode(x_test)
    active = evaluation.active_units(z_mean)
    weights = history.history["kl_weight"]
    end = next((i for i, w in enumerate(weights) if w >= 1.0), len(weights) - 1)  # annealing done
    figures.update(
        test_negative_elbo=terms["reconstruction_loss"] + terms["kl_loss"],
        test_reconstruction_loss=terms["reconstruction_loss"],
        test_kl=terms["kl_loss"],
        train_kl_at_annealing_end=history.history["kl_loss"][end],
        annealing_end_epoch=end + 1,
        active_units=active,
        latent_dim=model.latent_dim,
        validation_active_units_per_epoch=history.history["active_units"],
    )
    text = (
        f"active units {active}/{model.latent_dim}, test -ELBO {figures['test_negative_elbo']:.1f} nats, "
        f"test KL {terms['kl_loss']:.2f} nats (train KL {figures['train_kl_at_annealing_end']:.2f} "
        f"when annealing ends, epoch {end + 1}), reconstruction MSE {mse:.2e}"
    )
    return figures, text, "active units >= 0.5 latent_dim", active >= 0.5 * model.latent_dim


def markdown(report) -> str:
    m, c = report["machine"], report["config"]
    lines = [
        (f"Recurrent models on the TimeGAN sines ({c['n_train']}/{c['n_val']}/{c['n_test']} sequences "
         f"of {c['sequence_length']} steps x 5 features), {c['epochs']} epochs, batch {BATCH_SIZE}, "
         f"hidden_dims={HIDDEN_DIMS}, latent_dim={LATENT_DIM}{', QUICK MODE' if c['quick'] else ''}."),
        "",
        "| model | train seq/s (default) | train seq/s (jit) | quality figures | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in report["results"].items():
        jit = f"{r['jit_sequences_per_second']:.0f}" if r["jit_sequences_per_second"] else "not run"
        lines.append(f"| `{name}` | {r['sequences_per_second']:.0f} | {jit} | {r['quality']} | "
                     f"{r['target']} | {'yes' if r['met'] else 'no'} |")
    cpu_rates = [f"`{name}` {r['sequences_per_cpu_second']:.0f}"
                 + (f" / {r['jit_sequences_per_cpu_second']:.0f}" if r["jit_sequences_per_cpu_second"] else "")
                 for name, r in report["results"].items()]
    lines += [
        "",
        "Sequences per CPU-second of this process (default / jit), less sensitive to other jobs: "
        + ", ".join(cpu_rates) + ".",
        "",
        (f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, TensorFlow {m['tensorflow']}, "
         f"Keras {m['keras']}, {m['date']}; 1-min load average {m['load_average_1min_at_start']} at start, "
         f"{m['load_average_1min_at_end']} at end (above {m['cores']} means other jobs shared the CPU). "
         f"Run time {report['run_seconds']:.0f} s."),
    ]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=None, help="training epochs per model (default 30)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 400 sequences, 2 epochs, no jit")
    parser.add_argument("--no-jit", action="store_true", help="skip the jit_compile=True column")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info = machine()
    n = 400 if args.quick else 10000
    epochs = args.epochs if args.epochs is not None else (2 if args.quick else 30)
    if epochs < 1:
        parser.error(f"--epochs must be >= 1. Received: {epochs}")
    x = make_sines(n, 24, 5, seed=SEED)  # (n, 24, 5), values in [0.5, 1]
    n_train, n_val = int(0.8 * n), int(0.1 * n)
    splits = (x[:n_train], x[n_train : n_train + n_val], x[n_train + n_val :])
    results = {}
    for name in ("LSTMForecaster", "LSTMAutoencoder", "LSTMVAE"):
        model, history, timer = train(name, splits, epochs, jit_compile=False)
        figures, text, target, met = quality(name, model, history, splits)
        jit = None if args.quick or args.no_jit else train(name, splits, JIT_EPOCHS, jit_compile=True)[2]
        results[name] = {
            "sequences_per_second": rate(timer.seconds, n_train),
            "sequences_per_cpu_second": rate(timer.cpu_seconds, n_train),
            "epoch_seconds": timer.seconds,
            "jit_sequences_per_second": jit and rate(jit.seconds, n_train),
            "jit_sequences_per_cpu_second": jit and rate(jit.cpu_seconds, n_train),
            "jit_epoch_seconds": jit and jit.seconds,
            "figures": figures, "quality": text, "target": target, "met": bool(met),
        }
        print(f"{name}: {results[name]['sequences_per_second']:.0f} seq/s, {text}", flush=True)
    info["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    config = {"n_train": n_train, "n_val": n_val, "n_test": n - n_train - n_val, "sequence_length": 24,
              "epochs": epochs, "jit_epochs": JIT_EPOCHS, "batch_size": BATCH_SIZE, "hidden_dims": HIDDEN_DIMS,
              "latent_dim": LATENT_DIM, "seed": SEED, "quick": args.quick}
    report = {"machine": info, "config": config, "results": results,
              "run_seconds": time.perf_counter() - started}
    text = markdown(report)
    print("\n" + text)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "recurrent_models.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.output / "recurrent_models.md").write_text(text)
    return report


if __name__ == "__main__":
    main()
