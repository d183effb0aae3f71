"""`benchmarks/peers/pythae_vae.py` with a fake pythae: no network, no torch.

The peer environment is this interpreter and the child a small numpy script that writes
result files of the real child's format. Its networks are chosen so keras_vae's estimator
has a closed form on them: zero encoder weights make q(z | x) the prior N(0, I), so every
importance weight is p(x | z), and a decoder with zero kernels and one bias c gives
p(x | z) = prod_d sigmoid(c)^x_d (1 - sigmoid(c))^(1 - x_d) for every z: NLL and negative
ELBO both equal -log of that, whatever the noise.
"""

import json
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from benchmarks.peers import _venv, pythae_vae
from keras_vae.data import load_digits

BIAS = -1.5  # the fake decoder's logit for every pixel

FAKE_CHILD = textwrap.dedent(
    """
    import argparse, json, os
    import numpy as np

    parser = argparse.ArgumentParser()
    for flag in ("--data", "--output", "--epochs", "--seed", "--num-samples", "--latent-dim",
                 "--batch-size", "--learning-rate"):
        parser.add_argument(flag)
    parser.add_argument("--hidden-dims", nargs="+", type=int)
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)
    x_test = np.load(args.data)["x_test"]
    latent, (h1, h2) = int(args.latent_dim), args.hidden_dims
    zeros = lambda *shape: np.zeros(shape, "float32")
    arrays = {
        "encoder/hidden.0/kernel": zeros(64, h1), "encoder/hidden.0/bias": zeros(h1),
        "encoder/hidden.1/kernel": zeros(h1, h2), "encoder/hidden.1/bias": zeros(h2),
        "encoder/mean/kernel": zeros(h2, latent), "encoder/mean/bias": zeros(latent),
        "encoder/log_var/kernel": zeros(h2, latent), "encoder/log_var/bias": zeros(latent),
        "decoder/hidden.0/kernel": zeros(latent, h2), "decoder/hidden.0/bias": zeros(h2),
        "decoder/hidden.1/kernel": zeros(h2, h1), "decoder/hidden.1/bias": zeros(h1),
        "decoder/logits/kernel": zeros(h1, 64), "decoder/logits/bias": np.full(64, BIAS, "float32"),
    }
    np.savez(os.path.join(args.output, "arrays.npz"), prior_samples=x_test, **arrays)
    result = {"versions": {"pythae": "9.9.9", "torch": "0.0.1"}, "torch_threads": 2,
              "seed": int(args.seed), "epochs": int(args.epochs), "train_seconds": 2.0,
              "train_losses": [31.0, 30.0], "final_train_loss": 30.0, "kept_epoch": 2,
              "nll": 31.25 + int(args.seed), "test_loss": 31.5}
    json.dump(result, open(os.path.join(args.output, "result.json"), "w"))
    """
).replace("BIAS", repr(BIAS))


def _fake_peer(monkeypatch, tmp_path, child_source):
    child = tmp_path / "fake_child.py"
    child.write_text(child_source)
    monkeypatch.setattr(pythae_vae, "CHILD", child)
    monkeypatch.setattr(pythae_vae, "peer_environment", lambda name, requirements, **kw: Path(sys.executable))
    monkeypatch.setattr(pythae_vae, "installed_versions",
                        lambda interpreter, names: {"pythae": "9.9.9", "torch": "0.0.1", "numpy": "1", "pydantic": "2"})


def _table_rows(text):
    return [line for line in text.splitlines() if line.startswith("| ") and "package, model" not in line]


def test_fake_pythae_run_is_scored_and_tabled(monkeypatch, tmp_path):
    _fake_peer(monkeypatch, tmp_path, FAKE_CHILD)
    report = pythae_vae.main(["--quick", "--epochs", "1", "--num-samples", "3", "--output", str(tmp_path / "out")])

    x_test = load_digits().x_test.reshape(-1, 64).astype("float64")
    p = 1 / (1 + np.exp(-BIAS))
    expected = -(x_test * np.log(p) + (1 - x_test) * np.log(1 - p)).sum(1).mean()
    pythae = report["results"][pythae_vae.PYTHAE]["summary"]
    assert pythae["nll"]["mean"] == pytest.approx(31.25)  # the child's own figure, passed through
    assert pythae["nll_keras_vae_estimator"]["mean"] == pytest.approx(expected, abs=1e-3)
    assert pythae["negative_elbo_keras_vae_estimator"]["mean"] == pytest.approx(expected, abs=1e-3)
    assert pythae["prior_samples_1nn"]["mean"] == pytest.approx(-0.5)  # the test images themselves
    assert pythae["train_samples_per_second"]["mean"] == pytest.approx(len(load_digits().x_train) / 2.0)

    ours = report["results"][pythae_vae.KERAS_VAE]["summary"]
    assert 20 < ours["nll"]["mean"] < 60
    assert ours["nll"]["mean"] <= ours["negative_elbo_keras_vae_estimator"]["mean"]
    assert ours["train_seconds"]["mean"] > 0

    text = (tmp_path / "out" / "peers_pythae_quick.md").read_text()
    saved = json.loads((tmp_path / "out" / "peers_pythae_quick.json").read_text())
    assert saved["results"][pythae_vae.PYTHAE]["summary"]["nll"]["mean"] == pytest.approx(31.25)
    assert "--quick --epochs 1 --num-samples 3" in text.splitlines()[0]
    rows = _table_rows(text)
    assert len(rows) == 2
    assert rows[0].startswith("| keras_vae ") and rows[1].startswith("| pythae 9.9.9 `VAE` (torch 0.0.1)")
    assert f"| 31.25 | {expected:.2f} | {expected:.2f} | 30.00 | 2.0 s | 629 | -0.500 |" in rows[1]
    assert "failed" not in text


