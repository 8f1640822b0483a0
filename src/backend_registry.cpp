#include <algorithm>
#include <stdexcept>

#include "srlif/backend.hpp"
#include "srlif/errors.hpp"

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
  if (start.v.size() != neurons || start.refractory.size() != neurons || start.spikes.size() != neurons ||
      start.cos_sum.size() != neurons || start.sin_sum.size() != neurons)
    throw std::logic_error("chunk hooks: the start state is not of the plan's neurons");
  if (start.next_step <= 0 || start.next_step >= plan.steps || start.next_step % 4 != 0)
    throw std::logic_error("chunk hooks: the start step is not a multiple of 4 inside the run");
}

std::unique_ptr<Backend> make_backend(const std::string& name, int threads) {
  if (name == "cpu") return make_cpu_backend(threads);
  if (name == "cuda") {
    try {
      return make_cuda_backend();
    } catch (const UnavailableError& error) {
      throw UnavailableError(std::string("--backend cuda: ") + error.what());
    }
  }
  if (name == "auto") {
    std::string why_not;
    if (!cuda_devices(why_not).empty()) return make_cuda_backend();
    return make_cpu_backend(threads);
  }
  throw InputError("--backend", "must be one of auto, cpu, cuda (got '" + name + "')");
}

std::vector<std::unique_ptr<Backend>> make_backends(const std::string& name, int threads, int devices) {
  std::vector<std::unique_ptr<Backend>> backends;
  backends.push_back(make_backend(name, threads));
  if (backends.front()->name() == "cuda") {
    std::string why_not;
    const std::size_t usable = cuda_devices(why_not).size();
    const std::size_t wanted =
        devices > 0 ? std::min<std::size_t>(usable, static_cast<std::size_t>(devices)) : usable;
    for (std::size_t device = 1; device < wanted; ++device) backends.push_back(make_cuda_backend(device));
  }
  return backends;
}

}  // namespace srlif
