"""The README's promises, checked: its code runs and its commands are the CI's."""

import json
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _run_python(code, cwd):
    """Runs README code as a reader would: a fresh interpreter with the checkout importable."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_readme_quick_start_is_exactly_two_commands_and_ci_runs_the_second():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", quick_start, flags=re.S)
    assert len(commands) == 2 and all("\n" not in c for c in commands), commands
    assert "keras-vae-tutorials" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


def test_readme_chinese_section_gives_the_same_two_commands():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    chinese = README.split("## 中文说明", 1)[1].split("\n## ", 1)[0]
    def commands(text):
        return re.findall(r"```bash\n(.*?)\n```", text, flags=re.S)
    assert commands(chinese) == commands(quick_start)
    for link in ("docs/errata.zh-CN.md", "docs/tutorials"):
        assert link in chinese and (ROOT / link).exists(), link


def test_readme_model_fit_example_runs(tmp_path):
    block = README.split("## Train a VAE with `model.fit`", 1)[1]
    code = re.search(r"```python\n(.*?)\n```", block, flags=re.S).group(1)
    assert len([line for line in code.splitlines() if line.strip()]) <= 10
    code = code.replace("epochs=5", "epochs=1")  # same code, one epoch to stay fast
    result = _run_python(code, tmp_path)
    assert "'kl_loss'" in result.stdout and (tmp_path / "vae.keras").exists()


def test_readme_sequence_example_runs(tmp_path):
    block = README.split("## Sequence models", 1)[1]
    code = re.search(r"```python\n(.*?)\n```", block, flags=re.S).group(1)
    assert len([line for line in code.splitlines() if line.strip()]) <= 12
    code = code.replace("epochs=20", "epochs=1").replace("make_sines(2000", "make_sines(256")
    result = _run_python(code, tmp_path)
    assert "(4, 24, 5) (4, 24, 5)" in result.stdout


def test_readme_own_code_example_runs(tmp_path):
    # The section's script as printed, with two epochs: a strategy, XLA, every callback it
    # lists, and a reloaded checkpoint that trains on.
    block = README.split("## Using keras_vae models in your own code", 1)[1]
    code = re.search(r"```python\n(.*?)\n```", block, flags=re.S).group(1)
    assert "epochs=30" in code
    _run_python(code.replace("epochs=30", "epochs=2"), tmp_path)
    assert (tmp_path / "best.keras").exists() and not (tmp_path / "backup").exists()
    assert sorted(os.listdir(tmp_path / "samples")) == ["epoch_0002.png"]  # the last epoch
    assert any((tmp_path / "logs" / "validation").iterdir())  # TensorBoard event files


def test_readme_multi_worker_command_is_valid_tf_config():
    block = README.split("## Using keras_vae models in your own code", 1)[1].split("\n## ", 1)[0]
    command = re.search(r"```bash\n\s*(.*?)\n\s*```", block, flags=re.S).group(1)
    config = json.loads(re.match(r"TF_CONFIG='(.*)' python train\.py$", command).group(1))
    assert config["task"] == {"type": "worker", "index": 0} and len(config["cluster"]["worker"]) == 2
