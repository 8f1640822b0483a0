// The CPU backend: OpenMP across work items, and within an item neurons
// advance in lockstep in lanes that the compiler vectorises. Each neuron's
// arithmetic is exactly the shared scalar code (euler_step), so the bits do not
// depend on the vector width, the thread count or how the work is split.
//
// Common random numbers make most of the work shareable: by default every grid
// point sees the same noise z_k of neuron i (DESIGN.md section 3), and drawing
// it (Philox + Box-Muller) costs several times the step itself. So a work item
// draws the normals of one block of kLanes neurons for a stretch of steps once
// and advances every grid point of the item that uses that stream (same stream
// tag), the same drive table (same frequency) and the same neuron constants with them. Points advance in
// sets of up to kMaxTracks (point, lane block) "tracks" whose independent
// dependency chains (v_k -> v_{k+1}) hide each other's latency.
#include <omp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstring>
#include <map>
#include <type_traits>
#include <utility>

#include "lane_group.hpp"
#include "philox_lanes.hpp"
#include "srlif/physics/neuron_chunk.hpp"
#include "srlif/physics/philox.hpp"
#include "srlif/planning/drive_tables.hpp"
#include "srlif/running/backend_registry.hpp"

namespace srlif {
namespace {

constexpr int kLanes = kPhiloxLanes;        // neurons per lane block: one AVX2 vector of floats
constexpr int kMaxTracks = 8;               // (point, lane block) tracks advanced together
constexpr int kMaxBlocks = 4;               // lane blocks of one point in a work item
constexpr std::int64_t kNormalSteps = 256;  // steps whose normals are drawn at once (8 KB per block)

// State of all neurons of the grid points in flight, structure of arrays.
struct PopulationState {
  std::vector<float> v;
  std::vector<std::int32_t> refractory;
  std::vector<std::uint32_t> spikes;
  std::vector<std::int64_t> cos_sum;
  std::vector<std::int64_t> sin_sum;
  std::vector<float> noise_current;  // pA, coloured noise only (else 0)
  std::vector<float> release;        // scheme exact's pending release (else 0)
  std::vector<float> max_v;          // running max of v, mV

  // The neurons of `points` consecutive points of the plan from `first_point`, at their V_init
  // and, with coloured noise, with a noise current drawn from its stationary distribution.
  void reset(const SweepPlan& plan, std::size_t first_point, std::size_t points) {
    const std::uint64_t per_point = plan.config.neurons;
    const std::size_t neurons = points * per_point;
    v.resize(neurons);
    noise_current.assign(neurons, 0.0f);
    for (std::size_t point = 0; point < points; ++point) {
      const PointCoefficients& coefficients = plan.points[first_point + point];
      const auto first = v.begin() + static_cast<std::ptrdiff_t>(point * per_point);
      std::fill(first, first + static_cast<std::ptrdiff_t>(per_point), coefficients.constants.v_init);
      if (!plan.coloured_noise) continue;
      for (std::uint64_t neuron = 0; neuron < per_point; ++neuron) {
        noise_current[point * per_point + neuron] =
            initial_noise_current(plan.config.seed, stream_id(coefficients.stream_tag, neuron),
                                  coefficients.coloured.stationary_sd);
      }
    }
    refractory.assign(neurons, 0);
    release.assign(neurons, 0.0f);
    spikes.assign(neurons, 0);
    cos_sum.assign(neurons, 0);
    sin_sum.assign(neurons, 0);
    max_v = v;
  }

  PopulationSnapshot snapshot(std::int64_t next_step) const {
    PopulationSnapshot state;
    state.next_step = next_step;
    for_each_state_array([](auto& theirs, const auto& mine) { theirs = mine; }, state, *this);
    return state;
  }

