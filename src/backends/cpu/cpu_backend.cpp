// The CPU backend: OpenMP across work items, each advanced by a lane kernel (cpu_kernels.hpp,
// lane_kernels.hpp). This file is the engine around the kernels: it groups a batch's grid points
// into work items that share their normals, lays out the neurons' state, and reduces it to the
// points' tallies; how it splits the work never changes a result.
#include <omp.h>

#include <algorithm>
#include <limits>

#include "cpu_kernels.hpp"
#include "srlif/planning/drive_tables.hpp"
#include "srlif/running/backend_registry.hpp"
#include "work_items.hpp"

namespace srlif {
namespace {

using namespace cpu;

// A batch of the plan's points in host memory: its work items, each item's
// tracks, and the state of its neurons.
class CpuEngine final : public BatchEngine {
 public:
  CpuEngine(const SweepPlan& plan, int threads) : plan_(plan), threads_(threads) {}

  void load_batch(std::size_t first_point, std::size_t point_count, BackendResult& result) override {
    batch_first_ = first_point;
    batch_points_ = point_count;
    result_ = &result;
    population_.reset(plan_, first_point, point_count);
    // A heterogeneous population or coloured noise: each neuron's own coefficients, the batch's
    // neurons in order (the lane kernels with each lane's coefficients also step the current).
    neuron_points_ = per_neuron() ? batch_neuron_coefficients(plan_, first_point, point_count)
                                  : std::vector<PointCoefficients>{};
    const std::uint64_t blocks_per_point = (plan_.config.neurons + kLanes - 1) / kLanes;
    items_ = make_work_items(plan_, first_point, point_count, blocks_per_point, threads_, groups_);
    item_tracks_.clear();
    item_tracks_.reserve(items_.size());
    for (const WorkItem& item : items_) item_tracks_.push_back(make_tracks(item));
  }

  void restore_snapshot(const PopulationSnapshot& snapshot) override { population_.restore(snapshot); }

  void advance_chunk(const ChunkTables& tables) override {
    const bool record = tables.readouts;
    const std::int64_t chunk_begin = tables.first_step;
    const std::int64_t chunk_end = tables.first_step + tables.length;
    const ItemKernel kernel = item_kernel(
        per_neuron() ? KernelFamily::heterogeneous : KernelFamily::homogeneous, plan_.config.scheme);
    const auto item_count = static_cast<std::int64_t>(items_.size());
    // No more threads than work items: idle threads only add fork/join cost.
    const int team = static_cast<int>(std::min<std::int64_t>(threads_, item_count));
#pragma omp parallel for schedule(dynamic, 1) num_threads(team)
    for (std::int64_t index = 0; index < item_count; ++index) {
      const WorkItem& item = items_[static_cast<std::size_t>(index)];
      const ChunkTableView view = chunk_table_view(tables, item.drive_table, record);
      const std::vector<Track>& tracks = item_tracks_[static_cast<std::size_t>(index)];
      kernel({population_, item, tracks, per_neuron() ? neuron_points_.data() : nullptr, plan_, view,
              chunk_begin, chunk_end, chunk_begin});
    }
  }

  PopulationSnapshot take_snapshot(std::int64_t next_step) override {
    return population_.snapshot(next_step);
  }

  void start_measuring() override {
    const std::size_t neurons = batch_points_ * plan_.config.neurons;
    for (std::size_t at = 0; at < neurons; ++at) clear_neuron_tally(population_, at);
    if (!plan_.config.readouts.enabled) return;
    // Each neuron's max from its state here; no point's from its V_init (make_backend_result).
    population_.max_v = population_.v;
    std::fill_n(result_->readouts.max_v.begin() + static_cast<std::ptrdiff_t>(batch_first_), batch_points_,
                -std::numeric_limits<float>::infinity());
  }

  void read_tallies() override {
    const std::uint64_t neurons = plan_.config.neurons;
    const ReadoutLayout& layout = plan_.readout_layout;
    const bool record = plan_.config.readouts.enabled;
    for (std::size_t local_point = 0; local_point < batch_points_; ++local_point) {
      const std::size_t global_point = batch_first_ + local_point;
      PointTally& tally = result_->tallies[global_point];
      for (std::uint64_t neuron = 0; neuron < neurons; ++neuron) {
        const std::size_t at = local_point * neurons + neuron;
        add_tally(tally, neuron_contribution_at(population_, at, plan_.config.validity));
        if (record) {
          float& point_max = result_->readouts.max_v[global_point];
          point_max = std::max(point_max, population_.max_v[at]);
          if (neuron < layout.raster_neurons) {
            result_->readouts.raster_counts[global_point * layout.raster_neurons + neuron] =
                population_.spikes[at];
          }
        }
      }
    }
  }

 private:
  bool per_neuron() const { return plan_.heterogeneous || plan_.coloured_noise; }

  // The tracks of one work item: its points' lane block, or its point's blocks.
  std::vector<Track> make_tracks(const WorkItem& item) const {
    const std::uint64_t neurons = plan_.config.neurons;
    const ReadoutLayout& layout = plan_.readout_layout;
    std::vector<Track> tracks;
    for (int p = 0; p < item.point_count; ++p) {
      const std::size_t local_point = item.points[p];
      const std::size_t global_point = batch_first_ + local_point;
      PointReadoutTarget target{};
      if (plan_.config.readouts.enabled) {
        PopulationReadouts& r = result_->readouts;
        target.phase_histogram = r.phase_histogram.data() + global_point * layout.phase_bins;
        target.psth = r.psth.data() + global_point * layout.psth_bins;
        target.raster_neurons = layout.raster_neurons;
        target.raster_capacity = layout.raster_capacity;
        target.raster = r.raster_steps.data() +
                        global_point * std::size_t{layout.raster_neurons} * layout.raster_capacity;
      }
      for (int block = 0; block < item.block_count; ++block) {
        const std::uint64_t first_neuron = (item.first_block + static_cast<std::uint64_t>(block)) * kLanes;
        const int lanes = static_cast<int>(std::min<std::uint64_t>(kLanes, neurons - first_neuron));
        tracks.push_back({&plan_.points[global_point], local_point * neurons + first_neuron, first_neuron,
                          lanes, block, target});
      }
    }
    return tracks;
  }

  const SweepPlan& plan_;
  int threads_;
  std::size_t batch_first_ = 0;
  std::size_t batch_points_ = 0;
  BackendResult* result_ = nullptr;
  PopulationState population_;
  std::vector<PointCoefficients> neuron_points_;
  std::vector<std::vector<std::size_t>> groups_;  // the work items point into these
  std::vector<WorkItem> items_;
  std::vector<std::vector<Track>> item_tracks_;
};

class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(int threads) : threads_(threads > 0 ? threads : std::max(1, omp_get_num_procs())) {}

  std::string name() const override { return "cpu"; }
  std::string device() const override {
    return "CPU, " + std::to_string(threads_) + " thread" + (threads_ == 1 ? "" : "s");
  }
  std::unique_ptr<BatchEngine> make_engine(const SweepPlan& plan) override {
    return std::make_unique<CpuEngine>(plan, threads_);
  }

 private:
  int threads_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(int threads) { return std::make_unique<CpuBackend>(threads); }

}  // namespace srlif
