// Per-chunk tables of the periodic drive and the spike phase, computed once on
// the host in double precision and shared by every backend, so that no backend
// evaluates sin() on its own.
#pragma once

#include <cstdint>
#include <vector>

#include "srlif/physics/neuron_chunk.hpp"
#include "srlif/planning/sweep_plan.hpp"

namespace srlif {

struct ChunkTables {
  std::int64_t first_step = 0;  // k of entry 0
  std::int64_t length = 0;      // entries per table
  // The chunk records the plan's readouts: they are enabled and the chunk is past the warm-up
  // (SweepPlan::warmup_steps; a chunk never straddles its end). Without, no bin tables.
  bool readouts = false;
  // [table][k - first_step] = sin(2 pi f t_k + phase) of plan.drive_tables[table], float
  std::vector<float> drive_sin;
  // Only with SweepPlan::drive_quadrature (empty otherwise): [table][k - first_step] =
  // cos(2 pi f t_k + phase), float.
  std::vector<float> drive_cos;
  // [table][k - first_step] = cos / sin of the phase 2 pi f t_{k+1} of a spike
  // emitted by step k, in fixed point (scale kPhaseScale = 2^24).
  std::vector<std::int32_t> phase_cos;
  std::vector<std::int32_t> phase_sin;
  // Only with `readouts` (empty otherwise):
  // [table][k - first_step] = phase-histogram bin of a spike at t_{k+1}
  std::vector<std::int32_t> phase_bin;
  // [k - first_step] = PSTH bin of a spike at t_{k+1}
  std::vector<std::int32_t> psth_bin;
};

// Tables for steps [first_step, first_step + length) of the plan's run.
ChunkTables make_chunk_tables(const SweepPlan& plan, std::int64_t first_step, std::int64_t length);
// The entries of those tables together: what a device needs room for.
std::size_t chunk_table_entries(const SweepPlan& plan, std::int64_t length);

// The view of drive table `table` (PointCoefficients::drive_table) that a host
// step reads; with `readouts`, the readout bins too (else null).
ChunkTableView chunk_table_view(const ChunkTables& tables, std::size_t table, bool readouts);

}  // namespace srlif
