#include "srlif/backend.hpp"
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

}  // namespace srlif
