"""Held-out likelihood of `DenseVAE` and of the keras-io VAE pattern on the digits.

Command, from the repository root (about 95 s of CPU time; 3-3.5 minutes of wall time on 2
cores shared with other jobs, load average 4-7; `--quick` about 20 s):

    PYTHONPATH=. python benchmarks/likelihood.py [--epochs N] [--seeds N] [--num-samples K] [--quick] [--output DIR]

Expected (2026-11-23): test negative ELBO 24.47 ± 0.12 and NLL 24.09 ± 0.10 nats per image
for DenseVAE, the same to 0.01 nats for the pattern model.

Both models are trained the same way and scored the same way, once per seed:

- data: `keras_vae.data.load_digits()`, 1258 train / 359 test images of 8 x 8 grey values
  in [0, 1] (the validation split is not used);
- networks: MLP encoder 64 -> 256 -> 128 -> (z_mean, z_log_var), `latent_dim=2`, decoder
  2 -> 128 -> 256 -> 64, ReLU, Glorot-uniform initialisers seeded the same way;
- likelihood: independent Bernoulli pixels for both (`DenseVAE(likelihood="bernoulli")`;
  the pattern's sigmoid decoder and `keras.losses.binary_crossentropy`). The digits are
  grey values, not binary, so this "likelihood" is the usual cross-entropy, not a
  normalised density over [0, 1]: the figures compare these models with each other, not
  with published NLLs on binarised data;
- training: Adam(1e-3), batch 64, `--epochs` epochs (default 200, the README's setting),
  `keras.utils.set_random_seed(seed)` and the model's `seed`; `steps_per_execution=20`
  (one compiled call per epoch; it changes speed, not the updates);
- scores on the test split, per image in nats, from one call of
  `evaluation.importance_weighted_bounds` per model with k = `--num-samples` (default 1000)
  importance samples per image: the negative ELBO (mean of -log w over the k samples, an
  unbiased estimate with the KL sampled rather than in closed form) and the
  importance-weighted NLL of Burda et al. 2016 (-log of the mean of the k weights), the
  tighter bound. The same seed gives both models the same noise. The table also shows the
  last epoch's logged training loss (one-sample negative ELBO); keras_vae weights each batch
  by its size, the pattern averages batch means (its smaller last batch counts in full), so
  the two differ a little even for equal weights.

The pattern model (`benchmarks/keras_io_pattern.py`, `KerasIoVAE`) exposes only its two
networks; `keras_io_functions` below turns them into the `encode` and `log_likelihood`
functions the estimator takes. Its decoder gives probabilities, so log p(x | z) is the
Bernoulli log-likelihood of the probabilities clipped to [1e-7, 1 - 1e-7], as Keras'
`binary_crossentropy` clips them in its training loss. The estimator clamps both models'
log-variances to [-20, 20], as `keras_vae.Sampling` does (the pattern's own `Sampling`
does not; it makes no difference unless a model diverges).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import keras
import numpy as np
from keras import ops

from benchmarks.keras_io_pattern import KerasIoVAE
from benchmarks.recurrent_models import machine
from keras_vae import DenseVAE, evaluation, losses
from keras_vae.data import load_digits

HIDDEN_DIMS = (256, 128)
LATENT_DIM = 2
BATCH_SIZE = 64
LEARNING_RATE = 1e-3
STEPS_PER_EXECUTION = 20
MODELS = ("DenseVAE (keras_vae)", "KerasIoVAE (keras-io pattern)")


def keras_io_functions(vae: KerasIoVAE):
    """`(encode, log_likelihood)` of the pattern model, for `importance_weighted_bounds`."""
    epsilon = keras.config.epsilon()  # 1e-7, the clip of keras.losses.binary_crossentropy

    def encode(x):
        z_mean, z_log_var, _ = vae.encoder(x, training=False)  # the sampled z is not used
        return z_mean, z_log_var

    def log_likelihood(x, z):
        probabilities = ops.clip(vae.decoder(z, training=False), epsilon, 1.0 - epsilon)
        logits = ops.log(probabilities) - ops.log1p(-probabilities)  # sigmoid(logits) = probabilities
        return losses.bernoulli_log_likelihood(x, logits)  # (batch,), sum over pixels

    return encode, log_likelihood


def train(name: str, x_train: np.ndarray, epochs: int, seed: int):
    keras.utils.set_random_seed(seed)
    if name.startswith("DenseVAE"):
        model = DenseVAE(input_shape=x_train.shape[1:], latent_dim=LATENT_DIM, hidden_dims=HIDDEN_DIMS, seed=seed)
    else:
        model = KerasIoVAE(input_shape=x_train.shape[1:], hidden_dims=HIDDEN_DIMS, latent_dim=LATENT_DIM, seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), steps_per_execution=STEPS_PER_EXECUTION)
    history = model.fit(x_train, epochs=epochs, batch_size=BATCH_SIZE, verbose=0)
    return model, history.history["loss"][-1]


def score(name: str, model, x_test: np.ndarray, num_samples: int, seed: int) -> dict:
    if name.startswith("DenseVAE"):
        functions = evaluation.vae_likelihood_functions(model)
    else:
        functions = keras_io_functions(model)
    bounds = evaluation.importance_weighted_bounds(*functions, x_test, num_samples=num_samples, seed=seed)
    return {"negative_elbo": float(bounds.negative_elbo.mean()), "nll": float(bounds.nll.mean())}


def summary(values: list[float]) -> dict:
    return {"mean": float(np.mean(values)), "std": float(np.std(values)), "values": values}


def markdown(report: dict) -> str:
    config, machine_info = report["config"], report["machine"]
    lines = [
        (
            f"Digits test split ({config['n_test']} images), nats per image, mean ± std (ddof=0) over "
            f"{len(config['seeds'])} seeds; `latent_dim={config['latent_dim']}`, "
            f"`hidden_dims={tuple(config['hidden_dims'])}`, {config['epochs']} epochs, Adam(1e-3), batch "
            f"{config['batch_size']}, Bernoulli likelihood on grey values; k = {config['num_samples']} "
            "importance samples per image."
        ),
        "",
        (
            f"| model | final train loss | test negative ELBO | test NLL (IWAE, k = {config['num_samples']}) "
            "| ELBO gap | train + score time |"
        ),
        "|---|---|---|---|---|---|",
    ]
    for name, result in report["results"].items():
        elbo, nll, loss = result["negative_elbo"], result["nll"], result["final_train_loss"]
        gap = np.array(elbo["values"]) - np.array(nll["values"])
        lines.append(
            f"| {name} | {loss['mean']:.2f} ± {loss['std']:.2f} | {elbo['mean']:.2f} ± {elbo['std']:.2f} "
            f"| {nll['mean']:.2f} ± {nll['std']:.2f} | {gap.mean():.2f} ± {gap.std():.2f} "
            f"| {result['seconds']:.0f} s |"
        )
    ours, pattern = (np.array(report["results"][name]["nll"]["values"]) for name in MODELS)
    lines += [
        "",
        (
            "Paired by seed (the same initial weights, batch order and sampling noise), DenseVAE minus "
            f"KerasIoVAE: test NLL {np.mean(ours - pattern):+.3f} ± {np.std(ours - pattern):.3f} nats."
        ),
        "",
        (
            f"Run of {machine_info['date']} ({report['run_seconds']:.0f} s in all, "
            f"{report['cpu_seconds']:.0f} s of CPU time; {machine_info['cores']} "
            f"cores, TensorFlow {machine_info['tensorflow']}, Keras {machine_info['keras']}; 1-minute load "
            f"average {machine_info['load_average_1min_at_start']}-{machine_info['load_average_1min_at_end']})."
        ),
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=None, help="training epochs per model (default 200)")
    parser.add_argument("--seeds", type=int, default=None, help="repeats, seeds 0..N-1 (default 3)")
    parser.add_argument("--num-samples", type=int, default=None, help="importance samples k (default 1000)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 epochs, 2 seeds, k = 50")
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    epochs = args.epochs if args.epochs is not None else (2 if args.quick else 200)
    seeds = args.seeds if args.seeds is not None else (2 if args.quick else 3)
    num_samples = args.num_samples if args.num_samples is not None else (50 if args.quick else 1000)
    for flag, value in (("--epochs", epochs), ("--seeds", seeds), ("--num-samples", num_samples)):
        if value < 1:
            parser.error(f"{flag} must be >= 1. Received: {value}")
    started, cpu_started = time.perf_counter(), time.process_time()
    info = machine()
    digits = load_digits()
    results = {}
    for name in MODELS:
        model_started = time.perf_counter()
        runs = []
        for seed in range(seeds):
            model, loss = train(name, digits.x_train, epochs, seed)
            runs.append({"final_train_loss": loss, **score(name, model, digits.x_test, num_samples, seed)})
            print(f"{name}, seed {seed}: {runs[-1]}", flush=True)
        results[name] = {
            key: summary([run[key] for run in runs]) for key in ("final_train_loss", "negative_elbo", "nll")
        }
        results[name]["seconds"] = time.perf_counter() - model_started
    info["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    config = {
        "n_train": len(digits.x_train), "n_test": len(digits.x_test), "epochs": epochs, "seeds": list(range(seeds)),
        "num_samples": num_samples, "batch_size": BATCH_SIZE, "learning_rate": LEARNING_RATE,
        "hidden_dims": HIDDEN_DIMS, "latent_dim": LATENT_DIM, "steps_per_execution": STEPS_PER_EXECUTION,
        "likelihood": "bernoulli", "quick": args.quick,
    }
    report = {
        "machine": info, "config": config, "results": results, "run_seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,
    }
    text = markdown(report)
    print("\n" + text)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "likelihood.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.output / "likelihood.md").write_text(text)
    return report


if __name__ == "__main__":
    main()
