"""pythae's half of `benchmarks/peers/pythae_vae.py`; runs in pythae's own environment.

Not for direct use: the parent (`pythae_vae.py`, in keras_vae's environment) writes the
digits to an `.npz` file and runs this script with the peer environment's interpreter:

    python _pythae_child.py --data DATA.npz --output DIR --epochs N --seed S --num-samples K [--torch-threads N] [--init {torch,glorot}]

It imports neither keras_vae nor TensorFlow. It builds pythae's `VAE` around an encoder and
a decoder of the benchmark's sizes (pythae's `BaseEncoder` / `BaseDecoder`, PyTorch's
default initialisers unless `--init glorot`, a diagnostic), trains it with pythae's `BaseTrainer` (Adam, batch 64, no eval set,
so pythae keeps the epoch with the lowest training loss as its final model), scores that
model on the test split with pythae's `VAE.get_nll`, and writes to DIR:

- `result.json`: versions, wall times, the per-epoch training losses, pythae's NLL;
- `arrays.npz`: the final model's weights (as `x @ kernel + bias` kernels, for the parent to
  score the same networks with keras_vae's estimator) and images decoded from N(0, I)
  with pythae's `NormalSampler`, as many as the test split holds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from importlib import metadata

import numpy as np
import torch
from pythae.data.datasets import BaseDataset, DatasetOutput
from pythae.models import VAE, VAEConfig
from pythae.models.base.base_utils import ModelOutput
from pythae.models.nn import BaseDecoder, BaseEncoder
from pythae.samplers import NormalSampler
from pythae.trainers import BaseTrainer, BaseTrainerConfig
from pythae.trainers.training_callbacks import TrainingCallback
from torch import nn

INPUT_DIM = (1, 8, 8)  # pythae wants (channels, height, width)


class MLPEncoder(BaseEncoder):
    """64 -> 256 -> 128 -> (mean, log-variance), ReLU."""

    def __init__(self, hidden_dims, latent_dim):
        super().__init__()
        sizes = [int(np.prod(INPUT_DIM)), *hidden_dims]
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.mean = nn.Linear(sizes[-1], latent_dim)
        self.log_var = nn.Linear(sizes[-1], latent_dim)

    def forward(self, x):
        h = x.reshape(x.shape[0], -1)
        for layer in self.hidden:
            h = torch.relu(layer(h))
        return ModelOutput(embedding=self.mean(h), log_covariance=self.log_var(h))


class MLPDecoder(BaseDecoder):
    """latent -> 128 -> 256 -> 64 Bernoulli means (sigmoid), ReLU."""

    def __init__(self, hidden_dims, latent_dim):
        super().__init__()
        sizes = [latent_dim, *reversed(hidden_dims)]
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.logits = nn.Linear(sizes[-1], int(np.prod(INPUT_DIM)))

    def forward(self, z):
        h = z
        for layer in self.hidden:
            h = torch.relu(layer(h))
        return ModelOutput(reconstruction=torch.sigmoid(self.logits(h)).reshape(z.shape[0], *INPUT_DIM))


class LossHistory(TrainingCallback):
    """Keeps the epoch losses pythae's trainer logs."""

    def __init__(self):
        self.losses = []

    def on_log(self, training_config, logs, **kwargs):
        if "train_epoch_loss" in logs:
            self.losses.append(float(logs["train_epoch_loss"]))


