// The output-folder reader (output_reader.hpp) against folders the binary writes: a population's
// tables typed as their writer declares them and consistent with each other, a sweep's columns the
// very numbers of its points.csv, a shard's points alone; and every kind of damage refused with
// the file and the rule.
#include "srlif/io/output_reader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "srlif/errors.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

const TableColumn& column_named(const PopulationFolder::Table& table, const std::string& name) {
  for (const TableColumn& column : table.columns) {
    if (column.info.name == name) return column;
  }
  ADD_FAILURE() << "no column " << name;
  return table.columns.front();
}

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (std::size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
    fields.push_back(line.substr(start, comma - start));
  fields.push_back(line.substr(start));
  return fields;
}

std::string population_folder(const std::string& name) {
  const std::string out = test::temporary_directory(name);
  const test::CommandResult result = test::run_srlif(
      "population --backend cpu --sigma 10,40 --tau-m 10,20 --neurons 12 --duration 600 --psth 20 "
      "--phase-bins 8 --raster 3 --quiet --out " +
      out);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return out;
}

TEST(OutputReader, PopulationTablesAreReadAsWritten) {
  const std::string out = population_folder("reader_population");
  const PopulationFolder folder = read_population_folder(out);
  ASSERT_EQ(folder.axes.size(), 5u);  // the input's four, then the swept tau_m
  EXPECT_EQ(folder.axes[0].first, "sigma");
  EXPECT_EQ(folder.axes[0].second, (std::vector<double>{10.0, 40.0}));
  EXPECT_EQ(folder.axes[4].first, "tau_m");
  EXPECT_EQ(folder.axes[4].second, (std::vector<double>{10.0, 20.0}));
  EXPECT_EQ(folder.run_json, test::read_file(out + "/run.json"));
  ASSERT_TRUE(folder.has_raster);

  const std::size_t points = 4;
  EXPECT_EQ(folder.summary.point, (std::vector<std::int64_t>{0, 1, 2, 3}));
  const TableColumn& total = column_named(folder.summary, "total_spikes");
  ASSERT_TRUE(total.info.integer);
  ASSERT_EQ(total.wholes.size(), points);
  EXPECT_EQ(column_named(folder.summary, "max_v_mv").info.unit, "mV");
  // Every spike is in a phase bin and in a PSTH bin: each table's counts sum to the point's total.
  for (const PopulationFolder::Table* table : {&folder.phase_histogram, &folder.psth}) {
    const TableColumn& spikes = column_named(*table, "spikes");
    ASSERT_TRUE(spikes.info.integer);
    std::vector<std::int64_t> sums(points, 0);
    for (std::size_t row = 0; row < spikes.wholes.size(); ++row)
      sums[static_cast<std::size_t>(table->point[row])] += spikes.wholes[row];
    for (std::size_t point = 0; point < points; ++point) EXPECT_EQ(sums[point], total.wholes[point]) << point;
  }
  EXPECT_GT(std::accumulate(total.wholes.begin(), total.wholes.end(), std::int64_t{0}), 20);
  EXPECT_EQ(folder.phase_histogram.point.size(), points * 8);
  EXPECT_EQ(folder.psth.point.size(), points * 30);
  EXPECT_EQ(column_named(folder.psth, "rate_hz").info.unit, "Hz");

  // The reals are the files' numbers: the summary's every real field, row by row.
  const std::vector<std::string> lines = test::lines_of(test::read_file(out + "/population.csv"));
  const std::vector<std::string> header = fields_of(lines[0]);
  for (std::size_t row = 0; row < points; ++row) {
    const std::vector<std::string> fields = fields_of(lines[row + 1]);
    for (const TableColumn& column : folder.summary.columns) {
      const std::size_t at = std::find(header.begin(), header.end(), column.info.name) - header.begin();
      ASSERT_LT(at, header.size()) << column.info.name;
      if (column.info.integer) {
        EXPECT_EQ(std::to_string(column.wholes[row]), fields[at]) << column.info.name;
      } else {
        const double expected = std::strtod(fields[at].c_str(), nullptr);
        if (std::isnan(expected)) {
          EXPECT_TRUE(std::isnan(column.reals[row])) << column.info.name;
        } else {
          EXPECT_EQ(column.reals[row], expected) << column.info.name;
        }
      }
    }
  }
  // The raster: the first 3 neurons' spikes, each a row.
  const TableColumn& neuron = column_named(folder.raster, "neuron");
  ASSERT_FALSE(neuron.wholes.empty());
  for (const std::int64_t n : neuron.wholes) EXPECT_LT(n, 3);
  EXPECT_EQ(test::lines_of(test::read_file(out + "/raster.csv")).size(), neuron.wholes.size() + 1);
}

