#!/usr/bin/env bash
# The Python package's tests: a virtual environment made from Debian's python3
# (.venv) with the pinned test dependencies, the package built from this tree
# (pip install ., the same CMakeLists.txt as the command line; in build/ when it
# exists, so that the core is compiled once), then pytest.
# The parity tests compare with the command line in build/ (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x /usr/local/cuda/bin/nvcc ]] && export PATH="/usr/local/cuda/bin:$PATH"
if [[ ! -x .venv/bin/python ]]; then
  /usr/bin/python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r python/requirements-test.txt
# pip builds in the command line's build folder when there is one (scripts/build.sh, the same
# Release configuration): the core is compiled once, for both, and the module alone is added.
reuse=()
if [[ -f build/CMakeCache.txt ]]; then
  CMAKE_GENERATOR=$(sed -n 's/^CMAKE_GENERATOR:INTERNAL=//p' build/CMakeCache.txt)
  export CMAKE_GENERATOR
  reuse=(-C build-dir=build -C cmake.define.SRLIF_BUILD_TESTS=ON -C cmake.define.SRLIF_BUILD_BENCH=ON)
fi
.venv/bin/python -m pip install -q --no-build-isolation "${reuse[@]}" .
# Run from outside the source tree, so that `import srlif` is the installed package.
export SRLIF_BINARY="$PWD/build/srlif"
(cd python/tests && ../../.venv/bin/python -m pytest -q -p no:cacheprovider --rootdir=. "$@" .)
