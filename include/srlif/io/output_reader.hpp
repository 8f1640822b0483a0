// An output folder read back: the one reader of srlif.open (and of any C++ caller) for a sweep
// (whole, merged shards or one shard) and for a population.
//   * A sweep is read from its tallies.csv alone (checksummed; the config text inside it): its
//     measures are recomputed from the exact tallies as merge and resume do, so they are the very
//     numbers of points.csv, and sigma_opt comes for every objective of a whole grid.
//   * A population is read from its CSV tables (population_tables: the writer's own columns,
//     each a whole number or not) and the axes of its run.json; every header must be the one the
//     writer writes, every row as long, every field a number of its column's kind.
// Refusals are InputError naming the file and the rule; nothing is returned half read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "srlif/io/point_tables.hpp"
#include "srlif/measures/metrics.hpp"
#include "srlif/physics/accumulators.hpp"
#include "srlif/planning/shard.hpp"

namespace srlif {

// The values of each output dimension (the files' axis columns: Grid::column_axes), in grid
// order; points are numbered with the first fastest.
using FolderAxes = std::vector<std::pair<std::string, std::vector<double>>>;

// One column of a table over its rows: whole numbers exactly (`wholes`), the rest as doubles.
struct TableColumn {
  ColumnInfo info;
  std::vector<double> reals;         // info.integer false
  std::vector<std::int64_t> wholes;  // info.integer true
};

// One objective's optimum in every sigma slice (slice order as optimum.csv's rows).
struct SliceOptima {
  Objective objective;
  std::vector<double> sigma_opt;          // NaN where none was found
  std::vector<double> sigma_opt_refined;  // NaN where none was found
  std::vector<std::int64_t> point;        // -1 where none was found
  std::vector<std::int64_t> eligible_points;
};

struct SweepFolder {
  std::string config_text;  // result_config_text of the run
  Objective objective;      // the run's --objective
  ShardSpec shard;          // 1/1 for a whole or merged run
  FolderAxes axes;
  std::vector<std::uint8_t> computed;  // by grid point: 1 where this folder holds the point
  std::vector<PointTally> tallies;     // by grid point; zero where not computed
  // points.csv's columns (but the axes: "point", then points_csv_value_columns) by grid point, the
  // numbers its fields hold, whole numbers too (exact: below 2^53); NaN where not computed.
  std::vector<std::pair<ColumnInfo, std::vector<double>>> columns;
  // Every objective (kObjectives' order); a folder of part of the grid (one shard) has none found.
  std::vector<SliceOptima> optima;
};

// From FOLDER/tallies.csv.
SweepFolder read_sweep_folder(const std::filesystem::path& folder);

struct PopulationFolder {
  std::string run_json;  // the text of FOLDER/run.json
  FolderAxes axes;       // its "axes"
  // Each table's columns after the point's key, and the key's "point"; raster empty when the
  // run kept no raster. Rows in file order.
  struct Table {
    std::vector<std::int64_t> point;
    std::vector<TableColumn> columns;
  };
  Table summary, phase_histogram, psth, raster;
  bool has_raster = false;
};

PopulationFolder read_population_folder(const std::filesystem::path& folder);

// What a folder holds: a sweep (a tallies.csv in it), else a population (a population.csv), else
// InputError("path", ...) saying it holds neither.
enum class OutputKind { sweep, population };
OutputKind output_kind(const std::filesystem::path& folder);

}  // namespace srlif
