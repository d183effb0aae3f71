"""The half of `benchmarks/peers/timegan.py` that runs inside a peer's environment.

Each `_timegan_child_<peer>.py` defines how its package trains for a given number of
iterations and how it samples, and hands both to `main`. This module does the rest, the
same for every peer: it reads the real sequences, chooses the iteration count that fills
the wall-clock budget, trains, samples and writes the results. It imports neither
keras_vae nor any peer package (only NumPy and the standard library), so the parent's test
can import it too.

Budget: TimeGAN trains in three phases of the same iteration count (embedding, supervised,
joint), fixed before training starts, so a run cannot simply be stopped when the time is up.
Instead two short warm-up runs of `k1` and `k2` iterations are timed (each from a fresh
model, as the final run), a line `seconds = overhead + per_iteration * iterations` is
fitted through them, and the final run gets the largest count whose predicted time fits the
budget (`plan_iterations`). The warm-ups are not part of the reported training time; the
final run's wall time is measured and reported as it is, so a misprediction shows.

Command line (the parent passes all of it):

    python _timegan_child_<peer>.py --data DATA.npz --samples OUT.npz --report OUT.json
        --budget SECONDS [--iterations N] [--warmup K1,K2] [--n-samples N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from importlib import metadata

import numpy as np


def plan_iterations(budget: float, warmups: list, minimum: int = 1) -> dict:
    """The iteration count whose predicted training time fits `budget` seconds.

    Args:
        budget: wall-clock seconds for the final run, > 0.
        warmups: `[(iterations, seconds), ...]` of timed warm-up runs, at least one. With
            two or more, the first and the last fit `seconds = overhead + per_iteration *
            iterations`; with one, or when the fit is not increasing (timing noise), the
            overhead is taken as 0 and `per_iteration = seconds / iterations`, which
            over-estimates the cost of an iteration and so stays within the budget.
        minimum: the smallest count returned, even when the budget is below the overhead.

    Returns:
        `{"iterations", "overhead_seconds", "seconds_per_iteration", "predicted_seconds",
        "budget_seconds", "below_overhead"}`.
    """
    if not budget > 0:
        raise ValueError(f"budget must be > 0 seconds, got {budget!r}")
    points = [(int(k), float(s)) for k, s in warmups]
    if not points or any(k <= 0 or not s > 0 for k, s in points):
        raise ValueError(f"warmups must be (iterations > 0, seconds > 0) pairs, got {warmups!r}")
    (k1, s1), (k2, s2) = points[0], points[-1]
    per_iteration = (s2 - s1) / (k2 - k1) if k2 != k1 else 0.0
    overhead = s1 - per_iteration * k1
    if not per_iteration > 0 or overhead < 0:
        per_iteration, overhead = s2 / k2, 0.0
    iterations = math.floor((budget - overhead) / per_iteration)
    below = iterations < minimum
    iterations = max(iterations, minimum)
    return {
        "iterations": int(iterations),
        "overhead_seconds": overhead,
        "seconds_per_iteration": per_iteration,
        "predicted_seconds": overhead + per_iteration * iterations,
        "budget_seconds": float(budget),
        "below_overhead": bool(below),
    }


class MinMax:
    """Per-feature min-max scaling to [0, 1] over all sequences and steps, and back."""

    def __init__(self, x: np.ndarray):
        self.low = x.min(axis=(0, 1))
        self.span = np.maximum(x.max(axis=(0, 1)) - self.low, 1e-7)

    def scale(self, x):
        return (x - self.low) / self.span

    def unscale(self, x):
        return np.asarray(x) * self.span + self.low


def versions(distributions) -> dict:
    found = {"python": platform.python_version()}
    for name in distributions:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def main(peer: str, train, sample, distributions, settings: dict, argv=None) -> int:
    """Runs one peer: warm-ups, final training run, sampling, results.

    Args:
        peer: the peer's name, for the report.
        train: `train(x, iterations, seed) -> state`, a fresh model trained on `x`
            (`(n, T, F)` float32, the real data unchanged) for `iterations` per phase.
        sample: `sample(state, n, seed) -> (n, T, F)` synthetic sequences in the units of
            `x`.
        distributions: the distributions whose versions the report lists.
        settings: the peer's hyperparameters, for the report.
    """
    parser = argparse.ArgumentParser(description=f"TimeGAN peer child: {peer}")
    parser.add_argument("--data", required=True)
    parser.add_argument("--samples", required=True)
    parser.add_argument("--report", required=True)
    parser.add_argument("--budget", type=float, required=True)
    parser.add_argument("--iterations", type=int, default=None, help="skip the warm-ups")
    parser.add_argument("--warmup", default="5,25", help="the two warm-up iteration counts")
    parser.add_argument("--n-samples", type=int, default=None, help="default: as many as the real set")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    x = np.load(args.data)["x"].astype("float32")
    n_samples = args.n_samples or len(x)
    report = {"peer": peer, "settings": settings, "versions": versions(distributions),
              "n_real": int(len(x)), "shape": list(x.shape[1:]), "warmups": [], "plan": None}

    if args.iterations is None:
        for k in (int(v) for v in args.warmup.split(",")):
            started = time.perf_counter()
            train(x, k, args.seed)
            seconds = time.perf_counter() - started
            report["warmups"].append([k, seconds])
            print(f"[{peer}] warm-up: {k} iterations in {seconds:.1f} s", flush=True)
        report["plan"] = plan_iterations(args.budget, report["warmups"])
        iterations = report["plan"]["iterations"]
        print(f"[{peer}] plan: {report['plan']}", flush=True)
    else:
        iterations = args.iterations

    started = time.perf_counter()
    state = train(x, iterations, args.seed)
    report["train_seconds"] = time.perf_counter() - started
    report["iterations"] = iterations
    print(f"[{peer}] trained {iterations} iterations in {report['train_seconds']:.1f} s "
          f"(budget {args.budget:.1f} s)", flush=True)

    started = time.perf_counter()
    synthetic = np.asarray(sample(state, n_samples, args.seed + 1), dtype="float32")
    report["sample_seconds"] = time.perf_counter() - started
    report["n_samples"] = int(len(synthetic))
    np.savez(args.samples, x=synthetic)
    with open(args.report, "w", encoding="utf-8") as out:
        json.dump(report, out, indent=2)
    print(f"[{peer}] wrote {synthetic.shape} samples in {report['sample_seconds']:.1f} s", flush=True)
    return 0


def prepare():
    """Called by each child right after importing this module: fewer TensorFlow start-up
    lines in the logs, line-buffered output, and this directory off `sys.path`, where
    `benchmarks/peers/timegan.py` (the parent) would shadow the `timegan` package."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.stdout.reconfigure(line_buffering=True)
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
