// The CUDA backend's engine, written once for the two ways its kernels run: grid points in flight
// live in the device layer's memory as per-neuron state; each time chunk is one kernel launch per
// noise-sharing width (noise_sharing.hpp: one per binary digit of the batch's point count, at
// most six, each on a stream of its own); at the end a Thrust reduction (device_population.hpp)
// leaves one exact PointTally per grid point, the only data copied back.
//
// `Device` is the thin layer that needs a real device, and all that differs between `cuda` and
// `cuda-sim`:
//   Vector<T>          device memory (thrust::device_vector; cuda-sim: std::vector)
//   StagingVector<T>   host memory that a copy to the device goes from (pinned; cuda-sim: host)
//   policy()           the Thrust execution policy over Vector's memory (thrust::device; thrust::host)
//   stream(i)          the SIMT facade's stream of a chunk's i-th launch (simt.hpp)
//   synchronize(what)  waits for a chunk's launches; throws on a device error
// Everything else (the launch plan, chunk tables, sharing layout, kernels, reductions, snapshots
// and readouts' download) is this file's, the same for both.
#pragma once

#include <thrust/copy.h>
#include <thrust/fill.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/permutation_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "chunk_launch.hpp"
#include "chunk_table_upload.hpp"
#include "device_population.hpp"
#include "simt.hpp"
#include "srlif/planning/drive_tables.hpp"
#include "srlif/running/backend.hpp"

