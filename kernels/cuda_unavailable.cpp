// Stand-ins used when srlif is built without the CUDA toolkit (-DSRLIF_CUDA=OFF).
#include "cuda_backend.hpp"
#include "srlif/errors.hpp"

namespace srlif {

bool cuda_backend_built() { return false; }

std::vector<CudaDeviceInfo> cuda_devices(std::string& why_not) {
  why_not = "this srlif was built without CUDA (-DSRLIF_CUDA=OFF or no CUDA toolkit found)";
  return {};
}

std::unique_ptr<Backend> make_cuda_backend() {
  std::string why_not;
  cuda_devices(why_not);
  throw UnavailableError(why_not);
}

std::unique_ptr<Backend> make_cuda_backend(std::size_t /*device*/) { return make_cuda_backend(); }

}  // namespace srlif
