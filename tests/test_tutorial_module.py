"""`keras_vae.tutorial`: what the numbered tutorials share with `keras-vae-tutorials`."""

import json
import re

import keras
import pytest

from keras_vae import tutorial

NAME = "09_example"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_VAE_OUTPUT", str(tmp_path / "out" / NAME))
    monkeypatch.setenv("KERAS_VAE_FAST", "1")
    return tutorial.start(NAME)


def test_start_reads_the_environment_and_makes_the_folder(run, tmp_path):
    assert run.name == NAME and run.fast is True
    assert run.output_dir == (tmp_path / "out" / NAME).resolve()
    assert run.output_dir.is_dir() and not any(run.output_dir.iterdir())
    assert run.seconds >= 0


def test_start_defaults_to_full_size_under_outputs(tmp_path, monkeypatch):
    monkeypatch.delenv("KERAS_VAE_OUTPUT", raising=False)
    monkeypatch.setenv("KERAS_VAE_FAST", "0")
    monkeypatch.chdir(tmp_path)
    run = tutorial.start(NAME)
    assert run.fast is False
    assert run.output_dir == (tmp_path / "outputs" / NAME).resolve() and run.output_dir.is_dir()


def test_results_splits_the_last_epoch_logs():
    final = {"loss": 1.5, "kl_loss": 0.25, "val_loss": 2.0, "val_kl_loss": 0.5}
    entry = tutorial.results(final, {"loss": 2.5}, active_units=3)
    assert entry == {
        "final_train": {"loss": 1.5, "kl_loss": 0.25},
        "final_val": {"loss": 2.0, "kl_loss": 0.5},
        "test": {"loss": 2.5},
        "extra": {"active_units": 3},
    }
    assert list(entry) == ["final_train", "final_val", "test", "extra"]


def test_results_takes_the_last_epoch_of_a_history():
    history = keras.callbacks.History()
    history.history = {"loss": [3.0, 2.0, 1.0], "val_loss": [4.0, 3.5, 3.25]}
    entry = tutorial.results(history, {"loss": 3.5})
    assert entry["final_train"] == {"loss": 1.0} and entry["final_val"] == {"loss": 3.25}
    assert entry["test"] == {"loss": 3.5} and entry["extra"] == {}


def test_report_writes_the_summary_and_says_what_the_folder_holds(run, capsys):
    (run.output_dir / "figure.png").write_bytes(b"png")
    models = {"Model": tutorial.results({"loss": 1.0, "val_loss": 2.0}, {"loss": 3.0}, score=0.5)}
    assert run.report(models) is None  # a notebook cell ending with it shows no dict
    summary = json.loads((run.output_dir / "summary.json").read_text())
    assert list(summary) == ["tutorial", "fast", "seconds", "models"]
    assert summary["tutorial"] == NAME and summary["fast"] is True and summary["seconds"] >= 0
    assert summary["models"] == models
    printed = capsys.readouterr().out
    assert re.fullmatch(r"wrote \['figure.png', 'summary.json'\] in \d+ s\n", printed), printed
