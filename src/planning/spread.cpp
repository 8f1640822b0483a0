#include "srlif/planning/spread.hpp"

#include <cmath>

#include "srlif/errors.hpp"
#include "srlif/physics/normal.hpp"
#include "srlif/physics/philox.hpp"

namespace srlif {

SpreadShape parse_spread_shape(const std::string& text, const std::string& flag) {
  if (text == "normal") return SpreadShape::normal;
  if (text == "uniform") return SpreadShape::uniform;
  throw InputError(flag, "must be normal or uniform (got '" + text + "')");
}

const char* spread_shape_name(SpreadShape shape) {
  return shape == SpreadShape::normal ? "normal" : "uniform";
}

double spread_reach(SpreadShape shape) {
  // sqrt(48 ln 2) = 5.7683, with room for the last bit of srlif's own log.
  return shape == SpreadShape::normal ? 5.77 : std::sqrt(3.0);
}

double spread_deviation(std::uint64_t seed, std::uint64_t neuron, SpreadOf of, SpreadShape shape) {
  const PhiloxWords words = philox4x32_10(seed, neuron, kSpreadBlock);
  const auto index = static_cast<int>(of);
  if (shape == SpreadShape::normal) return static_cast<double>(normals_from_block(words).z[index]);
  const double u = static_cast<double>(uniform_open(words.word[index]));  // (0, 1], 24-bit grid
  return std::sqrt(3.0) * (2.0 * u - 1.0);
}

}  // namespace srlif
