"""examples/study.ipynb runs headless from top to bottom (nbclient), so it cannot rot."""

import pathlib

import nbformat
from nbclient import NotebookClient

import srlif

NOTEBOOK = pathlib.Path(__file__).resolve().parents[2] / "examples" / "study.ipynb"


def test_the_example_notebook_runs_and_draws_its_figures(tmp_path):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]
    assert not [output for output in outputs if output.get("output_type") == "error"]
    figures = [output for output in outputs if "image/png" in output.get("data", {})]
    assert len(figures) == 4
    printed = "".join(output.get("text", "") for output in outputs if output.get("output_type") == "stream")
    assert srlif.__version__ in printed and "subthreshold margin at σ = 0:" in printed
    assert "σ_opt of the Rayleigh rate: theory" in printed
