"""`LSTMForecaster` with its defaults on real series, beside the naive baselines.

Command, from the repository root (`--quick`: a smoke run of a few seconds):

    PYTHONPATH=. python benchmarks/forecasting.py [--epochs N] [--seeds N] [--quick] [--output DIR]

Series, all shipped inside the statsmodels wheel (no download):

- `co2`: Mauna Loa CO2 (ppm), weekly 1958-2001 averaged to 526 months: a trend and a
  yearly season. Its test part lies above every training value.
- `sunspots`: yearly sunspot numbers 1700-2008 (309 values): an 11-year cycle, no trend.
- `nile`: the Nile's yearly flow at Aswan 1871-1970 (100 values): a level shift, noise.

Each is split in time 70/15/15 (`keras_vae.data.make_forecasting_splits`, standard
scaling on the train part), cut into windows of `WINDOW[name]` steps and the next value.
`LSTMForecaster(window, 1, seed=s)` is compiled with `compile()` and trained with
`fit(x_train, y_train, epochs=200, batch_size=32)`; everything else is a default
(`predict_change=True`). The same with `predict_change=False` shows what the default
buys. Baselines on the same test targets: persistence (the last value), seasonal naive (the
value one season back, for the seasonal series), and a linear autoregression on the same
windows fitted by least squares on the train windows. Errors are test MAEs in the
series' units; LSTM rows are mean ± std over `--seeds` seeds.
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
from benchmarks.vae_samples import describe
from keras_vae import LSTMForecaster
from keras_vae.data import load_sunspots, make_forecasting_splits

COMMAND = "PYTHONPATH=. python benchmarks/forecasting.py"
WINDOW = {"co2": 24, "sunspots": 22, "nile": 5}
SEASON = {"co2": 12, "sunspots": None, "nile": None}


def load(name):
    import statsmodels.api as sm

    if name == "co2":
        weekly = sm.datasets.co2.load_pandas().data["co2"]
        return weekly.resample("MS").mean().interpolate().to_numpy()
    if name == "sunspots":
        return load_sunspots().values
    return sm.datasets.nile.load_pandas().data["volume"].to_numpy(dtype="float64")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args(argv)
    epochs, seeds = (2, 1) if args.quick else (args.epochs, args.seeds)
    started = time.perf_counter()
    info = machine()
    results = {}
    for name, window in WINDOW.items():
        splits = make_forecasting_splits(load(name), window, 1)
        to_units = splits.inverse_transform_targets
        y_test = to_units(splits.y_test)  # (n, 1, 1)
        mae = lambda forecast: float(np.mean(np.abs(to_units(forecast) - y_test)))  # noqa: E731
        row = {"persistence": mae(splits.x_test[:, -1:, :1])}
        season = SEASON[name]
        if season:
            row["seasonal naive"] = mae(splits.x_test[:, -season : -season + 1, :1])
        flat = lambda x: np.c_[x.reshape(len(x), -1), np.ones(len(x))]  # noqa: E731
        coefficients, *_ = np.linalg.lstsq(flat(splits.x_train), splits.y_train.reshape(len(splits.y_train), -1), rcond=None)
        row["linear AR"] = mae((flat(splits.x_test) @ coefficients).reshape(splits.y_test.shape))
        for label, predict_change in (("LSTMForecaster (default)", True), ("LSTMForecaster(predict_change=False)", False)):
            errors = []
            for seed in range(seeds):
                keras.utils.set_random_seed(seed)
                model = LSTMForecaster(window, 1, predict_change=predict_change, seed=seed)
                model.compile()
                model.fit(splits.x_train, splits.y_train, epochs=epochs, batch_size=32, verbose=0)
                errors.append(mae(model.forecast(splits.x_test)))
            row[label] = (float(np.mean(errors)), float(np.std(errors)))
        results[name] = {"test_windows": len(y_test), "mae": row}
        print(name, row, f"{time.perf_counter() - started:.0f} s", flush=True)

    lines = ["| series (test windows) | " + " | ".join(["LSTMForecaster (default)", "predict_change=False", "persistence", "seasonal naive", "linear AR"]) + " | winner |", "|---" * 7 + "|"]
    verdicts = {}
    for name, result in results.items():
        row = result["mae"]
        cells = []
        for key in ("LSTMForecaster (default)", "LSTMForecaster(predict_change=False)", "persistence", "seasonal naive", "linear AR"):
            value = row.get(key)
            cells.append("–" if value is None else (f"{value[0]:.3f} ± {value[1]:.3f}" if isinstance(value, tuple) else f"{value:.3f}"))
        means = {k: (v[0] if isinstance(v, tuple) else v) for k, v in row.items()}
        verdicts[name] = means["LSTMForecaster (default)"] < means["persistence"]
        lines.append(f"| {name} ({result['test_windows']}) | " + " | ".join(cells) + f" | {min(means, key=means.get)} |")
    note = (
        f"Test MAE in the series' units (lower is better); LSTM rows mean ± std over {seeds} seed(s), {epochs} epochs. "
        "Target (issue 12): the default forecaster beats persistence on every series: "
        + ", ".join(f"{n} {'yes' if v else 'no'}" for n, v in verdicts.items())
        + f". Machine: {describe(info)}. Run time {time.perf_counter() - started:.0f} s."
    )
    table = "\n".join(lines)
    print(table + "\n\n" + note)
    args.output.mkdir(parents=True, exist_ok=True)
    stem = "forecasting_quick" if args.quick else "forecasting"
    command = COMMAND + (" --quick" if args.quick else "")
    (args.output / f"{stem}.md").write_text(f"`{command}`\n\n{table}\n\n{note}\n")
    (args.output / f"{stem}.json").write_text(json.dumps({"command": command, "results": results, "beats_persistence": verdicts, "note": note}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
