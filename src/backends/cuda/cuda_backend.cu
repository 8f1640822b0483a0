// The CUDA backend: grid points in flight live on the device as per-neuron
// state; each time chunk is one kernel launch per noise-sharing width
// (noise_sharing.hpp: one per binary digit of the batch's point count, at most
// six, side by side on streams of their own); at the end a reduction kernel
// leaves one exact PointTally per grid point, the only data copied back.
#include <cuda_runtime.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "srlif/errors.hpp"
#include "srlif/planning/drive_tables.hpp"
#include "srlif/running/backend_registry.hpp"
#include "sweep_kernels.cuh"

namespace srlif {
namespace {

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    throw std::runtime_error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status));
  }
}

// Owning device buffer.
template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(std::size_t count) : count_(count) {
    if (count > 0) check(cudaMalloc(&data_, count * sizeof(T)), "cudaMalloc");
  }
  ~DeviceBuffer() { cudaFree(data_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  T* get() const { return data_; }
  void upload(const T* host, std::size_t count) {
    if (count > 0)
      check(cudaMemcpy(data_, host, count * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy to device");
  }
  void download(T* host, std::size_t count) const {
    if (count > 0)
      check(cudaMemcpy(host, data_, count * sizeof(T), cudaMemcpyDeviceToHost), "cudaMemcpy to host");
  }
  void zero(std::size_t count) {
    if (count > 0) check(cudaMemset(data_, 0, count * sizeof(T)), "cudaMemset");
  }

 private:
  T* data_ = nullptr;
  std::size_t count_;
};

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

// Copies one batch's readouts into the result at the batch's grid offset.
void download_readouts(PopulationReadouts& readouts, const ReadoutLayout& layout, std::size_t batch_first,
                       std::size_t batch_points, std::uint64_t neurons,
                       const DeviceBuffer<unsigned long long>& phase_histogram,
                       const DeviceBuffer<unsigned long long>& psth,
                       const DeviceBuffer<std::uint32_t>& max_v_key, const DeviceBuffer<std::int32_t>& raster,
                       const DeviceBuffer<std::uint32_t>& spikes) {
  static_assert(sizeof(unsigned long long) == sizeof(std::uint64_t));
  phase_histogram.download(reinterpret_cast<unsigned long long*>(readouts.phase_histogram.data()) +
                               batch_first * layout.phase_bins,
                           batch_points * layout.phase_bins);
  psth.download(reinterpret_cast<unsigned long long*>(readouts.psth.data()) + batch_first * layout.psth_bins,
                batch_points * layout.psth_bins);
  std::vector<std::uint32_t> keys(batch_points);
  max_v_key.download(keys.data(), batch_points);
  for (std::size_t i = 0; i < batch_points; ++i)
    readouts.max_v[batch_first + i] = float_from_ordered_key(keys[i]);
  const std::size_t raster_per_point = std::size_t{layout.raster_neurons} * layout.raster_capacity;
  raster.download(readouts.raster_steps.data() + batch_first * raster_per_point,
                  batch_points * raster_per_point);
  if (layout.raster_neurons > 0) {
    // Spike counts of the first raster_neurons neurons of each point.
    check(cudaMemcpy2D(readouts.raster_counts.data() + batch_first * layout.raster_neurons,
                       layout.raster_neurons * sizeof(std::uint32_t), spikes.get(),
                       neurons * sizeof(std::uint32_t), layout.raster_neurons * sizeof(std::uint32_t),
                       batch_points, cudaMemcpyDeviceToHost),
          "cudaMemcpy2D raster counts");
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
void launch_advance_chunk(bool record, Scheme scheme, bool coloured, const ChunkLaunch& chunk,
                          const SharingLaunch& launch, std::uint64_t neurons, cudaStream_t stream) {
  const auto with_colour = [&](auto kRecord, auto kScheme) {
    constexpr bool kRecordValue = decltype(kRecord)::value;
    constexpr Scheme kSchemeValue = decltype(kScheme)::value;
    if (coloured) {
      launch_scheme<kRecordValue, kSchemeValue, true>(chunk, launch, neurons, stream);
    } else {
      launch_scheme<kRecordValue, kSchemeValue, false>(chunk, launch, neurons, stream);
    }
  };
  using Exact = std::integral_constant<Scheme, Scheme::exact>;
  using Euler = std::integral_constant<Scheme, Scheme::euler>;
  if (record && scheme == Scheme::exact) {
    with_colour(std::true_type{}, Exact{});
  } else if (record) {
    with_colour(std::true_type{}, Euler{});
  } else if (scheme == Scheme::exact) {
    with_colour(std::false_type{}, Exact{});
  } else {
    with_colour(std::false_type{}, Euler{});
  }
}

// The per-neuron state of a batch on the device, the arrays of for_each_state_array.
struct DeviceState {
  explicit DeviceState(std::size_t neurons)
      : v(neurons),
        refractory(neurons),
        spikes(neurons),
        cos_sum(neurons),
        sin_sum(neurons),
        noise_current(neurons),
        release(neurons) {}
  DeviceBuffer<float> v;
  DeviceBuffer<std::int32_t> refractory;
  DeviceBuffer<std::uint32_t> spikes;
  DeviceBuffer<std::int64_t> cos_sum;
  DeviceBuffer<std::int64_t> sin_sum;
  DeviceBuffer<float> noise_current;
  DeviceBuffer<float> release;
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
        drive_sin_(table_entries(plan)),
        drive_cos_(plan.drive_quadrature ? table_entries(plan) : 0),
        phase_cos_(table_entries(plan)),
        phase_sin_(table_entries(plan)),
        phase_bin_(recording() ? table_entries(plan) : 0),
        psth_bin_(recording() ? static_cast<std::size_t>(plan.chunk_steps) : 0),
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
    const std::uint64_t batch_neurons = point_count * neurons;
    const ReadoutLayout& layout = plan_.readout_layout;
    coefficients_.upload(plan_.points.data() + first_point, point_count);
    if (plan_.heterogeneous) {
      const std::vector<PointCoefficients> neuron_points =
          batch_neuron_coefficients(plan_, first_point, point_count);
      neuron_coefficients_.upload(neuron_points.data(), neuron_points.size());
    }
    device_tallies_.zero(point_count);
    if (recording()) {
      phase_histogram_.zero(point_count * layout.phase_bins);
      psth_.zero(point_count * layout.psth_bins);
      raster_.zero(point_count * raster_per_point_);
      std::vector<std::uint32_t> initial(point_count);
      for (std::size_t i = 0; i < point_count; ++i)
        initial[i] = ordered_float_key(result.readouts.max_v[first_point + i]);  // each point's V_init
      max_v_key_.upload(initial.data(), point_count);
    }
    cuda::initialise_population<<<static_cast<unsigned>((batch_neurons + 255) / 256), 256>>>(
        population(), coefficients_.get(), neurons, batch_neurons, plan_.config.seed, plan_.coloured_noise);
    check(cudaGetLastError(), "initialise_population");
    // The batch's points in launches of one noise-sharing width each (noise_sharing.hpp).
    std::vector<std::uint32_t> stream_tags(point_count);
    for (std::size_t i = 0; i < point_count; ++i) stream_tags[i] = plan_.points[first_point + i].stream_tag;
    launches_ = plan_sharing_launches(stream_tags);
    if (point_count * blocks_per_point() > 0x7FFFFFFFULL)
      throw std::runtime_error("too many CUDA blocks in one batch");
  }

  void restore_snapshot(const PopulationSnapshot& snapshot) override {
    const std::size_t count = batch_points_ * plan_.config.neurons;
    for_each_state_array([&](auto& device, const auto& host) { device.upload(host.data(), count); }, state_,
                         snapshot);
  }

  void advance_chunk(const ChunkTables& tables) override {
    drive_sin_.upload(tables.drive_sin.data(), tables.drive_sin.size());
    drive_cos_.upload(tables.drive_cos.data(), tables.drive_cos.size());
    phase_cos_.upload(tables.phase_cos.data(), tables.phase_cos.size());
    phase_sin_.upload(tables.phase_sin.data(), tables.phase_sin.size());
    phase_bin_.upload(tables.phase_bin.data(), tables.phase_bin.size());
    psth_bin_.upload(tables.psth_bin.data(), tables.psth_bin.size());
    const cuda::DeviceChunkTables device_tables{
        drive_sin_.get(), phase_cos_.get(), phase_sin_.get(),
        phase_bin_.get(), psth_bin_.get(),  plan_.drive_quadrature ? drive_cos_.get() : nullptr,
        tables.length};
    const ReadoutLayout& layout = plan_.readout_layout;
    const cuda::DeviceReadouts device_readouts{
        phase_histogram_.get(), psth_.get(),      max_v_key_.get(),      raster_.get(),
        layout.phase_bins,      layout.psth_bins, layout.raster_neurons, layout.raster_capacity};
    const ChunkLaunch chunk{population(),
                            coefficients_.get(),
                            plan_.heterogeneous ? neuron_coefficients_.get() : nullptr,
                            plan_.config.seed,
                            device_tables,
                            device_readouts,
                            tables.first_step,
                            tables.first_step + tables.length};
    // The launches of a chunk integrate disjoint points: side by side, one stream each, so
    // that the narrow ones (a few points) fill the card together with the wide.
    for (std::size_t i = 0; i < launches_.size(); ++i) {
      launch_advance_chunk(recording(), plan_.config.scheme, plan_.coloured_noise, chunk, launches_[i],
                           plan_.config.neurons, streams_[i]);
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
          device.download(host.data(), count);
        },
        state_, snapshot);
    return snapshot;
  }

  void read_tallies() override {
    const std::uint64_t blocks = batch_points_ * blocks_per_point();
    const cuda::Layout thread_layout{plan_.config.neurons, blocks_per_point()};
    cuda::reduce_points<<<static_cast<unsigned>(blocks), cuda::kThreadsPerBlock>>>(
        population(), thread_layout, plan_.config.validity, device_tallies_.get());
    check(cudaGetLastError(), "reduce_points launch");
    device_tallies_.download(result_->tallies.data() + batch_first_, batch_points_);
    if (recording())
      download_readouts(result_->readouts, plan_.readout_layout, batch_first_, batch_points_,
                        plan_.config.neurons, phase_histogram_, psth_, max_v_key_, raster_, state_.spikes);
  }

 private:
  static std::size_t table_entries(const SweepPlan& plan) {
    return plan.drive_tables.size() * static_cast<std::size_t>(plan.chunk_steps);
  }
  bool recording() const { return plan_.config.readouts.enabled; }
  std::uint64_t blocks_per_point() const {
    return (plan_.config.neurons + cuda::kThreadsPerBlock - 1) / cuda::kThreadsPerBlock;
  }
  cuda::DevicePopulation population() const {
    return cuda::DevicePopulation{state_.v.get(),       state_.refractory.get(), state_.spikes.get(),
                                  state_.cos_sum.get(), state_.sin_sum.get(),    state_.noise_current.get(),
                                  state_.release.get()};
  }

  const SweepPlan& plan_;
  std::size_t batch_capacity_;
  std::size_t raster_per_point_;
  DeviceState state_;
  DeviceBuffer<PointCoefficients> coefficients_;
  DeviceBuffer<PointCoefficients> neuron_coefficients_;  // a heterogeneous population's
  DeviceBuffer<PointTally> device_tallies_;
  DeviceBuffer<float> drive_sin_;
  DeviceBuffer<float> drive_cos_;  // SweepPlan::drive_quadrature only
  DeviceBuffer<std::int32_t> phase_cos_;
  DeviceBuffer<std::int32_t> phase_sin_;
  DeviceBuffer<std::int32_t> phase_bin_;
  DeviceBuffer<std::int32_t> psth_bin_;
  DeviceBuffer<unsigned long long> phase_histogram_;
  DeviceBuffer<unsigned long long> psth_;
  DeviceBuffer<std::uint32_t> max_v_key_;
  DeviceBuffer<std::int32_t> raster_;
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