  // After reset(): the state of a snapshot of as many neurons (check_chunk_hooks).
  void restore(const PopulationSnapshot& state) {
    for_each_state_array([](auto& mine, const auto& theirs) { mine = theirs; }, *this, state);
  }
};

// Where the readouts of one grid point go (null `phase_histogram` = no readouts).
struct PointReadoutTarget {
  std::uint64_t* phase_histogram;
  std::uint64_t* psth;
  std::int32_t* raster;  // [neuron][capacity], neurons < raster_neurons
  std::uint64_t raster_neurons;
  std::uint64_t raster_capacity;
};

// One lane block of one grid point inside a work item.
struct Track {
  const PointCoefficients* point;
  std::size_t state_at;        // index of the block's first neuron in PopulationState
  std::uint64_t first_neuron;  // neuron index of lane 0 within the point
  int lanes;                   // real neurons in the block (the rest repeat the last one)
  int noise_block;             // which of the item's blocks of normals it uses
  PointReadoutTarget readouts;
};

// Grid points (local indices in the batch) that share the noise streams, the
// drive table and the neuron constants, and the lane blocks of them that one
// work item advances.
struct WorkItem {
  std::uint32_t stream_tag;
  std::uint32_t drive_table;
  StepConstants constants;
  const std::size_t* points;
  int point_count;
  std::uint64_t first_block;
  int block_count;  // > 1 only for a single point
};

void count_spike(std::uint64_t& counter) {
  std::atomic_ref<std::uint64_t>(counter).fetch_add(1, std::memory_order_relaxed);
}

// The readouts of a spike at table index `at` (step `step`) of neuron `neuron` of a point, its
// `spike_count`-th: its phase-histogram and PSTH bins, and its raster slot when the neuron is shown.
__attribute__((always_inline)) inline void record_readout_spike(const PointReadoutTarget& readouts,
                                                                const ChunkTableView& tables, std::int64_t at,
                                                                std::uint64_t neuron,
                                                                std::uint32_t spike_count,
                                                                std::int64_t step) {
  count_spike(readouts.phase_histogram[tables.phase_bin[at]]);
  count_spike(readouts.psth[tables.psth_bin[at]]);
  if (neuron < readouts.raster_neurons) {
    readouts.raster[neuron * readouts.raster_capacity + std::uint64_t{spike_count} - 1] =
        static_cast<std::int32_t>(step);
  }
}

// The normals of `kBlocks` consecutive Philox blocks (4 steps each) of the
// kLanes streams: words[b][w][lane] -> out[(4 b + j) * kLanes + lane], as
// normals_from_block per lane. The blocks are one group of lane vectors
// (lane_group.hpp), so that their polynomials run side by side.
template <int kBlocks>
__attribute__((always_inline)) inline void normals_of_blocks(const std::uint32_t (*words)[4][kLanes],
                                                             float* out) {
  constexpr std::size_t kBlockStride = 4 * kLanes;  // elements from one block's words (normals) to the next
  // Named groups rather than an array: see lane_group.hpp on indexed arrays.
  using Words = LaneWords<kBlocks>;
  const Words word0 = Words::load(words[0][0], kBlockStride);
  const Words word1 = Words::load(words[0][1], kBlockStride);
  const Words word2 = Words::load(words[0][2], kBlockStride);
  const Words word3 = Words::load(words[0][3], kBlockStride);
  const auto low = box_muller(word0, word1);
  const auto high = box_muller(word2, word3);
  lane_store(low.first, out + 0 * kLanes, kBlockStride);
  lane_store(low.second, out + 1 * kLanes, kBlockStride);
  lane_store(high.first, out + 2 * kLanes, kBlockStride);
  lane_store(high.second, out + 3 * kLanes, kBlockStride);
}

// Normals z_k for steps [begin, end) of the kLanes neurons with streams
// `stream`: out[(k - begin) * kLanes + lane]. `begin` is a multiple of 4 (a
// Philox block). Philox runs for the whole stretch first (philox_lanes: AVX2
// multiplies where the CPU has them), then Box-Muller, four blocks at a time.
// `block_flag` or'ed into the blocks gives another counter range of the streams
// (coloured noise's second normals: kSecondNormalFlag).
__attribute__((always_inline)) inline void draw_normals(std::uint64_t seed, const std::uint64_t* stream,
                                                        std::int64_t begin, std::int64_t end, float* out,
                                                        std::uint64_t block_flag = 0) {
  static_assert(kLanes == LaneWords<1>::kLanesPerVector);
  const std::int64_t full_end = begin + (end - begin) / 4 * 4;
  const int full_blocks = static_cast<int>((full_end - begin) / 4);
  alignas(32) std::uint32_t words[kNormalSteps / 4][4][kLanes];
  philox_lanes(seed, stream, static_cast<std::uint64_t>(begin / 4) | block_flag, full_blocks,
               &words[0][0][0]);
  int b = 0;
  for (; b + 4 <= full_blocks; b += 4) normals_of_blocks<4>(words + b, out + b * 4 * kLanes);
  for (; b < full_blocks; ++b) normals_of_blocks<1>(words + b, out + b * 4 * kLanes);
  if (full_end < end) {  // the run's last, partial block (K - 1 not a multiple of 4)
    const auto block = static_cast<std::uint64_t>(full_end / 4) | block_flag;
    for (int lane = 0; lane < kLanes; ++lane) {
      const NormalQuad normals = normals_from_block(philox4x32_10(seed, stream[lane], block));
      for (std::int64_t j = 0; j < end - full_end; ++j)
        out[(full_end - begin + j) * kLanes + lane] = normals.z[j];
    }
  }
}

// kLanes floats / int32 in one vector (AVX2 register; two SSE registers in the
// baseline clone). Element-wise IEEE operations, so a lane computes exactly
// the bits a scalar neuron would.
using LaneFloat = float __attribute__((vector_size(kLanes * sizeof(float))));
using LaneInt = std::int32_t __attribute__((vector_size(kLanes * sizeof(std::int32_t))));

// Whether any lane of a mask is set, tested once per step: portable code for
// any x86-64 (four 64-bit words or'ed: nine instructions with AVX2), and one
// `vptest` where AVX2 is known to be there. Inline assembly because the
// intrinsic needs an AVX target on every function it is inlined through, and
// the kernel's templates are compiled for both targets (advance_item); so every
// function between advance_item_avx2 and a call of Avx2Lanes::any must be
// always inlined (a copy of its own would have no AVX registers for the operand).
struct PortableLanes {
  __attribute__((always_inline)) static bool any(LaneInt mask) {
    std::uint64_t words[sizeof(LaneInt) / sizeof(std::uint64_t)];
    std::memcpy(words, &mask, sizeof mask);
    std::uint64_t any = 0;
    for (const std::uint64_t word : words) any |= word;
    return any != 0;
  }
};
struct Avx2Lanes {
  __attribute__((always_inline)) static bool any(LaneInt mask) {
    bool set;
    asm("vptest %1, %1" : "=@ccnz"(set) : "x"(mask));
    return set;
  }
};

// Floats from one lane block's normals to the next in a work item's buffer.
constexpr std::int64_t kNoiseStride = kNormalSteps * kLanes;

// The state of kTracks tracks' lanes: read from the population (lanes past a block's end repeat
// its last neuron) and written back (the block's own lanes only).
template <int kTracks>
__attribute__((always_inline)) inline void load_track_lanes(const PopulationState& population,
                                                            const Track* tracks, LaneFloat* v,
                                                            LaneInt* refractory, LaneFloat* release,
                                                            LaneFloat* max_v) {
  for (int track = 0; track < kTracks; ++track) {
    const Track& t = tracks[track];
    for (int lane = 0; lane < kLanes; ++lane) {
      const std::size_t at = t.state_at + static_cast<std::size_t>(std::min(lane, t.lanes - 1));
      v[track][lane] = population.v[at];
      refractory[track][lane] = population.refractory[at];
      release[track][lane] = population.release[at];
      max_v[track][lane] = population.max_v[at];
    }
  }
}

template <int kTracks>
__attribute__((always_inline)) inline void store_track_lanes(PopulationState& population, const Track* tracks,
                                                             const LaneFloat* v, const LaneInt* refractory,
                                                             const LaneFloat* release,
                                                             const LaneFloat* max_v) {
  for (int track = 0; track < kTracks; ++track) {
    const Track& t = tracks[track];
    for (int lane = 0; lane < t.lanes; ++lane) {
      const std::size_t at = t.state_at + static_cast<std::size_t>(lane);
      population.v[at] = v[track][lane];
      population.refractory[at] = refractory[track][lane];
      population.release[at] = release[track][lane];
      population.max_v[at] = max_v[track][lane];
    }
  }
}

// The spikes of one step (table index `at`) of kTracks tracks: counts, phase sums and readouts,
// in track and lane order.
template <bool kRecord, int kTracks, typename Isa>
__attribute__((always_inline)) inline void record_track_spikes(PopulationState& population,
                                                               const Track* tracks, const LaneInt* spiked,
                                                               const ChunkTableView& tables, std::int64_t at,
                                                               std::int64_t table_first_step) {
  for (int track = 0; track < kTracks; ++track) {
    if (!Isa::any(spiked[track])) continue;
    const Track& t = tracks[track];
    for (int lane = 0; lane < t.lanes; ++lane) {
      if (!spiked[track][lane]) continue;
      const std::size_t neuron_at = t.state_at + static_cast<std::size_t>(lane);
      const std::uint32_t spike_count = ++population.spikes[neuron_at];
      population.cos_sum[neuron_at] += tables.phase_cos[at];
      population.sin_sum[neuron_at] += tables.phase_sin[at];
      if constexpr (kRecord) {
        record_readout_spike(t.readouts, tables, at, t.first_neuron + static_cast<std::uint64_t>(lane),
                             spike_count, table_first_step + at);
      }
    }
  }
}

// Scheme exact's spiking lanes of one track at one step, timed after it (exact_step_lanes with
// kTiming false keeps this rare code out of the loops): each one's hold and release (time_spike)
// from its potential and pending release before the step, the step's drive and noise
// (`drive_of(lane)`, `noise_of(lane)`) and bridge limit (`limit_of(lane)`), as the step had them.
template <typename Constants, typename DriveOf, typename NoiseOf, typename LimitOf>
__attribute__((always_inline)) inline void time_track_spikes(LaneInt spiked, const LaneFloat& before,
                                                             const LaneFloat& pending,
                                                             const Constants& constants, DriveOf&& drive_of,
                                                             NoiseOf&& noise_of, LimitOf&& limit_of,
                                                             LaneInt& refractory, LaneFloat& release) {
  for (int lane = 0; lane < kLanes; ++lane) {
    if (!spiked[lane]) continue;
    const float drive = drive_of(lane);
    const float noise = noise_of(lane);
    const float start = pending[lane];
    const float v_free = step_free_potential(before[lane], start, drive, noise, constants, lane);
    const SpikeTiming<std::int32_t, float> one =
        time_spike(SpikeStep{before[lane], v_free, start, drive, noise, limit_of(lane)}, constants, lane);
    refractory[lane] = one.hold;
    release[lane] = one.release;
  }
}

// Scheme exact's bridge crossings at step `step` for the (rare) candidate lanes near threshold:
// one scalar uniform each from the lane's stream (`stream_of(lane)`), tested against its h
// (`half_variance_of(lane)`).
template <typename Isa, typename StreamOf, typename HalfVarianceOf>
__attribute__((always_inline)) inline LaneInt bridge_crossings(LaneInt candidates, LaneFloat product,
                                                               std::uint64_t seed, std::int64_t step,
                                                               StreamOf&& stream_of,
                                                               HalfVarianceOf&& half_variance_of) {
  LaneInt result = {};
  if (!Isa::any(candidates)) return result;
  for (int lane = 0; lane < kLanes; ++lane) {
    if (!candidates[lane]) continue;
    const float uniform = bridge_uniform(seed, stream_of(lane), step);
    result[lane] = bridge_crossed(product[lane], half_variance_of(lane), uniform) ? -1 : 0;
  }
  return result;
}

// Advances kTracks tracks through `count` steps starting at table index
// `first_at`. A work item is either one point's lane blocks (kOnePoint: track t
// takes its normals from noise + t * kNoiseStride, kLanes per step, and all take
// the point's drive from `drive`, one per step) or one lane block of several
// points (every track takes the block's normals from `noise`, and track t its
// point's drive from drive + t * kNormalSteps). Constant offsets from two base
// pointers keep the loop free of per-track pointer loads.
// The step is the shared euler_step_lanes / exact_step_lanes on vectors of lanes; the spike
// counts, phase sums and readouts of spikes (rare) are a scalar pass after the step.
template <bool kRecord, int kTracks, Scheme kScheme, bool kOnePoint, typename Isa>
__attribute__((always_inline)) inline void advance_tracks(PopulationState& population, const Track* tracks,
                                                          const float* noise, const float* drive,
                                                          std::uint64_t seed, const StepConstants& constants,
                                                          const ChunkTableView& tables, std::int64_t first_at,
                                                          std::int64_t count, std::int64_t table_first_step) {
  LaneFloat v[kTracks];
  LaneInt refractory[kTracks];
  LaneFloat release[kTracks];
  LaneFloat max_v[kTracks];
  PointCoefficients coefficients[kTracks];
  LaneFloat before[kTracks];   // exact: each track's v before the step (the spike pass's timing)
  LaneFloat pending[kTracks];  // exact: its pending releases before the step
  load_track_lanes<kTracks>(population, tracks, v, refractory, release, max_v);
  for (int track = 0; track < kTracks; ++track) coefficients[track] = *tracks[track].point;

  const StepConstants step_constants = constants;  // a copy: the spike pass's stores cannot alias it
  // Step j (relative to first_at) of every track; `spiked` gets each track's spike lanes.
  // kNoneHeld: no lane of the set is refractory (nor, under exact, waits for its release), so the
  // step takes a refractory count (and release) known to be zero, and the compiler folds the held
  // lanes' selects away (the same integers: a lane that is not held ends at spike ? its hold : 0
  // either way). The counts stay zero unless a lane spiked, which the caller then sets.
  const auto step_tracks = [&](std::int64_t j, LaneInt * spiked, LaneInt & any, auto none_held)
      __attribute__((always_inline)) {
    constexpr bool kNoneHeld = decltype(none_held)::value;
    const std::int64_t at = first_at + j;
#pragma GCC unroll 8
    for (int track = 0; track < kTracks; ++track) {
      const float step_drive_k = drive[(kOnePoint ? 0 : track * kNormalSteps) + j];
      LaneFloat z;
      std::memcpy(&z, noise + (kOnePoint ? track * kNoiseStride : 0) + j * kLanes, sizeof z);
      const LaneFloat lane_noise = coefficients[track].noise_gain * z;
      if constexpr (kScheme == Scheme::exact) {
        const auto crossed = [&](LaneInt candidates, LaneFloat product) __attribute__((always_inline)) {
          const Track& t = tracks[track];
          return bridge_crossings<Isa>(
              candidates, product, seed, table_first_step + at,
              [&](int lane) {
                return stream_id(t.point->stream_tag, t.first_neuron + static_cast<std::uint64_t>(lane));
              },
              [&](int) { return coefficients[track].bridge_half_variance; });
        };
        LaneInt free = {};
        LaneFloat none = {};
        LaneInt& count = kNoneHeld ? free : refractory[track];
        LaneFloat& waiting = kNoneHeld ? none : release[track];
        SpikeTiming<LaneInt, LaneFloat> untimed{};  // the spike pass times the spikes
        before[track] = v[track];
        pending[track] = waiting;
        spiked[track] = exact_step_lanes<!kNoneHeld, false>(
            v[track], count, waiting, untimed, step_constants, step_drive_k, lane_noise,
            coefficients[track].bridge_limit, crossed, [](LaneInt mask) { return Isa::any(mask); });
      } else {
        LaneInt free = {};
        LaneInt& count = kNoneHeld ? free : refractory[track];
        spiked[track] = euler_step_lanes(v[track], count, step_constants, step_drive_k, lane_noise);
      }
      if constexpr (kRecord) max_v[track] = v[track] > max_v[track] ? v[track] : max_v[track];
      any |= spiked[track];
    }
  };
  // The spikes of step j, in step, track and lane order; under exact their hold and release.
  const auto record_spikes = [&](std::int64_t j, const LaneInt* spiked) __attribute__((always_inline)) {
    record_track_spikes<kRecord, kTracks, Isa>(population, tracks, spiked, tables, first_at + j,
                                               table_first_step);
    if constexpr (kScheme == Scheme::exact) {
      for (int track = 0; track < kTracks; ++track) {
        if (!Isa::any(spiked[track])) continue;
        const float step_drive_k = drive[(kOnePoint ? 0 : track * kNormalSteps) + j];
        const float* z = noise + (kOnePoint ? track * kNoiseStride : 0) + j * kLanes;
        time_track_spikes(
            spiked[track], before[track], pending[track], step_constants, [&](int) { return step_drive_k; },
            [&](int lane) { return coefficients[track].noise_gain * z[lane]; },
            [&](int) { return coefficients[track].bridge_limit; }, refractory[track], release[track]);
      }
    }
  };

  // Steps until no lane of the set is refractory (nor waits for its release off the grid): at
  // least the largest count now (one more with a release pending), at least `busy_steps` after a
  // spike (a spiking lane starts its count at most there; exact: and is released in the step
  // after), one less after every step.
  constexpr bool kExact = kScheme == Scheme::exact;
  const std::int32_t busy_steps = step_constants.hold_steps + (kExact ? 1 : 0);
  std::int32_t held_steps = 0;
  for (int track = 0; track < kTracks; ++track) {
    for (int lane = 0; lane < kLanes; ++lane)
      held_steps = std::max(held_steps, refractory[track][lane] + (release[track][lane] > 0.0f ? 1 : 0));
  }
  // No lane held: every count is at most 0 and would be 0 after the next step (a spike sets it).
  if (held_steps <= 0) {
    for (int track = 0; track < kTracks; ++track) refractory[track] = LaneInt{};
  }
  const LaneInt hold = LaneInt{} + step_constants.hold_steps;
  // Runs of steps with no lane held and runs with some, each its own loop (one loop with a branch
  // per step made the compiler keep both paths' values in memory).
  std::int64_t j = 0;
  while (j < count) {
    if (held_steps > 0) {
      for (; j < count && held_steps > 0; ++j) {
        LaneInt spiked[kTracks];
        LaneInt any = {};
        step_tracks(j, spiked, any, std::false_type{});
        --held_steps;
        if (Isa::any(any)) {  // spikes are rare
          record_spikes(j, spiked);
          held_steps = std::max(held_steps, busy_steps);
        }
      }
    } else {
      for (; j < count; ++j) {
        LaneInt spiked[kTracks];
        LaneInt any = {};
        step_tracks(j, spiked, any, std::true_type{});
        if (Isa::any(any)) {
          // Exact: record_spikes sets the spiking lanes' counts and releases (the others' are 0).
          if constexpr (!kExact) {
            for (int track = 0; track < kTracks; ++track) refractory[track] = spiked[track] & hold;
          }
          record_spikes(j, spiked);
          held_steps = busy_steps;
          ++j;
          break;
        }
      }
    }
  }
  store_track_lanes<kTracks>(population, tracks, v, refractory, release, max_v);
}

template <bool kRecord, Scheme kScheme, bool kOnePoint, typename Isa>
__attribute__((always_inline)) inline void advance_track_set(
    PopulationState& population, const Track* tracks, int count, const float* noise, const float* drive,
    std::uint64_t seed, const StepConstants& constants, const ChunkTableView& tables, std::int64_t first_at,
    std::int64_t steps, std::int64_t table_first_step) {
  // Sets of one point's blocks have at most kMaxBlocks tracks: no code for more.
  constexpr int kMost = kOnePoint ? kMaxBlocks : kMaxTracks;
  switch (count) {
    case 1:
      return advance_tracks<kRecord, 1, kScheme, kOnePoint, Isa>(
          population, tracks, noise, drive, seed, constants, tables, first_at, steps, table_first_step);
    case 2:
      return advance_tracks<kRecord, 2, kScheme, kOnePoint, Isa>(
          population, tracks, noise, drive, seed, constants, tables, first_at, steps, table_first_step);
    case 3:
      return advance_tracks<kRecord, 3, kScheme, kOnePoint, Isa>(
          population, tracks, noise, drive, seed, constants, tables, first_at, steps, table_first_step);
    case 4:
      return advance_tracks<kRecord, 4, kScheme, kOnePoint, Isa>(
          population, tracks, noise, drive, seed, constants, tables, first_at, steps, table_first_step);
    case 5:
      return advance_tracks<kRecord, std::min(5, kMost), kScheme, kOnePoint, Isa>(
          population, tracks, noise, drive, seed, constants, tables, first_at, steps, table_first_step);
    case 6:
      return advance_tracks<kRecord, std::min(6, kMost), kScheme, kOnePoint, Isa>(
          population, tracks, noise, drive, seed, constants, tables, first_at, steps, table_first_step);
    case 7:
      return advance_tracks<kRecord, std::min(7, kMost), kScheme, kOnePoint, Isa>(
          population, tracks, noise, drive, seed, constants, tables, first_at, steps, table_first_step);
    default:
      return advance_tracks<kRecord, std::min(8, kMost), kScheme, kOnePoint, Isa>(
          population, tracks, noise, drive, seed, constants, tables, first_at, steps, table_first_step);
  }
}

template <bool kRecord, Scheme kScheme, typename Isa>
__attribute__((always_inline)) inline void advance_track_set(
    bool one_point, PopulationState& population, const Track* tracks, int count, const float* noise,
    const float* drive, std::uint64_t seed, const StepConstants& constants, const ChunkTableView& tables,
    std::int64_t first_at, std::int64_t steps, std::int64_t table_first_step) {
  if (one_point) {
    advance_track_set<kRecord, kScheme, true, Isa>(population, tracks, count, noise, drive, seed, constants,
                                                   tables, first_at, steps, table_first_step);
  } else {
    advance_track_set<kRecord, kScheme, false, Isa>(population, tracks, count, noise, drive, seed, constants,
                                                    tables, first_at, steps, table_first_step);
  }
}

// One work item through steps [step_begin, step_end) of the chunk whose tables
// start at step table_first_step. `record` and the scheme are the same for a
// whole run, so the branches cost nothing.
// The stream ids of the item's lane blocks: stream[block][lane].
inline void item_streams(const WorkItem& item, std::uint64_t (*stream)[kLanes]) {
  for (int block = 0; block < item.block_count; ++block) {
    for (int lane = 0; lane < kLanes; ++lane) {
      const std::uint64_t neuron =
          (item.first_block + static_cast<std::uint64_t>(block)) * kLanes + static_cast<std::uint64_t>(lane);
      stream[block][lane] = stream_id(item.stream_tag, neuron);
    }
  }
}

// A heterogeneous population's lane block (a spread, spread.hpp): every neuron has coefficients of
// its own, so each lane takes them from a vector of its own: the same IEEE operations as the
// one-neuron step (neuron_chunk.hpp, a GPU thread's) with the neuron's PointCoefficients.
struct LaneConstants {
  LaneFloat decay;
  LaneFloat v_threshold;
  LaneFloat v_reset;
  LaneInt hold_steps;
  LaneFloat step_rate;
  LaneFloat inverse_rate;
  LaneFloat relaxed;
  LaneFloat ref_fraction;
};

// Each lane's own coefficients, as vectors.
struct LaneCoefficients {
  LaneConstants constants;
  LaneFloat drive_base;
  LaneFloat drive_amplitude;
  LaneFloat drive_quadrature;
  LaneFloat noise_gain;
  LaneFloat half_variance;
  LaneFloat bridge_limit;
  ColouredNoiseOf<LaneFloat> coloured;
};

// kTracks tracks of a heterogeneous population, side by side (independent dependency chains),
// through `count` steps from table index `first_at`, each with its block's normals
// (noise[track], kLanes per step) and stream ids (stream[track]). kColoured: coloured noise
// (coloured_noise.hpp), each lane with its noise current, and under scheme exact the block's
// second normals (second[track]).
template <bool kRecord, Scheme kScheme, bool kColoured, int kTracks, typename Isa>
__attribute__((always_inline)) inline void advance_heterogeneous_tracks(
    PopulationState& population, const Track* tracks, const PointCoefficients* neurons,
    const float* const* noise, const float* const* second, const std::uint64_t* const* stream,
    std::uint64_t seed, const ChunkTableView& tables, std::int64_t first_at, std::int64_t count,
    std::int64_t table_first_step) {
  LaneFloat v[kTracks];
  LaneInt refractory[kTracks];
  LaneFloat max_v[kTracks];
  LaneFloat current[kTracks];
  LaneFloat release[kTracks];
  LaneCoefficients c[kTracks];
  // Exact: each track's v, pending releases, drive and noise of the step (the spike pass's timing).
  LaneFloat before[kTracks];
  LaneFloat pending[kTracks];
  LaneFloat drives[kTracks];
  LaneFloat noises[kTracks];
  load_track_lanes<kTracks>(population, tracks, v, refractory, release, max_v);
  for (int track = 0; track < kTracks; ++track) {
    const Track& t = tracks[track];
    for (int lane = 0; lane < kLanes; ++lane) {  // lanes past the block's end repeat its last neuron
      const std::size_t at = t.state_at + static_cast<std::size_t>(std::min(lane, t.lanes - 1));
      const PointCoefficients& neuron = neurons[at];
      current[track][lane] = population.noise_current[at];
      c[track].coloured.decay[lane] = neuron.coloured.decay;
      c[track].coloured.gain[lane] = neuron.coloured.gain;
      c[track].coloured.coupling[lane] = neuron.coloured.coupling;
      c[track].coloured.second_gain[lane] = neuron.coloured.second_gain;
      c[track].constants.decay[lane] = neuron.constants.decay;
      c[track].constants.v_threshold[lane] = neuron.constants.v_threshold;
      c[track].constants.v_reset[lane] = neuron.constants.v_reset;
      c[track].constants.hold_steps[lane] = neuron.constants.hold_steps;
      c[track].constants.step_rate[lane] = neuron.constants.step_rate;
      c[track].constants.inverse_rate[lane] = neuron.constants.inverse_rate;
      c[track].constants.relaxed[lane] = neuron.constants.relaxed;
      c[track].constants.ref_fraction[lane] = neuron.constants.ref_fraction;
      c[track].drive_base[lane] = neuron.drive_base;
      c[track].drive_amplitude[lane] = neuron.drive_amplitude;
      c[track].drive_quadrature[lane] = neuron.drive_quadrature;
      c[track].noise_gain[lane] = neuron.noise_gain;
      c[track].half_variance[lane] = neuron.bridge_half_variance;
      c[track].bridge_limit[lane] = neuron.bridge_limit;
    }
  }
  const bool quadrature = tables.drive_cos != nullptr;
  for (std::int64_t j = 0; j < count; ++j) {
    const std::int64_t at = first_at + j;
    LaneInt spiked[kTracks];
    LaneInt any = {};
#pragma GCC unroll 4
    for (int track = 0; track < kTracks; ++track) {
      // As scheme_step: base + amplitude sin_k, then + quadrature cos_k.
      LaneFloat drive = c[track].drive_base + c[track].drive_amplitude * tables.drive_sin[at];
      if (quadrature) drive += c[track].drive_quadrature * tables.drive_cos[at];
      LaneFloat z;
      std::memcpy(&z, noise[track] + j * kLanes, sizeof z);
      LaneFloat lane_noise;
      if constexpr (kColoured) {  // as scheme_step
        constexpr bool kSecond = kScheme == Scheme::exact;
        LaneFloat z2 = {};
        if constexpr (kSecond) std::memcpy(&z2, second[track] + j * kLanes, sizeof z2);
        lane_noise =
            coloured_membrane_noise<kSecond>(current[track], c[track].noise_gain, c[track].coloured, z, z2);
      } else {
        lane_noise = c[track].noise_gain * z;
      }
      if constexpr (kScheme == Scheme::exact) {
        const auto crossed = [&](LaneInt candidates, LaneFloat product) __attribute__((always_inline)) {
          return bridge_crossings<Isa>(
              candidates, product, seed, table_first_step + at, [&](int lane) { return stream[track][lane]; },
              [&](int lane) { return c[track].half_variance[lane]; });
        };
        SpikeTiming<LaneInt, LaneFloat> untimed{};  // the spike pass times the spikes
        before[track] = v[track];
        pending[track] = release[track];
        drives[track] = drive;
        noises[track] = lane_noise;
        spiked[track] = exact_step_lanes<true, false>(
            v[track], refractory[track], release[track], untimed, c[track].constants, drive, lane_noise,
            c[track].bridge_limit, crossed, [](LaneInt mask) { return Isa::any(mask); });
      } else {
        spiked[track] = euler_step_lanes(v[track], refractory[track], c[track].constants, drive, lane_noise);
      }
      if constexpr (kRecord) max_v[track] = v[track] > max_v[track] ? v[track] : max_v[track];
      any |= spiked[track];
    }
    if (Isa::any(any)) {  // spikes are rare
      record_track_spikes<kRecord, kTracks, Isa>(population, tracks, spiked, tables, at, table_first_step);
      if constexpr (kScheme == Scheme::exact) {
        for (int track = 0; track < kTracks; ++track) {
          if (!Isa::any(spiked[track])) continue;
          time_track_spikes(
              spiked[track], before[track], pending[track], c[track].constants,
              [&](int lane) { return drives[track][lane]; }, [&](int lane) { return noises[track][lane]; },
              [&](int lane) { return c[track].bridge_limit[lane]; }, refractory[track], release[track]);
        }
      }
    }
  }
  store_track_lanes<kTracks>(population, tracks, v, refractory, release, max_v);
  if constexpr (kColoured) {
    for (int track = 0; track < kTracks; ++track) {
      for (int lane = 0; lane < tracks[track].lanes; ++lane)
        population.noise_current[tracks[track].state_at + static_cast<std::size_t>(lane)] =
            current[track][lane];
    }
  }
}

// Calls `kernel(record, scheme)` with both as compile-time constants (std::bool_constant,
// std::integral_constant<Scheme, ...>): they are the same for a whole run, so the four kernels
// have no per-step branch on them.
template <typename Kernel>
__attribute__((always_inline)) inline void with_kernel(bool record, Scheme scheme, Kernel&& kernel) {
  using Exact = std::integral_constant<Scheme, Scheme::exact>;
  using Euler = std::integral_constant<Scheme, Scheme::euler>;
  if (record && scheme == Scheme::exact) {
    kernel(std::true_type{}, Exact{});
  } else if (record) {
    kernel(std::true_type{}, Euler{});
  } else if (scheme == Scheme::exact) {
    kernel(std::false_type{}, Exact{});
  } else {
    kernel(std::false_type{}, Euler{});
  }
}

// A set of 1, 2, 4 or kHeterogeneousTracks (8) tracks, with the kernel for their number (coloured
// noise: 1 or 4, which halves the kernels it adds to the build; set_size).
constexpr int kHeterogeneousTracks = 8;
template <bool kRecord, Scheme kScheme, bool kColoured, typename Isa>
__attribute__((always_inline)) inline void advance_heterogeneous_set(
    PopulationState& population, const Track* tracks, int count, const PointCoefficients* neurons,
    const float* const* noise, const float* const* second, const std::uint64_t* const* stream,
    std::uint64_t seed, const ChunkTableView& tables, std::int64_t first_at, std::int64_t steps,
    std::int64_t table_first_step) {
  const auto run = [&](auto tracks_in_set) __attribute__((always_inline)) {
    advance_heterogeneous_tracks<kRecord, kScheme, kColoured, decltype(tracks_in_set)::value, Isa>(
        population, tracks, neurons, noise, second, stream, seed, tables, first_at, steps, table_first_step);
  };
  if constexpr (kColoured) {
    if (count == 4) return run(std::integral_constant<int, 4>{});
    return run(std::integral_constant<int, 1>{});
  } else {
    switch (count) {
      case 1:
        return run(std::integral_constant<int, 1>{});
      case 2:
        return run(std::integral_constant<int, 2>{});
      case 4:
        return run(std::integral_constant<int, 4>{});
      case kHeterogeneousTracks:
        return run(std::integral_constant<int, kHeterogeneousTracks>{});
      default:
        __builtin_unreachable();
    }
  }
}

// The size of the next set of a heterogeneous item's tracks, `left` of them to go: 8, 4, 2 or 1,
// for coloured noise 4 or 1.
inline int set_size(bool coloured, int left) {
  if (coloured) return left >= 4 ? 4 : 1;
  return static_cast<int>(std::bit_floor(static_cast<unsigned>(std::min(kHeterogeneousTracks, left))));
}

// A heterogeneous population's work item (`neurons`: the batch's coefficients, in state order; a
// coloured-noise run's too): its normals drawn as for any item, once for all its points (and for
// coloured noise under scheme exact the second normals), then its tracks in sets (set_size;
// 25 tracks: 8 8 8 1).
template <typename Isa>
__attribute__((always_inline)) inline void advance_heterogeneous_item(
    bool record, PopulationState& population, const WorkItem& item, const std::vector<Track>& tracks,
    const PointCoefficients* neurons, const SweepPlan& plan, const ChunkTableView& tables,
    std::int64_t step_begin, std::int64_t step_end, std::int64_t table_first_step) {
  alignas(64) float normals[kMaxBlocks][kNormalSteps * kLanes];
  alignas(64) float second_normals[kMaxBlocks][kNormalSteps * kLanes];
  std::uint64_t stream[kMaxBlocks][kLanes];
  item_streams(item, stream);
  const std::uint64_t seed = plan.config.seed;
  const bool coloured = plan.coloured_noise;
  const bool second = coloured && plan.config.scheme == Scheme::exact;
  for (std::int64_t begin = step_begin; begin < step_end; begin += kNormalSteps) {
    const std::int64_t end = std::min(step_end, begin + kNormalSteps);
    for (int block = 0; block < item.block_count; ++block) {
      draw_normals(seed, stream[block], begin, end, normals[block]);
      if (second) draw_normals(seed, stream[block], begin, end, second_normals[block], kSecondNormalFlag);
    }
    const std::int64_t first_at = begin - table_first_step;
    const int track_count = static_cast<int>(tracks.size());
    for (int first = 0, count = 0; first < track_count; first += count) {
      count = set_size(coloured, track_count - first);
      const float* noise[kHeterogeneousTracks];
      const float* seconds[kHeterogeneousTracks];
      const std::uint64_t* lanes[kHeterogeneousTracks];
      for (int t = 0; t < count; ++t) {
        noise[t] = normals[tracks[first + t].noise_block];
        seconds[t] = second_normals[tracks[first + t].noise_block];
        lanes[t] = stream[tracks[first + t].noise_block];
      }
      const Track* set = tracks.data() + first;
      const auto run = [&](auto kColoured) __attribute__((always_inline)) {
        with_kernel(
            record, plan.config.scheme, [&](auto kRecord, auto kScheme) __attribute__((always_inline)) {
              advance_heterogeneous_set<decltype(kRecord)::value, decltype(kScheme)::value,
                                        decltype(kColoured)::value, Isa>(
                  population, set, count, neurons, noise, seconds, lanes, seed, tables, first_at, end - begin,
                  table_first_step);
            });
      };
      if (coloured) {
        run(std::true_type{});
      } else {
        run(std::false_type{});
      }
    }
  }
}

template <typename Isa>
__attribute__((always_inline)) inline void advance_item_lanes(
    bool record, PopulationState& population, const WorkItem& item, const std::vector<Track>& tracks,
    const SweepPlan& plan, const ChunkTableView& tables, std::int64_t step_begin, std::int64_t step_end,
    std::int64_t table_first_step) {
  alignas(64) float normals[kMaxBlocks][kNormalSteps * kLanes];
  alignas(64) float drives[kMaxTracks][kNormalSteps];  // step_drive of the set's points, mV per step
  std::uint64_t stream[kMaxBlocks][kLanes];
  item_streams(item, stream);
  const int track_count = static_cast<int>(tracks.size());
  for (std::int64_t begin = step_begin; begin < step_end; begin += kNormalSteps) {
    const std::int64_t end = std::min(step_end, begin + kNormalSteps);
    for (int block = 0; block < item.block_count; ++block) {
      draw_normals(plan.config.seed, stream[block], begin, end, normals[block]);
    }
    // One point: its lane blocks' normals side by side, one drive. Several points: one lane block's
    // normals, each point's drive (make_work_items).
    const bool one_point = item.point_count == 1;
    const std::int64_t first_at = begin - table_first_step;
    // Sets of nearly equal size (25 tracks: 4 4 4 4 3 3 3, not 4 x 6 + 1): a set of one track is
    // one dependency chain, which hides no latency.
    const int sets = (track_count + kMaxTracks - 1) / kMaxTracks;
    for (int set_index = 0, first = 0; set_index < sets; ++set_index) {
      const int count = track_count / sets + (set_index < track_count % sets ? 1 : 0);
      const int set_first = first;
      first += count;
      // Each point's drive for the stretch, once per point rather than once per track and step.
      for (int t = 0; t < (one_point ? std::min(count, 1) : count); ++t) {
        const PointCoefficients& point = *tracks[set_first + t].point;
        for (std::int64_t j = 0; j < end - begin; ++j)
          drives[t][j] = step_drive(point, tables.drive_sin[first_at + j]);
      }
      const float* noise = normals[tracks[set_first].noise_block];
      const std::uint64_t seed = plan.config.seed;
      const Track* set = tracks.data() + set_first;
      with_kernel(
          record, plan.config.scheme, [&](auto kRecord, auto kScheme) __attribute__((always_inline)) {
            advance_track_set<decltype(kRecord)::value, decltype(kScheme)::value, Isa>(
                one_point, population, set, count, noise, drives[0], seed, item.constants, tables, first_at,
                end - begin, table_first_step);
          });
    }
  }
}

// advance_item_lanes compiled for AVX2 (x86-64-v3) and for any x86-64, picked
// once at run time; both perform identical IEEE operations. The ASan+UBSan build
// compiles one of them alone (SRLIF_KERNEL_AVX2_ONLY where the building machine
// has AVX2, else SRLIF_KERNEL_PORTABLE_ONLY; CMakeLists.txt): the two are one
// template with the same memory accesses, and the sanitized compile of each took
// GCC some seven minutes.
#ifndef SRLIF_KERNEL_PORTABLE_ONLY
__attribute__((target("arch=x86-64-v3"))) void advance_item_avx2(
    bool record, PopulationState& population, const WorkItem& item, const std::vector<Track>& tracks,
    const PointCoefficients* neurons, const SweepPlan& plan, const ChunkTableView& tables,
    std::int64_t step_begin, std::int64_t step_end, std::int64_t table_first_step) {
  if (neurons != nullptr) {
    advance_heterogeneous_item<Avx2Lanes>(record, population, item, tracks, neurons, plan, tables, step_begin,
                                          step_end, table_first_step);
  } else {
    advance_item_lanes<Avx2Lanes>(record, population, item, tracks, plan, tables, step_begin, step_end,
                                  table_first_step);
  }
}
#endif

#ifndef SRLIF_KERNEL_AVX2_ONLY
void advance_item_portable(bool record, PopulationState& population, const WorkItem& item,
                           const std::vector<Track>& tracks, const PointCoefficients* neurons,
                           const SweepPlan& plan, const ChunkTableView& tables, std::int64_t step_begin,
                           std::int64_t step_end, std::int64_t table_first_step) {
  if (neurons != nullptr) {
    advance_heterogeneous_item<PortableLanes>(record, population, item, tracks, neurons, plan, tables,
                                              step_begin, step_end, table_first_step);
  } else {
    advance_item_lanes<PortableLanes>(record, population, item, tracks, plan, tables, step_begin, step_end,
                                      table_first_step);
  }
}
#endif

// One work item: `neurons` null for a homogeneous population (the points' coefficients), else a
// heterogeneous population's neurons' (the batch's, in state order).
void advance_item(bool record, PopulationState& population, const WorkItem& item,
                  const std::vector<Track>& tracks, const PointCoefficients* neurons, const SweepPlan& plan,
                  const ChunkTableView& tables, std::int64_t step_begin, std::int64_t step_end,
                  std::int64_t table_first_step) {
#if defined(SRLIF_KERNEL_AVX2_ONLY)
  advance_item_avx2(record, population, item, tracks, neurons, plan, tables, step_begin, step_end,
                    table_first_step);
#elif defined(SRLIF_KERNEL_PORTABLE_ONLY)
  advance_item_portable(record, population, item, tracks, neurons, plan, tables, step_begin, step_end,
                        table_first_step);
#else
  static const bool avx2 = __builtin_cpu_supports("x86-64-v3") != 0;
  (avx2 ? advance_item_avx2 : advance_item_portable)(record, population, item, tracks, neurons, plan, tables,
                                                     step_begin, step_end, table_first_step);
#endif
}

// Splits the grid points of a batch into work items: points that share the
// stream tag, the drive table and the neuron constants go together (their
// normals are drawn once per item; points of another neuron draw theirs
// again); a point alone takes up to kMaxBlocks lane blocks per item instead.
// Large groups are split into subsets of points so that every thread gets
// work; how the points are split never changes a result.
std::vector<WorkItem> make_work_items(const SweepPlan& plan, std::size_t batch_first,
                                      std::size_t batch_points, std::uint64_t blocks_per_point, int threads,
                                      std::vector<std::vector<std::size_t>>& groups) {
  // The key: stream tag, drive table, then the constants' bits.
  using Key = std::array<std::uint32_t, 11>;
  std::map<Key, std::vector<std::size_t>> by_stream;
  for (std::size_t local = 0; local < batch_points; ++local) {
    const PointCoefficients& point = plan.points[batch_first + local];
    // A heterogeneous population's neurons have constants of their own: the points' do not matter.
    const StepConstants c = plan.heterogeneous ? StepConstants{} : point.constants;
    const Key key{point.stream_tag,
                  point.drive_table,
                  std::bit_cast<std::uint32_t>(c.decay),
                  std::bit_cast<std::uint32_t>(c.v_threshold),
                  std::bit_cast<std::uint32_t>(c.v_reset),
                  std::bit_cast<std::uint32_t>(c.v_init),
                  static_cast<std::uint32_t>(c.hold_steps),
                  std::bit_cast<std::uint32_t>(c.step_rate),
                  std::bit_cast<std::uint32_t>(c.inverse_rate),
                  std::bit_cast<std::uint32_t>(c.relaxed),
                  std::bit_cast<std::uint32_t>(c.ref_fraction)};
    by_stream[key].push_back(local);
  }
  groups.clear();
  for (auto& entry : by_stream) groups.push_back(std::move(entry.second));

  const std::uint64_t wanted_items = 8 * static_cast<std::uint64_t>(threads);
  std::vector<WorkItem> items;
  for (const std::vector<std::size_t>& group : groups) {
    const PointCoefficients& point = plan.points[batch_first + group.front()];
    if (group.size() == 1) {
      for (std::uint64_t block = 0; block < blocks_per_point; block += kMaxBlocks) {
        const int count = static_cast<int>(std::min<std::uint64_t>(kMaxBlocks, blocks_per_point - block));
        items.push_back(
            {point.stream_tag, point.drive_table, point.constants, group.data(), 1, block, count});
      }
      continue;
    }
    const std::uint64_t most_subsets = (group.size() + kMaxTracks - 1) / kMaxTracks;
    const std::uint64_t subsets =
        std::clamp<std::uint64_t>((wanted_items + blocks_per_point - 1) / blocks_per_point, 1, most_subsets);
    const std::size_t per_subset = (group.size() + subsets - 1) / subsets;
    for (std::size_t first = 0; first < group.size(); first += per_subset) {
      const int count = static_cast<int>(std::min(per_subset, group.size() - first));
      for (std::uint64_t block = 0; block < blocks_per_point; ++block) {
        items.push_back(
            {point.stream_tag, point.drive_table, point.constants, group.data() + first, count, block, 1});
      }
    }
  }
  return items;
}

// A batch of the plan's points in host memory: its work items, each item's
// tracks, and the state of its neurons.
class CpuEngine final : public BatchEngine {
 public:
  CpuEngine(const SweepPlan& plan, int threads) : plan_(plan), threads_(threads) {}

