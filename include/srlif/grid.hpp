// Sweep axes and the grid of points they span.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace srlif {

// Parses an axis value list (DESIGN.md section 5):
//   "start:stop:count"      count values, inclusive, like numpy.linspace
//   "log:start:stop:count"  geometric spacing, start and stop > 0
//   "a,b,c"                 an explicit list (each item may itself be a range)
//   "x"                     a single value
// Throws InputError naming `flag` on malformed text or non-finite numbers.
std::vector<double> parse_axis(const std::string& text, const std::string& flag);

// The number of values `text` describes, with the same checks, without building them.
std::uint64_t count_axis(const std::string& text, const std::string& flag);

struct GridPoint {
  std::size_t index;
  double sigma;      // pA sqrt(ms)
  double amplitude;  // pA
  double bias;       // pA
  double frequency;  // Hz
  std::size_t sigma_index;
  std::size_t amplitude_index;
  std::size_t bias_index;
  std::size_t frequency_index;
};

// Grid points are numbered with sigma varying fastest, then amplitude, bias and
// frequency, so each sigma slice (DESIGN.md section 2) is a contiguous run.
struct Grid {
  std::vector<double> sigma;
  std::vector<double> amplitude;
  std::vector<double> bias;
  std::vector<double> frequency;

  std::size_t size() const { return sigma.size() * amplitude.size() * bias.size() * frequency.size(); }
  std::size_t slice_count() const { return amplitude.size() * bias.size() * frequency.size(); }
  GridPoint point(std::size_t index) const;
};

}  // namespace srlif
