// Stand-ins used when srlif is built without the SIMT emulator (no Thrust headers from a CUDA
// toolkit, or no Boost.Context).
#include "cuda_sim_backend.hpp"
#include "srlif/errors.hpp"

namespace srlif {

bool cuda_sim_backend_built() { return false; }

std::unique_ptr<Backend> make_cuda_sim_backend(int /*threads*/) {
  throw UnavailableError(
      "this srlif was built without the SIMT emulator (it needs Thrust from a CUDA toolkit and "
      "Boost.Context)");
}

}  // namespace srlif