  void load_batch(std::size_t first_point, std::size_t point_count, BackendResult& result) override {
    batch_first_ = first_point;
    batch_points_ = point_count;
    result_ = &result;
    population_.reset(plan_, first_point, point_count);
    // A heterogeneous population or coloured noise: each neuron's own coefficients, the batch's
    // neurons in order (the lane kernels with each lane's coefficients also step the current).
    neuron_points_ = per_neuron() ? batch_neuron_coefficients(plan_, first_point, point_count)
                                  : std::vector<PointCoefficients>{};
    const std::uint64_t blocks_per_point = (plan_.config.neurons + kLanes - 1) / kLanes;
    items_ = make_work_items(plan_, first_point, point_count, blocks_per_point, threads_, groups_);
    item_tracks_.clear();
    item_tracks_.reserve(items_.size());
    for (const WorkItem& item : items_) item_tracks_.push_back(make_tracks(item));
  }

  void restore_snapshot(const PopulationSnapshot& snapshot) override { population_.restore(snapshot); }

  void advance_chunk(const ChunkTables& tables) override {
    const bool record = plan_.config.readouts.enabled;
    const std::int64_t chunk_begin = tables.first_step;
    const std::int64_t chunk_end = tables.first_step + tables.length;
    const auto item_count = static_cast<std::int64_t>(items_.size());
    // No more threads than work items: idle threads only add fork/join cost.
    const int team = static_cast<int>(std::min<std::int64_t>(threads_, item_count));
#pragma omp parallel for schedule(dynamic, 1) num_threads(team)
    for (std::int64_t index = 0; index < item_count; ++index) {
      const WorkItem& item = items_[static_cast<std::size_t>(index)];
      const ChunkTableView view = chunk_table_view(tables, item.drive_table, record);
      const std::vector<Track>& tracks = item_tracks_[static_cast<std::size_t>(index)];
      advance_item(record, population_, item, tracks, per_neuron() ? neuron_points_.data() : nullptr, plan_,
                   view, chunk_begin, chunk_end, chunk_begin);
    }
  }

