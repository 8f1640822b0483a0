// Which backend a run gets by name; a further backend adds its line here.
#include "srlif/running/backend_registry.hpp"

#include <algorithm>
#include <stdexcept>

#include "srlif/errors.hpp"

namespace srlif {

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
