// The CPU backend: OpenMP across (grid point, block of neurons) work items, and
// within an item the neurons advance in lockstep in lanes that the compiler
// vectorises. Each neuron's arithmetic is exactly the shared scalar code, so
// the bits do not depend on the vector width or the thread count.
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "srlif/backend.hpp"
#include "srlif/drive_tables.hpp"
#include "srlif/neuron_chunk.hpp"
#include "srlif/philox.hpp"

namespace srlif {
namespace {

constexpr int kLanes = 8;  // neurons advanced together in one work item

// State of all neurons of the grid points in flight, structure of arrays.
struct PopulationState {
  std::vector<float> v;
  std::vector<std::int32_t> refractory;
  std::vector<std::uint32_t> spikes;
  std::vector<std::int64_t> cos_sum;
  std::vector<std::int64_t> sin_sum;
  std::vector<float> max_v;  // running max of v, mV

  void reset(std::size_t neurons, float v_init) {
    v.assign(neurons, v_init);
    refractory.assign(neurons, 0);
    spikes.assign(neurons, 0);
    cos_sum.assign(neurons, 0);
    sin_sum.assign(neurons, 0);
    max_v.assign(neurons, v_init);
  }
};

// Where the readouts of one grid point go (null `phase_histogram` = no readouts).
struct PointReadoutTarget {
  std::uint64_t* phase_histogram;
  std::uint64_t* psth;
  std::int32_t* raster;  // [neuron][capacity], neurons < raster_neurons
  std::uint64_t raster_neurons;
  std::uint64_t raster_capacity;
};

void count_spike(std::uint64_t& counter) {
  std::atomic_ref<std::uint64_t>(counter).fetch_add(1, std::memory_order_relaxed);
}

// Advances up to kLanes neurons [first, first + lanes) of one point through
// steps [step_begin, step_end) of the chunk whose tables are given; with
// kRecord also the readouts. Inlined into the instruction-set clones below.
template <bool kRecord>
__attribute__((always_inline)) inline void advance_lanes(
    PopulationState& population, std::size_t first, int lanes, std::uint64_t first_neuron,
    const SweepPlan& plan, const PointCoefficients& point, const ChunkTableView& tables,
    const PointReadoutTarget& readouts, std::int64_t step_begin, std::int64_t step_end,
    std::int64_t table_first_step) {
  float v[kLanes];
  std::int32_t refractory[kLanes];
  std::uint32_t spikes[kLanes];
  std::int64_t cos_sum[kLanes];
  std::int64_t sin_sum[kLanes];
  float max_v[kLanes];
  std::int32_t spiked[kLanes];  // int32 like the other lanes, so the step loop vectorises
  std::uint64_t stream[kLanes];
  for (int lane = 0; lane < kLanes; ++lane) {
    const std::size_t at = first + static_cast<std::size_t>(std::min(lane, lanes - 1));
    v[lane] = population.v[at];
    refractory[lane] = population.refractory[at];
    spikes[lane] = population.spikes[at];
    cos_sum[lane] = population.cos_sum[at];
    sin_sum[lane] = population.sin_sum[at];
    max_v[lane] = population.max_v[at];
    stream[lane] = stream_id(point.stream_tag, first_neuron + static_cast<std::uint64_t>(lane));
  }
  const StepConstants constants = plan.constants;
  const std::uint64_t seed = plan.config.seed;
  // One step of one lane with its normal, at table index `at`: the shared physics.
  const auto step_lane = [&](int lane, float normal, std::int64_t at) {
    NeuronState state{v[lane], refractory[lane]};
    NeuronTally tally{spikes[lane], cos_sum[lane], sin_sum[lane]};
    const bool spike = advance_step(state, tally, constants, point, normal, tables, at);
    v[lane] = state.v;
    refractory[lane] = state.refractory;
    spikes[lane] = tally.spikes;
    cos_sum[lane] = tally.cos_sum;
    sin_sum[lane] = tally.sin_sum;
    if constexpr (kRecord) {
      spiked[lane] = spike ? 1 : 0;
      max_v[lane] = state.v > max_v[lane] ? state.v : max_v[lane];
    }
  };
  // Readouts of the spikes of step `at` (rare: a scalar pass after the vector step).
  const auto record_spikes = [&](std::int64_t at) {
    std::int32_t any = 0;  // vectorised test first: most steps have no spike at all
    for (int lane = 0; lane < kLanes; ++lane) any |= spiked[lane];
    if (!any) return;
    for (int lane = 0; lane < lanes; ++lane) {
      if (!spiked[lane]) continue;
      count_spike(readouts.phase_histogram[tables.phase_bin[at]]);
      count_spike(readouts.psth[tables.psth_bin[at]]);
      const std::uint64_t neuron = first_neuron + static_cast<std::uint64_t>(lane);
      if (neuron < readouts.raster_neurons) {
        readouts.raster[neuron * readouts.raster_capacity + spikes[lane] - 1] =
            static_cast<std::int32_t>(table_first_step + at);
      }
    }
  };

  // Full Philox blocks. Each stage is its own short lane loop without control
  // flow, which the compiler vectorises across the kLanes neurons.
  const std::int64_t full_end = step_begin + (step_end - step_begin) / 4 * 4;
  float normal[4][kLanes];
  for (std::int64_t block_step = step_begin; block_step < full_end; block_step += 4) {
    const auto block = static_cast<std::uint64_t>(block_step / 4);
    std::uint32_t words[4][kLanes];
#pragma omp simd
    for (int lane = 0; lane < kLanes; ++lane) {
      const PhiloxWords draw = philox4x32_10(seed, stream[lane], block);
      words[0][lane] = draw.word[0];
      words[1][lane] = draw.word[1];
      words[2][lane] = draw.word[2];
      words[3][lane] = draw.word[3];
    }
    for (int pair = 0; pair < 2; ++pair) {
#pragma omp simd
      for (int lane = 0; lane < kLanes; ++lane) {
        const NormalPair normals = box_muller(words[2 * pair][lane], words[2 * pair + 1][lane]);
        normal[2 * pair][lane] = normals.first;
        normal[2 * pair + 1][lane] = normals.second;
      }
    }
    for (int j = 0; j < 4; ++j) {
      const std::int64_t at = block_step + j - table_first_step;
#pragma omp simd
      for (int lane = 0; lane < kLanes; ++lane) step_lane(lane, normal[j][lane], at);
      if constexpr (kRecord) record_spikes(at);
    }
  }
  // The run's last, partial block (K - 1 not a multiple of 4).
  if (full_end < step_end) {
    const auto block = static_cast<std::uint64_t>(full_end / 4);
    const int count = static_cast<int>(step_end - full_end);
    NormalQuad normals[kLanes];
    for (int lane = 0; lane < kLanes; ++lane) {
      normals[lane] = normals_from_block(philox4x32_10(seed, stream[lane], block));
    }
    for (int j = 0; j < count; ++j) {
      const std::int64_t at = full_end + j - table_first_step;
      for (int lane = 0; lane < kLanes; ++lane) step_lane(lane, normals[lane].z[j], at);
      if constexpr (kRecord) record_spikes(at);
    }
  }

  for (int lane = 0; lane < lanes; ++lane) {
    const std::size_t at = first + static_cast<std::size_t>(lane);
    population.v[at] = v[lane];
    population.refractory[at] = refractory[lane];
    population.spikes[at] = spikes[lane];
    population.cos_sum[at] = cos_sum[lane];
    population.sin_sum[at] = sin_sum[lane];
    population.max_v[at] = max_v[lane];
  }
}

// The same work compiled for AVX2 and for any x86-64, picked at load time;
// both perform identical IEEE operations. `record` is the same for a whole
// run, so the branch costs nothing and each variant stays branch-free inside.
__attribute__((target_clones("arch=x86-64-v3", "default"))) void advance_lanes_cloned(
    bool record, PopulationState& population, std::size_t first, int lanes, std::uint64_t first_neuron,
    const SweepPlan& plan, const PointCoefficients& point, const ChunkTableView& tables,
    const PointReadoutTarget& readouts, std::int64_t step_begin, std::int64_t step_end,
    std::int64_t table_first_step) {
  if (record) {
    advance_lanes<true>(population, first, lanes, first_neuron, plan, point, tables, readouts, step_begin,
                        step_end, table_first_step);
  } else {
    advance_lanes<false>(population, first, lanes, first_neuron, plan, point, tables, readouts, step_begin,
                         step_end, table_first_step);
  }
}

class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(int threads) : threads_(threads > 0 ? threads : std::max(1, omp_get_num_procs())) {}

