// A chunk's tables (drive_tables.hpp) on the device, sent in one copy. Every chunk's kernels
// wait for them, so they are staged in pinned host memory (thrust::universal_host_pinned_vector)
// and go as one DMA transfer into one device array (thrust::device_vector), not as six copies of
// pageable memory that the driver stages one by one. The array holds 32-bit words: the drive
// tables' floats by their bits, the phase and bin tables' int32 as they are; the kernel reads each
// table at its own offset, aligned to 256 bytes as a table in an allocation of its own was.
// A template on the device layer (device_engine.hpp): CUDA's memory, or cuda-sim's host vectors.
#pragma once

#include <thrust/copy.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "kernel_views.hpp"
#include "simt.hpp"
#include "srlif/planning/drive_tables.hpp"
#include "srlif/planning/sweep_plan.hpp"

namespace srlif::cuda {
inline namespace SRLIF_SIMT_TARGET {

template <typename Device>
class ChunkTableUpload {
 public:
  static constexpr std::size_t kTables = 6;
  static constexpr std::size_t kAlignWords = 64;

  // Room for the plan's largest chunk (plan.chunk_steps steps).
  explicit ChunkTableUpload(const SweepPlan& plan)
      : staging_(chunk_table_entries(plan, plan.chunk_steps) + kTables * kAlignWords),
        device_(staging_.size()) {}

  // Copies `tables` to the device; the view is valid until the next upload.
  DeviceChunkTables upload(const ChunkTables& tables) {
    std::uint32_t* const host = thrust::raw_pointer_cast(staging_.data());
    std::size_t used = 0;
    // The table's words at the next aligned offset; returns that offset (none for an empty table).
    const auto stage = [&](const auto& table) -> std::ptrdiff_t {
      static_assert(sizeof(table[0]) == sizeof(std::uint32_t));
      if (table.empty()) return -1;
      const std::size_t at = (used + kAlignWords - 1) / kAlignWords * kAlignWords;
      if (at + table.size() > staging_.size())
        throw std::logic_error("chunk tables larger than their device array");
      std::memcpy(host + at, table.data(), table.size() * sizeof(std::uint32_t));
      used = at + table.size();
      return static_cast<std::ptrdiff_t>(at);
    };
    const std::ptrdiff_t drive_sin = stage(tables.drive_sin);
    const std::ptrdiff_t drive_cos = stage(tables.drive_cos);
    const std::ptrdiff_t phase_cos = stage(tables.phase_cos);
    const std::ptrdiff_t phase_sin = stage(tables.phase_sin);
    const std::ptrdiff_t phase_bin = stage(tables.phase_bin);
    const std::ptrdiff_t psth_bin = stage(tables.psth_bin);
    thrust::copy_n(host, used, device_.begin());  // a raw host pointer: one host-to-device copy
    const std::uint32_t* const device = thrust::raw_pointer_cast(device_.data());
    const auto floats = [device](std::ptrdiff_t at) {
      return at < 0 ? nullptr : reinterpret_cast<const float*>(device + at);
    };
    const auto ints = [device](std::ptrdiff_t at) {
      return at < 0 ? nullptr : reinterpret_cast<const std::int32_t*>(device + at);
    };
    return DeviceChunkTables{floats(drive_sin), ints(phase_cos),   ints(phase_sin), ints(phase_bin),
                             ints(psth_bin),    floats(drive_cos), tables.length};
  }

 private:
  typename Device::template StagingVector<std::uint32_t> staging_;
  typename Device::template Vector<std::uint32_t> device_;
};

}  // namespace SRLIF_SIMT_TARGET
}  // namespace srlif::cuda
