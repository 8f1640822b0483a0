// The table of backends (backend_registry.hpp); a further backend adds its row to kBackends.
#include "srlif/running/backend_registry.hpp"

#include <algorithm>

#include "cuda_architectures.hpp"
#include "cuda_backend.hpp"
#include "cuda_sim_backend.hpp"
#include "srlif/errors.hpp"
#include "srlif/version.hpp"

namespace srlif {
namespace {

std::vector<std::unique_ptr<Backend>> one(std::unique_ptr<Backend> backend) {
  std::vector<std::unique_ptr<Backend>> backends;
  backends.push_back(std::move(backend));
  return backends;
}

std::string cuda_why_unusable() {
  std::string why_not;
  if (cuda_devices(why_not).empty()) return why_not.empty() ? "no usable CUDA device" : why_not;
  return "";
}

std::vector<std::unique_ptr<Backend>> make_cuda_backends(int /*threads*/, int devices) {
  std::vector<std::unique_ptr<Backend>> backends = one(make_cuda_backend());
  std::string why_not;
  const std::size_t usable = cuda_devices(why_not).size();
  const std::size_t wanted =
      devices > 0 ? std::min<std::size_t>(usable, static_cast<std::size_t>(devices)) : usable;
  for (std::size_t device = 1; device < wanted; ++device) backends.push_back(make_cuda_backend(device));
  return backends;
}

std::vector<DeviceInfo> cuda_device_infos(std::string& why_not) {
  std::vector<DeviceInfo> infos;
  for (const CudaDeviceInfo& device : cuda_devices(why_not)) {
    infos.push_back(
        DeviceInfo{device.index, device.name,
                   std::to_string(device.compute_major) + "." + std::to_string(device.compute_minor),
                   device.multiprocessors, device.memory_bytes,
                   cuda_device_runs(kCudaArchitectures, device.compute_major, device.compute_minor)});
  }
  return infos;
}

std::string cuda_build() {
  return std::string(kCudaCompiler) + "; " + describe_cuda_architectures(kCudaArchitectures);
}

constexpr BackendKind kBackends[] = {
    {"cpu", "the CPU: OpenMP threads, vectorised across neurons", 1, true, [] { return true; },
     [] { return std::string(); }, [](int threads, int) { return one(make_cpu_backend(threads)); }, nullptr,
     nullptr},
    {"cuda", "NVIDIA GPUs (CUDA), one host thread per GPU", 2, false, cuda_backend_built, cuda_why_unusable,
     make_cuda_backends, cuda_device_infos, cuda_build},
    {"cuda-sim",
     "the CUDA backend's kernels on the CPU through the SIMT emulator: slow, for checking the GPU code "
     "where no GPU is; never chosen by auto",
     0, true, cuda_sim_backend_built, [] { return std::string(); },
     [](int threads, int) { return one(make_cuda_sim_backend(threads)); }, nullptr, nullptr},
};

}  // namespace

std::span<const BackendKind> backend_kinds() { return kBackends; }

std::string backend_choices(const char* separator) {
  std::string names = "auto";
  for (const BackendKind& kind : kBackends) names += std::string(separator) + kind.name;
  return names;
}

std::string backend_help() {
  std::vector<const BackendKind*> ranked;
  for (const BackendKind& kind : kBackends)
    if (kind.auto_priority > 0) ranked.push_back(&kind);
  std::sort(ranked.begin(), ranked.end(),
            [](const BackendKind* a, const BackendKind* b) { return a->auto_priority > b->auto_priority; });
  std::string help = backend_choices(" | ") + " (auto = the first usable of ";
  for (std::size_t i = 0; i < ranked.size(); ++i) help += std::string(i > 0 ? ", " : "") + ranked[i]->name;
  help += ")";
  for (const BackendKind& kind : kBackends)
    if (kind.auto_priority <= 0) help += "; " + std::string(kind.name) + ": " + kind.summary;
  return help;
}

const BackendKind& backend_kind(const std::string& name, const std::string& flag) {
  for (const BackendKind& kind : kBackends) {
    if (name == kind.name) return kind;
  }
  throw InputError(flag, "must be one of " + backend_choices() + " (got '" + name + "')");
}

const BackendKind& resolve_backend(const std::string& name) {
  if (name != "auto") return backend_kind(name);
  const BackendKind* best = nullptr;
  for (const BackendKind& kind : kBackends) {
    if (kind.auto_priority <= 0 || (best != nullptr && kind.auto_priority <= best->auto_priority)) continue;
    if (kind.built() && kind.why_unusable().empty()) best = &kind;
  }
  if (best == nullptr) throw UnavailableError("--backend auto: no backend can run here");
  return *best;
}

std::vector<std::unique_ptr<Backend>> make_backends(const std::string& name, int threads, int devices) {
  const BackendKind& kind = resolve_backend(name);
  try {
    return kind.make(threads, devices);
  } catch (const UnavailableError& error) {
    throw UnavailableError("--backend " + name + ": " + error.what());
  }
}

std::unique_ptr<Backend> make_backend(const std::string& name, int threads) {
  return std::move(make_backends(name, threads, 1).front());
}

}  // namespace srlif
