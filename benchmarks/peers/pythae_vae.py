"""keras_vae's `DenseVAE` beside pythae's `VAE` (PyTorch) on the digits, in one command.

Command, from the repository root (the first run also creates pythae's environment under
`--venvs`, default `~/.cache/keras_vae_peers/pythae`: about 5.7 GB with PyPI's CUDA build of
torch, 5-10 minutes; `--quick` then takes under a minute):

    PYTHONPATH=. python benchmarks/peers/pythae_vae.py [--epochs N] [--seeds N] [--num-samples K] [--torch-threads N] [--quick] [--output DIR] [--venvs DIR]

Wrap it in `flock /tmp/keras_vae_heavy.lock ...` on a shared machine. Run time at 200 epochs
and k = 1000 on 2 cores: about a minute per seed (58 s on 2026-12-07 at load average 2-3:
20 s of training for pythae, 23 s for keras_vae), but up to 10 minutes when other jobs share
the cores and torch keeps its default of one thread per core: its two threads then wait for
each other (pythae trained in 533 s at load average 4-5; `--torch-threads 1` took 48 s there;
the weights are identical either way).

Expected (2026-12-07, `--seeds 3 --torch-threads 1`): test NLL 23.72 ± 0.02 nats per image
for pythae's VAE and 24.09 ± 0.10 for DenseVAE (as in `benchmarks/likelihood.py`); keras_vae's
estimator agrees with pythae's `get_nll` on pythae's model to 0.01 nats. The gap is the
initialisation: the child run by hand with `--init glorot` (Keras' Glorot-uniform kernels
and zero biases in pythae's model, `--torch-threads 1`) gives 24.16 and 24.15 for seeds 0, 1.

Both packages get the same data, network sizes and training settings, once per seed:

- data: `keras_vae.data.load_digits()`, 1258 train / 359 test images of 8 x 8 grey values in
  [0, 1]; the parent writes them to an `.npz` file that pythae's half reads;
- networks: MLP encoder 64 -> 256 -> 128 -> (mean, log-variance), `latent_dim=2`, decoder
  2 -> 128 -> 256 -> 64, ReLU, independent Bernoulli pixels (the cross-entropy "likelihood"
  of grey values, see `benchmarks/likelihood.py`). Each package initialises its layers its
  own way (Keras: Glorot uniform, zero biases; PyTorch: `nn.Linear`'s uniform(+-1/sqrt(fan_in)));
- keras_vae: `DenseVAE(input_shape=(8, 8), latent_dim=2, hidden_dims=(256, 128), seed=s)`,
  `compile(optimizer=Adam(1e-3))` with every other default, `fit(x_train, epochs, batch_size=64)`;
- pythae (`benchmarks/peers/_pythae_child.py`, in pythae's environment, without keras_vae or
  TensorFlow): `VAE(VAEConfig(input_dim=(1, 8, 8), latent_dim=2, reconstruction_loss="bce"))`
  around a `BaseEncoder` / `BaseDecoder` of those sizes, trained by pythae's `BaseTrainer`
  with `BaseTrainerConfig(num_epochs, learning_rate=1e-3, per_device_train_batch_size=64,
  optimizer_cls="Adam", seed=s)`. pythae's "bce" loss is summed over the 64 pixels and
  averaged over the batch, the closed-form KL likewise, exactly as keras_vae's loss, so both
  losses and scores are nats per image. Without an eval set pythae's trainer keeps the epoch
  with the lowest training loss as its final model; that is the model scored.

Measured, per test image in nats (lower is better):

- **NLL, own estimator**: each package's own importance-sampling estimate with k =
  `--num-samples` (default 1000) samples from q(z | x): pythae's `VAE.get_nll(x_test,
  n_samples=k, batch_size=k)` (it returns the mean log p(x), so the table shows minus it; it
  draws `batch_size` samples when `n_samples <= batch_size`, hence `batch_size=k`) and
  keras_vae's `evaluation.importance_weighted_bounds`;
- **NLL and negative ELBO, keras_vae's estimator**: `importance_weighted_bounds` on both
  models, the same k and the same noise; pythae's trained weights come back in the child's
  `.npz` and are run here as Keras ops (logits, before pythae's sigmoid). It checks that
  the two estimators agree, and compares the models with one yardstick;
- **prior samples**: 359 images decoded from N(0, I) (pythae's `NormalSampler`, keras_vae's
  `sample(n, prior="standard")`), scored against the test images with the leave-one-out
  1-NN two-sample accuracy minus 0.5 of `benchmarks/vae_samples.py` (0 is indistinguishable);
- **training**: wall time of `fit` / `trainer.train()` alone (not the install, the imports,
  or the scoring; keras_vae's includes tracing and the code-distribution fit at the end,
  pythae's its progress bars, its best-model copies and its final save) and training
  samples per second, epochs x 1258 / that time. Both use every core unless `--torch-threads`.

A failed install or run of pythae does not stop the benchmark: its row then says which step
failed, and the command and the end of its output follow the table.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

import keras
import numpy as np
from keras import ops

from benchmarks.peers._venv import DEFAULT_VENVS, PeerFailure, installed_versions, peer_environment, run_in
from benchmarks.recurrent_models import machine
from keras_vae import DenseVAE, evaluation, losses
from keras_vae.data import load_digits

COMMAND = "PYTHONPATH=. python benchmarks/peers/pythae_vae.py"
#: pythae 0.1.2 is its latest release; torch 2.14.1 the newest this machine's pip allows.
PYTHAE_REQUIREMENTS = ["pythae==0.1.2", "torch==2.14.1"]
PEER_DISTRIBUTIONS = ["pythae", "torch", "numpy", "pydantic"]
CHILD = Path(__file__).with_name("_pythae_child.py")
#: What did not install, found when the pins were chosen (2026-12-07), shown under every table.
INSTALL_NOTE = (
    "Install: pythae 0.1.2 (its latest release) installs on Python 3.11 as it is (with numpy 2.4.6, "
    "pydantic 2.14.4). PyPI's newest torch did not install on this machine: `pip install pythae==0.1.2 "
    "torch==2.15.0` stops with `ERROR: Cannot install torch==2.15.0 because these package versions have "
    "conflicting dependencies. The conflict is caused by: The user requested torch==2.15.0; The user requested "
    "(constraint) torch<=2.14.1` (a pip constraints file on the machine caps torch), so torch is pinned to "
    "2.14.1, PyPI's CUDA build (with its nvidia-* wheels the environment takes 5.7 GB; no GPU is used)."
)
#: Why training times need an idle machine, or `--torch-threads 1`; shown under every table.
THREADS_NOTE = (
    "Times: torch uses one thread per core by default (2 here); when other jobs share the cores its threads "
    "wait for each other. On 2026-12-07 pythae trained 200 epochs in 20 s with 2 threads at a load average of "
    "2-3, but in 533 s at 4-5, where `--torch-threads 1` took 48 s (the same weights each time): compare times "
    "from a quiet machine (see the load averages below) or with `--torch-threads 1`."
)
HIDDEN_DIMS = (256, 128)
LATENT_DIM = 2
BATCH_SIZE = 64
LEARNING_RATE = 1e-3
KERAS_VAE = "keras_vae DenseVAE"
PYTHAE = "pythae VAE"


# --- pythae's half, run through benchmarks/peers/_venv.py ---------------------------------

def run_pythae(data: Path, work: Path, epochs: int, seeds: int, num_samples: int, venvs: Path,
               torch_threads: int | None = None) -> dict:
    """Creates (or reuses) pythae's environment and runs the child once per seed.

    Returns `{"versions", "install_seconds", "runs": [child result + "arrays"]}`, or, when
    a step fails, `{"failure": PeerFailure.as_dict(), "runs": [the runs done before]}`.
    """
    peer = {"requirements": list(PYTHAE_REQUIREMENTS), "runs": []}
    started = time.perf_counter()
    try:
        interpreter = peer_environment("pythae", PYTHAE_REQUIREMENTS, venvs=venvs)
        peer["install_seconds"] = time.perf_counter() - started
        peer["versions"] = installed_versions(interpreter, PEER_DISTRIBUTIONS)
        log = work / "pythae_child.log"
        for seed in range(seeds):
            out = work / f"pythae_seed{seed}"
            seconds = run_in(interpreter, CHILD, [
                "--data", data, "--output", out, "--epochs", epochs, "--seed", seed,
                "--num-samples", num_samples, "--hidden-dims", *HIDDEN_DIMS, "--latent-dim", LATENT_DIM,
                "--batch-size", BATCH_SIZE, "--learning-rate", LEARNING_RATE,
                *(["--torch-threads", torch_threads] if torch_threads else []),
            ], log)
            peer["runs"].append(_read_child(out, seconds, seed))
            print(f"{PYTHAE}, seed {seed}: NLL {peer['runs'][-1]['nll']:.3f}, "
                  f"{peer['runs'][-1]['train_seconds']:.1f} s of training", flush=True)
    except PeerFailure as failure:
        peer["failure"] = failure.as_dict()
    except Exception as error:  # noqa: BLE001 (e.g. versions not readable: still data, not a crash)
        peer["failure"] = {"step": "read pythae's environment or results", "command": "",
                           "returncode": None, "tail": f"{type(error).__name__}: {error}"}
    return peer


def _read_child(out: Path, seconds: float, seed: int) -> dict:
    try:
        result = json.loads((out / "result.json").read_text())
        with np.load(out / "arrays.npz") as arrays:
            result["arrays"] = {name: arrays[name] for name in arrays.files}
    except (OSError, ValueError, KeyError) as error:
        raise PeerFailure(f"read the child's results of seed {seed}", [str(out)], 0,
                          f"{type(error).__name__}: {error}") from error
    result["child_seconds"] = seconds
    return result


def pythae_functions(arrays: dict):
    """`(encode, log_likelihood)` of pythae's trained networks, from the child's kernels,
    for `importance_weighted_bounds`: the same MLP as Keras ops, log p(x | z) from logits."""

    def stack(prefix):
        indices = sorted(int(name.split("/")[1].split(".")[1]) for name in arrays
                         if name.startswith(f"{prefix}/hidden.") and name.endswith("/kernel"))
        return [(arrays[f"{prefix}/hidden.{i}/kernel"], arrays[f"{prefix}/hidden.{i}/bias"]) for i in indices]

    encoder_layers, decoder_layers = stack("encoder"), stack("decoder")
    head = {name: (arrays[f"{name}/kernel"], arrays[f"{name}/bias"])
            for name in ("encoder/mean", "encoder/log_var", "decoder/logits")}

    def mlp(h, layers):
        for kernel, bias in layers:
            h = ops.relu(ops.matmul(h, kernel) + bias)
        return h

    def linear(h, name):
        kernel, bias = head[name]
        return ops.matmul(h, kernel) + bias

    def encode(x):
        h = mlp(ops.reshape(ops.cast(x, "float32"), (ops.shape(x)[0], -1)), encoder_layers)
        return linear(h, "encoder/mean"), linear(h, "encoder/log_var")

    def log_likelihood(x, z):
        logits = linear(mlp(z, decoder_layers), "decoder/logits")
        return losses.bernoulli_log_likelihood(ops.reshape(x, (ops.shape(x)[0], -1)), logits)

    return encode, log_likelihood


# --- keras_vae's half ---------------------------------------------------------------------

def run_keras_vae(x_train, x_test, epochs: int, seeds: int, num_samples: int) -> list[dict]:
    runs = []
    for seed in range(seeds):
        keras.utils.set_random_seed(seed)
        vae = DenseVAE(input_shape=x_train.shape[1:], latent_dim=LATENT_DIM, hidden_dims=HIDDEN_DIMS, seed=seed)
        vae.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE))
        started = time.perf_counter()
        history = vae.fit(x_train, epochs=epochs, batch_size=BATCH_SIZE, verbose=0)
        train_seconds = time.perf_counter() - started
        bounds = score(evaluation.vae_likelihood_functions(vae), x_test, num_samples, seed)
        samples = vae.sample(len(x_test), seed=seed, prior="standard")
        runs.append({
            "seed": seed, "train_seconds": train_seconds, "final_train_loss": float(history.history["loss"][-1]),
            "nll": bounds["nll"], "nll_keras_vae_estimator": bounds["nll"],
            "negative_elbo_keras_vae_estimator": bounds["negative_elbo"],
            "prior_samples_1nn": evaluation.nearest_neighbour_two_sample(x_test, samples),
        })
        print(f"{KERAS_VAE}, seed {seed}: NLL {bounds['nll']:.3f}, {train_seconds:.1f} s of training", flush=True)
    return runs


def score(functions, x_test, num_samples: int, seed: int) -> dict:
    bounds = evaluation.importance_weighted_bounds(*functions, x_test, num_samples=num_samples, seed=seed)
    return {"nll": float(bounds.nll.mean()), "negative_elbo": float(bounds.negative_elbo.mean())}


def score_pythae_runs(peer: dict, x_test, num_samples: int) -> None:
    """Adds keras_vae's scores of pythae's models and samples to each run (in place)."""
    for run in peer["runs"]:
        arrays = run.pop("arrays")
        bounds = score(pythae_functions(arrays), x_test, num_samples, run["seed"])
        run["nll_keras_vae_estimator"] = bounds["nll"]
        run["negative_elbo_keras_vae_estimator"] = bounds["negative_elbo"]
        run["prior_samples_1nn"] = evaluation.nearest_neighbour_two_sample(x_test, arrays["prior_samples"])


# --- the report ---------------------------------------------------------------------------

ROW_KEYS = ("nll", "nll_keras_vae_estimator", "negative_elbo_keras_vae_estimator", "final_train_loss",
            "train_seconds", "train_samples_per_second", "prior_samples_1nn")


def summarise(runs: list[dict], n_train: int, epochs: int) -> dict:
    for run in runs:
        run["train_samples_per_second"] = n_train * epochs / run["train_seconds"]
    return {key: {"mean": float(np.mean([r[key] for r in runs])), "std": float(np.std([r[key] for r in runs])),
                  "values": [float(r[key]) for r in runs]} for key in ROW_KEYS}


def assemble(config: dict, info: dict, keras_runs: list[dict], peer: dict) -> dict:
    """The JSON report: settings, machine, both packages' runs and summaries."""
    n_train, epochs = config["n_train"], config["epochs"]
    results = {KERAS_VAE: {"runs": keras_runs, "summary": summarise(keras_runs, n_train, epochs),
                           "versions": {"keras_vae": info["keras_vae"], "keras": info["keras"],
                                        "tensorflow": info["tensorflow"]}}}
    pythae = {key: value for key, value in peer.items() if key != "runs"}
    pythae["runs"] = peer["runs"]
    if peer["runs"] and "failure" not in peer:
        pythae["summary"] = summarise(peer["runs"], n_train, epochs)
    results[PYTHAE] = pythae
    return {"command": config["command"], "config": config, "machine": info, "results": results}


