// The `cuda-sim` backend's face to the backend table (backend_registry.cpp): the CUDA backend's
// engine and kernels run on the CPU through the SIMT emulator (simt_emulator.hpp). It exists to
// check the GPU code where no GPU is: slow, and never chosen by `auto`.
// cuda_sim_backend.cpp defines these; cuda_sim_unavailable.cpp, in a build without Thrust (the
// CUDA toolkit's headers) or Boost.Context, says why not.
#pragma once

#include <memory>

#include "srlif/running/backend.hpp"

namespace srlif {

bool cuda_sim_backend_built();

// The emulator's warps over `threads` CPU threads (0: all cores). Throws UnavailableError in a
// build without it.
std::unique_ptr<Backend> make_cuda_sim_backend(int threads);

}  // namespace srlif
