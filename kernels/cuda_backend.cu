// The CUDA backend: grid points in flight live on the device as per-neuron
// state; each time chunk is one kernel launch per noise-sharing width
// (noise_sharing.hpp: one per binary digit of the batch's point count, at most
// six, side by side on streams of their own); at the end a Thrust reduction
// (device_population.hpp) leaves one exact PointTally per grid point, the only
// data copied back. Device memory is Thrust's (device_vector), and so are the
// copies between host and device.
#include <cuda_runtime.h>
#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/execution_policy.h>
#include <thrust/fill.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/permutation_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "chunk_table_upload.hpp"
#include "cuda_backend.hpp"
#include "device_population.hpp"
#include "srlif/errors.hpp"
#include "srlif/planning/drive_tables.hpp"
#include "sweep_kernels.cuh"

namespace srlif {
namespace {

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    throw std::runtime_error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status));
  }
}

template <typename T>
using DeviceVector = thrust::device_vector<T>;

template <typename T>
T* raw(DeviceVector<T>& vector) {
  return thrust::raw_pointer_cast(vector.data());
}

// CUDA streams of one run, each a blocking stream: its work waits for the legacy default
// stream's (uploads, initialisation) and the default stream's waits for it (the reduction).
class Streams {
 public:
  explicit Streams(std::size_t count) : streams_(count, nullptr) {
    for (cudaStream_t& stream : streams_) {
      const cudaError_t status = cudaStreamCreate(&stream);
      if (status != cudaSuccess) {
        destroy();
        check(status, "cudaStreamCreate");
      }
    }
  }
  ~Streams() { destroy(); }
  Streams(const Streams&) = delete;
  Streams& operator=(const Streams&) = delete;
  cudaStream_t operator[](std::size_t index) const { return streams_[index]; }

 private:
  void destroy() {
    for (cudaStream_t& stream : streams_) {
      if (stream != nullptr) cudaStreamDestroy(stream);
      stream = nullptr;
    }
  }
  std::vector<cudaStream_t> streams_;
};

// A point's max V from its ordered key (readouts.hpp), on the device.
struct FloatOfKey {
  __host__ __device__ float operator()(std::uint32_t key) const { return float_from_ordered_key(key); }
};

// Element k of the batch's raster counts: neuron k % raster_neurons of local point k / raster_neurons.
struct RasterNeuron {
  std::uint64_t raster_neurons;
  std::uint64_t neurons;  // per point
  __host__ __device__ std::uint64_t operator()(std::uint64_t k) const {
    return (k / raster_neurons) * neurons + k % raster_neurons;
  }
};

// Copies one batch's readouts into the result at the batch's grid offset.
void download_readouts(PopulationReadouts& readouts, const ReadoutLayout& layout, std::size_t batch_first,
                       std::size_t batch_points, std::uint64_t neurons,
                       const DeviceVector<unsigned long long>& phase_histogram,
                       const DeviceVector<unsigned long long>& psth,
                       const DeviceVector<std::uint32_t>& max_v_key, const DeviceVector<std::int32_t>& raster,
                       const DeviceVector<std::uint32_t>& spikes) {
  static_assert(sizeof(unsigned long long) == sizeof(std::uint64_t));
  thrust::copy_n(phase_histogram.begin(), batch_points * layout.phase_bins,
                 reinterpret_cast<unsigned long long*>(readouts.phase_histogram.data()) +
                     batch_first * layout.phase_bins);
  thrust::copy_n(
      psth.begin(), batch_points * layout.psth_bins,
      reinterpret_cast<unsigned long long*>(readouts.psth.data()) + batch_first * layout.psth_bins);
  thrust::copy_n(thrust::make_transform_iterator(max_v_key.begin(), FloatOfKey{}), batch_points,
                 readouts.max_v.data() + batch_first);
  const std::size_t raster_per_point = std::size_t{layout.raster_neurons} * layout.raster_capacity;
  thrust::copy_n(raster.begin(), batch_points * raster_per_point,
                 readouts.raster_steps.data() + batch_first * raster_per_point);
  if (layout.raster_neurons > 0) {
    // Spike counts of the first raster_neurons neurons of each point.
    const auto raster_neuron = thrust::make_transform_iterator(thrust::counting_iterator<std::uint64_t>(0),
                                                               RasterNeuron{layout.raster_neurons, neurons});
    thrust::copy_n(thrust::make_permutation_iterator(spikes.begin(), raster_neuron),
                   batch_points * layout.raster_neurons,
                   readouts.raster_counts.data() + batch_first * layout.raster_neurons);
  }
}