def _cell(summary: dict, key: str, digits: int = 2) -> str:
    mean, std = summary[key]["mean"], summary[key]["std"]
    if len(summary[key]["values"]) == 1:
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


def markdown(report: dict) -> str:
    config, info, results = report["config"], report["machine"], report["results"]
    k, seeds = config["num_samples"], len(config["seeds"])
    pythae = results[PYTHAE]
    versions = pythae.get("versions", {})
    lines = [
        f"`{report['command']}`",
        "",
        (
            f"Digits test split ({config['n_test']} images), nats per image"
            + (f", mean ± std (ddof=0) over {seeds} seeds" if seeds > 1 else ", one seed (0)")
            + f"; both trained {config['epochs']} epochs on {config['n_train']} images, Adam(1e-3), batch "
            f"{config['batch_size']}, `latent_dim={config['latent_dim']}`, `hidden_dims={tuple(config['hidden_dims'])}`, "
            f"Bernoulli likelihood on grey values; k = {k} importance samples per image."
        ),
        "",
        (
            f"| package, model | test NLL, own estimator (k = {k}) | test NLL, keras_vae's estimator "
            "| test negative ELBO, keras_vae's estimator | final train loss | training wall time "
            "| training samples/s | prior samples, 1-NN accuracy − 0.5 |"
        ),
        "|---|---|---|---|---|---|---|---|",
    ]
    names = {KERAS_VAE: f"keras_vae {info['keras_vae']} `DenseVAE` (Keras {info['keras']}, TensorFlow {info['tensorflow']})",
             PYTHAE: (f"pythae {versions['pythae']} `VAE` (torch {versions['torch']})" if versions
                      else f"pythae `VAE` ({', '.join(pythae.get('requirements', []))} requested)")}
    for name, result in results.items():
        if "summary" in result:
            s = result["summary"]
            lines.append(
                f"| {names[name]} | {_cell(s, 'nll')} | {_cell(s, 'nll_keras_vae_estimator')} "
                f"| {_cell(s, 'negative_elbo_keras_vae_estimator')} | {_cell(s, 'final_train_loss')} "
                f"| {_cell(s, 'train_seconds', 1)} s | {_cell(s, 'train_samples_per_second', 0)} "
                f"| {_cell(s, 'prior_samples_1nn', 3)} |"
            )
        else:
            failure = result.get("failure", {"step": "no run"})
            lines.append(f"| {names[name]} | failed: {failure['step']} (see below) | – | – | – | – | – | – |")
    lines.append("")
    if "summary" in pythae:
        ours, theirs = results[KERAS_VAE]["summary"], pythae["summary"]
        kept = [run.get("kept_epoch") for run in pythae["runs"]]
        lines += [
            (
                f"keras_vae minus pythae: NLL {ours['nll']['mean'] - theirs['nll']['mean']:+.2f} nats "
                f"(each with its own estimator), {ours['nll_keras_vae_estimator']['mean'] - theirs['nll_keras_vae_estimator']['mean']:+.2f} "
                f"with keras_vae's for both; pythae's training took {theirs['train_seconds']['mean'] / ours['train_seconds']['mean']:.2f}x "
                "keras_vae's wall time. On pythae's model the two estimators differ by "
                f"{theirs['nll']['mean'] - theirs['nll_keras_vae_estimator']['mean']:+.3f} nats (pythae's minus "
                "keras_vae's; different noise, same k)."
            ),
            "",
            (
                f"pythae kept the model of epoch(s) {', '.join(map(str, kept))} of {config['epochs']} (its lowest "
                "training loss; pythae's final train loss is the mean of batch means, keras_vae's weights "
                "batches by size). pythae's own one-sample test loss (closed-form KL): "
                + ", ".join(f"{run['test_loss']:.2f}" for run in pythae["runs"])
                + f". torch threads: {pythae['runs'][0].get('torch_threads', '?')}; numpy "
                f"{versions.get('numpy', '?')} and pydantic {versions.get('pydantic', '?')} in pythae's environment "
                f"({', '.join(pythae.get('requirements', []))})."
            ),
            "",
        ]
    if "failure" in pythae:
        failure = pythae["failure"]
        lines += [
            f"pythae failed at step \"{failure['step']}\" (exit code {failure['returncode']}):",
            "",
            f"    $ {failure['command']}",
            "",
            "```",
            failure["tail"].rstrip(),
            "```",
            "",
        ]
    lines += [THREADS_NOTE, "", INSTALL_NOTE, ""]
    lines += [
        (
            f"Run of {info['date']} ({report['run_seconds']:.0f} s in all; pythae's environment "
            f"{'ready in' if 'install_seconds' in pythae else 'failed after'} "
            f"{pythae.get('install_seconds', 0):.0f} s); {info['cpu']}, {info['cores']} cores, Python {info['python']}; "
            f"1-minute load average {info['load_average_1min_at_start']} at start, {info['load_average_1min_at_end']} at end."
        ),
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="training epochs for both (default 200)")
    parser.add_argument("--seeds", type=int, default=1, help="repeats, seeds 0..N-1 (default 1)")
    parser.add_argument("--num-samples", type=int, default=None, help="importance samples k (default 1000)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 epochs, k = 10; results *_quick.*")
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parent.parent / "results")
    parser.add_argument("--venvs", type=Path, default=DEFAULT_VENVS, help="where peer environments live")
    parser.add_argument("--torch-threads", type=int, default=None,
                        help="torch.set_num_threads in pythae's child (default: torch's, one per core)")
    args = parser.parse_args(argv)
    epochs = args.epochs if args.epochs is not None else (3 if args.quick else 200)
    num_samples = args.num_samples if args.num_samples is not None else (10 if args.quick else 1000)
    for flag, value in (("--epochs", epochs), ("--seeds", args.seeds), ("--num-samples", num_samples)):
        if value < 1:
            parser.error(f"{flag} must be >= 1. Received: {value}")
    if args.torch_threads is not None and args.torch_threads < 1:
        parser.error(f"--torch-threads must be >= 1. Received: {args.torch_threads}")
    argv = sys.argv[1:] if argv is None else list(argv)
    started = time.perf_counter()
    info = machine()
    digits = load_digits()
    x_train, x_test = digits.x_train.astype("float32"), digits.x_test.astype("float32")
    config = {
        "command": " ".join([COMMAND, *map(shlex.quote, map(str, argv))]),
        "n_train": len(x_train), "n_test": len(x_test), "epochs": epochs, "seeds": list(range(args.seeds)),
        "num_samples": num_samples, "batch_size": BATCH_SIZE, "learning_rate": LEARNING_RATE,
        "hidden_dims": list(HIDDEN_DIMS), "latent_dim": LATENT_DIM, "likelihood": "bernoulli", "quick": args.quick,
        "torch_threads": args.torch_threads,
    }
    with tempfile.TemporaryDirectory(prefix="keras_vae_pythae_") as work:
        work = Path(work)
        data = work / "digits.npz"
        np.savez(data, x_train=x_train, x_test=x_test)
        peer = run_pythae(data, work, epochs, args.seeds, num_samples, args.venvs, args.torch_threads)
        if "failure" in peer and (work / "pythae_child.log").exists():
            peer["child_log_tail"] = (work / "pythae_child.log").read_text(errors="replace")[-4000:]
    score_pythae_runs(peer, x_test, num_samples)
    keras_runs = run_keras_vae(x_train, x_test, epochs, args.seeds, num_samples)
    info["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    report = assemble(config, info, keras_runs, peer)
    report["run_seconds"] = time.perf_counter() - started
    text = markdown(report)
    print("\n" + text)
    args.output.mkdir(parents=True, exist_ok=True)
    name = "peers_pythae" + ("_quick" if args.quick else "")
    (args.output / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.output / f"{name}.md").write_text(text)
    return report


if __name__ == "__main__":
    main()
