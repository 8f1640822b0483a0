// The CUDA backend's face to the host code, which reaches it only through the backend table
// (backend_registry.cpp): whether this build has it, the usable devices, and the factory.
// cuda_backend.cu defines these; cuda_unavailable.cpp, in a build without CUDA, says why not.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "srlif/running/backend.hpp"

namespace srlif {

bool cuda_backend_built();

struct CudaDeviceInfo {
  int index;
  std::string name;
  int compute_major;
  int compute_minor;
  std::size_t memory_bytes;
  int multiprocessors;
};

// Usable devices, or an empty list with `why_not` filled in.
std::vector<CudaDeviceInfo> cuda_devices(std::string& why_not);

// Throws UnavailableError with the reason when no usable CUDA device exists
// (or the build has no CUDA backend). The first usable device, or the one at
// `device` in the list of usable devices.
std::unique_ptr<Backend> make_cuda_backend();
std::unique_ptr<Backend> make_cuda_backend(std::size_t device);

}  // namespace srlif
