// The `cuda-sim` backend: the CUDA backend's engine (device_engine.hpp) and kernels
// (sweep_kernels.cuh), compiled by the host compiler, over the emulator's device layer
// (sim_device.hpp). Nothing else differs from `cuda`.
#include "cuda_sim_backend.hpp"

#include <memory>
#include <string>

#include "device_engine.hpp"
#include "sim_device.hpp"

namespace srlif {
namespace {

class CudaSimBackend final : public Backend {
 public:
  explicit CudaSimBackend(int threads) : threads_(threads) {}

  std::string name() const override { return "cuda-sim"; }
  std::string device() const override {
    return "SIMT emulator (" + (threads_ > 0 ? std::to_string(threads_) : std::string("all")) +
           " CPU threads)";
  }
  std::unique_ptr<BatchEngine> make_engine(const SweepPlan& plan) override {
    return std::make_unique<cuda::DeviceEngine<cuda::SimDevice>>(plan, cuda::SimDevice{threads_});
  }

 private:
  int threads_;
};

}  // namespace

bool cuda_sim_backend_built() { return true; }

std::unique_ptr<Backend> make_cuda_sim_backend(int threads) {
  return std::make_unique<CudaSimBackend>(threads);
}

}  // namespace srlif