// One chunk's kernel, instantiated for each (readouts?, scheme, coloured noise?, sharing width): all are
// the same for a whole launch, so no per-step branch is left in the kernel for them. (An exact
// tau_m spread's drive cos is a null test of a kernel argument per step, the same for every
// thread.)
struct ChunkLaunch {
  const cuda::DevicePopulation& population;
  const PointCoefficients* points;
  const PointCoefficients* neuron_points;  // a heterogeneous population's, else null
  std::uint64_t seed;
  const cuda::DeviceChunkTables& tables;
  const cuda::DeviceReadouts& readouts;
  std::int64_t step_begin;
  std::int64_t step_end;
};

template <bool kRecord, Scheme kScheme, bool kColoured, int kWidth>
void launch_width(const ChunkLaunch& chunk, const SharingLaunch& launch, std::uint64_t neurons,
                  cudaStream_t stream) {
  const std::uint64_t blocks_per_group = sharing_blocks_per_group(kWidth, neurons);
  const std::uint64_t blocks = launch.groups * blocks_per_group;
  if (blocks > 0x7FFFFFFFULL) throw std::runtime_error("too many CUDA blocks in one launch");
  cuda::advance_chunk<kRecord, kScheme, kColoured, kWidth>
      <<<static_cast<unsigned>(blocks), cuda::kThreadsPerBlock, 0, stream>>>(
          chunk.population, chunk.points, chunk.neuron_points, chunk.seed,
          cuda::LaunchLayout{launch, neurons, blocks_per_group}, chunk.tables, chunk.readouts,
          chunk.step_begin, chunk.step_end);
}

template <bool kRecord, Scheme kScheme, bool kColoured>
void launch_scheme(const ChunkLaunch& chunk, const SharingLaunch& launch, std::uint64_t neurons,
                   cudaStream_t stream) {
  switch (launch.width) {
    case 1:
      return launch_width<kRecord, kScheme, kColoured, 1>(chunk, launch, neurons, stream);
    case 2:
      return launch_width<kRecord, kScheme, kColoured, 2>(chunk, launch, neurons, stream);
    case 4:
      return launch_width<kRecord, kScheme, kColoured, 4>(chunk, launch, neurons, stream);
    case 8:
      return launch_width<kRecord, kScheme, kColoured, 8>(chunk, launch, neurons, stream);
    case 16:
      return launch_width<kRecord, kScheme, kColoured, 16>(chunk, launch, neurons, stream);
    case 32:
      return launch_width<kRecord, kScheme, kColoured, 32>(chunk, launch, neurons, stream);
    default:
      throw std::logic_error("no kernel for sharing width " + std::to_string(launch.width));
  }
}

// The kernel for the run's (readouts?, scheme, coloured noise?) and the launch's sharing width.
void launch_advance_chunk(const StepVariant& variant, const ChunkLaunch& chunk, const SharingLaunch& launch,
                          std::uint64_t neurons, cudaStream_t stream) {
  with_step_variant(variant, [&](auto kScheme, auto kColoured, auto kRecord) {
    launch_scheme<decltype(kRecord)::value, decltype(kScheme)::value, decltype(kColoured)::value>(
        chunk, launch, neurons, stream);
  });
}

// The per-neuron state of a batch on the device (neuron_vars.hpp).
struct DeviceState : NeuronArrays<DeviceVector> {
  explicit DeviceState(std::size_t neurons) {
    for_each_state_array([&](auto& array) { array.resize(neurons); }, *this);
  }
};

// A batch of the plan's points in device memory (buffers for the largest
// batch, made once per run): its neurons' state, coefficients, chunk tables and
// readouts, the streams of its launches.
class CudaEngine final : public BatchEngine {
 public:
  explicit CudaEngine(const SweepPlan& plan)
      : plan_(plan),
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
        raster_(batch_capacity_ * raster_per_point_),
        streams_(kMaxSharingLaunches) {}

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
    cuda::initialise_population(thrust::device, population(), raw(coefficients_), neurons,
                                point_count * neurons, plan_.config.seed, plan_.coloured_noise);
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
    const cuda::DeviceChunkTables device_tables = tables_.upload(tables);
    const ReadoutLayout& layout = plan_.readout_layout;
    const cuda::DeviceReadouts device_readouts{
        raw(phase_histogram_), raw(psth_),       raw(max_v_key_),       raw(raster_),
        layout.phase_bins,     layout.psth_bins, layout.raster_neurons, layout.raster_capacity};
    const ChunkLaunch chunk{population(),
                            raw(coefficients_),
                            plan_.heterogeneous ? raw(neuron_coefficients_) : nullptr,
                            plan_.config.seed,
                            device_tables,
                            device_readouts,
                            tables.first_step,
                            tables.first_step + tables.length};
    // The launches of a chunk integrate disjoint points: side by side, one stream each, so
    // that the narrow ones (a few points) fill the card together with the wide.
    for (std::size_t i = 0; i < launches_.size(); ++i) {
      launch_advance_chunk(StepVariant{plan_.config.scheme, plan_.coloured_noise, recording()}, chunk,
                           launches_[i], plan_.config.neurons, streams_[i]);
    }
    check(cudaGetLastError(), "advance_chunk launch");
    check(cudaDeviceSynchronize(), "advance_chunk");
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

