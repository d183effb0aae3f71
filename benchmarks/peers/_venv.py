"""Peers run beside keras_vae, each in a virtual environment of its own.

A peer benchmark (`benchmarks/peers/<peer>.py`) runs in keras_vae's environment: it writes
the data to a `.npz` file, asks `peer_environment` for the peer's environment (created once
under `--venvs`, default `~/.cache/keras_vae_peers/<name>`, with pinned requirements), runs
the peer's half of the work there with `run_in`, a child script that reads the data and
writes its results (JSON and `.npz` files), and scores those results with
`keras_vae.evaluation`, so every package is judged by the same code on the same data and
machine, in one run.

Failures are data: an install or a run that fails is returned as the command and the tail
of its output (`PeerFailure`), which the benchmark writes into its results table.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

#: Where the peers' environments live unless `--venvs` says otherwise.
DEFAULT_VENVS = Path(os.environ.get("KERAS_VAE_PEER_VENVS", Path.home() / ".cache" / "keras_vae_peers"))
_TAIL_LINES = 30


@dataclass
class PeerFailure(Exception):
    """A peer's install or run failed: the command and the end of its output."""

    step: str
    command: list
    returncode: int
    tail: str

    def __str__(self):
        return f"{self.step} failed (exit code {self.returncode}): {' '.join(map(str, self.command))}\n{self.tail}"

    def as_dict(self) -> dict:
        return {"step": self.step, "command": " ".join(map(str, self.command)),
                "returncode": self.returncode, "tail": self.tail}


def _run(step: str, command: list, log: Path, env: dict | None = None, cwd: Path | None = None) -> float:
    """Runs `command`, its output appended to `log`; returns its wall time in seconds."""
    started = time.perf_counter()
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(map(str, command))}\n")
        out.flush()
        process = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    if process.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-_TAIL_LINES:])
        raise PeerFailure(step, command, process.returncode, tail)
    return time.perf_counter() - started


def peer_environment(name: str, requirements: list[str], python: str = sys.executable,
                     venvs: Path = DEFAULT_VENVS, index_url: str | None = None) -> Path:
    """The Python interpreter of peer `name`'s environment, created with `requirements`
    (pinned, `"package==1.2.3"`) on first use and reused while they stay the same.

    Raises:
        PeerFailure: if the environment cannot be created or a requirement not installed.
    """
    venv = Path(venvs) / name
    interpreter = venv / "bin" / "python"
    stamp = venv / "keras_vae_requirements.json"
    wanted = {"python": python, "requirements": list(requirements), "index_url": index_url}
    if interpreter.exists() and stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return interpreter
    venv.parent.mkdir(parents=True, exist_ok=True)
    log = venv.parent / f"{name}_install.log"
    log.write_text("")
    _run("create the environment", [python, "-m", "venv", "--clear", str(venv)], log)
    extra = ["--index-url", index_url] if index_url else []
    _run("install " + " ".join(requirements),
         [str(interpreter), "-m", "pip", "install", "-q", *extra, *requirements], log)
    stamp.write_text(json.dumps(wanted))
    return interpreter


def installed_versions(interpreter: Path, distributions: list[str]) -> dict:
    """`{distribution: version}` as installed in a peer's environment."""
    code = (
        "import json, sys\nfrom importlib import metadata\n"
        "print(json.dumps({d: metadata.version(d) for d in sys.argv[1:]}))"
    )
    out = subprocess.run([str(interpreter), "-c", code, *distributions], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def run_in(interpreter: Path, script: Path, args: list, log: Path, env: dict | None = None) -> float:
    """Runs `script` with a peer's interpreter (no keras_vae on its path); returns the wall
    time in seconds.

    Raises:
        PeerFailure: if the script exits with an error.
    """
    child_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    child_env.update(env or {})
    return _run(f"run {Path(script).name}", [str(interpreter), str(script), *map(str, args)], log,
                env=child_env)
