#!/usr/bin/env bash
# Installs the Debian packages srlif builds with, if any is missing; with
# --tests also those the tests need (a one-node Slurm cluster for the job-array
# test: slurmctld, slurmd, the client commands and munge).
# The CUDA toolkit is optional: without nvcc the CPU backend alone is built.
set -euo pipefail
# python3-matplotlib draws the figures of `srlif reproduce`; python3-venv and
# python3-dev build the Python package (binutils' nm checks its exported symbols);
# libgsl-dev and libeigen3-dev give the theory its ODE and sparse solvers, libboost-context-dev the SIMT emulator
# (cuda-sim) its fibers.
packages=(cmake make g++ libgtest-dev libcli11-dev nlohmann-json3-dev libgsl-dev libeigen3-dev libboost-context-dev python3 python3-matplotlib python3-venv python3-dev binutils)
[[ ${1:-} == --tests ]] && packages+=(slurmctld slurmd slurm-client munge clang libclang-rt-dev libomp-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "srlif: installing ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
# cuobjdump, for the test of the CUDA fat binary's contents (tests/fatbin_test.sh), where the CUDA
# toolkit has nvcc but not it: NVIDIA's wheel from PyPI, pinned, in .venv-tools (about 1 s).
if [[ ${1:-} == --tests && -x /usr/local/cuda/bin/nvcc && ! -x /usr/local/cuda/bin/cuobjdump ]] &&
  ! command -v cuobjdump >/dev/null 2>&1; then
  cd "$(dirname "$0")/.."
  [[ -x .venv-tools/bin/python ]] || /usr/bin/python3 -m venv .venv-tools
  compgen -G ".venv-tools/lib/python3*/site-packages/nvidia/cu13/bin/cuobjdump" >/dev/null ||
    .venv-tools/bin/python -m pip install -q nvidia-cuda-cuobjdump==13.2.51
fi
