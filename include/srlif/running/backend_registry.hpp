// The backends there are, in one table: each one's name, what it is, whether this build has it,
// whether it can run here, how `auto` ranks it and how to make it. Validation of --backend, the
// flags' help, `srlif info`, `srlif bench` and Python's srlif.info() all read the table. A further
// backend is its folder, one row of kBackends (backend_registry.cpp) and its CMake lines.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "srlif/running/backend.hpp"

namespace srlif {

struct BackendKind {
  const char* name;     // as --backend takes it
  const char* summary;  // one line: what it runs on
  // `auto` takes the usable backend of the highest priority.
  int auto_priority;
  // Host backends run on this machine's cores (`threads`; bench measures 1 and all of them);
  // device backends on accelerators, one backend per device in use.
  bool host;
  bool (*built)();
  // Why it cannot run here ("" when it can).
  std::string (*why_unusable)();
  // The backends that share a sweep's grid points: for a host backend one with `threads` (0 =
  // all cores); for a device backend one per usable device, at most `devices` (0 = all).
  // Throws UnavailableError with the reason when it cannot run here.
  std::vector<std::unique_ptr<Backend>> (*make)(int threads, int devices);
};

// Every backend srlif knows, built here or not, in the order help and info list them.
std::span<const BackendKind> backend_kinds();

// "auto, cpu, cuda": the names --backend accepts, joined by `separator` (help: " | ").
std::string backend_choices(const char* separator = ", ");

// The backend kind of that name (not "auto"); InputError naming `flag`, with the known names,
// for any other.
const BackendKind& backend_kind(const std::string& name, const std::string& flag = "--backend");

// The kind `name` picks: itself, or for "auto" the usable one of the highest priority. InputError
// for an unknown name (naming --backend).
const BackendKind& resolve_backend(const std::string& name);

// name -> a backend (auto | cpu | cuda | ...); auto picks the usable one of highest priority.
// InputError naming --backend for an unknown name, UnavailableError when it cannot run here.
std::unique_ptr<Backend> make_backend(const std::string& name, int threads);

// The backends that share a sweep's grid points (BackendKind::make).
std::vector<std::unique_ptr<Backend>> make_backends(const std::string& name, int threads, int devices);

// The CPU backend; `threads` = 0 uses all cores.
std::unique_ptr<Backend> make_cpu_backend(int threads);

// Throws UnavailableError with the reason when no usable CUDA device exists
// (or the build has no CUDA backend). The first usable device, or the one at
// `device` in the list of usable devices.
std::unique_ptr<Backend> make_cuda_backend();
std::unique_ptr<Backend> make_cuda_backend(std::size_t device);

struct CudaDeviceInfo {
  int index;
  std::string name;
  int compute_major;
  int compute_minor;
  std::size_t memory_bytes;
  int multiprocessors;
};

bool cuda_backend_built();
// Usable devices, or an empty list with `why_not` filled in.
std::vector<CudaDeviceInfo> cuda_devices(std::string& why_not);

}  // namespace srlif
