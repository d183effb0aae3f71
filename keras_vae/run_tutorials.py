"""Runs the numbered tutorials and collects their results: the `keras-vae-tutorials` command.

Each tutorial (`tutorials/NN_title.py`) runs in its own process, with `MPLBACKEND=Agg` (no
display needed), `KERAS_VAE_OUTPUT=<output>/<NN_title>` (where it writes its figures and
`summary.json`) and `KERAS_VAE_FAST=1` under `--fast`:

- by default as a notebook in a fresh Jupyter kernel (`keras_vae.notebooks`), which also
  writes `<NN_title>.ipynb` (executed) and `<NN_title>.md` with `<NN_title>_files/` (a
  Markdown page with the prose, code, output and figures) into the same folder; `--pages
  DIR` copies each page and its figures into DIR (the repository keeps a full run's pages in
  `docs/tutorials/`);
- with `--no-render`, or when the rendering tools (the `tutorials` extra: jupytext,
  nbclient, ipykernel, nbconvert) are not installed, as a plain script.

Up to `--jobs` tutorials run at once (default: one per usable CPU core, at most 4; see
`default_jobs`). Each one's output is streamed to `<output>/<NN_title>/log.txt` and to the
console, where each line starts with the tutorial's number when several run at once. When all have
run, the tutorials' `summary.json` files are merged into `<output>/summary.json`, with each
tutorial's status and run time, and `<output>/summary.md` shows one small table per
tutorial with the numbers it reports. The exit code is 1 if any tutorial failed, else 0.

The tutorials are looked up next to the package in a source checkout (`tutorials/`), else
in the installed package data (`keras_vae.tutorials`, which `pip install` fills from the
same folder).

Example:

```
keras-vae-tutorials --fast                       # every tutorial, smoke-test size
keras-vae-tutorials --only 02 --output results   # one tutorial, full size
keras-vae-tutorials --output out --pages docs/tutorials   # what docs/tutorials comes from
keras-vae-tutorials --jobs 1                     # one after the other
python -m keras_vae.run_tutorials --list
```
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime
import json
import math
import os
import platform
import re
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import keras_vae

#: A tutorial is a file named like `01_dense_autoencoder.py`.
TUTORIAL_NAME = re.compile(r"^(\d{2})_\w+\.py$")
#: Lines of a failed tutorial's log repeated on the console.
FAILURE_TAIL_LINES = 25
_PACKAGE_ROOT = Path(keras_vae.__file__).resolve().parent
#: Default for `--jobs` is the usable CPU cores, at most this many.
MAX_DEFAULT_JOBS = 4
_CONSOLE = threading.Lock()  # one tutorial's line at a time on the console


def default_jobs() -> int:
    """Tutorials run at once by default: one per usable CPU core, at most `MAX_DEFAULT_JOBS`.

    A tutorial's small models keep about one core busy (its training steps run one after
    another), so on 2 cores two tutorials at a time take about half the wall time of one
    after the other, and each tutorial's numbers stay what they are alone: TensorFlow's
    thread pools are sized by the machine, not by its load.
    """
    return max(1, min(_usable_cores(), MAX_DEFAULT_JOBS))


class _Children:
    """The processes the running tutorials started (scripts, notebook kernels): killed on
    Ctrl-C, since a notebook kernel runs in its own session and does not see the signal."""

    def __init__(self):
        self._lock = threading.Lock()
        self._processes = set()

    def add(self, process) -> None:
        with self._lock:
            self._processes.add(process)

    def discard(self, process) -> None:
        with self._lock:
            self._processes.discard(process)

    def kill_all(self) -> None:
        with self._lock:
            processes = list(self._processes)
        for process in processes:
            with contextlib.suppress(OSError):
                process.kill()


_CHILDREN = _Children()


class _Echo:
    """Shows a tutorial's output on the console, whole lines at a time, each line after
    `prefix` (its number when several tutorials run at once)."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self._partial = ""

    def __call__(self, text: str) -> None:
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()
        self._show(lines)

    def close(self) -> None:
        if self._partial:
            self._show([self._partial])
            self._partial = ""

    def _show(self, lines) -> None:
        if lines:
            with _CONSOLE:
                sys.stdout.write("".join(f"{self.prefix}{line}\n" for line in lines))
                sys.stdout.flush()


def _say(text: str) -> None:
    with _CONSOLE:
        print(text, flush=True)


def _numbered(paths) -> list:
    return sorted((p for p in paths if TUTORIAL_NAME.match(p.name)), key=lambda p: p.name)


