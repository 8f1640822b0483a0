#!/usr/bin/env bash
# The Python package's tests: a virtual environment made from Debian's python3
# (.venv) with the pinned test dependencies, the package built from this tree
# (pip install ., the same CMakeLists.txt as the command line), then pytest.
# The parity tests compare with the command line in build/ (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x /usr/local/cuda/bin/nvcc ]] && export PATH="/usr/local/cuda/bin:$PATH"
if [[ ! -x .venv/bin/python ]]; then
  /usr/bin/python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r python/requirements-test.txt
.venv/bin/python -m pip install -q --no-build-isolation .
# Run from outside the source tree, so that `import srlif` is the installed package.
export SRLIF_BINARY="$PWD/build/srlif"
(cd python/tests && ../../.venv/bin/python -m pytest -q -p no:cacheprovider --rootdir=. "$@" .)