  PopulationSnapshot take_snapshot(std::int64_t next_step) override {
    return population_.snapshot(next_step);
  }

  void read_tallies() override {
    const std::uint64_t neurons = plan_.config.neurons;
    const ReadoutLayout& layout = plan_.readout_layout;
    const bool record = plan_.config.readouts.enabled;
    for (std::size_t local_point = 0; local_point < batch_points_; ++local_point) {
      const std::size_t global_point = batch_first_ + local_point;
      PointTally& tally = result_->tallies[global_point];
      for (std::uint64_t neuron = 0; neuron < neurons; ++neuron) {
        const std::size_t at = local_point * neurons + neuron;
        const NeuronTally neuron_tally{population_.spikes[at], population_.cos_sum[at],
                                       population_.sin_sum[at]};
        add_tally(tally, neuron_contribution(neuron_tally, plan_.config.validity));
        if (record) {
          float& point_max = result_->readouts.max_v[global_point];
          point_max = std::max(point_max, population_.max_v[at]);
          if (neuron < layout.raster_neurons) {
            result_->readouts.raster_counts[global_point * layout.raster_neurons + neuron] =
                population_.spikes[at];
          }
        }
      }
    }
  }

 private:
  bool per_neuron() const { return plan_.heterogeneous || plan_.coloured_noise; }

