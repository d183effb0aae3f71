"""The numbered tutorials run end to end, and `keras-vae-tutorials` collects their results.

Each tutorial runs once, in fast mode (`KERAS_VAE_FAST=1`), as a plain script in a fresh
process with `MPLBACKEND=Agg`, from a temporary working folder (not the checkout), exactly
as a reader would run it. The runner is tested once on tutorial 01 (rendered as a notebook and
a page, as the main job does) and on tutorials that fail, as notebooks and as scripts. The format tests read the files as jupytext notebooks.
"""

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest

from keras_vae import errata, run_tutorials

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = sorted((ROOT / "tutorials").glob("[0-9][0-9]_*.py"))
IDS = [path.stem for path in TUTORIALS]

#: The figures each tutorial must write; a tutorial not listed must write at least one.
EXPECTED_FIGURES = {
    "01_dense_autoencoder": {
        "reconstructions.png", "code_space.png", "code_grid.png", "samples.png",
        "training_curves.png",
    },
    "02_dense_vae": {
        "reconstructions.png", "latent_space.png", "latent_grid.png", "samples.png",
        "training_curves.png", "beta_comparison.png", "likelihoods.png",
    },
    "03_lstm_forecaster": {
        "series_split.png", "training_curves.png", "test_forecast.png", "lead_time_mae.png",
        "forecast_windows.png",
    },
    "04_lstm_autoencoder_anomalies": {
        "training_curves.png", "anomaly_scores.png", "reconstructions.png",
    },
    "05_lstm_vae": {
        "annealing_curves.png", "runs_comparison.png", "kl_per_dimension.png",
        "reconstructions.png", "collapsed_reconstructions.png", "samples.png",
        "interpolation.png",
    },
    "06_sequence_gan": {
        "real_sequences.png", "training_curves.png", "real_vs_synthetic.png", "samples.png",
        "pca_tsne.png",
    },
    "07_evaluating_generative_models": {
        "likelihood_bounds.png", "kl_per_dimension.png", "samples.png",
        "sequence_samples.png", "pca_tsne.png",
    },
}
MAX_CODE_LINES = 300
TIMEOUT = 300  # seconds per tutorial process; fast mode takes well under a minute


def _environment(**extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith("KERAS_VAE_")}
    env.update(MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2", KERAS_VAE_FAST="1", **extra)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _check_summary(summary, stem, fast=True):
    assert summary["tutorial"] == stem
    assert summary["fast"] is fast
    assert summary["models"], "summary.json lists no model"
    for name, model in summary["models"].items():
        assert set(model) >= {"final_train", "final_val", "test", "extra"}, name
        assert "loss" in model["test"] and "loss" in model["final_train"], name
        assert set(model["final_val"]) == set(model["final_train"]), name
        for part in ("final_train", "final_val", "test", "extra"):
            for key, value in model[part].items():
                assert isinstance(value, (int, float)), f"{name}.{part}.{key}={value!r}"
                assert math.isfinite(value), f"{name}.{part}.{key}={value!r}"


def test_tutorials_found():
    assert [path.name[:2] for path in TUTORIALS][:2] == ["01", "02"]


@pytest.fixture(scope="module", params=TUTORIALS, ids=IDS)
def fast_run(request, tmp_path_factory):
    """Runs one tutorial as a script from an empty folder, with the default output folder."""
    path = request.param
    workdir = tmp_path_factory.mktemp(path.stem)
    process = subprocess.run(
        [sys.executable, str(path)], cwd=workdir, env=_environment(), capture_output=True,
        text=True, timeout=TIMEOUT,
    )
    return path, workdir / "outputs" / path.stem, process


def test_tutorial_runs_fast(fast_run):
    path, output, process = fast_run
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-5000:]
    # The errata cell printed this tutorial's entries.
    entries = errata.for_tutorial(path.name[:2])
    assert entries and all(entry.id in process.stdout for entry in entries)


