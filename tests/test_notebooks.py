"""`keras_vae.notebooks` executes a tutorial as a notebook and renders it as a page, and the
pages committed under `docs/tutorials/` come from the tutorials as they are now."""

import os
import re
from pathlib import Path

import pytest

from keras_vae import notebooks

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = sorted((ROOT / "tutorials").glob("[0-9][0-9]_*.py"))
PAGES = ROOT / "docs" / "tutorials"

TINY = '''# %% [markdown]
# # A tiny tutorial
#
# Prose between cells.

# %%
print("hello from the kernel")

# %%
from matplotlib.figure import Figure

figure = Figure(figsize=(2, 2))
figure.add_subplot().plot([0, 1], [1, 0])
figure
'''


def _environment():
    # Without PYTEST_CURRENT_TEST, as under the runner: ipykernel does not forward C-level
    # output inside pytest, and a test of that must see the kernel the runner sees.
    env = {key: value for key, value in os.environ.items() if key not in ("MPLBACKEND", "PYTEST_CURRENT_TEST")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


class _Children:
    """Records what `execute` tells the runner about the kernel process."""

    def __init__(self):
        self.added, self.discarded = [], []

    def add(self, process):
        self.added.append(process)

    def discard(self, process):
        self.discarded.append(process)


def _run(tmp_path, source, children=None):
    path = tmp_path / "01_tiny.py"
    path.write_text(source, encoding="utf-8")
    printed = []
    with open(tmp_path / "kernel.log", "w", encoding="utf-8") as log:
        notebook, error = notebooks.execute(
            path, tmp_path, _environment(), 120, printed.append, log, children=children
        )
    return path, notebook, error, "".join(printed)


def test_notebooks_render_basics(tmp_path):
    children = _Children()
    path, notebook, error, printed = _run(tmp_path, TINY, children)
    assert error is None, printed
    # The runner was told the kernel's process while it ran (to kill it on Ctrl-C).
    assert len(children.added) == 1 and children.discarded == children.added
    assert children.added[0].poll() is not None  # shut down with the notebook
    assert "hello from the kernel" in printed
    # The runner's `%matplotlib inline` cell is gone; the figure is a PNG output.
    assert notebook.cells[0].cell_type == "markdown"
    assert not any("%matplotlib" in cell.source for cell in notebook.cells)
    assert any("image/png" in output.get("data", {}) for cell in notebook.cells if cell.cell_type == "code"
               for output in cell.outputs)
    header = notebooks.page_header(path, "../x.py", "keras-vae-tutorials", "2026-12-06", False, 3.0, "Python")
    page_path = notebooks.write_outputs(notebook, path, tmp_path / "out", header)
    page = page_path.read_text(encoding="utf-8")
    assert (tmp_path / "out" / "01_tiny.ipynb").is_file()
    assert page.startswith("<!-- Rendered by") and "# A tiny tutorial" in page
    assert "hello from the kernel" in page and "full size" in page
    images = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", page)
    assert images and all((page_path.parent / image).stat().st_size > 500 for image in images)
    assert notebooks.page_source_hash(page) == notebooks.source_hash(path)


def test_notebooks_keep_c_level_output_out_of_the_page(tmp_path):
    # What TensorFlow's C++ logging does at import: write to file descriptor 2 directly.
    # (The kernel forwards such output from a thread: give it a moment to do so.)
    source = "# %%\nimport os, time\nos.write(2, b'c-level noise\\n')\ntime.sleep(1)\nprint('python output')\n"
    path, notebook, error, printed = _run(tmp_path, source)
    assert error is None, printed
    outputs = "".join(output.get("text", "") for output in notebook.cells[0].outputs)
    assert "python output" in outputs and "c-level noise" not in outputs
    assert "c-level noise" in (tmp_path / "kernel.log").read_text(encoding="utf-8")


def test_notebooks_report_a_failing_cell(tmp_path):
    path, notebook, error, printed = _run(tmp_path, "# %%\nprint('before')\n\n# %%\nraise RuntimeError('boom')\n")
    assert error is not None and "RuntimeError" in error and "boom" in error
    assert "before" in printed and "RuntimeError: boom" in printed
    assert len(notebook.cells) == 2


def test_notebooks_source_hash_changes_with_the_source(tmp_path):
    path = tmp_path / "a.py"
    path.write_text("x = 1\n")
    first = notebooks.source_hash(path)
    path.write_text("x = 2\n")
    assert notebooks.source_hash(path) != first and re.fullmatch(r"[0-9a-f]{64}", first)
    assert notebooks.page_source_hash("no header here") is None


@pytest.mark.parametrize("tutorial", TUTORIALS, ids=[t.stem for t in TUTORIALS])
def test_committed_page_matches_its_tutorial(tutorial):
    page_path = PAGES / f"{tutorial.stem}.md"
    assert page_path.is_file(), f"no rendered page: run `keras-vae-tutorials --pages docs/tutorials`"
    page = page_path.read_text(encoding="utf-8")
    assert notebooks.page_source_hash(page) == notebooks.source_hash(tutorial), (
        f"docs/tutorials/{page_path.name} is older than tutorials/{tutorial.name}: run "
        "`keras-vae-tutorials --output tutorial_output --pages docs/tutorials`"
    )
    header = page.split("\n\n", 2)[1]
    assert ": full size," in header, "the committed page comes from a --fast run"
    assert re.search(r" cores of \S", header), "the header does not name the CPU the numbers come from"
    for noise in ("absl::InitializeLog", "cudart_stub", "oneDNN custom operations"):
        assert noise not in page, f"TensorFlow's start-up logging is in the page: {noise}"
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page)
    assert images, "the page shows no figure"
    for image in images:
        assert (PAGES / image).is_file(), image


def test_no_page_without_a_tutorial():
    stems = {t.stem for t in TUTORIALS}
    assert {p.stem for p in PAGES.glob("*.md") if p.stem != "README"} <= stems
