// cuda-sim's device layer (device_engine.hpp): host memory (std::vector) for device memory, and
// thrust::host (Thrust's CPP system) for its copies and algorithms; the SIMT emulator's streams,
// whose launches run to their end one after another over `cpu_threads` CPU threads. Host compiler
// only. (Not thrust::host_vector: its resize from empty dereferences a null iterator in CCCL 3.0,
// which UBSan reports.)
#pragma once

#include <thrust/execution_policy.h>

#include <cstddef>
#include <vector>

#include "simt.hpp"

namespace srlif::cuda {
inline namespace SRLIF_SIMT_TARGET {

class SimDevice {
 public:
  template <typename T>
  using Vector = std::vector<T>;
  template <typename T>
  using StagingVector = std::vector<T>;
  static auto policy() { return thrust::host; }

  explicit SimDevice(int cpu_threads) : cpu_threads_(cpu_threads) {}
  simt::Stream stream(std::size_t /*launch*/) const { return simt::Stream{cpu_threads_}; }
  void synchronize(const char* /*what*/) const {}  // each launch has run to its end

 private:
  int cpu_threads_;
};

}  // namespace SRLIF_SIMT_TARGET
}  // namespace srlif::cuda
