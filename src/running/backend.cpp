// The one loop of every backend: the plan's points in batches, each batch in
// chunks of steps, with progress and snapshots between chunks; the backend's
// BatchEngine does the work inside a batch and a chunk.
#include "srlif/running/backend.hpp"

#include <algorithm>
#include <stdexcept>

namespace srlif {

BackendResult make_backend_result(const SweepPlan& plan) {
  BackendResult result;
  result.tallies.assign(plan.points.size(), PointTally{});
  if (plan.config.readouts.enabled) {
    std::vector<float> initial_max_v;
    initial_max_v.reserve(plan.points.size());
    for (const PointCoefficients& point : plan.points) initial_max_v.push_back(point.constants.v_init);
    result.readouts.resize(plan.readout_layout, initial_max_v);
  }
  return result;
}

void check_chunk_hooks(const SweepPlan& plan, const ChunkHooks& hooks) {
  if (!hooks.start && !hooks.snapshot_due) return;
  if (plan.config.readouts.enabled)
    throw std::logic_error("chunk hooks: plans with readouts have no snapshots");
  if (static_cast<std::int64_t>(plan.points.size()) > plan.batch_points)
    throw std::logic_error("chunk hooks: the plan's points are more than one batch");
  if (hooks.snapshot_due && !hooks.on_snapshot) throw std::logic_error("chunk hooks: no on_snapshot");
  if (!hooks.start) return;
  const PopulationSnapshot& start = *hooks.start;
  const std::size_t neurons = plan.points.size() * plan.config.neurons;
  bool sizes_match = true;
  for_each_state_array([&](const auto& array) { sizes_match = sizes_match && array.size() == neurons; },
                       start);
  if (!sizes_match) throw std::logic_error("chunk hooks: the start state is not of the plan's neurons");
  if (start.next_step <= 0 || start.next_step >= plan.steps || start.next_step % 4 != 0)
    throw std::logic_error("chunk hooks: the start step is not a multiple of 4 inside the run");
}

BackendResult Backend::run(const SweepPlan& plan, const ProgressCallback& progress, const ChunkHooks& hooks) {
  check_chunk_hooks(plan, hooks);
  BackendResult result = make_backend_result(plan);
  const std::unique_ptr<BatchEngine> engine = make_engine(plan);
  const std::size_t point_count = plan.points.size();
  const auto batch_capacity = static_cast<std::size_t>(plan.batch_points);
  const std::int64_t first_step = hooks.start ? hooks.start->next_step : 0;
  std::uint64_t neuron_steps_done = 0;
  for (std::size_t batch_first = 0; batch_first < point_count; batch_first += batch_capacity) {
    const std::size_t batch_points = std::min(point_count - batch_first, batch_capacity);
    const std::uint64_t batch_neurons = batch_points * plan.config.neurons;
    engine->load_batch(batch_first, batch_points, result);
    if (hooks.start) engine->restore_snapshot(*hooks.start);  // one batch (check_chunk_hooks)
    for (std::int64_t chunk_begin = first_step, chunk_end = 0; chunk_begin < plan.steps;
         chunk_begin = chunk_end) {
      chunk_end = std::min(plan.steps, chunk_begin + plan.chunk_steps);
      if (chunk_begin < plan.warmup_steps) chunk_end = std::min(chunk_end, plan.warmup_steps);
      engine->advance_chunk(make_chunk_tables(plan, chunk_begin, chunk_end - chunk_begin));
      // Before any snapshot there: a run resumed from the warm-up's end measures from it.
      if (chunk_end == plan.warmup_steps) engine->start_measuring();
      neuron_steps_done += batch_neurons * static_cast<std::uint64_t>(chunk_end - chunk_begin);
      if (chunk_end < plan.steps && hooks.snapshot_due && hooks.snapshot_due(chunk_end))
        hooks.on_snapshot(engine->take_snapshot(chunk_end));
      if (progress) progress(neuron_steps_done);
    }
    engine->read_tallies();
  }
  return result;
}

}  // namespace srlif