def _canned_keras_runs(x_train, x_test, epochs, seeds, num_samples):
    return [{"seed": seed, "train_seconds": 1.0, "final_train_loss": 24.0, "nll": 24.5 + seed,
             "nll_keras_vae_estimator": 24.5 + seed, "negative_elbo_keras_vae_estimator": 25.0,
             "prior_samples_1nn": 0.3} for seed in range(seeds)]


def _failing_install(name, requirements, **kwargs):
    raise _venv.PeerFailure("install pythae==0.1.2 torch==2.14.1", ["pip", "install", "pythae==0.1.2"], 1,
                            "ERROR: No matching distribution found for torch==2.14.1")


@pytest.mark.parametrize("where", ["install", "child"])
def test_failed_peer_becomes_a_row_saying_what_failed(monkeypatch, tmp_path, where):
    _fake_peer(monkeypatch, tmp_path, "import sys\nprint('Traceback: pythae exploded')\nsys.exit(3)\n")
    if where == "install":
        monkeypatch.setattr(pythae_vae, "peer_environment", _failing_install)
    monkeypatch.setattr(pythae_vae, "run_keras_vae", _canned_keras_runs)
    report = pythae_vae.main(["--quick", "--seeds", "2", "--output", str(tmp_path)])

    failure = report["results"][pythae_vae.PYTHAE]["failure"]
    text = (tmp_path / "peers_pythae_quick.md").read_text()
    rows = _table_rows(text)
    assert len(rows) == 2
    assert "| 25.00 ± 0.50 | 25.00 ± 0.50 | 25.00 ± 0.00 | 24.00 ± 0.00 |" in rows[0]  # keras_vae still there
    assert rows[1].startswith("| pythae ") and f"failed: {failure['step']}" in rows[1]
    if where == "install":
        assert failure["step"].startswith("install pythae==0.1.2")
        assert "$ pip install pythae==0.1.2" in text
        assert "No matching distribution found for torch==2.14.1" in text
    else:
        assert failure["step"] == "run fake_child.py" and failure["returncode"] == 3
        assert "fake_child.py --data" in text
        assert "Traceback: pythae exploded" in text
    assert "summary" not in report["results"][pythae_vae.PYTHAE]


def test_pythae_weights_run_as_the_same_mlp():
    """The kernels the child writes (`x @ kernel + bias`) give torch's forward pass."""
    rng = np.random.default_rng(0)
    sizes = {"encoder/hidden.0": (64, 5), "encoder/hidden.1": (5, 4), "encoder/mean": (4, 2),
             "encoder/log_var": (4, 2), "decoder/hidden.0": (2, 4), "decoder/hidden.1": (4, 5),
             "decoder/logits": (5, 64)}
    arrays = {}
    for name, (a, b) in sizes.items():
        arrays[f"{name}/kernel"] = rng.normal(size=(a, b)).astype("float32")
        arrays[f"{name}/bias"] = rng.normal(size=b).astype("float32")
    layer = lambda h, name: h @ arrays[f"{name}/kernel"] + arrays[f"{name}/bias"]  # noqa: E731
    relu = lambda h: np.maximum(h, 0)  # noqa: E731
    x = rng.uniform(size=(3, 8, 8)).astype("float32")
    z = rng.normal(size=(3, 2)).astype("float32")
    h = relu(layer(relu(layer(x.reshape(3, 64), "encoder/hidden.0")), "encoder/hidden.1"))
    logits = layer(relu(layer(relu(layer(z, "decoder/hidden.0")), "decoder/hidden.1")), "decoder/logits")
    log_px = (x.reshape(3, 64) * logits - np.logaddexp(0, logits)).sum(1)

    encode, log_likelihood = pythae_vae.pythae_functions(arrays)
    mean, log_var = encode(x)
    np.testing.assert_allclose(np.asarray(mean), layer(h, "encoder/mean"), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.asarray(log_var), layer(h, "encoder/log_var"), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.asarray(log_likelihood(x, z)), log_px, rtol=1e-4, atol=1e-3)
