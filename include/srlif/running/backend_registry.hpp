// The backends there are: the CPU's and, where built, CUDA's, and which one a
// run gets by name. A further backend is one folder with its engine and one
// line in make_backend (backend_registry.cpp).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "srlif/running/backend.hpp"

namespace srlif {

// `threads` = 0 uses all cores.
std::unique_ptr<Backend> make_cpu_backend(int threads);

// Throws UnavailableError with the reason when no usable CUDA device exists
// (or the build has no CUDA backend). The first usable device, or the one at
// `device` in the list of usable devices.
std::unique_ptr<Backend> make_cuda_backend();
std::unique_ptr<Backend> make_cuda_backend(std::size_t device);

struct CudaDeviceInfo {
  int index;
  std::string name;
  int compute_major;
  int compute_minor;
  std::size_t memory_bytes;
  int multiprocessors;
};

bool cuda_backend_built();
// Usable devices, or an empty list with `why_not` filled in.
std::vector<CudaDeviceInfo> cuda_devices(std::string& why_not);

// auto | cpu | cuda -> a backend; auto picks CUDA when a device is usable.
std::unique_ptr<Backend> make_backend(const std::string& name, int threads);

// The backends that share a sweep's grid points: for CUDA one per usable
// device (at most `devices`, 0 = all), for the CPU one.
std::vector<std::unique_ptr<Backend>> make_backends(const std::string& name, int threads, int devices);

}  // namespace srlif
