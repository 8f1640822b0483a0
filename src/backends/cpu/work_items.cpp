// The CPU engine's work items (work_items.hpp).
#include "work_items.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <utility>

namespace srlif::cpu {

WorkItemKey work_item_key(const PointCoefficients& point, bool heterogeneous) {
  const StepConstants constants = heterogeneous ? StepConstants{} : point.constants;
  WorkItemKey key{point.stream_tag, point.drive_table};
  std::memcpy(key.data() + 2, &constants, sizeof constants);
  return key;
}

// Splits the grid points of a batch into work items: points that share the
// stream tag, the drive table and the neuron constants go together (their
// normals are drawn once per item; points of another neuron draw theirs
// again); a point alone takes up to kMaxBlocks lane blocks per item instead.
// Large groups are split into subsets of points so that every thread gets
// work; how the points are split never changes a result.
std::vector<WorkItem> make_work_items(const SweepPlan& plan, std::size_t batch_first,
                                      std::size_t batch_points, std::uint64_t blocks_per_point, int threads,
                                      std::vector<std::vector<std::size_t>>& groups) {
  std::map<WorkItemKey, std::vector<std::size_t>> by_stream;
  for (std::size_t local = 0; local < batch_points; ++local) {
    const WorkItemKey key = work_item_key(plan.points[batch_first + local], plan.heterogeneous);
    by_stream[key].push_back(local);
  }
  groups.clear();
  for (auto& entry : by_stream) groups.push_back(std::move(entry.second));

  const std::uint64_t wanted_items = 8 * static_cast<std::uint64_t>(threads);
  std::vector<WorkItem> items;
  for (const std::vector<std::size_t>& group : groups) {
    const PointCoefficients& point = plan.points[batch_first + group.front()];
    if (group.size() == 1) {
      for (std::uint64_t block = 0; block < blocks_per_point; block += kMaxBlocks) {
        const int count = static_cast<int>(std::min<std::uint64_t>(kMaxBlocks, blocks_per_point - block));
        items.push_back(
            {point.stream_tag, point.drive_table, point.constants, group.data(), 1, block, count});
      }
      continue;
    }
    const std::uint64_t most_subsets = (group.size() + kMaxTracks - 1) / kMaxTracks;
    const std::uint64_t subsets =
        std::clamp<std::uint64_t>((wanted_items + blocks_per_point - 1) / blocks_per_point, 1, most_subsets);
    const std::size_t per_subset = (group.size() + subsets - 1) / subsets;
    for (std::size_t first = 0; first < group.size(); first += per_subset) {
      const int count = static_cast<int>(std::min(per_subset, group.size() - first));
      for (std::uint64_t block = 0; block < blocks_per_point; ++block) {
        items.push_back(
            {point.stream_tag, point.drive_table, point.constants, group.data() + first, count, block, 1});
      }
    }
  }
  return items;
}

}  // namespace srlif::cpu
