// A progress bar on stderr: percent, ETA and neuron-steps per second.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace srlif {

class ProgressBar {
 public:
  // Draws nothing unless `enabled`; even then waits `delay` before the first
  // draw, so runs shorter than about a second stay silent.
  ProgressBar(std::uint64_t total, bool enabled, std::FILE* stream = stderr,
              std::chrono::milliseconds delay = std::chrono::milliseconds(1000));
  void update(std::uint64_t done);
  void finish();  // clears the line if anything was drawn

  // The text of one bar, e.g. "[#####     ]  50.0%  ETA 3 s  2.1e+08 neuron-steps/s".
  static std::string render(std::uint64_t done, std::uint64_t total, double elapsed_seconds);

 private:
  std::uint64_t total_;
  bool enabled_;
  std::FILE* stream_;
  std::chrono::milliseconds delay_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_ = false;
};

}  // namespace srlif
