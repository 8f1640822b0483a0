// The CPU backend's lane kernels, as templates: within a work item neurons advance in lockstep
// in lanes that the compiler vectorises, each neuron's arithmetic exactly the shared scalar code
// (euler_step / exact_step), so the bits depend neither on the vector width nor on the thread
// count or how the work is split.
//
// Common random numbers make most of the work shareable: by default every grid point sees the
// same noise z_k of neuron i (DESIGN.md section 3), and drawing it (Philox + Box-Muller) costs
// several times the step itself. So a work item draws the normals of one block of kLanes
// neurons for a stretch of steps once and advances every grid point of the item that uses that
// stream (same stream tag), the same drive table (same frequency) and the same neuron constants
// with them. Points advance in sets of up to kMaxTracks (point, lane block) "tracks" whose
// independent dependency chains (v_k -> v_{k+1}) hide each other's latency.
//
// Only the generated entry points (lane_kernel_entry.cpp.in) include this header; each
// instantiates advance_item for one family, scheme, readouts flag and instruction set, and
// everything below is always inlined into it (the AVX2 copy's target attribute reaches only
// code inlined into it, so no AVX2 instruction leaks into a portable function).
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <type_traits>

#include "cpu_kernels.hpp"
#include "lane_group.hpp"

namespace srlif::cpu {

inline void count_spike(std::uint64_t& counter) {
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

// The spikes of one step (table index `at`) of kTracks tracks, in track and lane order: for each
// track with a spike, `time_track(track)` (scheme exact: the spiking lanes' hold and release,
// time_track_spikes; euler: nothing), then the lanes' counts, phase sums and readouts.
template <int kTracks, typename Isa, typename TimeTrack>
__attribute__((always_inline)) inline void record_track_spikes(PopulationState& population,
                                                               const Track* tracks, const LaneInt* spiked,
                                                               const ChunkTableView& tables, std::int64_t at,
                                                               std::int64_t table_first_step,
                                                               TimeTrack&& time_track) {
  for (int track = 0; track < kTracks; ++track) {
    if (!Isa::any(spiked[track])) continue;
    time_track(track);
    const Track& t = tracks[track];
    for (int lane = 0; lane < t.lanes; ++lane) {
      if (!spiked[track][lane]) continue;
      const std::size_t neuron_at = t.state_at + static_cast<std::size_t>(lane);
      const std::uint32_t spike_count = ++population.spikes[neuron_at];
      population.cos_sum[neuron_at] += tables.phase_cos[at];
      population.sin_sum[neuron_at] += tables.phase_sin[at];
      if (tables.phase_bin != nullptr) {  // readouts
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

// One track's step inside a run of step_in_runs: with kNoneHeld its count (and release) known to
// be zero, so that the compiler folds the held lanes' selects away. Under exact the potential and
// pending release before the step go to `before` and `pending` (the spike pass times spikes from
// them) and `crossed` tests the bridge. Constants, drive and limit: the point's (scalars) or each
// lane's (vectors).
template <bool kNoneHeld, Scheme kScheme, typename Isa, typename Constants, typename Drive, typename Limit,
          typename Crossed>
__attribute__((always_inline)) inline LaneInt step_track(LaneFloat& v, LaneInt& refractory,
                                                         LaneFloat& release, LaneFloat& before,
                                                         LaneFloat& pending, const Constants& constants,
                                                         const Drive& drive, const LaneFloat& noise,
                                                         const Limit& limit, Crossed&& crossed) {
  LaneInt free = {};
  LaneInt& count = kNoneHeld ? free : refractory;
  if constexpr (kScheme == Scheme::exact) {
    LaneFloat none = {};
    LaneFloat& waiting = kNoneHeld ? none : release;
    SpikeTiming<LaneInt, LaneFloat> untimed{};  // the spike pass times the spikes
    before = v;
    pending = waiting;
    return exact_step_lanes<!kNoneHeld, false>(v, count, waiting, untimed, constants, drive, noise, limit,
                                               crossed, [](LaneInt mask) { return Isa::any(mask); });
  } else {
    return euler_step_lanes(v, count, constants, drive, noise);
  }
}

// A set of kTracks tracks through `count` steps in runs: while some lane may be held (refractory
// or, under exact, waiting for its release off the grid) the full step,
// `step(j, spiked, any, std::false_type{})`; once none can be, the step with a count (and
// release) known to be zero, `step(..., std::true_type{})`, whose held lanes' selects the
// compiler folds away, until a lane spikes. Same integers either way: a lane that is not held
// ends a step at spike ? its hold : 0. `record(j, spiked)` takes a step's spikes (under exact it
// also sets the spiking lanes' counts and releases); `hold_of(track)`, each lane's hold_steps;
// `most_hold` the largest of them. One loop per kind of run: one loop with a branch per step
// made the compiler keep both paths' values in memory.
template <int kTracks, bool kExact, typename Isa, typename Step, typename Record, typename HoldOf>
__attribute__((always_inline)) inline void step_in_runs(std::int64_t count, LaneInt* refractory,
                                                        const LaneFloat* release, std::int32_t most_hold,
                                                        Step&& step, Record&& record, HoldOf&& hold_of) {
  // Steps until no lane of the set is held: at least the largest count now (one more with a
  // release pending), at least `busy_steps` after a spike (a spiking lane starts its count at
  // most there; exact: and is released in the step after), one less after every step.
  const std::int32_t busy_steps = most_hold + (kExact ? 1 : 0);
  std::int32_t held_steps = 0;
  for (int track = 0; track < kTracks; ++track) {
    for (int lane = 0; lane < kLanes; ++lane)
      held_steps = std::max(held_steps, refractory[track][lane] + (release[track][lane] > 0.0f ? 1 : 0));
  }
  // No lane held: every count is at most 0 and would be 0 after the next step (a spike sets it).
  if (held_steps <= 0) {
    for (int track = 0; track < kTracks; ++track) refractory[track] = LaneInt{};
  }
  std::int64_t j = 0;
  while (j < count) {
    if (held_steps > 0) {
      for (; j < count && held_steps > 0; ++j) {
        LaneInt spiked[kTracks];
        LaneInt any = {};
        step(j, spiked, any, std::false_type{});
        --held_steps;
        if (Isa::any(any)) {  // spikes are rare
          record(j, spiked);
          held_steps = std::max(held_steps, busy_steps);
        }
      }
    } else {
      for (; j < count; ++j) {
        LaneInt spiked[kTracks];
        LaneInt any = {};
        step(j, spiked, any, std::true_type{});
        if (Isa::any(any)) {
          // Exact: record sets the spiking lanes' counts and releases (the others' are 0).
          if constexpr (!kExact) {
            for (int track = 0; track < kTracks; ++track) refractory[track] = spiked[track] & hold_of(track);
          }
          record(j, spiked);
          held_steps = busy_steps;
          ++j;
          break;
        }
      }
    }
  }
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
template <int kTracks, Scheme kScheme, bool kOnePoint, typename Isa>
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
  const bool record = tables.phase_bin != nullptr;  // readouts: the running max of v too
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
      const auto crossed = [&](LaneInt candidates, LaneFloat product) __attribute__((always_inline)) {
        const Track& t = tracks[track];
        return bridge_crossings<Isa>(
            candidates, product, seed, table_first_step + at,
            [&](int lane) {
              return stream_id(t.point->stream_tag, t.first_neuron + static_cast<std::uint64_t>(lane));
            },
            [&](int) { return coefficients[track].bridge_half_variance; });
      };
      spiked[track] = step_track<kNoneHeld, kScheme, Isa>(
          v[track], refractory[track], release[track], before[track], pending[track], step_constants,
          step_drive_k, lane_noise, coefficients[track].bridge_limit, crossed);
      if (record) max_v[track] = v[track] > max_v[track] ? v[track] : max_v[track];
      any |= spiked[track];
    }
  };
  // The spikes of step j, in step, track and lane order; under exact their hold and release.
  const auto record_spikes = [&](std::int64_t j, const LaneInt* spiked) __attribute__((always_inline)) {
    record_track_spikes<kTracks, Isa>(
        population, tracks, spiked, tables, first_at + j, table_first_step, [&](int track) {
          if constexpr (kScheme == Scheme::exact) {
            const float step_drive_k = drive[(kOnePoint ? 0 : track * kNormalSteps) + j];
            const float* z = noise + (kOnePoint ? track * kNoiseStride : 0) + j * kLanes;
            time_track_spikes(
                spiked[track], before[track], pending[track], step_constants,
                [&](int) { return step_drive_k; },
                [&](int lane) { return coefficients[track].noise_gain * z[lane]; },
                [&](int) { return coefficients[track].bridge_limit; }, refractory[track], release[track]);
          }
        });
  };

  const LaneInt hold = LaneInt{} + step_constants.hold_steps;
  step_in_runs<kTracks, kScheme == Scheme::exact, Isa>(
      count, refractory, release, step_constants.hold_steps, step_tracks,
      record_spikes, [&](int) __attribute__((always_inline)) { return hold; });
  store_track_lanes<kTracks>(population, tracks, v, refractory, release, max_v);
}

template <Scheme kScheme, bool kOnePoint, typename Isa>
__attribute__((always_inline)) inline void advance_track_set(
    PopulationState& population, const Track* tracks, int count, const float* noise, const float* drive,
    std::uint64_t seed, const StepConstants& constants, const ChunkTableView& tables, std::int64_t first_at,
    std::int64_t steps, std::int64_t table_first_step) {
  // Sets of one point's blocks have at most kMaxBlocks tracks: no code for more.
  constexpr int kMost = kOnePoint ? kMaxBlocks : kMaxTracks;
  switch (count) {
    case 1:
      return advance_tracks<1, kScheme, kOnePoint, Isa>(population, tracks, noise, drive, seed, constants,
                                                        tables, first_at, steps, table_first_step);
    case 2:
      return advance_tracks<2, kScheme, kOnePoint, Isa>(population, tracks, noise, drive, seed, constants,
                                                        tables, first_at, steps, table_first_step);
    case 3:
      return advance_tracks<3, kScheme, kOnePoint, Isa>(population, tracks, noise, drive, seed, constants,
                                                        tables, first_at, steps, table_first_step);
    case 4:
      return advance_tracks<4, kScheme, kOnePoint, Isa>(population, tracks, noise, drive, seed, constants,
                                                        tables, first_at, steps, table_first_step);
    case 5:
      return advance_tracks<std::min(5, kMost), kScheme, kOnePoint, Isa>(
          population, tracks, noise, drive, seed, constants, tables, first_at, steps, table_first_step);
    case 6:
      return advance_tracks<std::min(6, kMost), kScheme, kOnePoint, Isa>(
          population, tracks, noise, drive, seed, constants, tables, first_at, steps, table_first_step);
    case 7:
      return advance_tracks<std::min(7, kMost), kScheme, kOnePoint, Isa>(
          population, tracks, noise, drive, seed, constants, tables, first_at, steps, table_first_step);
    default:
      return advance_tracks<std::min(8, kMost), kScheme, kOnePoint, Isa>(
          population, tracks, noise, drive, seed, constants, tables, first_at, steps, table_first_step);
  }
}

template <Scheme kScheme, typename Isa>
__attribute__((always_inline)) inline void advance_track_set(
    bool one_point, PopulationState& population, const Track* tracks, int count, const float* noise,
    const float* drive, std::uint64_t seed, const StepConstants& constants, const ChunkTableView& tables,
    std::int64_t first_at, std::int64_t steps, std::int64_t table_first_step) {
  if (one_point) {
    advance_track_set<kScheme, true, Isa>(population, tracks, count, noise, drive, seed, constants, tables,
                                          first_at, steps, table_first_step);
  } else {
    advance_track_set<kScheme, false, Isa>(population, tracks, count, noise, drive, seed, constants, tables,
                                           first_at, steps, table_first_step);
  }
}

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
template <Scheme kScheme, bool kColoured, int kTracks, typename Isa>
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
  const bool record = tables.phase_bin != nullptr;  // readouts: the running max of v too
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
  // Step j of every track (as step_in_runs asks it); `spiked` gets each track's spike lanes.
  const auto step_tracks = [&](std::int64_t j, LaneInt * spiked, LaneInt & any, auto none_held)
      __attribute__((always_inline)) {
    constexpr bool kNoneHeld = decltype(none_held)::value;
    const std::int64_t at = first_at + j;
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
      const auto crossed = [&](LaneInt candidates, LaneFloat product) __attribute__((always_inline)) {
        return bridge_crossings<Isa>(
            candidates, product, seed, table_first_step + at, [&](int lane) { return stream[track][lane]; },
            [&](int lane) { return c[track].half_variance[lane]; });
      };
      if constexpr (kScheme == Scheme::exact) {  // the spike pass's timing
        drives[track] = drive;
        noises[track] = lane_noise;
      }
      spiked[track] = step_track<kNoneHeld, kScheme, Isa>(v[track], refractory[track], release[track],
                                                          before[track], pending[track], c[track].constants,
                                                          drive, lane_noise, c[track].bridge_limit, crossed);
      if (record) max_v[track] = v[track] > max_v[track] ? v[track] : max_v[track];
      any |= spiked[track];
    }
  };
  // The spikes of step j, in track and lane order; under exact their hold and release.
  const auto record_spikes = [&](std::int64_t j, const LaneInt* spiked) __attribute__((always_inline)) {
    record_track_spikes<kTracks, Isa>(
        population, tracks, spiked, tables, first_at + j, table_first_step, [&](int track) {
          if constexpr (kScheme == Scheme::exact) {
            time_track_spikes(
                spiked[track], before[track], pending[track], c[track].constants,
                [&](int lane) { return drives[track][lane]; }, [&](int lane) { return noises[track][lane]; },
                [&](int lane) { return c[track].bridge_limit[lane]; }, refractory[track], release[track]);
          }
        });
  };
  std::int32_t most_hold = 0;
  for (int track = 0; track < kTracks; ++track) {
    for (int lane = 0; lane < kLanes; ++lane)
      most_hold = std::max(most_hold, c[track].constants.hold_steps[lane]);
  }
  step_in_runs<kTracks, kScheme == Scheme::exact, Isa>(
      count, refractory, release, most_hold, step_tracks,
      record_spikes, [&](int track) __attribute__((always_inline)) { return c[track].constants.hold_steps; });
  store_track_lanes<kTracks>(population, tracks, v, refractory, release, max_v);
  if constexpr (kColoured) {
    for (int track = 0; track < kTracks; ++track) {
      for (int lane = 0; lane < tracks[track].lanes; ++lane)
        population.noise_current[tracks[track].state_at + static_cast<std::size_t>(lane)] =
            current[track][lane];
    }
  }
}

// A set of 1, 2, 4 or kHeterogeneousTracks (8) tracks, with the kernel for their number (coloured
// noise: 1 or 4, which halves the kernels it adds to the build; set_size).
constexpr int kHeterogeneousTracks = 8;
template <Scheme kScheme, bool kColoured, typename Isa>
__attribute__((always_inline)) inline void advance_heterogeneous_set(
    PopulationState& population, const Track* tracks, int count, const PointCoefficients* neurons,
    const float* const* noise, const float* const* second, const std::uint64_t* const* stream,
    std::uint64_t seed, const ChunkTableView& tables, std::int64_t first_at, std::int64_t steps,
    std::int64_t table_first_step) {
  const auto run = [&](auto tracks_in_set) __attribute__((always_inline)) {
    advance_heterogeneous_tracks<kScheme, kColoured, decltype(tracks_in_set)::value, Isa>(
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
template <Scheme kScheme, typename Isa>
__attribute__((always_inline)) inline void advance_heterogeneous_item(
    PopulationState& population, const WorkItem& item, const std::vector<Track>& tracks,
    const PointCoefficients* neurons, const SweepPlan& plan, const ChunkTableView& tables,
    std::int64_t step_begin, std::int64_t step_end, std::int64_t table_first_step) {
  alignas(64) float normals[kMaxBlocks][kNormalSteps * kLanes];
  alignas(64) float second_normals[kMaxBlocks][kNormalSteps * kLanes];
  std::uint64_t stream[kMaxBlocks][kLanes];
  item_streams(item, stream);
  const std::uint64_t seed = plan.config.seed;
  const bool coloured = plan.coloured_noise;
  const bool second = coloured && kScheme == Scheme::exact;
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
      with_flag(
          coloured, [&](auto kColoured) __attribute__((always_inline)) {
            advance_heterogeneous_set<kScheme, decltype(kColoured)::value, Isa>(
                population, set, count, neurons, noise, seconds, lanes, seed, tables, first_at, end - begin,
                table_first_step);
          });
    }
  }
}

// A homogeneous population's work item: its normals drawn once for all its points, then its
// tracks in sets of nearly equal size.
template <Scheme kScheme, typename Isa>
__attribute__((always_inline)) inline void advance_item_lanes(
    PopulationState& population, const WorkItem& item, const std::vector<Track>& tracks,
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
      advance_track_set<kScheme, Isa>(one_point, population, set, count, noise, drives[0], seed,
                                      item.constants, tables, first_at, end - begin, table_first_step);
    }
  }
}

// A kernel entry point's body: one work item with the family's kernel.
template <KernelFamily kFamily, Scheme kScheme, typename Isa>
__attribute__((always_inline)) inline void advance_item(const ItemWork& work) {
  if constexpr (kFamily == KernelFamily::heterogeneous) {
    advance_heterogeneous_item<kScheme, Isa>(work.population, work.item, work.tracks, work.neurons, work.plan,
                                             work.tables, work.step_begin, work.step_end,
                                             work.table_first_step);
  } else {
    advance_item_lanes<kScheme, Isa>(work.population, work.item, work.tracks, work.plan, work.tables,
                                     work.step_begin, work.step_end, work.table_first_step);
  }
}

}  // namespace srlif::cpu
