"""Shared fixtures: the command-line binary built from the same tree, for byte parity."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def pytest_configure(config):
    config.addinivalue_line("markers", "gpu: needs a usable CUDA GPU (skipped without one)")


@pytest.fixture(scope="session")
def srlif_binary():
    binary = pathlib.Path(os.environ.get("SRLIF_BINARY", ROOT / "build" / "srlif"))
    if not binary.is_file():
        pytest.fail(f"the srlif binary is needed for the parity tests: build it (scripts/build.sh) or set SRLIF_BINARY ({binary})")
    return binary


@pytest.fixture(scope="session")
def run_cli(srlif_binary):
    def run(*arguments):
        completed = subprocess.run([str(srlif_binary), *map(str, arguments)], capture_output=True, text=True)
        assert completed.returncode == 0, completed.stderr
        return completed

    return run
