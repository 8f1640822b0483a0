// Heterogeneous populations: each neuron's own bias current, threshold and
// membrane time constant, drawn around its grid point's values (the spread
// axes of axes.hpp: --bias-spread, --v-th-spread, --tau-m-spread, each the
// standard deviation of the parameter across the population, in its unit).
// A neuron's deviations come from a Philox block of its own, keyed by
// (seed, neuron) and nothing else, so the same neuron has the same parameters
// at every grid point, on every backend, in every shard; a spread of 0 leaves
// the neuron as it is. Host only: the plan turns them into each neuron's
// coefficients (sweep_plan.cpp), which both backends read.
#pragma once

#include <cstdint>
#include <string>

namespace srlif {

// The shape of every spread: a normal, or a uniform of the same standard deviation.
enum class SpreadShape { normal, uniform };

// "normal" | "uniform" -> SpreadShape; InputError naming `flag` otherwise.
SpreadShape parse_spread_shape(const std::string& text, const std::string& flag);
const char* spread_shape_name(SpreadShape shape);

// The largest standardised deviation a neuron can draw: srlif's normals come from
// 24-bit uniforms (u >= 2^-24), so |z| <= sqrt(48 ln 2) = 5.7683 (5.77 is returned); the
// uniform reaches sqrt(3).
double spread_reach(SpreadShape shape);

// Which parameter a deviation moves (its word of the neuron's spread block).
enum class SpreadOf { bias = 0, v_threshold = 1, tau_m = 2 };

// The Philox block (counter) of the neurons' spread draws: far above any step's
// block (< 2^38) and below the bridge uniforms' (>= 2^63).
inline constexpr std::uint64_t kSpreadBlock = std::uint64_t{1} << 62;

// Neuron `neuron`'s standardised deviation (mean 0, standard deviation 1) of
// parameter `of`: normal z (normals_from_block of its spread block) or
// sqrt(3) (2u - 1) (u, uniform_open of the block's word).
double spread_deviation(std::uint64_t seed, std::uint64_t neuron, SpreadOf of, SpreadShape shape);

}  // namespace srlif