def kernels(module: nn.Module, prefix: str) -> dict:
    """`{prefix/name/kernel: (in, out), prefix/name/bias: (out,)}` of every `nn.Linear`."""
    arrays = {}
    for name, layer in module.named_modules():
        if isinstance(layer, nn.Linear):
            arrays[f"{prefix}/{name}/kernel"] = layer.weight.detach().numpy().T.astype("float32")
            arrays[f"{prefix}/{name}/bias"] = layer.bias.detach().numpy().astype("float32")
    return arrays


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help=".npz with x_train and x_test, (n, 8, 8) in [0, 1]")
    parser.add_argument("--output", required=True, help="directory for result.json and arrays.npz")
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--num-samples", type=int, default=1000, help="importance samples k of get_nll")
    parser.add_argument("--hidden-dims", type=int, nargs="+", default=[256, 128])
    parser.add_argument("--latent-dim", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--torch-threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    parser.add_argument("--init", choices=("torch", "glorot"), default="torch",
                        help="layer initialisers: nn.Linear's (default) or Keras' (Glorot uniform, zero biases)")
    args = parser.parse_args(argv)
    if args.torch_threads is not None:
        torch.set_num_threads(args.torch_threads)
    os.makedirs(args.output, exist_ok=True)

    with np.load(args.data) as data:
        x_train = torch.from_numpy(data["x_train"].astype("float32").reshape(-1, *INPUT_DIM))
        x_test = torch.from_numpy(data["x_test"].astype("float32").reshape(-1, *INPUT_DIM))

    torch.manual_seed(args.seed)  # the initial weights; the trainer seeds its own shuffling
    config = VAEConfig(input_dim=INPUT_DIM, latent_dim=args.latent_dim, reconstruction_loss="bce")
    model = VAE(config, encoder=MLPEncoder(args.hidden_dims, args.latent_dim),
                decoder=MLPDecoder(args.hidden_dims, args.latent_dim))
    if args.init == "glorot":  # a diagnostic: the initial weights keras_vae's layers get
        for layer in model.modules():
            if isinstance(layer, nn.Linear):
                nn.init.xavier_uniform_(layer.weight)
                nn.init.zeros_(layer.bias)
    history = LossHistory()
    with tempfile.TemporaryDirectory() as checkpoints:
        training_config = BaseTrainerConfig(
            output_dir=checkpoints, num_epochs=args.epochs, learning_rate=args.learning_rate,
            per_device_train_batch_size=args.batch_size, optimizer_cls="Adam", seed=args.seed, no_cuda=True,
        )
        trainer = BaseTrainer(model, train_dataset=BaseDataset(x_train, torch.zeros(len(x_train))),
                              training_config=training_config, callbacks=[history])
        started = time.perf_counter()
        trainer.train()  # pythae's loop, its progress bars, its best-model copies and final save
        train_seconds = time.perf_counter() - started
    final = trainer._best_model  # what pythae saves as final_model: the lowest training loss
    final.eval()

    started = time.perf_counter()
    torch.manual_seed(args.seed)
    with torch.no_grad():
        # get_nll returns the mean log p(x) (nats per image) and draws max(k, batch_size)
        # samples when k <= batch_size: batch_size = k gives exactly k.
        log_likelihood = float(final.get_nll(x_test, n_samples=args.num_samples,
                                             batch_size=min(args.num_samples, 1000)))
        test_loss = float(final(DatasetOutput(data=x_test)).loss)  # pythae's objective, 1 sample
    score_seconds = time.perf_counter() - started

    torch.manual_seed(args.seed)
    with torch.no_grad():
        samples = NormalSampler(final).sample(num_samples=len(x_test), batch_size=len(x_test))
    np.savez(os.path.join(args.output, "arrays.npz"),
             prior_samples=samples.numpy().reshape(len(x_test), 8, 8).astype("float32"),
             **kernels(final.encoder, "encoder"), **kernels(final.decoder, "decoder"))
    losses = history.losses
    result = {
        "versions": {name: metadata.version(name) for name in ("pythae", "torch", "numpy", "pydantic")},
        "python": platform.python_version(),
        "torch_threads": torch.get_num_threads(),
        "seed": args.seed,
        "init": args.init,
        "epochs": args.epochs,
        "n_train": len(x_train),
        "n_test": len(x_test),
        "num_samples": args.num_samples,
        "train_seconds": train_seconds,
        "score_seconds": score_seconds,
        "train_losses": losses,
        "final_train_loss": losses[-1] if losses else None,
        "kept_epoch": int(np.argmin(losses)) + 1 if losses else None,
        "nll": -log_likelihood,
        "test_loss": test_loss,
    }
    with open(os.path.join(args.output, "result.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    print(json.dumps({k: v for k, v in result.items() if k != "train_losses"}), flush=True)


if __name__ == "__main__":
    main()
