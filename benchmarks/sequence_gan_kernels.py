"""Robustness benchmark: the default SequenceGAN on the TimeGAN sines, over training seeds
and over the CPU kernels TensorFlow picks.

    python benchmarks/sequence_gan_kernels.py                  # 3 seeds x 2 kernel sets, ~35 min on 2 cores
    python benchmarks/sequence_gan_kernels.py --seeds 0 --isas native   # one run
    python benchmarks/sequence_gan_kernels.py --quick          # smoke test

oneDNN chooses its kernels by the instructions the CPU has (AVX-512 on most servers,
AVX2 on many laptops); each set rounds differently, so one seed trains a different GAN
on each. `ONEDNN_MAX_CPU_ISA=AVX2` makes an AVX-512 machine run the AVX2 kernels, so
both are measured here on one machine. Each (seed, kernel set) trains in a fresh process
with every default (`SequenceGAN(24, 5, seed=s)`, `compile()`, 80 epochs of batch 128, as
`benchmarks/sequence_gan.py`), and is scored with the same discriminative and predictive
scores (10 classifier seeds each).

Target (issue 12): discriminative <= 0.02 and predictive <= 0.095 on every run.

Writes `<output>/sequence_gan_kernels.md` and `.json` (default `benchmarks/results/`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def worker(seed: int, epochs: int, n: int, repeats: int, iterations: int | None) -> dict:
    """One training run in this process; returns its scores."""
    import sequence_gan as benchmark

    from keras_vae.data import make_sines

    real = make_sines(n, 24, 5, seed=0)
    synthetic, seconds, _ = benchmark.train_gan(real, epochs, 128, seed=seed)
    scores = benchmark.score(real, synthetic, repeats, iterations)
    return {
        "discriminative": scores["discriminative"]["mean"],
        "discriminative_std": scores["discriminative"]["std"],
        "predictive": scores["predictive"]["mean"],
        "train_seconds": seconds,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="training seeds (default 0 1 2)")
    parser.add_argument(
        "--isas", nargs="+", default=["native", "AVX2"],
        help="kernel sets: native (what the CPU offers) or an ONEDNN_MAX_CPU_ISA value (default native AVX2)",
    )
    parser.add_argument("--epochs", type=int, default=80, help="GAN epochs (default 80, as benchmarks/sequence_gan.py)")
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    parser.add_argument("--output", type=Path, default=HERE / "results")
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))  # benchmarks/sequence_gan.py: the training and the scores
    n, repeats, iterations, epochs = (512, 1, 50, 1) if args.quick else (10000, 10, None, args.epochs)
    if args.worker is not None:
        print(json.dumps(worker(args.worker, epochs, n, repeats, iterations)))
        return 0

    import sequence_gan as benchmark

    started, runs = time.perf_counter(), []
    for seed in args.seeds:
        for isa in args.isas:
            env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")]))
            env.pop("ONEDNN_MAX_CPU_ISA", None)
            if isa != "native":
                env["ONEDNN_MAX_CPU_ISA"] = isa
            command = [sys.executable, __file__, "--worker", str(seed), "--epochs", str(epochs)] + (["--quick"] if args.quick else [])
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"seed {seed}, {isa}: the run failed\n{done.stderr[-3000:]}")
            result = {"seed": seed, "isa": isa, **json.loads(done.stdout.strip().splitlines()[-1])}
            runs.append(result)
            print(json.dumps(result), flush=True)

    target = benchmark.TARGET
    lines = [
        "| seed | kernels | discriminative (≤ 0.02) | predictive (≤ 0.095) | train time |",
        "|---|---|---|---|---|",
    ]
    for run in runs:
        lines.append(
            f"| {run['seed']} | {run['isa']} | {run['discriminative']:.3f} ± {run['discriminative_std']:.3f} "
            f"| {run['predictive']:.3f} | {run['train_seconds']:.0f} s |"
        )
    met = [run["discriminative"] <= target["discriminative"] and run["predictive"] <= target["predictive"] for run in runs]
    worst = max(run["discriminative"] for run in runs)
    mean = sum(run["discriminative"] for run in runs) / len(runs)
    summary = (
        f"Target met on {sum(met)} of {len(runs)} runs; discriminative mean {mean:.3f}, worst {worst:.3f}. "
        f"Every model uses its defaults ({epochs} epochs, batch 128); scores: mean ± std over {repeats} "
        f"classifier seed(s). Machine: {benchmark.machine()}. Total run time {time.perf_counter() - started:.0f} s."
    )
    table = "\n".join(lines)
    print(table + "\n\n" + summary)
    flags = [] if args.quick else [
        *([f"--seeds {' '.join(map(str, args.seeds))}"] if args.seeds != parser.get_default("seeds") else []),
        *([f"--isas {' '.join(args.isas)}"] if args.isas != parser.get_default("isas") else []),
        *([f"--epochs {epochs}"] if epochs != parser.get_default("epochs") else []),
    ]
    name = "sequence_gan_kernels" + ("_quick" if args.quick else "")
    command = " ".join(["python benchmarks/sequence_gan_kernels.py", *(["--quick"] if args.quick else flags)])
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / f"{name}.md").write_text(f"`{command}`\n\n{table}\n\n{summary}\n")
    (args.output / f"{name}.json").write_text(
        json.dumps({"command": command, "runs": runs, "target": target, "summary": summary}, indent=2) + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
