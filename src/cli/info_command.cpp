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
    // Every backend of the table: built or not, usable here or why not.
    for (const BackendKind& kind : backend_kinds()) {
      const std::string label = std::string(kind.name) + ":";
      const std::string why_not = kind.why_unusable();
      const std::string status = !kind.built()     ? "not built"
                                 : why_not.empty() ? "built, usable"
                                                   : "built, not usable here (" + why_not + ")";
      std::printf("%-10s%s; %s\n", label.c_str(), status.c_str(), kind.summary);
    }
    std::printf("cpu cores: %d (OpenMP)\n", omp_get_num_procs());
    for (const BackendKind& kind : backend_kinds()) {
      if (kind.build != nullptr && kind.built())
        std::printf("%s build: %s\n", kind.name, kind.build().c_str());
    }
    // The devices of every device backend this build has.
    for (const BackendKind& kind : backend_kinds()) {
      if (kind.devices == nullptr || !kind.built()) continue;
      std::string why_not;
      for (const DeviceInfo& device : kind.devices(why_not)) {
        std::printf("device %d: %s (%s), compute capability %s, %d SMs, %.1f GiB; runs %s\n", device.index,
                    device.name.c_str(), kind.name, device.compute_capability.c_str(), device.multiprocessors,
                    static_cast<double>(device.memory_bytes) / (1ULL << 30), device.runs.c_str());
      }
    }
    std::printf("auto:     %s\n", resolve_backend("auto").name);
    return 0;
  };
}

}  // namespace srlif::cli
