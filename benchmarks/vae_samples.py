"""Do `DenseVAE` samples pass for digits? Standard prior against the default sampler.

Command, from the repository root (`--quick`: a smoke run of a few seconds):

    PYTHONPATH=. python benchmarks/vae_samples.py [--epochs N] [--seeds N] [--latent-dims D ...]
        [--beta B] [--likelihood bernoulli|binomial] [--mixture-components K] [--quick] [--output DIR]

For each latent size in `--latent-dims` (default 2, the model's default, and 8) and each
training seed, a `DenseVAE(input_shape=(8, 8), latent_dim=d, seed=s)` with every other
default is compiled with `compile()` and trained with `fit(x_train, epochs=200,
batch_size=64)` on `keras_vae.data.load_digits()`. Then as many images as the test split
holds (359) are drawn in three ways and compared with the test images:

- `sample(n, prior="standard")`: decoded draws from N(0, I), what the VAE was trained with;
- `sample(n)`: the default, decoded draws from the Gaussian mixture `fit` fitted to the
  training codes (ex-post density estimation, Ghosh et al. 2020);
- a `DenseAutoencoder` of the same size with its default `sample(n)` (the same mixture).

Scores (lower is better, 0 is indistinguishable from real), each against the references
a user would try first:

- **1-NN two-sample test**: the leave-one-out accuracy of a 1-nearest-neighbour classifier
  (Euclidean, on pixels) that tells the sampled images from the test images, minus 0.5
  (Lopez-Paz & Oquab, "Revisiting Classifier Two-Sample Tests", ICLR 2017; the 1-NN
  version is the one Xu et al. 2018, "An empirical study on evaluation metrics of GANs",
  recommend). 0.5 means every image's nearest neighbour has its own origin;
- **MLP two-sample test**: the same with scikit-learn's `MLPClassifier(64)` trained on
  half of each set and scored on the other half;
- **class coverage**: a support-vector classifier trained on the training digits (test
  accuracy printed) labels the samples; the score is the total variation distance between
  that predicted-class histogram and the test split's class histogram (0: every digit as
  often as in the data; 0.9: a single class).

The floor row scores 359 training images (real digits the models trained on) the same
way: what a perfect sampler of the training distribution would get. The decoder-floor row
scores the VAE's reconstructions of those same training images (decoded posterior means):
what any sampler of codes gets at best with this decoder, because it feeds the decoder
codes of real digits. A sampler cannot score much below it; when the standard prior
already scores close to it, no choice of codes can halve the prior's score.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import keras
import numpy as np

from benchmarks.recurrent_models import machine
from keras_vae import DenseAutoencoder, DenseVAE
from keras_vae.data import load_digits
from keras_vae.evaluation import nearest_neighbour_two_sample

COMMAND = "PYTHONPATH=. python benchmarks/vae_samples.py"


def classifier_score(real, synthetic, seed: int) -> float:
    """Held-out accuracy of an MLP telling `synthetic` from `real`, minus 0.5."""
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(seed)
    x = np.concatenate([real, synthetic]).reshape(len(real) + len(synthetic), -1)
    y = np.r_[np.zeros(len(real)), np.ones(len(synthetic))]
    order = rng.permutation(len(x))
    train, test = order[: len(x) // 2], order[len(x) // 2 :]
    classifier = MLPClassifier((64,), max_iter=1000, random_state=seed).fit(x[train], y[train])
    return float(classifier.score(x[test], y[test]) - 0.5)


def coverage_distance(labels, reference_labels, num_classes=10) -> float:
    """Total variation distance between two label histograms."""
    p = np.bincount(labels, minlength=num_classes) / len(labels)
    q = np.bincount(reference_labels, minlength=num_classes) / len(reference_labels)
    return float(0.5 * np.abs(p - q).sum())


def scores(real, real_labels, synthetic, digit_classifier, seed):
    predicted = digit_classifier.predict(synthetic.reshape(len(synthetic), -1))
    return {
        "nn_two_sample": nearest_neighbour_two_sample(real, synthetic),
        "mlp_two_sample": classifier_score(real, synthetic, seed),
        "class_coverage_tv": coverage_distance(predicted, real_labels),
        "class_histogram": np.bincount(predicted, minlength=10).tolist(),
    }


def describe(info) -> str:
    load = os.getloadavg()[0]
    return (
        f"{info['cpu']}, {info['cores']} cores, Python {info['python']}, TensorFlow {info['tensorflow']}, "
        f"Keras {info['keras']}, {info['date']}; 1-min load average {info['load_average_1min_at_start']} at start, "
        f"{load:.1f} at end (above {info['cores']} means other jobs shared the CPU)"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=3, help="training seeds per configuration (default 3)")
    parser.add_argument("--latent-dims", type=int, nargs="+", default=[2, 8])
    parser.add_argument("--beta", type=float, default=None,
                        help="DenseVAE's beta (default: the model's default); results go to vae_samples_beta<b>.*")
    parser.add_argument("--likelihood", choices=("bernoulli", "binomial"), default="bernoulli",
                        help="the models' likelihood: bernoulli (the default) or binomial with trials=16, the "
                             "digits' own (each value counts 16 pixels); results go to vae_samples_binomial.*")
    parser.add_argument("--mixture-components", type=int, default=None,
                        help="components of the sampler's mixture (default: the models' default)")
    parser.add_argument("--quick", action="store_true", help="2 epochs, 1 seed: checks the script runs")
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args(argv)
    epochs, seeds = (2, 1) if args.quick else (args.epochs, args.seeds)
    beta = {} if args.beta is None else {"beta": args.beta}
    options = {} if args.likelihood == "bernoulli" else {"likelihood": "binomial", "trials": 16}
    if args.mixture_components is not None:
        options["mixture_components"] = args.mixture_components
    from sklearn.svm import SVC

    started = time.perf_counter()
    splits = load_digits()
    real, real_labels = splits.x_test, splits.y_test
    n = len(real)
    flat = lambda x: x.reshape(len(x), -1)  # noqa: E731
    digit_classifier = SVC(gamma="scale").fit(flat(splits.x_train), splits.y_train)
    classifier_accuracy = float(digit_classifier.score(flat(real), real_labels))
    rows: dict[str, list[dict]] = {}

    def record(name, images, seed):
        rows.setdefault(name, []).append(scores(real, real_labels, images, digit_classifier, seed))

    for seed in range(seeds):
        floor = np.random.default_rng(seed).choice(len(splits.x_train), n, replace=False)
        record("Training digits (floor)", splits.x_train[floor], seed)
        for latent_dim in args.latent_dims:
            keras.utils.set_random_seed(seed)
            vae = DenseVAE(input_shape=(8, 8), latent_dim=latent_dim, seed=seed, **beta, **options)
            vae.compile()
            vae.fit(splits.x_train, epochs=epochs, batch_size=64, verbose=0)
            record(f'DenseVAE latent_dim={latent_dim}, `sample(n, prior="standard")`', vae.sample(n, seed=seed, prior="standard"), seed)
            record(f"DenseVAE latent_dim={latent_dim}, `sample(n)` (default)", vae.sample(n, seed=seed), seed)
            record(f"DenseVAE latent_dim={latent_dim}, `reconstruct(floor digits)` (decoder floor)",
                   vae.reconstruct(splits.x_train[floor]), seed)
            keras.utils.set_random_seed(seed)
            autoencoder = DenseAutoencoder(input_shape=(8, 8), latent_dim=latent_dim, seed=seed, **options)
            autoencoder.compile()
            autoencoder.fit(splits.x_train, epochs=epochs, batch_size=64, verbose=0)
            record(f"DenseAutoencoder latent_dim={latent_dim}, `sample(n)` (default)", autoencoder.sample(n, seed=seed), seed)
            print(f"seed {seed}, latent_dim {latent_dim}: {time.perf_counter() - started:.0f} s", flush=True)

    keys = ("nn_two_sample", "mlp_two_sample", "class_coverage_tv")
    summary = {
        name: {key: (float(np.mean([r[key] for r in runs])), float(np.std([r[key] for r in runs]))) for key in keys}
        for name, runs in rows.items()
    }
    lines = [
        "| Samples | 1-NN accuracy − 0.5 | MLP accuracy − 0.5 | class coverage (TV distance) |",
        "|---|---|---|---|",
    ]
    for name, values in summary.items():
        lines.append(f"| {name} | " + " | ".join(f"{m:.3f} ± {s:.3f}" for m, s in (values[k] for k in keys)) + " |")
    targets = []
    for latent_dim in args.latent_dims:
        standard = summary[f'DenseVAE latent_dim={latent_dim}, `sample(n, prior="standard")`']
        default = summary[f"DenseVAE latent_dim={latent_dim}, `sample(n)` (default)"]
        met = default["nn_two_sample"][0] <= 0.5 * standard["nn_two_sample"][0]
        targets.append((latent_dim, met))
    flags, parts = [], []  # the options given, and the result file's name from them
    if beta:
        flags.append(f"--beta {args.beta:g}")
        parts.append(f"beta{args.beta:g}")
    if args.likelihood == "binomial":
        flags.append("--likelihood binomial")
        parts.append("binomial")
    if args.mixture_components is not None:
        flags.append(f"--mixture-components {args.mixture_components}")
        parts.append(f"k{args.mixture_components}")
    if args.latent_dims != [2, 8]:
        flags.append("--latent-dims " + " ".join(map(str, args.latent_dims)))
        parts.append("d" + "-".join(map(str, args.latent_dims)))
    if args.quick:
        flags.append("--quick")
        parts.append("quick")
    command = " ".join([COMMAND, *flags])
    note = (
        f"Mean ± std over {seeds} training seed(s); {epochs} epochs, batch 64, "
        + (f"DenseVAE beta={args.beta:g}, " if beta else "")
        + ("likelihood='binomial', trials=16 for both models, " if args.likelihood == "binomial" else "")
        + (f"mixture_components={args.mixture_components}, " if args.mixture_components is not None else "")
        + "every other setting a default. "
        f"Real reference: the {n} test digits; digit classifier (SVC) test accuracy {classifier_accuracy:.3f}. "
        "Target (issue 12): the default sampler's two-sample score at most half the standard prior's: "
        + ", ".join(f"latent_dim={d} {'met' if met else 'missed'}" for d, met in targets)
        + f". Machine: {describe(machine())}. Run time {time.perf_counter() - started:.0f} s."
    )
    table = "\n".join(lines)
    print(table + "\n\n" + note)
    args.output.mkdir(parents=True, exist_ok=True)
    name = "_".join(["vae_samples", *parts])
    (args.output / f"{name}.md").write_text(f"`{command}`\n\n{table}\n\n{note}\n")
    (args.output / f"{name}.json").write_text(
        json.dumps({"command": command, "summary": summary, "runs": rows, "digit_classifier_accuracy": classifier_accuracy,
                    "targets_met": {str(d): met for d, met in targets}, "note": note}, indent=2) + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
