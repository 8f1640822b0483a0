// How the CPU engine groups a batch's grid points into work items (cpu_kernels.hpp): points
// that share the noise streams, the drive table and the neuron constants are advanced together,
// their normals drawn once. The grouping key holds the step constants' bytes whole, so a field
// added to StepConstants keys the items without a line here.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "cpu_kernels.hpp"
#include "srlif/field_count.hpp"
#include "srlif/physics/euler_step.hpp"
#include "srlif/planning/sweep_plan.hpp"

namespace srlif::cpu {

// StepConstants is keyed by its bytes: every field 4 bytes and no padding, so that the bytes
// are the value (a field of another size must widen the key's words here).
constexpr std::size_t kStepConstantWords = sizeof(StepConstants) / sizeof(std::uint32_t);
static_assert(field_count<StepConstants>() == kStepConstantWords &&
                  kStepConstantWords * sizeof(std::uint32_t) == sizeof(StepConstants),
              "StepConstants must be 4-byte fields without padding: the work-item key holds its bytes");

// Stream tag, drive table, then the step constants' words (zero for a heterogeneous population,
// whose neurons have constants of their own).
using WorkItemKey = std::array<std::uint32_t, 2 + kStepConstantWords>;
WorkItemKey work_item_key(const PointCoefficients& point, bool heterogeneous);

// The work items of `batch_points` points from `batch_first` (`groups` receives the points of
// each key, which the items point into): a point alone takes up to kMaxBlocks lane blocks per
// item; a larger group is split into subsets so that each of `threads` gets work.
std::vector<WorkItem> make_work_items(const SweepPlan& plan, std::size_t batch_first,
                                      std::size_t batch_points, std::uint64_t blocks_per_point, int threads,
                                      std::vector<std::vector<std::size_t>>& groups);

}  // namespace srlif::cpu