  std::string name() const override { return "cpu"; }
  std::string device() const override {
    return "CPU, " + std::to_string(threads_) + " thread" + (threads_ == 1 ? "" : "s");
  }

  BackendResult run(const SweepPlan& plan, const ProgressCallback& progress) override {
    const std::size_t point_count = plan.points.size();
    const std::uint64_t neurons = plan.config.neurons;
    const std::size_t blocks_per_point = static_cast<std::size_t>((neurons + kLanes - 1) / kLanes);
    const ReadoutLayout& layout = plan.readout_layout;
    const bool record = plan.config.readouts.enabled;
    BackendResult result;
    result.tallies.assign(point_count, PointTally{});
    if (record) result.readouts.resize(point_count, layout, plan.constants.v_init);
    PopulationState population;
    std::uint64_t neuron_steps_done = 0;

    for (std::size_t batch_first = 0; batch_first < point_count;
         batch_first += static_cast<std::size_t>(plan.batch_points)) {
      const std::size_t batch_points =
          std::min(point_count - batch_first, static_cast<std::size_t>(plan.batch_points));
      population.reset(batch_points * neurons, plan.constants.v_init);

      for (std::int64_t chunk_begin = 0; chunk_begin < plan.steps; chunk_begin += plan.chunk_steps) {
        const std::int64_t chunk_end = std::min(plan.steps, chunk_begin + plan.chunk_steps);
        const ChunkTables tables = make_chunk_tables(plan, chunk_begin, chunk_end - chunk_begin);
        const auto items = static_cast<std::int64_t>(batch_points * blocks_per_point);
        // No more threads than work items: idle threads only add fork/join cost.
        const int team = static_cast<int>(std::min<std::int64_t>(threads_, items));
#pragma omp parallel for schedule(dynamic, 1) num_threads(team)
        for (std::int64_t item = 0; item < items; ++item) {
          const std::size_t local_point = static_cast<std::size_t>(item) / blocks_per_point;
          const std::size_t block = static_cast<std::size_t>(item) % blocks_per_point;
          const std::size_t global_point = batch_first + local_point;
          const PointCoefficients& point = plan.points[global_point];
          const std::size_t table_at = point.frequency_index * static_cast<std::size_t>(tables.length);
          const ChunkTableView view{tables.drive_sin.data() + table_at, tables.phase_cos.data() + table_at,
                                    tables.phase_sin.data() + table_at,
                                    record ? tables.phase_bin.data() + table_at : nullptr,
                                    record ? tables.psth_bin.data() : nullptr};
          PointReadoutTarget target{};
          if (record) {
            PopulationReadouts& r = result.readouts;
            target.phase_histogram = r.phase_histogram.data() + global_point * layout.phase_bins;
            target.psth = r.psth.data() + global_point * layout.psth_bins;
            target.raster_neurons = layout.raster_neurons;
            target.raster_capacity = layout.raster_capacity;
            target.raster = r.raster_steps.data() +
                            global_point * std::size_t{layout.raster_neurons} * layout.raster_capacity;
          }
          const std::uint64_t first_neuron = block * kLanes;
          const int lanes = static_cast<int>(std::min<std::uint64_t>(kLanes, neurons - first_neuron));
          advance_lanes_cloned(record, population, local_point * neurons + first_neuron, lanes, first_neuron,
                               plan, point, view, target, chunk_begin, chunk_end, chunk_begin);
        }
        neuron_steps_done += batch_points * neurons * static_cast<std::uint64_t>(chunk_end - chunk_begin);
        if (progress) progress(neuron_steps_done);
      }

      for (std::size_t local_point = 0; local_point < batch_points; ++local_point) {
        const std::size_t global_point = batch_first + local_point;
        PointTally& tally = result.tallies[global_point];
        for (std::uint64_t neuron = 0; neuron < neurons; ++neuron) {
          const std::size_t at = local_point * neurons + neuron;
          const NeuronTally neuron_tally{population.spikes[at], population.cos_sum[at],
                                         population.sin_sum[at]};
          add_tally(tally, neuron_contribution(neuron_tally, plan.config.validity));
          if (record) {
            float& point_max = result.readouts.max_v[global_point];
            point_max = std::max(point_max, population.max_v[at]);
            if (neuron < layout.raster_neurons) {
              result.readouts.raster_counts[global_point * layout.raster_neurons + neuron] =
                  population.spikes[at];
            }
          }
        }
      }
    }
    return result;
  }

 private:
  int threads_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(int threads) { return std::make_unique<CpuBackend>(threads); }

}  // namespace srlif
