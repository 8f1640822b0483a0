// `srlif info`: version, build options, backends and devices.
#include <omp.h>

#include <cstdio>
#include <string>

#include "cli/commands.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/version.hpp"

namespace srlif::cli {

CommandRunner add_info_command(CLI::App& app) {
  app.add_subcommand("info", "Print version, build options, backends and devices");
  return [] {
    std::printf("srlif %s\n", kVersion);
    std::printf("build:    %s, %s, no fast-math, no FMA contraction\n", kBuildType, kCompiler);
    std::printf("cpu:      OpenMP, %d cores available\n", omp_get_num_procs());
    if (cuda_backend_built()) {
      std::printf("cuda:     built (%s, architectures %s)\n", kCudaCompiler, kCudaArchitectures);
      std::string why_not;
      const std::vector<CudaDeviceInfo> devices = cuda_devices(why_not);
      if (devices.empty()) std::printf("devices:  none usable (%s)\n", why_not.c_str());
      for (const CudaDeviceInfo& device : devices) {
        std::printf("device %d: %s, sm_%d%d, %d SMs, %.1f GiB\n", device.index, device.name.c_str(),
                    device.compute_major, device.compute_minor, device.multiprocessors,
                    static_cast<double>(device.memory_bytes) / (1ULL << 30));
      }
      std::printf("auto:     %s\n", devices.empty() ? "cpu" : "cuda");
    } else {
      std::printf("cuda:     not built (-DSRLIF_CUDA=OFF or no CUDA toolkit)\nauto:     cpu\n");
    }
    return 0;
  };
}

}  // namespace srlif::cli
