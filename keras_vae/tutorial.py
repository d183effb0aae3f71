"""What every numbered tutorial shares with the runner: its size, its output folder and
its `summary.json`, so a tutorial holds only its own story.

`keras-vae-tutorials` runs each tutorial with `KERAS_VAE_OUTPUT=<output>/<NN_title>` and
`KERAS_VAE_FAST=1` under `--fast`; run by hand (as a script or a notebook), a tutorial
writes to `outputs/<NN_title>/` at full size.

Example:
>>> run = tutorial.start("01_dense_autoencoder")   # run.fast, run.output_dir
>>> history = model.fit(...)
>>> run.report({"DenseAutoencoder": tutorial.results(history, model.evaluate(..., return_dict=True))})
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

__all__ = ["Tutorial", "results", "start"]


class Tutorial:
    """One run of a tutorial: `fast` (smoke-test size), `output_dir` (created) and
    `report`, which writes the run's `summary.json`.

    Args:
        name: the tutorial's file stem, e.g. `"01_dense_autoencoder"`.
    """

    def __init__(self, name: str):
        self.name = name
        self.fast = os.environ.get("KERAS_VAE_FAST", "0") == "1"
        self.output_dir = Path(os.environ.get("KERAS_VAE_OUTPUT") or Path("outputs") / name).resolve()
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self._start = time.perf_counter()

    @property
    def seconds(self) -> float:
        """Seconds since `start`."""
        return time.perf_counter() - self._start

    def report(self, models: dict) -> None:
        """Writes `summary.json` (this tutorial's name, size, run time and `models`, a
        dict of model name to `results(...)`) and prints what the output folder holds.
        The runner merges these files into its own summary. Returns None, so a notebook
        cell ending with it shows only the printed line."""
        summary = {"tutorial": self.name, "fast": self.fast, "seconds": self.seconds, "models": models}
        (self.output_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        print(f"wrote {sorted(p.name for p in self.output_dir.iterdir())} in {summary['seconds']:.0f} s")


def start(name: str) -> Tutorial:
    """Starts the clock of tutorial `name` and makes its output folder."""
    return Tutorial(name)


def results(final, test: dict, **extra) -> dict:
    """One model's entry in `summary.json`.

    Args:
        final: the `History` of its `fit`, or the last epoch's logs (a dict with `val_`
            entries for the validation terms).
        test: `evaluate(..., return_dict=True)` on held-out data.
        **extra: other numbers the tutorial reports (scores, rates, ...).
    """
    if hasattr(final, "history"):
        final = {name: values[-1] for name, values in final.history.items()}
    return {
        "final_train": {k: v for k, v in final.items() if not k.startswith("val_")},
        "final_val": {k[4:]: v for k, v in final.items() if k.startswith("val_")},
        "test": test,
        "extra": extra,
    }