def find_tutorials(stack: contextlib.ExitStack) -> list[Path]:
    """Returns the numbered tutorial files, sorted by number.

    Looks in the source checkout first (`<checkout>/tutorials`, where `<checkout>` holds
    `pyproject.toml` and the `keras_vae` package), then in the installed package data
    `keras_vae.tutorials`. Files inside a zipped install are extracted to temporary files
    that live as long as `stack`.

    Raises:
        FileNotFoundError: if neither place holds a tutorial.
    """
    checkout = _PACKAGE_ROOT.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "tutorials").is_dir():
        found = _numbered((checkout / "tutorials").iterdir())
        if found:
            return found
    try:
        installed = resources.files("keras_vae.tutorials")
        entries = _numbered(entry for entry in installed.iterdir() if entry.is_file())
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        entries = []
    if not entries:
        raise FileNotFoundError(
            f"No tutorials (files named NN_title.py) found in {checkout / 'tutorials'} or in "
            "the installed package data keras_vae.tutorials. Reinstall keras-vae, or run "
            "from a source checkout."
        )
    return [Path(stack.enter_context(resources.as_file(entry))) for entry in entries]


def select(tutorials: Sequence[Path], only: Sequence[str] | None) -> list[Path]:
    """Keeps the tutorials named in `only` by number (`"01"`, `"1"`) or name prefix.

    Raises:
        ValueError: if a name matches no tutorial.
    """
    if not only:
        return list(tutorials)
    chosen = []
    for token in only:
        token = token.removesuffix(".py")
        number = token.zfill(2) if token.isdigit() else None
        matches = [
            t for t in tutorials
            if (number is not None and t.name[:2] == number)
            or (number is None and t.stem.startswith(token))
        ]
        if not matches:
            available = ", ".join(t.stem for t in tutorials)
            raise ValueError(f"--only {token!r} matches no tutorial. Available: {available}")
        chosen += [t for t in matches if t not in chosen]
    return sorted(chosen, key=lambda p: p.name)


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _child_environment(output: Path, fast: bool, threads: int | None = None) -> dict:
    env = dict(os.environ)
    if threads:
        # Several tutorials at once: each gets its share of the cores, so TensorFlow's
        # thread pools do not oversubscribe them (a user's own setting wins). The numbers
        # do not change: the main job gave the same results with one thread per tutorial.
        env.setdefault("TF_NUM_INTRAOP_THREADS", str(threads))
        env.setdefault("TF_NUM_INTEROP_THREADS", str(threads))
    env["MPLBACKEND"] = "Agg"
    env["KERAS_VAE_OUTPUT"] = str(output)
    env["KERAS_VAE_FAST"] = "1" if fast else "0"  # the flag decides, not a stale variable
    env["PYTHONUNBUFFERED"] = "1"  # lines reach the log as they are printed
    # The child must import the same keras_vae as this process, installed or not.
    inherited = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([str(_PACKAGE_ROOT.parent), *inherited])
    return env


def run_tutorial(path: Path, output: Path, fast: bool, echo: bool, timeout: float | None,
                 render: bool = False, command: str = "keras-vae-tutorials",
                 echo_prefix: str = "    ", threads: int | None = None) -> dict:
    """Runs one tutorial, teeing its output to `output/log.txt`.

    As a script in a subprocess, or with `render=True` as a notebook in a fresh kernel
    (`keras_vae.notebooks`), which also writes `<stem>.ipynb`, `<stem>.md` and
    `<stem>_files/` into `output`; the page's header names `command`. `timeout` bounds the
    whole script, or each cell of a notebook. With `echo`, the output is also shown on the
    console, each line after `echo_prefix`. `threads` (when several run at once) sets
    TensorFlow's thread pools of the tutorial's process, unless the environment does.

    Returns:
        A dict with `status` (`"ok"` or `"failed"`), `returncode`, `seconds`, `log`,
        `figures` (PNG files written during this run), with `render=True` `page` (the
        Markdown page's path, relative to `output.parent`) and, on failure, `error`.
    """
    output.mkdir(parents=True, exist_ok=True)
    (output / "summary.json").unlink(missing_ok=True)  # never report a stale result
    log_path = output / "log.txt"
    started = time.time()
    console = _Echo(echo_prefix)
    with open(log_path, "w", encoding="utf-8") as log:

        def write(text):
            log.write(text)
            log.flush()
            if echo:
                console(text)

        if render:
            from keras_vae import notebooks

            notebook, error = notebooks.execute(
                path, output, _child_environment(output, fast, threads), timeout, write, log,
                children=_CHILDREN,
            )
            returncode = 1 if error else 0
        else:
            returncode, error = _run_script(path, output, fast, timeout, write, threads)
        console.close()
    seconds = time.time() - started
    result = {
        "status": "ok",
        "returncode": returncode,
        "seconds": round(seconds, 2),
        "log": str(log_path.relative_to(output.parent)),
        "figures": sorted(
            p.name for p in output.glob("*.png") if p.stat().st_mtime >= started - 1
        ),
    }
    if error is None:
        error = _read_summary(output, result)
    if render:
        header = notebooks.page_header(
            path, f"../../tutorials/{path.name}", command,
            datetime.date.today().isoformat(), fast, seconds, _versions(),
        )
        page = notebooks.write_outputs(notebook, path, output, header)
        result["page"] = str(page.relative_to(output.parent))
    if error:
        result["status"] = "failed"
        result["error"] = error
    return result


