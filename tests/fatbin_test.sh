#!/usr/bin/env bash
# fatbin_test.sh SRLIF CUOBJDUMP ARCHITECTURES: the srlif binary carries the CUDA kernels as built
# for ARCHITECTURES (CMAKE_CUDA_ARCHITECTURES, e.g. "80-real;90"): for each entry NN or NN-real an
# sm_NN cubin (cuobjdump --list-elf), for each NN or NN-virtual compute_NN PTX (--list-ptx), and
# nothing else. The default list must give SASS for sm_80 and sm_90 and PTX for the newest.
set -euo pipefail
binary=$1 cuobjdump=$2 architectures=$3
[[ -x $cuobjdump ]] || { echo "fatbin_test: no cuobjdump ($cuobjdump); bash scripts/install_dependencies.sh --tests installs it" >&2; exit 1; }
elf=$("$cuobjdump" --list-elf "$binary" | grep -o 'sm_[0-9]*' | sort -u | tr '\n' ' ')
ptx=$("$cuobjdump" --list-ptx "$binary" | grep -o 'sm_[0-9]*\|compute_[0-9]*' | sed 's/compute_/sm_/' | sort -u | tr '\n' ' ')
want_elf="" want_ptx=""
IFS=';' read -ra entries <<<"$architectures"
for entry in "${entries[@]}"; do
  number=${entry%%-*}
  [[ $number =~ ^[0-9]+$ ]] || { echo "fatbin_test: cannot check the architecture list '$architectures'" >&2; exit 1; }
  [[ $entry == *-virtual ]] || want_elf+="sm_$number"$'\n'
  [[ $entry == *-real ]] || want_ptx+="sm_$number"$'\n'
done
want_elf=$(printf '%s' "$want_elf" | sort -u | tr '\n' ' ')
want_ptx=$(printf '%s' "$want_ptx" | sort -u | tr '\n' ' ')
echo "cubins: $elf(expected $want_elf); PTX: $ptx(expected $want_ptx)"
[[ $elf == "$want_elf" ]] || { echo "fatbin_test: the cubins differ from $architectures" >&2; exit 1; }
[[ $ptx == "$want_ptx" ]] || { echo "fatbin_test: the PTX differs from $architectures" >&2; exit 1; }