// `out`'s file `name` with its first `find` replaced by `replace`.
void damage(const std::string& out, const std::string& name, const std::string& find,
            const std::string& replace) {
  const std::string path = out + "/" + name;
  std::string text = test::read_file(path);
  const std::size_t at = text.find(find);
  ASSERT_NE(at, std::string::npos) << find;
  text.replace(at, find.size(), replace);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

TEST(OutputReader, RefusesDamagedPopulationTables) {
  const std::string good = population_folder("reader_damaged");
  struct Case {
    std::string file, find, replace, message;
  };
  const std::vector<Case> cases = {
      {"population.csv", "mean_rate_hz", "mean_rate",
       "population.csv: malformed: its header is not 'point,sigma"},
      {"psth.csv", "\n1,", "\n1,,", "psth.csv: malformed: row "},
      {"phase_histogram.csv", "\n0,10,20,178,10,10,0,", "\n0,10,20,178,10,10,0.5,",
       "phase_histogram.csv: malformed: row 1, column 'bin': '0.5' is not a whole number"},
      {"raster.csv", "\n", "\nx", "raster.csv: malformed: row 1, column 'point': 'x"},
      {"population.csv", "\n0,10,20,178,10,10,12,", "\n0,10,20,178,10,10,12,fast",
       "population.csv: malformed: row 1, column 'mean_rate_hz': 'fast"},
      {"run.json", "\"axes\"", "\"axis\"", "run.json: malformed: no \"axes\" object"},
      {"run.json", "\"tau_m\"", "\"tau_n\"",
       "run.json: malformed: \"axes\" names an axis srlif does not have"},
  };
  for (const Case& c : cases) {
    const std::string out = test::temporary_directory("reader_case");
    std::filesystem::copy(
        good, out,
        std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
    damage(out, c.file, c.find, c.replace);
    try {
      read_population_folder(out);
      ADD_FAILURE() << "accepted: " << c.file << " with '" << c.replace << "'";
    } catch (const InputError& error) {
      EXPECT_NE(std::string(error.what()).find(c.message), std::string::npos) << error.what();
    }
  }
  // A table without its last newline, and one missing.
  const std::string out = test::temporary_directory("reader_truncated");
  std::filesystem::copy(
      good, out,
      std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
  std::string text = test::read_file(out + "/psth.csv");
  text.pop_back();
  std::ofstream(out + "/psth.csv", std::ios::binary | std::ios::trunc) << text;
  EXPECT_THROW(read_population_folder(out), InputError);
  std::filesystem::remove(out + "/psth.csv");
  EXPECT_THROW(read_population_folder(out), InputError);
}

TEST(OutputReader, SweepColumnsAreItsPointsCsv) {
  const std::string out = test::temporary_directory("reader_sweep");
  ASSERT_EQ(
      test::run_srlif("sweep --backend cpu --sigma 0:60:7 --amplitude 10,30 --neurons 20 --duration 800 "
                      "--quiet --out " +
                      out)
          .exit_code,
      0);
  const SweepFolder folder = read_sweep_folder(out);
  ASSERT_EQ(folder.axes.size(), 4u);
  EXPECT_EQ(folder.computed, std::vector<std::uint8_t>(14, 1));
  const std::vector<std::string> lines = test::lines_of(test::read_file(out + "/points.csv"));
  ASSERT_EQ(lines.size(), 15u);
  const std::vector<std::string> header = fields_of(lines[0]);
  for (const auto& [info, values] : folder.columns) {
    const std::size_t at = std::find(header.begin(), header.end(), info.name) - header.begin();
    ASSERT_LT(at, header.size()) << info.name;
    for (std::size_t point = 0; point < 14; ++point) {
      const double expected = std::strtod(fields_of(lines[point + 1])[at].c_str(), nullptr);
      if (std::isnan(expected)) {
        EXPECT_TRUE(std::isnan(values[point])) << info.name;
      } else {
        EXPECT_EQ(values[point], expected) << info.name << " at point " << point;
      }
    }
  }
  EXPECT_EQ(folder.columns.front().first.name, "point");
  EXPECT_TRUE(folder.columns.front().first.integer);
  ASSERT_EQ(folder.optima.size(), std::size(kObjectives));
  // The run's objective's sigma_opt is optimum.csv's.
  const std::vector<std::string> optimum = test::lines_of(test::read_file(out + "/optimum.csv"));
  const std::vector<std::string> optimum_header = fields_of(optimum[0]);
  const std::size_t sigma_at =
      std::find(optimum_header.begin(), optimum_header.end(), "sigma_opt") - optimum_header.begin();
  for (const SliceOptima& optima : folder.optima) {
    if (optima.objective != folder.objective) continue;
    ASSERT_EQ(optima.sigma_opt.size(), 2u);
    for (std::size_t slice = 0; slice < 2; ++slice) {
      const double expected = std::strtod(fields_of(optimum[slice + 1])[sigma_at].c_str(), nullptr);
      if (std::isnan(expected)) {
        EXPECT_TRUE(std::isnan(optima.sigma_opt[slice]));
      } else {
        EXPECT_EQ(optima.sigma_opt[slice], expected);
      }
    }
  }

  // One shard of the same grid: its points alone, no optimum.
  const std::string shard = test::temporary_directory("reader_shard");
  ASSERT_EQ(
      test::run_srlif("sweep --backend cpu --sigma 0:60:7 --amplitude 10,30 --neurons 20 --duration 800 "
                      "--shard 1/2 --quiet --out " +
                      shard)
          .exit_code,
      0);
  const SweepFolder part = read_sweep_folder(shard);
  EXPECT_EQ(part.shard.index, 1u);
  EXPECT_EQ(part.shard.count, 2u);
  for (std::size_t point = 0; point < 14; ++point) {
    EXPECT_EQ(part.computed[point], point < 7 ? 1 : 0) << point;
    EXPECT_EQ(std::isnan(part.columns[1].second[point]), point >= 7) << point;  // neurons
  }
  for (const SliceOptima& optima : part.optima) {
    for (const std::int64_t point : optima.point) EXPECT_EQ(point, -1);
  }
}

TEST(OutputReader, KnowsWhatAFolderHolds) {
  const std::string sweep = test::temporary_directory("reader_kind_sweep");
  ASSERT_EQ(
      test::run_srlif("sweep --backend cpu --sigma 20 --neurons 4 --duration 200 --quiet --out " + sweep)
          .exit_code,
      0);
  EXPECT_EQ(output_kind(sweep), OutputKind::sweep);
  const std::string population = test::temporary_directory("reader_kind_population");
  ASSERT_EQ(test::run_srlif("population --backend cpu --sigma 20 --neurons 4 --duration 200 --quiet --out " +
                            population)
                .exit_code,
            0);
  EXPECT_EQ(output_kind(population), OutputKind::population);
  const std::string empty = test::temporary_directory("reader_kind_empty");
  try {
    output_kind(empty);
    ADD_FAILURE() << "an empty folder has a kind";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("holds no srlif output"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace srlif