def _run_script(path: Path, output: Path, fast: bool, timeout: float | None, write, threads=None):
    """Runs `path` as a script in a subprocess; returns `(returncode, error or None)`."""
    with subprocess.Popen(
        [sys.executable, str(path)], cwd=output, env=_child_environment(output, fast, threads),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
        errors="replace", bufsize=1,
    ) as process:  # leaving the block closes the pipe
        _CHILDREN.add(process)

        def pump():
            for line in process.stdout:
                write(line)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        timed_out = False
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            process.kill()
            process.wait()
        except BaseException:  # Ctrl-C: do not leave the child running
            process.kill()
            process.wait()
            raise
        finally:
            reader.join()
            _CHILDREN.discard(process)
    if timed_out:
        return process.returncode, f"timed out after {timeout:g} s"
    if process.returncode != 0:
        return process.returncode, f"exit code {process.returncode}"
    return process.returncode, None


def _read_summary(output: Path, result: dict) -> str | None:
    """Merges the tutorial's `summary.json` into `result`; returns an error or None."""
    try:
        summary = json.loads((output / "summary.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "exited normally but wrote no summary.json"
    except json.JSONDecodeError as decode_error:
        return f"summary.json is not valid JSON: {decode_error}"
    summary["script_seconds"] = summary.pop("seconds", None)
    result.update({k: v for k, v in summary.items() if k not in result})
    bad = _non_finite(summary.get("models", {}))
    if bad:
        return "non-finite numbers in summary.json: " + ", ".join(bad)
    return None


def _non_finite(models: dict) -> list[str]:
    """Paths like `DenseVAE.test.loss` of numbers that are NaN or infinite."""
    bad = []
    for model, parts in models.items():
        for part, values in parts.items():
            if not isinstance(values, dict):  # a tutorial's own extra field: nothing to check
                continue
            for key, value in values.items():
                if isinstance(value, float) and not math.isfinite(value):
                    bad.append(f"{model}.{part}.{key}")
    return bad


def _format_number(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return str(value)
    return f"{value:.4g}"


def _tutorial_table(models: dict) -> list[str]:
    """One table of a tutorial's numbers: a row per number, a column per model.

    Test-set terms come first (`test loss`, ...), then the tutorial's extra numbers; an
    extra `x` with a companion `x_std` is shown once, as `mean ± std`.
    """
    rows = []
    for part in ("test", "extra"):
        for model in models.values():
            rows += [(part, k) for k in model.get(part, {}) if (part, k) not in rows]
    first = [r for r in (("test", k) for k in ("loss", "reconstruction_loss", "kl_loss")) if r in rows]
    rows = first + [r for r in rows if r not in first]
    rows = [r for r in rows if not (r[1].endswith("_std") and (r[0], r[1][:-4]) in rows)]

    def cell(model, part, key):
        values = model.get(part, {})
        if key not in values:
            return "-"
        std = values.get(key + "_std")
        return _format_number(values[key]) + (f" ± {_format_number(std)}" if std is not None else "")

    lines = ["| | " + " | ".join(models) + " |", "|---|" + "---|" * len(models)]
    for part, key in rows:
        label = f"test {key}" if part == "test" else key
        lines.append(f"| {label} | " + " | ".join(cell(m, part, key) for m in models.values()) + " |")
    return lines


def summary_markdown(summary: dict) -> str:
    """The readable `summary.md`: one small table per tutorial with the numbers it is about."""
    tutorials = summary["tutorials"]
    size = (
        "fast mode (`KERAS_VAE_FAST=1`), numbers are smoke-test values only"
        if summary["fast"] else "full size"
    )
    lines = [
        "# keras_vae tutorials",
        "",
        f"`{summary['command']}`, {summary['started']}: {size}; "
        f"{sum(e['status'] == 'ok' for e in tutorials.values())}/{len(tutorials)} OK in "
        f"{summary['seconds']:.0f} s; {summary['versions']}.",
        "",
        "Test-set loss terms of the (V)AEs are nats per example (image or sequence): sums "
        "over data (or latent) dimensions, means over the test examples. The forecaster's "
        "loss and mae are per scaled value; the GAN's loss is its d_loss (see tutorial 06). "
        "Below them, the other numbers each tutorial reports (its `extra` results).",
    ]
    for stem, entry in tutorials.items():
        status = "OK" if entry["status"] == "ok" else f"FAILED ({entry.get('error', '')})"
        lines += ["", f"## {stem}: {status}, {entry['seconds']:.0f} s", ""]
        if entry.get("page"):
            lines.append(f"Page: [{Path(entry['page']).name}]({entry['page']}). ")
        lines.append(
            f"Log: [{Path(entry['log']).name}]({entry['log']}). Figures: "
            + (", ".join(f"[{f}]({stem}/{f})" for f in entry.get("figures", [])) or "none")
            + "."
        )
        if entry.get("models"):
            lines += [""] + _tutorial_table(entry["models"])
    failed = [stem for stem, e in tutorials.items() if e["status"] != "ok"]
    if failed:
        lines += ["", "Failed: " + ", ".join(f"{s} (see `{tutorials[s]['log']}`)" for s in failed)]
    return "\n".join(lines) + "\n"


def _cpuinfo(key: str) -> str | None:
    """The first `key` line of Linux's `/proc/cpuinfo` (e.g. "model name", "flags")."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            return next((line.split(":", 1)[1].strip() for line in f if line.startswith(key)), None)
    except OSError:
        return None


def cpu_name() -> str:
    """The CPU's model name, else `platform.processor()` or "unknown CPU". Seeded results
    repeat on one CPU model but can differ in the last digits on another (oneDNN picks its
    kernels, and so its rounding, by instruction set), so every run's header names it."""
    return _cpuinfo("model name") or platform.processor() or "unknown CPU"


def _vector_extensions() -> str | None:
    """"AVX-512", "AVX2" or "AVX" from the CPU's flags (what oneDNN dispatches on), else None."""
    flags = (_cpuinfo("flags") or "").split()
    return next((name for flag, name in (("avx512f", "AVX-512"), ("avx2", "AVX2"), ("avx", "AVX"))
                 if flag in flags), None)


def _versions() -> str:
    from importlib import metadata

    versions = [f"Python {sys.version.split()[0]}", f"keras_vae {keras_vae.__version__}"]
    for name in ("tensorflow", "keras"):
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    machine = f"{_usable_cores()} cores of {cpu_name()}"
    vector = _vector_extensions()
    if vector:
        machine += f" ({vector})"
    cap = os.environ.get("ONEDNN_MAX_CPU_ISA")
    if cap:
        machine += f", ONEDNN_MAX_CPU_ISA={cap}"
    return ", ".join(versions) + "; " + machine


def _copy_page(page: Path, pages: Path) -> None:
    """Copies a rendered page and its figure folder into `pages`, replacing older copies."""
    import shutil

    pages.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(page, pages / page.name)
    figures = page.with_name(page.stem + "_files")
    target = pages / figures.name
    if target.exists():
        shutil.rmtree(target)
    if figures.is_dir():
        shutil.copytree(figures, target)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, received {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keras-vae-tutorials",
        description="Run the numbered keras_vae tutorials and summarise their results.",
    )
    parser.add_argument(
        "--output", default="tutorial_output", metavar="DIR",
        help="folder for each tutorial's figures, log and summary (default: tutorial_output)",
    )
    parser.add_argument(
        "--fast", action="store_true",
        help="smoke-test size (KERAS_VAE_FAST=1): a few hundred images, a few epochs",
    )
    parser.add_argument(
        "--only", nargs="+", metavar="NN",
        help="run only these tutorials, by number (01 02) or name prefix",
    )
    parser.add_argument("--list", action="store_true", help="list the tutorials and exit")
    parser.add_argument(
        "--no-render", action="store_true",
        help="run the tutorials as plain scripts: no executed notebooks or Markdown pages "
        "(the default when jupytext, nbclient, ipykernel or nbconvert is missing)",
    )
    parser.add_argument(
        "--pages", metavar="DIR",
        help="also copy each rendered Markdown page and its figures into DIR "
        "(the repository keeps a full run's pages in docs/tutorials)",
    )
    parser.add_argument(
        "--quiet", action="store_true",
        help="do not echo the tutorials' output (it still goes to each log.txt)",
    )
    parser.add_argument(
        "--jobs", type=_positive_int, metavar="N",
        help="run up to N tutorials at once, each in its own process (default: the usable "
        f"CPU cores, at most {MAX_DEFAULT_JOBS}: a tutorial keeps about one core busy)",
    )
    parser.add_argument(
        "--timeout", type=float, default=3600.0, metavar="SECONDS",
        help="stop a tutorial that runs longer than this (default: 3600)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (0 if every tutorial succeeded)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        try:
            tutorials = select(find_tutorials(stack), args.only)
        except (FileNotFoundError, ValueError) as error:
            parser.error(str(error))
        if args.list:
            for path in tutorials:
                print(f"{path.stem}    {path}")
            return 0
        output = Path(args.output).resolve()
        output.mkdir(parents=True, exist_ok=True)
        command = "keras-vae-tutorials " + " ".join(
            sys.argv[1:] if argv is None else list(argv)
        )
        render = not args.no_render
        if render:
            from keras_vae import notebooks

            missing = notebooks.missing_tools()
            if missing:
                render = False
                print(f"Not rendering notebooks or pages: {', '.join(missing)} not installed "
                      '(pip install "keras-vae[tutorials]"). Running the tutorials as scripts.',
                      flush=True)
            if args.pages and not render:
                parser.error("--pages needs the rendering tools: " + ", ".join(missing))
        elif args.pages:
            parser.error("--pages needs rendered pages: drop --no-render")
        jobs = min(args.jobs or default_jobs(), len(tutorials))
        print(f"Running {len(tutorials)} tutorial(s){' in fast mode' if args.fast else ''}"
              f"{' as notebooks' if render else ''}"
              f"{f', {jobs} at a time' if jobs > 1 else ''}; output in {output}", flush=True)
        start = time.time()
        width = len(str(len(tutorials)))

        def run(index, path):
            prefix = f"[{index:>{width}}/{len(tutorials)}] {path.stem}"
            _say(f"{prefix}: running (elapsed {time.time() - start:.0f} s)")
            result = run_tutorial(
                path, output / path.stem, args.fast, echo=not args.quiet, timeout=args.timeout,
                render=render, command=command,
                echo_prefix="    " if jobs == 1 else f"{path.name[:2]} | ",
                threads=max(1, _usable_cores() // jobs) if jobs > 1 else None,
            )
            if args.pages and "page" in result:
                _copy_page(output / result["page"], Path(args.pages))
            if result["status"] == "ok":
                _say(f"{prefix}: OK in {result['seconds']:.1f} s "
                     f"(elapsed {time.time() - start:.0f} s)")
            else:
                lines = [f"{prefix}: FAILED ({result['error']}) after {result['seconds']:.1f} s; "
                         f"log: {output / result['log']}"]
                if args.quiet:  # the output was not shown: show how it ended
                    tail = (output / result["log"]).read_text(encoding="utf-8").splitlines()
                    lines += ["    " + line for line in tail[-FAILURE_TAIL_LINES:]]
                _say("\n".join(lines))
            return result

        # Threads suffice: each tutorial runs in its own process (a script or a kernel).
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
        futures = {
            path.stem: pool.submit(run, index, path)
            for index, path in enumerate(tutorials, start=1)
        }
        try:
            concurrent.futures.wait(futures.values())
        except BaseException:  # Ctrl-C: stop what runs, start nothing more
            pool.shutdown(wait=False, cancel_futures=True)
            _CHILDREN.kill_all()
            raise
        pool.shutdown()
        results = {stem: future.result() for stem, future in futures.items()}

    failed = [stem for stem, result in results.items() if result["status"] != "ok"]
    summary = {
        "command": command,
        "started": datetime.datetime.fromtimestamp(start).astimezone().isoformat("T", "seconds"),
        "fast": args.fast,
        "output": str(output),
        "versions": _versions(),
        "status": "failed" if failed else "ok",
        "seconds": round(time.time() - start, 2),
        "tutorials": results,
    }
    (output / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    table = summary_markdown(summary)
    (output / "summary.md").write_text(table, encoding="utf-8")
    print()
    print(table)
    print(f"Wrote {output / 'summary.md'} and {output / 'summary.json'}.")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
