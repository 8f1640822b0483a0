#include "srlif/running/progress.hpp"

#include <cmath>
#include <string>

namespace srlif {

ProgressBar::ProgressBar(std::uint64_t total, bool enabled, std::FILE* stream,
                         std::chrono::milliseconds delay)
    : total_(total),
      enabled_(enabled),
      stream_(stream),
      delay_(delay),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

std::string ProgressBar::render(std::uint64_t done, std::uint64_t total, double elapsed_seconds) {
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(kWidth + 2, ' ');
  bar.front() = '[';
  bar.back() = ']';
  bar.replace(1, static_cast<std::size_t>(filled), static_cast<std::size_t>(filled), '#');
  const double rate = elapsed_seconds > 0.0 ? static_cast<double>(done) / elapsed_seconds : 0.0;
  const double eta = rate > 0.0 ? static_cast<double>(total - done) / rate : 0.0;
  char text[160];
  std::snprintf(text, sizeof text, "%s %5.1f%%  ETA %.0f s  %.3g neuron-steps/s", bar.c_str(),
                100.0 * fraction, std::ceil(eta), rate);
  return text;
}

void ProgressBar::update(std::uint64_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < delay_) return;
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && done < total_) return;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stream_, "\r%s", render(done, total_, elapsed).c_str());
  std::fflush(stream_);
  drawn_ = true;
  last_draw_ = now;
}

void ProgressBar::finish() {
  if (!drawn_) return;
  std::fprintf(stream_, "\r%80s\r", "");
  std::fflush(stream_);
  drawn_ = false;
}

}  // namespace srlif
