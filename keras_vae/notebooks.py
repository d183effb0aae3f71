"""Executes a numbered tutorial as a notebook and renders it as a Markdown page.

The tutorials are jupytext percent-format scripts. `keras-vae-tutorials` runs each one
through this module when the rendering tools are installed (`pip install
"keras-vae[tutorials]"`: jupytext, nbclient, ipykernel, nbconvert), so one run gives the
tutorial's figures and `summary.json` as before, plus

- `<stem>.ipynb`: the executed notebook, with every output;
- `<stem>.md` and `<stem>_files/`: a keras-io style Markdown page of it (prose, code,
  printed output and figures), headed by the source file's name and SHA-256, so a page can
  be checked against the tutorial it came from (`page_source_hash`).

Figures appear in the page because the kernel runs `%matplotlib inline` first (a cell the
runner adds and removes again before saving): the plotting helpers return matplotlib
figures, which a notebook shows when they are a cell's last value.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path

#: Distributions a rendered run needs; `missing_tools()` names those not importable.
TOOLS = {"jupytext": "jupytext", "nbclient": "nbclient", "ipykernel": "ipykernel", "nbconvert": "nbconvert"}

_SETUP_TAG = "keras-vae-runner-setup"
#: Kernel options: C-level (file-descriptor) output stays out of the notebook.
KERNEL_ARGUMENTS = ["--IPKernelApp.capture_fd_output=False"]
_HASH = re.compile(r"source sha256 `([0-9a-f]{64})`")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def missing_tools() -> list[str]:
    """Names of the rendering tools that cannot be imported here (empty: all present)."""
    import importlib.util

    return [name for name, module in TOOLS.items() if importlib.util.find_spec(module) is None]


def source_hash(path: str | Path) -> str:
    """SHA-256 of a tutorial source file's bytes, as a hex string."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def page_source_hash(page: str) -> str | None:
    """The source SHA-256 a rendered page states in its header, or None."""
    match = _HASH.search(page)
    return match.group(1) if match else None


def execute(path: Path, cwd: Path, env: dict, timeout: float | None, write, log=None,
            children=None) -> tuple[object, str | None]:
    """Runs tutorial `path` as a notebook in a fresh kernel; `write(text)` receives its
    printed output as it arrives, and the kernel process's own stdout and stderr (where
    TensorFlow's C++ logging goes) go to the open file `log`. `children`, if given, has
    `add(process)` and `discard(process)` and is told the kernel's process while it runs
    (the kernel is in a session of its own, so Ctrl-C does not reach it).

    Returns:
        `(notebook, error)`: the executed notebook (up to the failing cell, if one fails)
        and None, or an error message.
    """
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    class EchoingClient(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):
            content = msg["content"]
            if msg["msg_type"] == "stream":
                write(content["text"])
            elif msg["msg_type"] == "error":
                write(_ANSI.sub("", "\n".join(content["traceback"])) + "\n")
            return super().output(outs, msg, display_id, cell_index)

    notebook = jupytext.read(path)
    setup = nbformat.v4.new_code_cell("%matplotlib inline", metadata={"tags": [_SETUP_TAG]})
    notebook.cells.insert(0, setup)
    client = EchoingClient(
        notebook, timeout=timeout, kernel_name="python3", allow_errors=False,
        resources={"metadata": {"path": str(cwd)}},
        # ipykernel >= 6 copies what the process writes to file descriptors 1 and 2 into
        # the cell outputs; TensorFlow's C++ start-up logging (absl, the CUDA stub) would
        # then open every page. Keep it in the kernel's own streams, i.e. in `log`.
        extra_arguments=KERNEL_ARGUMENTS,
    )
    kernel = []

    def kernel_started(notebook):  # nbclient's hook, once the kernel answers
        process = getattr(getattr(client.km, "provisioner", None), "process", None)
        if process is not None and children is not None:
            kernel.append(process)
            children.add(process)

    client.on_notebook_start = kernel_started
    error = None
    try:
        # The async API in a loop of our own, closed at the end: nbclient's sync wrapper
        # leaves a loop open in each thread it runs in (the runner runs tutorials in
        # threads), which Python reports as an unclosed event loop and sockets.
        asyncio.run(client.async_execute(env=env, **({} if log is None else {"stdout": log, "stderr": log})))
    except CellTimeoutError:
        error = f"a cell timed out after {timeout:g} s"
    except CellExecutionError as failure:
        error = f"a cell raised {failure.ename}: {failure.evalue}"
    except DeadKernelError:
        error = "the kernel died"
    finally:
        for process in kernel:
            children.discard(process)
    notebook.cells = [c for c in notebook.cells if _SETUP_TAG not in c.metadata.get("tags", [])]
    return notebook, error


def write_outputs(notebook, path: Path, output: Path, header: str) -> Path:
    """Writes `<stem>.ipynb` and the Markdown page `<stem>.md` (figures in `<stem>_files/`)
    into `output`; returns the page's path. `header` opens the page."""
    import nbformat
    from nbconvert import MarkdownExporter

    stem = path.stem
    output.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, output / f"{stem}.ipynb")
    files = output / f"{stem}_files"
    for old in files.glob("*") if files.is_dir() else ():
        old.unlink()
    body, resources = MarkdownExporter().from_notebook_node(
        notebook, resources={"output_files_dir": f"{stem}_files"}
    )
    for name, data in resources.get("outputs", {}).items():
        target = output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    page = output / f"{stem}.md"
    page.write_text(header + "\n\n" + _ANSI.sub("", body).strip() + "\n", encoding="utf-8")
    return page


def page_header(path: Path, source_link: str, command: str, when: str, fast: bool, seconds: float,
                versions: str) -> str:
    """The first lines of a rendered page: where it comes from, and how it was made."""
    size = "fast mode (`--fast`): smoke-test numbers only" if fast else "full size"
    return (
        f"<!-- Rendered by `{command}`; do not edit: edit {path.name} and render again. -->\n\n"
        f"> Rendered from [`tutorials/{path.name}`]({source_link}) (source sha256 "
        f"`{source_hash(path)}`) by `{command}` on {when}: {size}, {seconds:.0f} s; {versions}."
    )

