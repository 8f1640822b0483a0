// The CUDA backend: grid points in flight live on the device as per-neuron
// state; each time chunk is one kernel launch per noise-sharing width
// (noise_sharing.hpp: one per binary digit of the batch's point count, at most
// six, side by side on streams of their own); at the end a reduction kernel
// leaves one exact PointTally per grid point, the only data copied back.
#include <cuda_runtime.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "srlif/backend.hpp"
#include "srlif/drive_tables.hpp"
#include "srlif/errors.hpp"
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

// One chunk's kernel, instantiated for each (readouts?, scheme, sharing width): all three are
// the same for a whole launch, so no per-step branch is left in the kernel.
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

template <bool kRecord, Scheme kScheme, int kWidth>
void launch_width(const ChunkLaunch& chunk, const SharingLaunch& launch, std::uint64_t neurons,
                  cudaStream_t stream) {
  const std::uint64_t blocks_per_group = sharing_blocks_per_group(kWidth, neurons);
  const std::uint64_t blocks = launch.groups * blocks_per_group;
  if (blocks > 0x7FFFFFFFULL) throw std::runtime_error("too many CUDA blocks in one launch");
  cuda::advance_chunk<kRecord, kScheme, kWidth>
      <<<static_cast<unsigned>(blocks), cuda::kThreadsPerBlock, 0, stream>>>(
          chunk.population, chunk.points, chunk.neuron_points, chunk.seed,
          cuda::LaunchLayout{launch, neurons, blocks_per_group}, chunk.tables, chunk.readouts,
          chunk.step_begin, chunk.step_end);
}

template <bool kRecord, Scheme kScheme>
void launch_scheme(const ChunkLaunch& chunk, const SharingLaunch& launch, std::uint64_t neurons,
                   cudaStream_t stream) {
  switch (launch.width) {
    case 1:
      return launch_width<kRecord, kScheme, 1>(chunk, launch, neurons, stream);
    case 2:
      return launch_width<kRecord, kScheme, 2>(chunk, launch, neurons, stream);
    case 4:
      return launch_width<kRecord, kScheme, 4>(chunk, launch, neurons, stream);
    case 8:
      return launch_width<kRecord, kScheme, 8>(chunk, launch, neurons, stream);
    case 16:
      return launch_width<kRecord, kScheme, 16>(chunk, launch, neurons, stream);
    case 32:
      return launch_width<kRecord, kScheme, 32>(chunk, launch, neurons, stream);
    default:
      throw std::logic_error("no kernel for sharing width " + std::to_string(launch.width));
  }
}

