// The CPU engine's work items: points are grouped (their normals drawn once for all) only when
// every word of their step constants is equal. The key holds StepConstants' bytes whole, so a
// field added to the struct keys the items too; these tests change each word in turn.
#include "backends/cpu/work_items.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "srlif/planning/sweep_plan.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

// The plan of a 2-point homogeneous sweep, whose two points share everything (sigma aside).
SweepPlan two_point_plan() { return make_plan(test::reference_config({10.0, 20.0}, 16, 10.0)); }

// `point` with word `word` of its step constants changed (one bit flipped).
PointCoefficients with_word_changed(PointCoefficients point, std::size_t word) {
  std::uint32_t bits;
  auto* bytes = reinterpret_cast<unsigned char*>(&point.constants) + word * sizeof bits;
  std::memcpy(&bits, bytes, sizeof bits);
  bits ^= 1u << 20;
  std::memcpy(bytes, &bits, sizeof bits);
  return point;
}

TEST(WorkItems, KeyHoldsEveryWordOfTheStepConstants) {
  const SweepPlan plan = two_point_plan();
  const PointCoefficients& point = plan.points.front();
  ASSERT_EQ(cpu::kStepConstantWords * sizeof(std::uint32_t), sizeof(StepConstants));
  for (std::size_t word = 0; word < cpu::kStepConstantWords; ++word) {
    const PointCoefficients changed = with_word_changed(point, word);
    EXPECT_NE(cpu::work_item_key(point, false), cpu::work_item_key(changed, false)) << "word " << word;
    // A heterogeneous population's neurons have constants of their own: the points' are not keyed.
    EXPECT_EQ(cpu::work_item_key(point, true), cpu::work_item_key(changed, true)) << "word " << word;
  }
}

TEST(WorkItems, PointsDifferingInAnyConstantAreNotGrouped) {
  SweepPlan plan = two_point_plan();
  ASSERT_EQ(plan.points.size(), 2u);
  std::vector<std::vector<std::size_t>> groups;
  // Equal constants: one group of both points.
  std::vector<cpu::WorkItem> items = cpu::make_work_items(plan, 0, 2, 2, 1, groups);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups.front().size(), 2u);
  ASSERT_FALSE(items.empty());
  EXPECT_EQ(items.front().point_count, 2);
  const PointCoefficients first = plan.points[1];
  for (std::size_t word = 0; word < cpu::kStepConstantWords; ++word) {
    plan.points[1] = with_word_changed(first, word);
    items = cpu::make_work_items(plan, 0, 2, 2, 1, groups);
    EXPECT_EQ(groups.size(), 2u) << "word " << word;
    for (const cpu::WorkItem& item : items) EXPECT_EQ(item.point_count, 1) << "word " << word;
  }
}

}  // namespace
}  // namespace srlif
