"""Where the training step of a recurrent model spends its time, by TensorFlow's profiler.

Command, from the repository root:

    PYTHONPATH=. python benchmarks/recurrent_profile.py [--batch 1024] [--steps 24] [--output DIR]

About 2 minutes on 2 cores once xprof's environment exists (the script creates it the first
time: `xprof==2.24.2` from PyPI in its own virtual environment, `benchmarks/peers/_venv.py`,
about a minute).

Why. `benchmarks/throughput.py` puts the dense models at 0.7-0.85 of the machine's limit
(the step's matrix products run alone) at batch 1024 but the recurrent ones at 0.3-0.4.
Issue 15 asks where the rest of the recurrent step's time goes. This script answers with
TensorFlow's own profiler rather than by guessing.

What it does, in one process: each model of `throughput.SPECS` (the same sizes as there:
`LSTMVAE` and `SequenceGAN` with one LSTM of 64 units on sines 24 x 5, and `DenseVAE`
784-512-256-16 as the dense reference) is compiled with `compile()`'s defaults, warmed up
by a one-epoch `fit`, timed for one epoch of `--steps` batches, then fitted for the same
epoch under `tf.profiler.experimental` (host tracing, level 2). xprof, installed in an
environment of its own, turns each capture into its framework op statistics (the table
TensorBoard's profile plugin shows), and the script sums the *self time* of every op by
kind:

- **matrix products**: `MatMul`, `_MklMatMul`, `_MklNativeFusedMatMul`, `BatchMatMul*`;
- **elementwise and gates**: arithmetic, activations and their gradients (`Mul`, `AddV2`,
  `Sigmoid`, `TanhGrad`, ...), reductions, casts;
- **loop and tensor plumbing**: the recurrent loop and what moves data in and out of it
  (`While`, `TensorList*`, `StridedSlice*`, `ConcatV2`, `Split`, `Reshape`, `Transpose`,
  `Pack`, `Identity`, ...);
- **optimizer and variables**: `ResourceApplyAdam` and other `ResourceApply*`,
  `ReadVariableOp`, `Assign*VariableOp`;
- **other**: everything else (random numbers, the loss, metrics, the multi-step loop).

Self time is summed over TensorFlow's two inter-op threads, so the kinds are shares of op
time, not of wall time; the table also gives op time ÷ (wall time x threads), the fraction
of the two cores kept busy by ops (the rest is the executor between ops and idle cores).
The matrix products' time in the profile, divided by the step's analytic FLOPs
(`throughput.*_matmuls`), gives the GFLOP/s they reached there. The profiler slows the
step (op-level tracing); the shares, not the times, are the result.

Writes `recurrent_profile.md` and `recurrent_profile.json` to `benchmarks/results/`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from benchmarks import throughput
from benchmarks.peers import _venv

XPROF_REQUIREMENTS = ["xprof==2.24.2"]
CHILD = Path(__file__).parent / "_xprof_child.py"
MODELS = ("LSTMVAE", "SequenceGAN", "DenseVAE")
THREADS = 2

KINDS = (
    ("matrix products", re.compile(r"^(_Mkl)?(Native)?(_?Fused)?(Batch)?MatMul")),
    ("optimizer and variables", re.compile(
        r"^(ResourceApply|ReadVariableOp|AssignVariableOp|AssignAddVariableOp|AssignSubVariableOp"
        r"|VarHandleOp|ResourceGather)")),
    ("loop and tensor plumbing", re.compile(
        r"^(While|StatelessWhile|If|StatelessIf|TensorList|StridedSlice|Slice|ConcatV2|Concat"
        r"|Split|Reshape|Transpose|Pack|Unpack|Identity|Shape|ZerosLike|OnesLike|Fill|Range"
        r"|ExpandDims|Squeeze|GatherV2|Tile|BroadcastTo|PartitionedCall"
        r"|StatefulPartitionedCall|Placeholder|Const|NoOp|Merge|Switch|Enter|Exit"
        r"|NextIteration|LoopCond)")),
    ("elementwise and gates", re.compile(
        r"^(_Mkl)?(Mul|AddV2|Add|AddN|Sub|RealDiv|Div|Neg|Exp|Log|Log1p|Sqrt|Rsqrt|Square"
        r"|SquaredDifference|Sigmoid|SigmoidGrad|Tanh|TanhGrad|Relu|ReluGrad|Softplus"
        r"|SoftplusGrad|Select|SelectV2|Maximum|Minimum|Abs|Sign|Pow|Sum|Mean|Max|Min|Prod|Cast|BiasAdd"
        r"|BiasAddGrad|Greater|GreaterEqual|Less|LessEqual|Equal|LogicalAnd|LogicalNot"
        r"|Reciprocal|ReciprocalGrad|Floor|ClipByValue|FloorMod|FloorDiv|IsFinite|Erf)")),
)
OTHER = "other"


def kind_of(op_type: str) -> str:
    for kind, pattern in KINDS:
        if pattern.match(op_type):
            return kind
    return OTHER


def op_statistics(tables) -> list[dict]:
    """`[{"type", "name", "self_us"}]` from xprof's framework_op_stats (a list of Google
    Charts data tables; the op table is the one with `type` and `total_self_time` columns).
    Host ops only (TensorFlow's executor on the CPU); IDLE rows are dropped."""
    for table in tables:
        ids = [column["id"] for column in table.get("cols", [])]
        if {"type", "total_self_time"} <= set(ids):
            break
    else:
        raise ValueError(f"no op table in xprof's output (columns: "
                         f"{[[c['id'] for c in t.get('cols', [])] for t in tables]})")
    position = {name: ids.index(name) for name in ids}
    ops = []
    for row in table["rows"]:
        cells = [cell.get("v") if isinstance(cell, dict) else cell for cell in row["c"]]
        if "host_or_device" in position and cells[position["host_or_device"]] not in ("Host", None):
            continue
        op_type = str(cells[position["type"]])
        if op_type.upper() == "IDLE":
            continue
        ops.append({"type": op_type, "name": str(cells[position.get("operation", position["type"])]),
                    "self_us": float(cells[position["total_self_time"]])})
    return ops


def by_kind(ops) -> dict:
    totals = {kind: 0.0 for kind, _ in KINDS} | {OTHER: 0.0}
    for op in ops:
        totals[kind_of(op["type"])] += op["self_us"]
    return totals


def top_types(ops, n: int = 8) -> list[tuple[str, float]]:
    totals: dict[str, float] = {}
    for op in ops:
        totals[op["type"]] = totals.get(op["type"], 0.0) + op["self_us"]
    return sorted(totals.items(), key=lambda item: -item[1])[:n]


def profile_model(spec, batch: int, steps: int, x: np.ndarray, logdir: Path) -> dict:
    keras.utils.set_random_seed(throughput.SEED)
    model = spec.build_ours()
    model.compile()
    data = x[: batch * steps]
    model.fit(data, epochs=1, batch_size=batch, verbose=0)  # trace and warm up
    timer = throughput.EpochTimer()
    model.fit(data, epochs=1, batch_size=batch, verbose=0, callbacks=[timer])
    plain_seconds = timer.seconds[-1]
    timer = throughput.EpochTimer()
    tf.profiler.experimental.start(str(logdir), options=tf.profiler.experimental.ProfilerOptions(
        host_tracer_level=2, python_tracer_level=0, device_tracer_level=0))
    try:
        model.fit(data, epochs=1, batch_size=batch, verbose=0, callbacks=[timer])
    finally:
        tf.profiler.experimental.stop()
    return {"plain_epoch_seconds": plain_seconds, "profiled_epoch_seconds": timer.seconds[-1],
            "xplanes": sorted(str(p) for p in logdir.rglob("*.xplane.pb"))}


def analyse(name: str, spec, batch: int, steps: int, timing: dict, ops: list[dict]) -> dict:
    kinds = by_kind(ops)
    op_us = sum(kinds.values())
    wall_us = timing["profiled_epoch_seconds"] * 1e6
    flops = throughput.count_flops(spec.matmuls(batch)) * steps
    matmul_us = kinds["matrix products"]
    return {
        "model": name, "batch": batch, "steps": steps,
        "step_ms": 1e3 * timing["plain_epoch_seconds"] / steps,
        "profiled_step_ms": 1e3 * timing["profiled_epoch_seconds"] / steps,
        "op_ms_per_step": op_us / 1e3 / steps,
        "busy_fraction": op_us / (wall_us * THREADS),
        "shares": {kind: value / op_us for kind, value in kinds.items()},
        "matmul_gflops_in_profile": flops / (matmul_us * 1e-6) / 1e9 if matmul_us else None,
        "op_types": len({op["type"] for op in ops}),
        "op_count": len(ops),
        "top_types": [(t, us / op_us) for t, us in top_types(ops)],
    }


def markdown(report: dict) -> str:
    kinds = [kind for kind, _ in KINDS] + [OTHER]
    lines = [f"`{report['command']}`", "", report["date"], "",
             "Self time of TensorFlow's ops in one profiled epoch of `fit` (compile() defaults), "
             "summed by kind, as a share of all op time. Step: the unprofiled epoch's wall "
             "time per batch. Busy: op time ÷ (wall time × 2 threads).", "",
             "| model | batch | step (ms) | busy | " + " | ".join(kinds)
             + " | matmul GFLOP/s in profile |",
             "|---|---|---|---|" + "---|" * len(kinds) + "---|"]
    for row in report["rows"]:
        shares = " | ".join(f"{100 * row['shares'][k]:.0f}%" for k in kinds)
        gflops = row["matmul_gflops_in_profile"]
        gflops = f"{gflops:.0f}" if gflops else "–"
        lines.append(f"| `{row['model']}` | {row['batch']} | {row['step_ms']:.1f} | "
                     f"{100 * row['busy_fraction']:.0f}% | {shares} | {gflops} |")
    lines += ["", "Largest op types (share of op time):", ""]
    for row in report["rows"]:
        tops = ", ".join(f"`{t}` {100 * s:.0f}%" for t, s in row["top_types"])
        lines.append(f"- `{row['model']}`: {tops}")
    machine = ", ".join(f"{key} {value}" for key, value in report["machine"].items())
    lines += ["", f"Machine: {machine}. Total {report['total_seconds']:.0f} s.", ""]
    return "\n".join(lines)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=24, help="batches per profiled epoch")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--venvs", type=Path, default=_venv.DEFAULT_VENVS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    interpreter = _venv.peer_environment("xprof-2.24.2", XPROF_REQUIREMENTS, venvs=args.venvs)
    specs = {spec.name: spec for spec in throughput.SPECS}
    n = args.batch * args.steps
    data = {"images": throughput.image_data(n),
            "sequences": throughput.make_sines(n, throughput.SEQUENCE_LENGTH, throughput.NUM_FEATURES,
                                               seed=throughput.SEED)}
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for name in args.models:
            spec = specs[name]
            logdir = Path(work) / name
            timing = profile_model(spec, args.batch, args.steps, data[spec.data], logdir)
            stats = Path(work) / f"{name}.json"
            _venv.run_in(interpreter, CHILD, [stats, *timing["xplanes"]], Path(work) / "xprof.log")
            row = analyse(name, spec, args.batch, args.steps, timing,
                          op_statistics(json.loads(stats.read_text())))
            print(json.dumps(row), flush=True)
            rows.append(row)
    report = {
        "command": "PYTHONPATH=. python benchmarks/recurrent_profile.py"
                   + (" " + " ".join(argv) if argv else ""),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": throughput.machine(),
        "total_seconds": time.perf_counter() - started,
        "rows": rows,
    }
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "recurrent_profile.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.output / "recurrent_profile.md").write_text(markdown(report))
    print(markdown(report))
    return report


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    main()
