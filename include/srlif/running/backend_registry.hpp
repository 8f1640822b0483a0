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

// An accelerator that a device backend can use, as `srlif info` and srlif.info() list it.
struct DeviceInfo {
  int index;                       // among the backend's usable devices
  std::string name;                // "NVIDIA H100 80GB HBM3"
  std::string compute_capability;  // "9.0"
  int multiprocessors;
  std::size_t memory_bytes;
  std::string
      runs;  // how it runs this binary: "sm_90 SASS", "compute_90 PTX, compiled by the driver", or why not
};

struct BackendKind {
  const char* name;     // as --backend takes it
  const char* summary;  // one line: what it runs on
  // `auto` takes the usable backend of the highest priority; 0: never.
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
  // A device backend's usable devices (else an empty list, and why not); null for a host backend.
  std::vector<DeviceInfo> (*devices)(std::string& why_not);
  // What this build of it is, when there is more to say than the core's compiler ("nvcc 13.0.88;
  // sm_80 SASS, sm_90 SASS + compute_90 PTX"); null otherwise.
  std::string (*build)();
};

// Every backend srlif knows, built here or not, in the order help and info list them.
std::span<const BackendKind> backend_kinds();

// "auto, cpu, cuda, cuda-sim": the names --backend accepts, joined by `separator` (help: " | ").
std::string backend_choices(const char* separator = ", ");

// --backend's help: the names, auto's order, and what a backend auto never takes is for.
std::string backend_help();

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

}  // namespace srlif