namespace srlif::cuda {
inline namespace SRLIF_SIMT_TARGET {

template <typename Vector>
auto* raw(Vector& vector) {
  return thrust::raw_pointer_cast(vector.data());  // a device_ptr's, or a host pointer itself
}

// A point's max V from its ordered key (readouts.hpp), on the device.
struct FloatOfKey {
  SRLIF_HD float operator()(std::uint32_t key) const { return float_from_ordered_key(key); }
};

// Element k of the batch's raster counts: neuron k % raster_neurons of local point k / raster_neurons.
struct RasterNeuron {
  std::uint64_t raster_neurons;
  std::uint64_t neurons;  // per point
  SRLIF_HD std::uint64_t operator()(std::uint64_t k) const {
    return (k / raster_neurons) * neurons + k % raster_neurons;
  }
};

// The per-neuron state of a batch in the device layer's memory (neuron_vars.hpp).
template <typename Device>
struct DeviceState : NeuronArrays<Device::template Vector> {
  explicit DeviceState(std::size_t neurons) {
    for_each_state_array([&](auto& array) { array.resize(neurons); }, *this);
  }
};

// A batch of the plan's points in device memory (buffers for the largest
// batch, made once per run): its neurons' state, coefficients, chunk tables and
// readouts; `device` its streams.
template <typename Device>
class DeviceEngine final : public BatchEngine {
 public:
  template <typename T>
  using Vector = typename Device::template Vector<T>;

  DeviceEngine(const SweepPlan& plan, Device device)
      : plan_(plan),
        device_(std::move(device)),
        batch_capacity_(static_cast<std::size_t>(plan.batch_points)),
        raster_per_point_(std::size_t{plan.readout_layout.raster_neurons} *
                          plan.readout_layout.raster_capacity),
        state_(batch_capacity_ * plan.config.neurons),
        coefficients_(batch_capacity_),
        neuron_coefficients_(plan.heterogeneous ? batch_capacity_ * plan.config.neurons : 0),
        device_tallies_(batch_capacity_),
        tables_(plan),
        phase_histogram_(batch_capacity_ * plan.readout_layout.phase_bins),
        psth_(batch_capacity_ * plan.readout_layout.psth_bins),
        max_v_key_(recording() ? batch_capacity_ : 0),
        raster_(batch_capacity_ * raster_per_point_) {}

  void load_batch(std::size_t first_point, std::size_t point_count, BackendResult& result) override {
    batch_first_ = first_point;
    batch_points_ = point_count;
    result_ = &result;
    const std::uint64_t neurons = plan_.config.neurons;
    const ReadoutLayout& layout = plan_.readout_layout;
    thrust::copy_n(plan_.points.data() + first_point, point_count, coefficients_.begin());
    if (plan_.heterogeneous) {
      const std::vector<PointCoefficients> neuron_points =
          batch_neuron_coefficients(plan_, first_point, point_count);
      thrust::copy(neuron_points.begin(), neuron_points.end(), neuron_coefficients_.begin());
    }
    if (recording()) {
      thrust::fill_n(phase_histogram_.begin(), point_count * layout.phase_bins, 0ULL);
      thrust::fill_n(psth_.begin(), point_count * layout.psth_bins, 0ULL);
      thrust::fill_n(raster_.begin(), point_count * raster_per_point_, 0);
      std::vector<std::uint32_t> initial(point_count);
      for (std::size_t i = 0; i < point_count; ++i)
        initial[i] = ordered_float_key(result.readouts.max_v[first_point + i]);  // each point's V_init
      thrust::copy(initial.begin(), initial.end(), max_v_key_.begin());
    }
    initialise_population(Device::policy(), population(), raw(coefficients_), neurons, point_count * neurons,
                          plan_.config.seed, plan_.coloured_noise);
    // The batch's points in launches of one noise-sharing width each (noise_sharing.hpp).
    std::vector<std::uint32_t> stream_tags(point_count);
    for (std::size_t i = 0; i < point_count; ++i) stream_tags[i] = plan_.points[first_point + i].stream_tag;
    launches_ = plan_sharing_launches(stream_tags);
    if (point_count * blocks_per_point() > 0x7FFFFFFFULL)
      throw std::runtime_error("too many CUDA blocks in one batch");
  }

  void restore_snapshot(const PopulationSnapshot& snapshot) override {
    const std::size_t count = batch_points_ * plan_.config.neurons;
    for_each_state_array(
        [&](auto& device, const auto& host) { thrust::copy_n(host.data(), count, device.begin()); }, state_,
        snapshot);
  }

  void advance_chunk(const ChunkTables& tables) override {
    const DeviceChunkTables device_tables = tables_.upload(tables);
    const ReadoutLayout& layout = plan_.readout_layout;
    const DeviceReadouts device_readouts{
        raw(phase_histogram_), raw(psth_),       raw(max_v_key_),       raw(raster_),
        layout.phase_bins,     layout.psth_bins, layout.raster_neurons, layout.raster_capacity};
    const DevicePopulation arrays = population();
    const ChunkLaunch chunk{arrays,
                            raw(coefficients_),
                            plan_.heterogeneous ? raw(neuron_coefficients_) : nullptr,
                            plan_.config.seed,
                            device_tables,
                            device_readouts,
                            tables.first_step,
                            tables.first_step + tables.length};
    // The launches of a chunk integrate disjoint points: side by side, one stream each, so
    // that the narrow ones (a few points) fill the card together with the wide.
    const StepVariant variant{plan_.config.scheme, plan_.coloured_noise, tables.readouts};
    for (std::size_t i = 0; i < launches_.size(); ++i) {
      with_scheme(variant.scheme, [&](auto kScheme) {
        with_flag(variant.coloured, [&](auto kColoured) {
          launch_chunk<decltype(kScheme)::value, decltype(kColoured)::value>(
              device_.stream(i), variant.record, chunk, launches_[i], plan_.config.neurons);
        });
      });
    }
    device_.synchronize("advance_chunk");
  }

  PopulationSnapshot take_snapshot(std::int64_t next_step) override {
    const std::size_t count = batch_points_ * plan_.config.neurons;
    PopulationSnapshot snapshot;
    snapshot.next_step = next_step;
    for_each_state_array(
        [&](const auto& device, auto& host) {
          host.resize(count);
          thrust::copy_n(device.begin(), count, host.data());
        },
        state_, snapshot);
    return snapshot;
  }

  void start_measuring() override {
    clear_population_tallies(Device::policy(), population(), batch_points_ * plan_.config.neurons);
    // Each point's max V from the samples of the chunks to come (each thread's register starts
    // at its state), not from its V_init.
    if (recording())
      thrust::fill_n(max_v_key_.begin(), batch_points_,
                     ordered_float_key(-std::numeric_limits<float>::infinity()));
  }

  void read_tallies() override {
    reduce_point_tallies(Device::policy(), population(), plan_.config.neurons, batch_points_,
                         plan_.config.validity, raw(device_tallies_));
    thrust::copy_n(device_tallies_.begin(), batch_points_, result_->tallies.data() + batch_first_);
    if (recording()) download_readouts();
  }

 private:
  bool recording() const { return plan_.config.readouts.enabled; }
  std::uint64_t blocks_per_point() const {
    return (plan_.config.neurons + kThreadsPerBlock - 1) / kThreadsPerBlock;
  }
  DevicePopulation population() {
    DevicePopulation arrays{};
    for_each_state_array([](auto& pointer, auto& vector) { pointer = raw(vector); }, arrays, state_);
    return arrays;
  }

  // Copies the batch's readouts into the result at the batch's grid offset.
  void download_readouts() {
    static_assert(sizeof(unsigned long long) == sizeof(std::uint64_t));
    PopulationReadouts& readouts = result_->readouts;
    const ReadoutLayout& layout = plan_.readout_layout;
    const std::size_t first = batch_first_;
    const std::size_t points = batch_points_;
    thrust::copy_n(
        phase_histogram_.begin(), points * layout.phase_bins,
        reinterpret_cast<unsigned long long*>(readouts.phase_histogram.data()) + first * layout.phase_bins);
    thrust::copy_n(psth_.begin(), points * layout.psth_bins,
                   reinterpret_cast<unsigned long long*>(readouts.psth.data()) + first * layout.psth_bins);
    thrust::copy_n(thrust::make_transform_iterator(max_v_key_.begin(), FloatOfKey{}), points,
                   readouts.max_v.data() + first);
    thrust::copy_n(raster_.begin(), points * raster_per_point_,
                   readouts.raster_steps.data() + first * raster_per_point_);
    if (layout.raster_neurons > 0) {
      // Spike counts of the first raster_neurons neurons of each point.
      const auto raster_neuron =
          thrust::make_transform_iterator(thrust::counting_iterator<std::uint64_t>(0),
                                          RasterNeuron{layout.raster_neurons, plan_.config.neurons});
      thrust::copy_n(thrust::make_permutation_iterator(state_.spikes.begin(), raster_neuron),
                     points * layout.raster_neurons,
                     readouts.raster_counts.data() + first * layout.raster_neurons);
    }
  }

  const SweepPlan& plan_;
  Device device_;
  std::size_t batch_capacity_;
  std::size_t raster_per_point_;
  DeviceState<Device> state_;
  Vector<PointCoefficients> coefficients_;
  Vector<PointCoefficients> neuron_coefficients_;  // a heterogeneous population's
  Vector<PointTally> device_tallies_;
  ChunkTableUpload<Device> tables_;
  Vector<unsigned long long> phase_histogram_;
  Vector<unsigned long long> psth_;
  Vector<std::uint32_t> max_v_key_;
  Vector<std::int32_t> raster_;
  std::size_t batch_first_ = 0;
  std::size_t batch_points_ = 0;
  BackendResult* result_ = nullptr;
  std::vector<SharingLaunch> launches_;
};

}  // namespace SRLIF_SIMT_TARGET
}  // namespace srlif::cuda
