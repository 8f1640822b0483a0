"""Is an NVIDIA GPU usable here? Used by the GPU peers to exit with a clear message when not."""

import ctypes
import shutil
import subprocess


def cuda_gpu_count():
    """Number of CUDA devices the driver reports, and a reason when it is 0."""
    for lib in ("libcuda.so.1", "libcuda.so"):
        try:
            cuda = ctypes.CDLL(lib)
            break
        except OSError:
            cuda = None
    if cuda is None:
        return 0, "no NVIDIA driver (libcuda.so not found)"
    if cuda.cuInit(0) != 0:
        return 0, "the NVIDIA driver is present but cuInit failed (no usable GPU)"
    n = ctypes.c_int(0)
    if cuda.cuDeviceGetCount(ctypes.byref(n)) != 0 or n.value == 0:
        return 0, "the NVIDIA driver reports no CUDA device"
    return n.value, ""


def nvcc_path():
    return shutil.which("nvcc") or (
        "/usr/local/cuda/bin/nvcc" if shutil.os.path.exists("/usr/local/cuda/bin/nvcc") else None)


def gpu_name():
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=30)
        return out.stdout.strip().splitlines()[0] if out.returncode == 0 and out.stdout.strip() else "GPU"
    except Exception:
        return "GPU"
