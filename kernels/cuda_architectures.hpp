// What the CUDA backend's fat binary carries and which GPUs it runs on, from the architecture
// list it was built with (CMAKE_CUDA_ARCHITECTURES: "80-real;90" = sm_80 SASS, sm_90 SASS and
// compute_90 PTX) and CUDA's compatibility rules: SASS of sm_XY runs on compute capability X.Z
// for Z >= Y (sm_80 on an A10, L4 or RTX 30/40: 8.6, 8.9); PTX of compute_XY is compiled by the
// driver for any capability >= X.Y (compute_90 on a B200: 10.0, an RTX 50: 12.0). Host code only,
// so that the tests check it without a GPU; `srlif info` prints both.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace srlif {

struct CudaArchitecture {
  int version;  // 90 for sm_90 / compute_90
  bool sass;    // a cubin for it
  bool ptx;     // its PTX, for the driver to compile on newer GPUs
};

// "80-real;90" -> {80, SASS}, {90, SASS + PTX}; "90-virtual" -> PTX alone. Entries CMake expands
// itself ("native", "all", "all-major") give none: what they became is not known here.
inline std::vector<CudaArchitecture> parse_cuda_architectures(const std::string& list) {
  std::vector<CudaArchitecture> architectures;
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const std::size_t end = std::min(list.find(';', begin), list.size());
    const std::string entry = list.substr(begin, end - begin);
    begin = end + 1;
    const std::size_t dash = entry.find('-');
    const std::string number = entry.substr(0, dash);
    if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string kind = dash == std::string::npos ? "" : entry.substr(dash + 1);
    architectures.push_back({std::stoi(number), kind != "virtual", kind != "real"});
  }
  return architectures;
}

// "sm_80 SASS, sm_90 SASS + compute_90 PTX", or the list itself when it names no architecture.
inline std::string describe_cuda_architectures(const std::string& list) {
  std::string text;
  for (const CudaArchitecture& architecture : parse_cuda_architectures(list)) {
    const std::string version = std::to_string(architecture.version);
    if (!text.empty()) text += ", ";
    if (architecture.sass) text += "sm_" + version + " SASS";
    if (architecture.sass && architecture.ptx) text += " + ";
    if (architecture.ptx) text += "compute_" + version + " PTX";
  }
  return text.empty() ? "'" + list + "'" : text;
}

// How a GPU of compute capability major.minor runs the binary: "sm_80 SASS", "compute_90 PTX,
// compiled by the driver", or why it cannot.
inline std::string cuda_device_runs(const std::string& list, int major, int minor) {
  const std::vector<CudaArchitecture> architectures = parse_cuda_architectures(list);
  if (architectures.empty()) return "as built for '" + list + "'";
  const int capability = 10 * major + minor;
  int sass = 0;
  int ptx = 0;
  for (const CudaArchitecture& architecture : architectures) {
    if (architecture.sass && architecture.version / 10 == major && architecture.version <= capability)
      sass = std::max(sass, architecture.version);
    if (architecture.ptx && architecture.version <= capability) ptx = std::max(ptx, architecture.version);
  }
  if (sass > 0) return "sm_" + std::to_string(sass) + " SASS";
  if (ptx > 0) return "compute_" + std::to_string(ptx) + " PTX, compiled by the driver";
  return "cannot: no SASS or PTX in this binary for compute capability " + std::to_string(major) + "." +
         std::to_string(minor) + " (rebuild with -DCMAKE_CUDA_ARCHITECTURES=native)";
}

}  // namespace srlif
