"""`benchmarks/peers/_venv.py`: peers' environments are made once and reused, their runs
see no keras_vae, and a failure is reported with its command and output."""

import json
import sys

import pytest

from benchmarks.peers import _venv


def test_a_failing_step_reports_its_command_and_output(tmp_path):
    log = tmp_path / "log.txt"
    with pytest.raises(_venv.PeerFailure) as failure:
        _venv._run("try", [sys.executable, "-c", "print('partial'); raise SystemExit(3)"], log)
    assert failure.value.returncode == 3 and "partial" in failure.value.tail
    assert failure.value.as_dict()["step"] == "try" and "SystemExit(3)" in str(failure.value)


def test_run_in_hides_keras_vae_from_the_peer(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/somewhere/keras_vae_checkout")
    script = tmp_path / "child.py"
    script.write_text("import os, sys, pathlib\n"
                      "pathlib.Path(sys.argv[1]).write_text(os.environ.get('PYTHONPATH', 'unset'))\n")
    seconds = _venv.run_in(sys.executable, script, [tmp_path / "out.txt"], tmp_path / "log.txt")
    assert seconds > 0 and (tmp_path / "out.txt").read_text() == "unset"


@pytest.mark.slow
def test_an_environment_with_the_same_requirements_is_reused(tmp_path):
    venv = tmp_path / "peer"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    wanted = {"python": sys.executable, "requirements": ["numpy==1.0"], "index_url": None}
    (venv / "keras_vae_requirements.json").write_text(json.dumps(wanted))
    assert _venv.peer_environment("peer", ["numpy==1.0"], venvs=tmp_path) == venv / "bin" / "python"
    # Other requirements: it is made again, here with a requirement pip cannot find offline.
    with pytest.raises(_venv.PeerFailure, match="install"):
        _venv.peer_environment("peer", ["--no-index", "no-such-package-keras-vae==0"], venvs=tmp_path)
    assert _venv.installed_versions(sys.executable, ["numpy"])["numpy"]
