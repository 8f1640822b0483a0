// Several devices share a sweep's grid points (issue 6): the scheduling of
// run_points, exercised with CPU workers (GPUs use the same code, one host
// thread per device): any number of workers gives the same bits as one, every
// point is recorded exactly once, and a failing worker stops the others.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <stdexcept>

#include "srlif/running/backend_registry.hpp"
#include "srlif/running/sweep_runner.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

SweepPlan worker_plan(bool decorrelate) {
  SweepConfig config = test::reference_config({0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60}, 300, 300);
  config.grid[Axis::amplitude] = {10, 20};
  config.decorrelate_points = decorrelate;
  config.execution.batch_points = 3;
  return make_plan(config);
}

std::vector<std::uint64_t> every_point(const SweepPlan& plan) {
  std::vector<std::uint64_t> points(plan.points.size());
  for (std::uint64_t i = 0; i < points.size(); ++i) points[i] = i;
  return points;
}

SegmentHooks recording(SegmentCallback on_segment) {
  SegmentHooks hooks;
  hooks.on_segment = std::move(on_segment);
  return hooks;
}

bool same_bits(const std::vector<PointTally>& a, const std::vector<PointTally>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(PointTally)) == 0;
}

TEST(Workers, AnyNumberOfWorkersGivesTheSameBitsAsOne) {
  for (const bool decorrelate : {false, true}) {
    const SweepPlan plan = worker_plan(decorrelate);
    const auto single = make_cpu_backend(1);
    const std::vector<PointTally> whole = run_sweep(plan, *single, {}).tallies;
    for (const std::size_t count : {1u, 2u, 3u, 5u}) {
      std::vector<std::unique_ptr<Backend>> owned;
      std::vector<Backend*> workers;
      for (std::size_t i = 0; i < count; ++i) {
        owned.push_back(make_cpu_backend(1));
        workers.push_back(owned.back().get());
      }
      std::map<std::uint64_t, int> recorded;
      std::uint64_t most_progress = 0;
      const std::vector<PointTally> tallies = run_points(
          plan, workers, every_point(plan),
          [&](std::uint64_t done) { most_progress = std::max(most_progress, done); },
          recording([&](const std::vector<std::uint64_t>& points, const std::vector<PointTally>& segment,
                        const std::vector<SpectralReadout>&) {
            EXPECT_EQ(points.size(), segment.size());
            for (const std::uint64_t point : points) ++recorded[point];
          }));
      EXPECT_TRUE(same_bits(tallies, whole)) << count << " workers, decorrelate " << decorrelate;
      ASSERT_EQ(recorded.size(), plan.points.size());
      for (const auto& [point, times] : recorded) EXPECT_EQ(times, 1) << "point " << point;
      EXPECT_EQ(most_progress, plan.neuron_steps());
    }
  }
}

TEST(Workers, ASubsetOfPointsGivesThoseOfTheWholeRun) {
  const SweepPlan plan = worker_plan(false);
  const auto backend = make_cpu_backend(2);
  const std::vector<PointTally> whole = run_sweep(plan, *backend, {}).tallies;
  const std::vector<std::uint64_t> subset = {1, 2, 7, 8, 9, 20, 25};
  const std::vector<PointTally> part = run_points(plan, {backend.get()}, subset, {}, {});
  ASSERT_EQ(part.size(), subset.size());
  for (std::size_t i = 0; i < subset.size(); ++i) {
    EXPECT_EQ(std::memcmp(&part[i], &whole[subset[i]], sizeof(PointTally)), 0) << "point " << subset[i];
  }
}

// A backend that fails on its second segment.
class FailingBackend final : public Backend {
 public:
  std::string name() const override { return "failing"; }
  std::string device() const override { return "test"; }
  std::unique_ptr<BatchEngine> make_engine(const SweepPlan& plan) override {
    if (++runs_ == 2) throw std::runtime_error("device lost");
    return inner_->make_engine(plan);
  }

 private:
  std::unique_ptr<Backend> inner_ = make_cpu_backend(1);
  int runs_ = 0;
};

TEST(Workers, AFailingWorkerStopsTheOthersAndItsErrorIsRethrown) {
  const SweepPlan plan = worker_plan(false);
  FailingBackend failing;
  const auto healthy = make_cpu_backend(1);
  std::atomic<int> segments_after{0};
  try {
    run_points(plan, {&failing, healthy.get()}, every_point(plan), {},
               recording([&](const std::vector<std::uint64_t>&, const std::vector<PointTally>&,
                             const std::vector<SpectralReadout>&) { ++segments_after; }));
    FAIL() << "the failure must be rethrown";
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(), "device lost");
  }
  EXPECT_LT(segments_after.load(), static_cast<int>(plan.points.size()));
}

}  // namespace
}  // namespace srlif
