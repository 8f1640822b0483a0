// The CUDA backend's neurons in flight (structure of arrays, point-major) and the Thrust
// algorithms run over them outside the simulation kernel: the batch's initial state and a
// warm-up's end (for_each over its neurons) and its reduction to one exact PointTally per grid point
// (reduce_by_key, the key a neuron's point). Both are templates on the Thrust execution
// policy: the CUDA backend runs them with thrust::device, `cuda-sim` (and the tests) the very same
// code with thrust::host, compared bit for bit with the CPU backend.
//
// Why Thrust here and not in the simulation kernel (sweep_kernels.cuh): these run once per batch,
// over every neuron, with no state of their own; a library algorithm is the shortest correct
// form and picks its own launch shape. The kernel keeps its neuron in registers for a whole
// chunk and shares normals across a warp by shuffles: no library primitive expresses that.
#pragma once

#include <thrust/for_each.h>
#include <thrust/functional.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/discard_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/reduce.h>

#include <cstdint>

#include "kernel_views.hpp"
#include "simt.hpp"
#include "srlif/physics/accumulators.hpp"
#include "srlif/physics/neuron_vars.hpp"
#include "srlif/planning/sweep_plan.hpp"

namespace srlif::cuda {
inline namespace SRLIF_SIMT_TARGET {

// Neuron `at` of the batch before step 0 (initial_neuron, as on the CPU).
struct InitialNeuron {
  DevicePopulation population;
  const PointCoefficients* points;  // the batch's points
  std::uint64_t neurons;            // per point
  std::uint64_t seed;
  bool coloured;

  SRLIF_HD void operator()(std::uint64_t at) const {
    const PointCoefficients& point = points[at / neurons];
    store_neuron(population, at,
                 initial_neuron(point, seed, stream_id(point.stream_tag, at % neurons), coloured));
  }
};

// The batch's `count` neurons (`neurons` per point of `points`) at their initial state.
template <typename Policy>
void initialise_population(const Policy& policy, const DevicePopulation& population,
                           const PointCoefficients* points, std::uint64_t neurons, std::uint64_t count,
                           std::uint64_t seed, bool coloured) {
  thrust::for_each_n(policy, thrust::counting_iterator<std::uint64_t>(0), count,
                     InitialNeuron{population, points, neurons, seed, coloured});
}

// Neuron `at` with nothing counted (clear_neuron_tally, as on the CPU): the warm-up's end.
struct ClearTally {
  DevicePopulation population;
  SRLIF_HD void operator()(std::uint64_t at) const {
    DevicePopulation arrays = population;
    clear_neuron_tally(arrays, at);
  }
};

// The batch's `count` neurons keep their state with nothing counted.
template <typename Policy>
void clear_population_tallies(const Policy& policy, const DevicePopulation& population, std::uint64_t count) {
  thrust::for_each_n(policy, thrust::counting_iterator<std::uint64_t>(0), count, ClearTally{population});
}

// The local point of neuron `at`: the key of the reduction (the neurons of a point are adjacent).
struct PointOfNeuron {
  std::uint64_t neurons;  // per point
  SRLIF_HD std::uint64_t operator()(std::uint64_t at) const { return at / neurons; }
};

// Neuron `at`'s contribution to its point's tally (neuron_contribution_at, as on the CPU).
struct NeuronContribution {
  DevicePopulation population;
  ValidityRule rule;
  SRLIF_HD PointTally operator()(std::uint64_t at) const {
    return neuron_contribution_at(population, at, rule);
  }
};

// Field-wise integer sum: exact, so neither the library's order nor its grouping can change a bit.
struct TallySum {
  SRLIF_HD PointTally operator()(PointTally total, const PointTally& other) const {
    add_tally(total, other);
    return total;
  }
};

// tallies[p] = the tally of local point p, p < points, over its `neurons` neurons.
template <typename Policy>
void reduce_point_tallies(const Policy& policy, const DevicePopulation& population, std::uint64_t neurons,
                          std::uint64_t points, const ValidityRule& rule, PointTally* tallies) {
  if (points == 0 || neurons == 0) return;
  const thrust::counting_iterator<std::uint64_t> first(0);
  const auto keys = thrust::make_transform_iterator(first, PointOfNeuron{neurons});
  const auto contributions = thrust::make_transform_iterator(first, NeuronContribution{population, rule});
  thrust::reduce_by_key(policy, keys, keys + static_cast<std::int64_t>(points * neurons), contributions,
                        thrust::make_discard_iterator(), tallies, thrust::equal_to<std::uint64_t>(),
                        TallySum{});
}

}  // namespace SRLIF_SIMT_TARGET
}  // namespace srlif::cuda