  // The tracks of one work item: its points' lane block, or its point's blocks.
  std::vector<Track> make_tracks(const WorkItem& item) const {
    const std::uint64_t neurons = plan_.config.neurons;
    const ReadoutLayout& layout = plan_.readout_layout;
    std::vector<Track> tracks;
    for (int p = 0; p < item.point_count; ++p) {
      const std::size_t local_point = item.points[p];
      const std::size_t global_point = batch_first_ + local_point;
      PointReadoutTarget target{};
      if (plan_.config.readouts.enabled) {
        PopulationReadouts& r = result_->readouts;
        target.phase_histogram = r.phase_histogram.data() + global_point * layout.phase_bins;
        target.psth = r.psth.data() + global_point * layout.psth_bins;
        target.raster_neurons = layout.raster_neurons;
        target.raster_capacity = layout.raster_capacity;
        target.raster = r.raster_steps.data() +
                        global_point * std::size_t{layout.raster_neurons} * layout.raster_capacity;
      }
      for (int block = 0; block < item.block_count; ++block) {
        const std::uint64_t first_neuron = (item.first_block + static_cast<std::uint64_t>(block)) * kLanes;
        const int lanes = static_cast<int>(std::min<std::uint64_t>(kLanes, neurons - first_neuron));
        tracks.push_back({&plan_.points[global_point], local_point * neurons + first_neuron, first_neuron,
                          lanes, block, target});
      }
    }
    return tracks;
  }

  const SweepPlan& plan_;
  int threads_;
  std::size_t batch_first_ = 0;
  std::size_t batch_points_ = 0;
  BackendResult* result_ = nullptr;
  PopulationState population_;
  std::vector<PointCoefficients> neuron_points_;
  std::vector<std::vector<std::size_t>> groups_;  // the work items point into these
  std::vector<WorkItem> items_;
  std::vector<std::vector<Track>> item_tracks_;
};

class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(int threads) : threads_(threads > 0 ? threads : std::max(1, omp_get_num_procs())) {}

  std::string name() const override { return "cpu"; }
  std::string device() const override {
    return "CPU, " + std::to_string(threads_) + " thread" + (threads_ == 1 ? "" : "s");
  }
  std::unique_ptr<BatchEngine> make_engine(const SweepPlan& plan) override {
    return std::make_unique<CpuEngine>(plan, threads_);
  }

 private:
  int threads_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(int threads) { return std::make_unique<CpuBackend>(threads); }

}  // namespace srlif