  void read_tallies() override {
    cuda::reduce_point_tallies(thrust::device, population(), plan_.config.neurons, batch_points_,
                               plan_.config.validity, raw(device_tallies_));
    thrust::copy_n(device_tallies_.begin(), batch_points_, result_->tallies.data() + batch_first_);
    if (recording())
      download_readouts(result_->readouts, plan_.readout_layout, batch_first_, batch_points_,
                        plan_.config.neurons, phase_histogram_, psth_, max_v_key_, raster_, state_.spikes);
  }

 private:
  bool recording() const { return plan_.config.readouts.enabled; }
  std::uint64_t blocks_per_point() const {
    return (plan_.config.neurons + cuda::kThreadsPerBlock - 1) / cuda::kThreadsPerBlock;
  }
  cuda::DevicePopulation population() {
    cuda::DevicePopulation arrays{};
    for_each_state_array([](auto& pointer, auto& vector) { pointer = raw(vector); }, arrays, state_);
    return arrays;
  }

  const SweepPlan& plan_;
  std::size_t batch_capacity_;
  std::size_t raster_per_point_;
  DeviceState state_;
  DeviceVector<PointCoefficients> coefficients_;
  DeviceVector<PointCoefficients> neuron_coefficients_;  // a heterogeneous population's
  DeviceVector<PointTally> device_tallies_;
  cuda::ChunkTableUpload tables_;
  DeviceVector<unsigned long long> phase_histogram_;
  DeviceVector<unsigned long long> psth_;
  DeviceVector<std::uint32_t> max_v_key_;
  DeviceVector<std::int32_t> raster_;
  Streams streams_;
  std::size_t batch_first_ = 0;
  std::size_t batch_points_ = 0;
  BackendResult* result_ = nullptr;
  std::vector<SharingLaunch> launches_;
};

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(CudaDeviceInfo device) : device_(std::move(device)) {}

  std::string name() const override { return "cuda"; }
  std::string device() const override {
    return device_.name + " (device " + std::to_string(device_.index) + ", sm_" +
           std::to_string(device_.compute_major) + std::to_string(device_.compute_minor) + ")";
  }
  std::unique_ptr<BatchEngine> make_engine(const SweepPlan& plan) override {
    check(cudaSetDevice(device_.index), "cudaSetDevice");
    return std::make_unique<CudaEngine>(plan);
  }

 private:
  CudaDeviceInfo device_;
};

}  // namespace

bool cuda_backend_built() { return true; }

std::vector<CudaDeviceInfo> cuda_devices(std::string& why_not) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    why_not = cudaGetErrorString(status);
    if (status == cudaErrorInsufficientDriver || status == cudaErrorNoDevice) {
      why_not = "no NVIDIA GPU or driver on this machine (" + why_not + ")";
    }
    return {};
  }
  std::vector<CudaDeviceInfo> devices;
  for (int index = 0; index < count; ++index) {
    cudaDeviceProp properties{};
    if (cudaGetDeviceProperties(&properties, index) != cudaSuccess) continue;
    devices.push_back(CudaDeviceInfo{index, properties.name, properties.major, properties.minor,
                                     properties.totalGlobalMem, properties.multiProcessorCount});
  }
  if (devices.empty()) why_not = "no CUDA device found";
  return devices;
}

std::unique_ptr<Backend> make_cuda_backend() { return make_cuda_backend(0); }

std::unique_ptr<Backend> make_cuda_backend(std::size_t device) {
  std::string why_not;
  std::vector<CudaDeviceInfo> devices = cuda_devices(why_not);
  if (devices.empty()) throw UnavailableError("no usable CUDA device: " + why_not);
  if (device >= devices.size())
    throw UnavailableError("no usable CUDA device number " + std::to_string(device));
  return std::make_unique<CudaBackend>(devices[device]);
}

}  // namespace srlif