def test_tutorial_writes_figures_and_summary(fast_run):
    path, output, process = fast_run
    assert process.returncode == 0, process.stderr[-3000:]
    figures = {p.name for p in output.glob("*.png")}
    expected = EXPECTED_FIGURES.get(path.stem)
    if expected is None:
        assert figures, f"{path.stem} wrote no figure"
    else:
        assert expected <= figures, f"missing: {sorted(expected - figures)}"
    for figure in figures:
        assert (output / figure).stat().st_size > 1000, figure
    summary = json.loads((output / "summary.json").read_text())
    _check_summary(summary, path.stem)
    assert summary["seconds"] > 0


@pytest.mark.parametrize("path", TUTORIALS, ids=IDS)
def test_tutorial_format(path):
    text = path.read_text(encoding="utf-8")
    notebook = jupytext.reads(text, fmt="py:percent")
    cells = notebook.cells
    kinds = {cell.cell_type for cell in cells}
    assert kinds == {"markdown", "code"}
    # Header: a title, run time and the article section it corrects, in the first cell.
    header = cells[0]
    assert header.cell_type == "markdown" and header.source.startswith("# Tutorial ")
    for needed in ("**Description:**", "**Run time:**", "2 CPU cores", "**Corrects:**"):
        assert needed in header.source, needed
    headings = [
        line for cell in cells if cell.cell_type == "markdown"
        for line in cell.source.splitlines() if line.startswith("#")
    ]
    for section in ("## Setup", "## The objective", "## Data", "## Model", "## Training",
                    "## Results", "## What the article got wrong", "## Conclusion"):
        assert section in headings, section
    markdown = "\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
    assert re.search(r"\\tag\{1\}", markdown), "the objective has no numbered equation"
    # Expected numbers, with the date of the run that produced them.
    assert re.search(r"\b20\d\d-\d\d-\d\d\b", markdown) and "Expected" in markdown, "no dated expected numbers"
    assert "TBD" not in text
    code = "\n".join(cell.source for cell in cells if cell.cell_type == "code")
    number = path.name[:2]
    assert f'errata.for_tutorial("{number}")' in code
    # The runner's bookkeeping (size, output folder, summary.json) lives in keras_vae.tutorial.
    assert f'tutorial.start("{path.stem}")' in code and "run.report(" in code
    assert "KERAS_VAE_FAST" not in code and "summary.json" not in code
    assert "validation_data=" in code
    assert "plt.show" not in code
    lines = [
        line for line in code.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    assert len(lines) <= MAX_CODE_LINES, f"{len(lines)} lines of code"


def test_runner_runs_one_tutorial(tmp_path, capsys):
    output, pages = tmp_path / "out", tmp_path / "pages"
    code = run_tutorials.main(
        ["--fast", "--quiet", "--output", str(output), "--only", "01", "--pages", str(pages)]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "[1/1] 01_dense_autoencoder: OK" in printed
    summary = json.loads((output / "summary.json").read_text())
    assert summary["status"] == "ok" and summary["fast"] is True
    assert list(summary["tutorials"]) == ["01_dense_autoencoder"]
    entry = summary["tutorials"]["01_dense_autoencoder"]
    assert entry["status"] == "ok" and entry["returncode"] == 0 and entry["seconds"] > 0
    assert set(entry["figures"]) == EXPECTED_FIGURES["01_dense_autoencoder"]
    _check_summary(entry, "01_dense_autoencoder")
    assert (output / "01_dense_autoencoder" / "log.txt").read_text().strip()
    table = (output / "summary.md").read_text()
    assert "## 01_dense_autoencoder: OK" in table and "| | DenseAutoencoder |" in table
    loss = _format(entry["models"]["DenseAutoencoder"]["test"]["loss"])
    assert f"| test loss | {loss} |" in table and "| test reconstruction_loss |" in table
    # Rendered by default: the executed notebook and its page, copied to --pages.
    folder = output / "01_dense_autoencoder"
    assert entry["page"] == "01_dense_autoencoder/01_dense_autoencoder.md"
    assert (folder / "01_dense_autoencoder.ipynb").is_file()
    page = (pages / "01_dense_autoencoder.md").read_text()
    assert page == (folder / "01_dense_autoencoder.md").read_text()
    assert "fast mode" in page and "--pages" in page
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page)
    assert images and all((pages / image).is_file() for image in images)


@pytest.mark.parametrize("options", [[], ["--no-render"]], ids=["notebook", "script"])
def test_runner_reports_a_failing_tutorial(tmp_path, monkeypatch, capsys, options):
    folder = tmp_path / "tutorials"
    folder.mkdir()
    (folder / "01_broken.py").write_text("print('starting')\nraise RuntimeError('boom')\n")
    (folder / "02_no_summary.py").write_text("print('done')\n")
    (folder / "notes.py").write_text("raise SystemExit('not a numbered tutorial')\n")
    monkeypatch.setattr(
        run_tutorials, "find_tutorials",
        lambda stack: run_tutorials._numbered(folder.iterdir()),
    )
    output = tmp_path / "out"
    code = run_tutorials.main(["--quiet", "--output", str(output), *options])
    printed = capsys.readouterr().out
    assert code == 1
    summary = json.loads((output / "summary.json").read_text())
    assert summary["status"] == "failed"
    assert list(summary["tutorials"]) == ["01_broken", "02_no_summary"]
    broken, no_summary = summary["tutorials"].values()
    assert broken["status"] == "failed" and broken["returncode"] == 1
    assert "RuntimeError: boom" in (output / "01_broken" / "log.txt").read_text()
    assert "RuntimeError: boom" in printed  # --quiet still shows how a failure ended
    assert no_summary["status"] == "failed" and "summary.json" in no_summary["error"]
    assert "FAILED" in (output / "summary.md").read_text()


# Each waits for the other to start: they finish only if they run at the same time.
WAITS_FOR = """import json, os, pathlib, sys, time
here = pathlib.Path.cwd()
(here.parent / "started_{me}").touch()
deadline = time.time() + 60
while not (here.parent / "started_{other}").exists():
    if time.time() > deadline:
        sys.exit("tutorial {other} never started while {me} ran")
    time.sleep(0.05)
print("line one\\nline two")
print("threads", os.environ.get("TF_NUM_INTRAOP_THREADS"), os.environ.get("TF_NUM_INTEROP_THREADS"))
(here / "summary.json").write_text(json.dumps({{"models": {{"M{me}": {{"test": {{"loss": {me}.5}}}}}}}}))
"""


def test_runner_runs_tutorials_at_the_same_time(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "tutorials"
    folder.mkdir()
    for me, other in (("02", "01"), ("01", "02")):  # written out of order on purpose
        (folder / f"{me}_waits.py").write_text(WAITS_FOR.format(me=int(me), other=int(other)))
    monkeypatch.setattr(
        run_tutorials, "find_tutorials", lambda stack: run_tutorials._numbered(folder.iterdir())
    )
    monkeypatch.delenv("TF_NUM_INTRAOP_THREADS", raising=False)
    monkeypatch.delenv("TF_NUM_INTEROP_THREADS", raising=False)
    output = tmp_path / "out"
    code = run_tutorials.main(["--jobs", "2", "--no-render", "--output", str(output)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "2 at a time" in printed
    # Each gets its share of the cores for TensorFlow's thread pools.
    share = max(1, run_tutorials._usable_cores() // 2)
    assert f"01 | threads {share} {share}\n" in printed
    # Each echoed line names its tutorial; the results keep the tutorials' order.
    assert "01 | line one\n" in printed and "02 | line two\n" in printed
    summary = json.loads((output / "summary.json").read_text())
    assert list(summary["tutorials"]) == ["01_waits", "02_waits"]
    assert [e["models"] for e in summary["tutorials"].values()] == [
        {"M1": {"test": {"loss": 1.5}}}, {"M2": {"test": {"loss": 2.5}}},
    ]
    # One at a time, the first waits in vain for the second and fails.
    (output / "started_2").unlink()
    (output / "started_1").unlink()
    code = run_tutorials.main(
        ["--jobs", "1", "--no-render", "--quiet", "--timeout", "5", "--output", str(output)]
    )
    assert code == 1 and "timed out" in capsys.readouterr().out


def test_runner_echo_keeps_lines_whole(capsys):
    echo = run_tutorials._Echo("07 | ")
    for chunk in ("Epoch 1", "/3\nloss 0.5\nEpo", "ch 2/3\n", "last"):
        echo(chunk)
    assert capsys.readouterr().out == "07 | Epoch 1/3\n07 | loss 0.5\n07 | Epoch 2/3\n"
    echo.close()
    assert capsys.readouterr().out == "07 | last\n"


def test_runner_default_jobs_and_bad_jobs(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(2)), raising=False)
    assert run_tutorials.default_jobs() == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert run_tutorials.default_jobs() == run_tutorials.MAX_DEFAULT_JOBS
    for bad in ("0", "-1", "two"):
        with pytest.raises(SystemExit):
            run_tutorials.main(["--jobs", bad, "--list"])


def test_runner_kills_its_children_on_request():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    children = run_tutorials._Children()
    children.add(child)
    children.kill_all()
    assert child.wait(timeout=10) != 0


def _format(value):
    return f"{value:.4g}"


def test_runner_names_the_cpu(monkeypatch, tmp_path):
    # Seeded numbers repeat per CPU model, so each run's header names it.
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: Test CPU 9000\nflags\t\t: fpu sse avx avx2 fma\n",
                       encoding="utf-8")
    real_open = open
    monkeypatch.setattr("builtins.open", lambda path, *a, **k: real_open(cpuinfo if path == "/proc/cpuinfo" else path, *a, **k))
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    assert run_tutorials.cpu_name() == "Test CPU 9000"
    assert run_tutorials._versions().endswith(" cores of Test CPU 9000 (AVX2)")
    # Kernels (and so the last digits) follow the instruction set oneDNN may use.
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX")
    assert run_tutorials._versions().endswith(" cores of Test CPU 9000 (AVX2), ONEDNN_MAX_CPU_ISA=AVX")
    monkeypatch.setattr("builtins.open", lambda *a, **k: (_ for _ in ()).throw(OSError("no such file")))
    monkeypatch.setattr(run_tutorials.platform, "processor", lambda: "")
    assert run_tutorials.cpu_name() == "unknown CPU" and run_tutorials._vector_extensions() is None


def test_runner_tables_merge_standard_deviations():
    models = {
        "A": {"test": {"loss": 1.5}, "extra": {"nll": 2.0, "nll_std": 0.25, "seeds": 3}},
        "B": {"test": {"loss": 2.5, "mae": 0.5}, "extra": {}},
    }
    lines = run_tutorials._tutorial_table(models)
    assert lines[0] == "| | A | B |"
    assert lines[2:] == [
        "| test loss | 1.5 | 2.5 |", "| test mae | - | 0.5 |", "| nll | 2 ± 0.25 | - |", "| seeds | 3 | - |",
    ]


def test_runner_only_selects_by_number_or_name():
    paths = [Path("01_dense_autoencoder.py"), Path("02_dense_vae.py")]
    assert run_tutorials.select(paths, ["2"]) == paths[1:]
    assert run_tutorials.select(paths, ["02_dense", "01"]) == paths
    assert run_tutorials.select(paths, None) == paths
    with pytest.raises(ValueError, match="matches no tutorial"):
        run_tutorials.select(paths, ["07"])
    with pytest.raises(SystemExit):
        run_tutorials.main(["--only", "99"])
    with pytest.raises(SystemExit):  # pages come only from rendered notebooks
        run_tutorials.main(["--only", "01", "--no-render", "--pages", "pages"])