void launch_advance_chunk(bool record, Scheme scheme, const ChunkLaunch& chunk, const SharingLaunch& launch,
                          std::uint64_t neurons, cudaStream_t stream) {
  if (record && scheme == Scheme::exact) {
    launch_scheme<true, Scheme::exact>(chunk, launch, neurons, stream);
  } else if (record) {
    launch_scheme<true, Scheme::euler>(chunk, launch, neurons, stream);
  } else if (scheme == Scheme::exact) {
    launch_scheme<false, Scheme::exact>(chunk, launch, neurons, stream);
  } else {
    launch_scheme<false, Scheme::euler>(chunk, launch, neurons, stream);
  }
}

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(CudaDeviceInfo device) : device_(std::move(device)) {}

  std::string name() const override { return "cuda"; }
  std::string device() const override {
    return device_.name + " (device " + std::to_string(device_.index) + ", sm_" +
           std::to_string(device_.compute_major) + std::to_string(device_.compute_minor) + ")";
  }

  using Backend::run;
  BackendResult run(const SweepPlan& plan, const ProgressCallback& progress,
                    const ChunkHooks& hooks) override {
    check_chunk_hooks(plan, hooks);
    check(cudaSetDevice(device_.index), "cudaSetDevice");
    const std::size_t point_count = plan.points.size();
    const std::uint64_t neurons = plan.config.neurons;
    const std::uint64_t blocks_per_point = (neurons + cuda::kThreadsPerBlock - 1) / cuda::kThreadsPerBlock;
    const auto batch_capacity = static_cast<std::size_t>(plan.batch_points);
    const std::size_t capacity = batch_capacity * neurons;
    const bool record = plan.config.readouts.enabled;
    const ReadoutLayout& layout = plan.readout_layout;

    DeviceBuffer<float> v(capacity);
    DeviceBuffer<std::int32_t> refractory(capacity);
    DeviceBuffer<std::uint32_t> spikes(capacity);
    DeviceBuffer<std::int64_t> cos_sum(capacity);
    DeviceBuffer<std::int64_t> sin_sum(capacity);
    const cuda::DevicePopulation population{v.get(), refractory.get(), spikes.get(), cos_sum.get(),
                                            sin_sum.get()};
    DeviceBuffer<PointCoefficients> coefficients(batch_capacity);
    DeviceBuffer<PointCoefficients> neuron_coefficients(plan.heterogeneous ? capacity : 0);
    DeviceBuffer<PointTally> device_tallies(batch_capacity);
    const std::size_t table_entries = plan.drive_tables.size() * static_cast<std::size_t>(plan.chunk_steps);
    DeviceBuffer<float> drive_sin(table_entries);
    DeviceBuffer<std::int32_t> phase_cos(table_entries);
    DeviceBuffer<std::int32_t> phase_sin(table_entries);
    DeviceBuffer<std::int32_t> phase_bin(record ? table_entries : 0);
    DeviceBuffer<std::int32_t> psth_bin(record ? static_cast<std::size_t>(plan.chunk_steps) : 0);

    const std::size_t raster_per_point = std::size_t{layout.raster_neurons} * layout.raster_capacity;
    DeviceBuffer<unsigned long long> phase_histogram(batch_capacity * layout.phase_bins);
    DeviceBuffer<unsigned long long> psth(batch_capacity * layout.psth_bins);
    DeviceBuffer<std::uint32_t> max_v_key(record ? batch_capacity : 0);
    DeviceBuffer<std::int32_t> raster(batch_capacity * raster_per_point);
    const cuda::DeviceReadouts device_readouts{
        phase_histogram.get(), psth.get(),       max_v_key.get(),       raster.get(),
        layout.phase_bins,     layout.psth_bins, layout.raster_neurons, layout.raster_capacity};

    Streams streams(kMaxSharingLaunches);
    BackendResult result = make_backend_result(plan);
    std::uint64_t neuron_steps_done = 0;
    for (std::size_t batch_first = 0; batch_first < point_count; batch_first += batch_capacity) {
      const std::size_t batch_points = std::min(point_count - batch_first, batch_capacity);
      const std::uint64_t batch_neurons = batch_points * neurons;
      coefficients.upload(plan.points.data() + batch_first, batch_points);
      if (plan.heterogeneous) {
        const std::vector<PointCoefficients> neuron_points =
            batch_neuron_coefficients(plan, batch_first, batch_points);
        neuron_coefficients.upload(neuron_points.data(), neuron_points.size());
      }
      device_tallies.zero(batch_points);
      if (record) {
        phase_histogram.zero(batch_points * layout.phase_bins);
        psth.zero(batch_points * layout.psth_bins);
        raster.zero(batch_points * raster_per_point);
        std::vector<std::uint32_t> initial(batch_points);
        for (std::size_t i = 0; i < batch_points; ++i)
          initial[i] = ordered_float_key(result.readouts.max_v[batch_first + i]);  // each point's V_init
        max_v_key.upload(initial.data(), batch_points);
      }
      const std::int64_t first_step = hooks.start ? hooks.start->next_step : 0;
      if (hooks.start) {  // one batch (check_chunk_hooks): the start state is all of it
        v.upload(hooks.start->v.data(), batch_neurons);
        refractory.upload(hooks.start->refractory.data(), batch_neurons);
        spikes.upload(hooks.start->spikes.data(), batch_neurons);
        cos_sum.upload(hooks.start->cos_sum.data(), batch_neurons);
        sin_sum.upload(hooks.start->sin_sum.data(), batch_neurons);
      } else {
        cuda::initialise_population<<<static_cast<unsigned>((batch_neurons + 255) / 256), 256>>>(
            population, coefficients.get(), neurons, batch_neurons);
        check(cudaGetLastError(), "initialise_population");
      }

      // The batch's points in launches of one noise-sharing width each (noise_sharing.hpp).
      std::vector<std::uint32_t> stream_tags(batch_points);
      for (std::size_t i = 0; i < batch_points; ++i) stream_tags[i] = plan.points[batch_first + i].stream_tag;
      const std::vector<SharingLaunch> launches = plan_sharing_launches(stream_tags);
      const cuda::Layout thread_layout{neurons, blocks_per_point};
      const std::uint64_t blocks = batch_points * blocks_per_point;
      if (blocks > 0x7FFFFFFFULL) throw std::runtime_error("too many CUDA blocks in one batch");
      for (std::int64_t chunk_begin = first_step; chunk_begin < plan.steps; chunk_begin += plan.chunk_steps) {
        const std::int64_t chunk_end = std::min(plan.steps, chunk_begin + plan.chunk_steps);
        const ChunkTables tables = make_chunk_tables(plan, chunk_begin, chunk_end - chunk_begin);
        drive_sin.upload(tables.drive_sin.data(), tables.drive_sin.size());
        phase_cos.upload(tables.phase_cos.data(), tables.phase_cos.size());
        phase_sin.upload(tables.phase_sin.data(), tables.phase_sin.size());
        phase_bin.upload(tables.phase_bin.data(), tables.phase_bin.size());
        psth_bin.upload(tables.psth_bin.data(), tables.psth_bin.size());
        const cuda::DeviceChunkTables device_tables{drive_sin.get(), phase_cos.get(), phase_sin.get(),
                                                    phase_bin.get(), psth_bin.get(),  tables.length};
        const ChunkLaunch chunk{
            population,       coefficients.get(), plan.heterogeneous ? neuron_coefficients.get() : nullptr,
            plan.config.seed, device_tables,      device_readouts,
            chunk_begin,      chunk_end};
        // The launches of a chunk integrate disjoint points: side by side, one stream each, so
        // that the narrow ones (a few points) fill the card together with the wide.
        for (std::size_t i = 0; i < launches.size(); ++i) {
          launch_advance_chunk(record, plan.config.scheme, chunk, launches[i], neurons, streams[i]);
        }
        check(cudaGetLastError(), "advance_chunk launch");
        check(cudaDeviceSynchronize(), "advance_chunk");
        neuron_steps_done += batch_neurons * static_cast<std::uint64_t>(chunk_end - chunk_begin);
        if (chunk_end < plan.steps && hooks.snapshot_due && hooks.snapshot_due(chunk_end)) {
          PopulationSnapshot snapshot{chunk_end,
                                      std::vector<float>(batch_neurons),
                                      std::vector<std::int32_t>(batch_neurons),
                                      std::vector<std::uint32_t>(batch_neurons),
                                      std::vector<std::int64_t>(batch_neurons),
                                      std::vector<std::int64_t>(batch_neurons)};
          v.download(snapshot.v.data(), batch_neurons);
          refractory.download(snapshot.refractory.data(), batch_neurons);
          spikes.download(snapshot.spikes.data(), batch_neurons);
          cos_sum.download(snapshot.cos_sum.data(), batch_neurons);
          sin_sum.download(snapshot.sin_sum.data(), batch_neurons);
          hooks.on_snapshot(snapshot);
        }
        if (progress) progress(neuron_steps_done);
      }
      cuda::reduce_points<<<static_cast<unsigned>(blocks), cuda::kThreadsPerBlock>>>(
          population, thread_layout, plan.config.validity, device_tallies.get());
      check(cudaGetLastError(), "reduce_points launch");
      device_tallies.download(result.tallies.data() + batch_first, batch_points);
      if (record)
        download_readouts(result.readouts, layout, batch_first, batch_points, neurons, phase_histogram, psth,
                          max_v_key, raster, spikes);
    }
    return result;
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
