// The GPU tests' backend: the CUDA backend where a GPU is usable, else `cuda-sim`, the same engine
// and kernels run by the SIMT emulator (kernels/simt_emulator.hpp). They never skip: a build with
// either has these tests, and CI (no GPU) runs them on the emulator.
#pragma once

#include <memory>
#include <string>

#include "srlif/running/backend_registry.hpp"

namespace srlif::test {

inline bool gpu_emulated() { return !backend_kind("cuda").why_unusable().empty(); }
inline std::string gpu_backend_name() { return gpu_emulated() ? "cuda-sim" : "cuda"; }
inline std::unique_ptr<Backend> gpu_backend() { return make_backend(gpu_backend_name(), 0); }

}  // namespace srlif::test
