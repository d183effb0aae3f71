"""What `compile()`'s default `steps_per_execution="auto"` gains over one batch per call.

Command, from the repository root (about 6 minutes on 2 quiet cores; `--quick` about 1 minute):

    PYTHONPATH=. python benchmarks/steps_per_execution.py [--quick] [--repeats N] [--output DIR]

Each model of the package, at its tutorials' sizes on data that needs no download (the
8 x 8 digits for the dense models, TimeGAN's sines for the recurrent ones), is built twice
with the same seed: once compiled with the default (`"auto"`: 16 batches per compiled call
here, see `keras_vae.training.choose_steps_per_execution`) and once with
`steps_per_execution=1` (Keras' own default). After one warm-up epoch each (tracing),
`--repeats` one-epoch `fit` calls of the two alternate, so both see the same machine load;
an epoch-level callback times the training part of each epoch (wall and CPU seconds of this
process), and the table gives the median training samples per second of each, their ratio,
and the ratio in CPU time, which other jobs on the machine disturb less. The weights
the two reach are the same (`tests/test_execution.py`); only the speed differs.

Writes `steps_per_execution.md` and `.json` to `benchmarks/results/`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import keras
import numpy as np

import keras_vae
from benchmarks.recurrent_models import EpochTimer, machine
from keras_vae.data import load_digits, make_sines

SEED = 0
BATCH_SIZES = (64, 256, 1024)
MODELS = {
    "DenseAutoencoder": lambda: keras_vae.DenseAutoencoder(input_shape=(8, 8), latent_dim=2, seed=SEED),
    "DenseVAE": lambda: keras_vae.DenseVAE(input_shape=(8, 8), latent_dim=2, seed=SEED),
    "LSTMAutoencoder": lambda: keras_vae.LSTMAutoencoder(24, 5, latent_dim=8, seed=SEED),
    "LSTMVAE": lambda: keras_vae.LSTMVAE(24, 5, latent_dim=8, seed=SEED),
    "SequenceGAN": lambda: keras_vae.SequenceGAN(24, 5, seed=SEED),
}


def data(name: str, n: int) -> np.ndarray:
    if name.startswith("Dense"):
        images = load_digits()[0]  # the training split, (1258, 8, 8) in [0, 1]
        return np.concatenate([images] * (n // len(images) + 1))[:n]
    return make_sines(n, 24, 5, seed=SEED)


def measure(name: str, batch: int, n: int, repeats: int) -> dict:
    x = data(name, n)
    models = {}
    for choice in ("auto", 1):
        keras.utils.set_random_seed(SEED)
        model = MODELS[name]()
        model.compile(steps_per_execution=choice)
        model.fit(x, epochs=1, batch_size=batch, verbose=0)  # warm-up: traces the step
        models[choice] = model
    timers = {choice: EpochTimer() for choice in models}  # epoch-level: "auto" stays 16
    for _ in range(repeats):
        for choice, model in models.items():
            model.fit(x, epochs=1, batch_size=batch, verbose=0, callbacks=[timers[choice]])
    rate = {c: n / statistics.median(timers[c].seconds) for c in models}
    cpu_rate = {c: n / statistics.median(timers[c].cpu_seconds) for c in models}
    return {"model": name, "batch_size": batch, "examples": n,
            "steps_per_execution": models["auto"].steps_per_execution,
            "auto_samples_per_second": rate["auto"], "one_per_call_samples_per_second": rate[1],
            "auto_over_one_per_call": rate["auto"] / rate[1],
            "auto_over_one_per_call_cpu": cpu_rate["auto"] / cpu_rate[1],
            "epoch_seconds": {str(c): t.seconds for c, t in timers.items()},
            "epoch_cpu_seconds": {str(c): t.cpu_seconds for c, t in timers.items()}}


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"`{report['command']}`, {m['date']}: training samples/s of one-epoch `fit` calls, median "
        f"of {report['repeats']} alternating repeats after a warm-up epoch; {m['cpu']}, {m['cores']} cores, "
        f"TensorFlow {m['tensorflow']}, Keras {m['keras']}, load average {m['load_average_1min_at_start']} at start. "
        f"Run time {report['run_seconds']:.0f} s.",
        "",
        "| model | batch | examples per epoch | batches per call (auto) | auto samples/s | 1 per call samples/s | auto ÷ 1 per call | same, CPU time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in report["rows"]:
        lines.append(
            f"| `{r['model']}` | {r['batch_size']} | {r['examples']} | {r['steps_per_execution']} | "
            f"{r['auto_samples_per_second']:.0f} | {r['one_per_call_samples_per_second']:.0f} | "
            f"{r['auto_over_one_per_call']:.2f} | {r['auto_over_one_per_call_cpu']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="batch 256 only, fewer examples, 2 repeats")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--output", default=str(Path(__file__).parent / "results"))
    args = parser.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 3)
    batch_sizes = (256,) if args.quick else BATCH_SIZES
    started = time.perf_counter()
    report = {"command": "PYTHONPATH=. python benchmarks/steps_per_execution.py"
              + (" --quick" if args.quick else "") + (f" --repeats {args.repeats}" if args.repeats else ""),
              "machine": machine(), "repeats": repeats, "rows": []}
    for name in MODELS:
        for batch in batch_sizes:
            # 64 batches per epoch for the dense models (their steps are short), 16 for the
            # recurrent ones: the auto side makes at least one full call.
            n = batch * (8 if args.quick else (64 if name.startswith("Dense") else 16))
            row = measure(name, batch, n, repeats)
            report["rows"].append(row)
            print(f"{name:16s} batch {batch:5d}: auto {row['auto_samples_per_second']:8.0f}/s, "
                  f"1 per call {row['one_per_call_samples_per_second']:8.0f}/s "
                  f"(x{row['auto_over_one_per_call']:.2f})", flush=True)
    report["run_seconds"] = time.perf_counter() - started
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    stem = "steps_per_execution" + ("_quick" if args.quick else "")
    (output / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
    (output / f"{stem}.md").write_text(markdown(report))
    print(markdown(report))
    return report


if __name__ == "__main__":
    main()
