#!/usr/bin/env python3
"""SASS instructions per neuron-step of each advance_chunk kernel, counted from the machine code.

Needs `cuobjdump` (the CUDA toolkit's, or PyPI's nvidia-cuda-cuobjdump wheel where the toolkit
lacks it) and runs without a GPU:

    python3 bench/gpu/sass_counts.py [build/CMakeFiles/srlif_cuda.dir/kernels/cuda_backend.cu.o]

How it counts, per kernel (record x scheme x sharing width W, noise_sharing.hpp):
- the *block loop* is the innermost loop that holds the warp shuffles (W > 1), or the window loop
  itself (W = 1: one Philox block per window); its *hot path* leaves out the regions that a warp
  vote skips (`VOTE.ANY P; @!P BRA`: a spike's phases, the bridge's uniform), taken by few warps;
- the *window loop* is the loop around it: what it holds beyond the block loop (Philox and
  Box-Muller for the window, bookkeeping) is paid once per 4 W steps. A chunk's short last window
  is code after the loop, run once per chunk, and not counted.
Instructions per neuron-step = block hot path / 4 + window share / (4 W).
"""
import re
import shutil
import subprocess
import sys

LINE = re.compile(r"/\*([0-9a-f]{4,})\*/\s+(.*?)\s*;")
NAME = re.compile(r"advance_chunkILb([01])ELNS_6SchemeE([01])ELi(\d+)E")


def functions(sass):
    current, body = None, []
    for line in sass.splitlines():
        if "Function :" in line:
            if current:
                yield current, body
            current, body = line.split("Function :")[1].strip(), []
            continue
        match = LINE.search(line)
        if current and match:
            body.append((int(match.group(1), 16), match.group(2)))
    if current:
        yield current, body


def branch_target(text):
    match = re.search(r"\bBRA\s+(?:`\()?(?:\.L_x_\d+|0x([0-9a-f]+))", text)
    return int(match.group(1), 16) if match and match.group(1) else None


def loops(body):
    """(start, end) address pairs of backward branches: loop bodies."""
    found = []
    for address, text in body:
        target = branch_target(text)
        if target is not None and target < address:
            found.append((target, address))
    return found


def count(body, start, end, skip=()):
    """Instructions in [start, end], less those in the skipped regions."""
    total = 0
    for address, _ in body:
        if start <= address <= end and not any(a <= address < b for a, b in skip):
            total += 1
    return total


def writes_predicate(text, predicate):
    """Whether the instruction's first operand (its destination) is the predicate."""
    parts = re.sub(r"^@!?U?P\d+\s+", "", text).split(None, 1)
    return len(parts) == 2 and parts[1].split(",")[0].strip() == predicate


def voted_regions(body, start, end):
    """Forward branches on a predicate that a warp vote (VOTE.ANY) set: rarely taken bodies."""
    regions = []
    for index in range(1, len(body)):
        address, text = body[index]
        if not (start <= address <= end):
            continue
        target = branch_target(text)
        match = re.match(r"@!(P\d+)\s+BRA", text)
        if target is None or target <= address or not match:
            continue
        for _, earlier in reversed(body[max(0, index - 40):index]):
            if writes_predicate(earlier, match.group(1)):
                if earlier.startswith("VOTE.ANY"):
                    regions.append((address + 16, target))
                break
    return regions


def main():
    objects = sys.argv[1:] or ["build/CMakeFiles/srlif_cuda.dir/kernels/cuda_backend.cu.o"]
    tool = shutil.which("cuobjdump")
    if not tool:
        sys.exit("cuobjdump not found (pip install nvidia-cuda-cuobjdump, then put its bin/ on PATH)")
    sass = "".join(subprocess.run([tool, "-sass", o], check=True, capture_output=True, text=True).stdout
                   for o in objects)
    usage = subprocess.run([tool, "-res-usage", *objects], check=True, capture_output=True, text=True).stdout
    registers = {}
    for name, regs in re.findall(r"Function (\S+):\s*\n?\s*REG:(\d+)", usage):
        registers[name] = int(regs)
    rows = []
    for name, body in functions(sass):
        match = NAME.search(name)
        if not match:
            continue
        record, scheme, width = match.group(1) == "1", "exact" if match.group(2) == "1" else "euler", int(match.group(3))
        all_loops = sorted(loops(body), key=lambda l: l[1] - l[0])
        if not all_loops:
            continue
        if width == 1:
            block = window = max(all_loops, key=lambda l: l[1] - l[0])
        else:
            def around(inner):
                return [l for l in all_loops if l[0] <= inner[0] and l[1] >= inner[1] and l != inner]
            # The block loop of the whole windows (the short last window's has no loop around it).
            block = next(l for l in all_loops
                         if any("SHFL" in t for a, t in body if l[0] <= a <= l[1]) and around(l))
            window = around(block)[0]
        block_hot = count(body, *block, skip=voted_regions(body, *block))
        if width == 1:
            window_share = 0
        else:
            window_share = count(body, *window, skip=[(block[0], block[1] + 16)] + voted_regions(body, *window))
        per_step = block_hot / 4 + window_share / (4 * width)
        rows.append((scheme, record, width, registers.get(name, 0), block_hot, window_share, per_step))
    print("| scheme | readouts | W | registers | block hot path (4 steps) | window share (per 4W steps) "
          "| instructions per neuron-step |")
    print("|---|---|---|---|---|---|---|")
    for scheme, record, width, regs, block_hot, window_share, per_step in sorted(rows):
        print(f"| {scheme} | {'yes' if record else 'no'} | {width} | {regs} | {block_hot} | {window_share} "
              f"| {per_step:.1f} |")


if __name__ == "__main__":
    main()
