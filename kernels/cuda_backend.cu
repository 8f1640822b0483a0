// The CUDA backend: the engine (device_engine.hpp) over CUDA's device layer: Thrust's
// device_vector and pinned host memory, thrust::device, one CUDA stream per launch of a chunk.
// Device discovery and the backend's face to the table (cuda_backend.hpp).
#include <cuda_runtime.h>
#include <thrust/device_vector.h>
#include <thrust/execution_policy.h>
#include <thrust/universal_vector.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda_backend.hpp"
#include "device_engine.hpp"
#include "srlif/errors.hpp"

namespace srlif {
namespace {

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    throw std::runtime_error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status));
  }
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

// The device layer of device_engine.hpp on a GPU.
class CudaDevice {
 public:
  template <typename T>
  using Vector = thrust::device_vector<T>;
  template <typename T>
  using StagingVector = thrust::universal_host_pinned_vector<T>;
  static auto policy() { return thrust::device; }

  CudaDevice() : streams_(std::make_unique<Streams>(kMaxSharingLaunches)) {}
  simt::Stream stream(std::size_t launch) const { return (*streams_)[launch]; }
  void synchronize(const char* what) const {
    check(cudaGetLastError(), what);
    check(cudaDeviceSynchronize(), what);
  }

 private:
  std::unique_ptr<Streams> streams_;
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
    return std::make_unique<cuda::DeviceEngine<CudaDevice>>(plan, CudaDevice{});
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
