// item_kernel: the table of the CPU kernel entry points that this build has (the generated
// cpu_kernel_list.inc, one line per entry point; cpu_kernels.cmake) and the choice among them.
#include <stdexcept>
#include <string>

#include "cpu_features.hpp"
#include "cpu_kernels.hpp"

namespace srlif::cpu {

#define SRLIF_CPU_KERNEL(name, family, scheme, isa) void name(const ItemWork& work);
#include "cpu_kernel_list.inc"
#undef SRLIF_CPU_KERNEL

namespace {

enum class KernelIsa { portable, avx2 };

struct KernelEntry {
  KernelFamily family;
  Scheme scheme;
  KernelIsa isa;
  ItemKernel kernel;
};

constexpr KernelEntry kKernels[] = {
#define SRLIF_CPU_KERNEL(name, family, scheme, isa) \
  {KernelFamily::family, Scheme::scheme, KernelIsa::isa, &name},
#include "cpu_kernel_list.inc"
#undef SRLIF_CPU_KERNEL
};

}  // namespace

ItemKernel item_kernel(KernelFamily family, Scheme scheme) {
  static const bool cpu_has_avx2 = cpu_runs_x86_64_v3();
  ItemKernel portable = nullptr;
  ItemKernel avx2 = nullptr;
  for (const KernelEntry& entry : kKernels) {
    if (entry.family != family || entry.scheme != scheme) continue;
    (entry.isa == KernelIsa::avx2 ? avx2 : portable) = entry.kernel;
  }
  if (avx2 != nullptr && cpu_has_avx2) return avx2;
  if (portable != nullptr) return portable;
  // A build with the AVX2 copies alone (the sanitized test build, made where it runs) on a CPU
  // without AVX2, or a family this build left out.
  throw std::runtime_error(std::string("srlif: this build has no CPU kernel for this run on this CPU") +
                           (avx2 != nullptr ? " (it has the AVX2 copy only, and the CPU lacks AVX2)" : ""));
}

}  // namespace srlif::cpu
