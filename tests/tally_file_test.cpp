// The files that carry a sweep's exact results between runs: the result
// configuration text, the checksummed tallies file, the shard ranges.
#include "srlif/io/tally_file.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "srlif/errors.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/measures/readouts.hpp"
#include "srlif/planning/shard.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

SweepConfig unusual_config() {
  SweepConfig config = test::reference_config({0.0, 0.1 + 0.2, 1e-300, 59.999999999999993}, 17, 123.4);
  config.grid[Axis::amplitude] = {5.0, 7.25};
  config.grid[Axis::frequency] = {3.3, 10.0};
  config.grid[Axis::v_threshold] = {-54.321};
  config.time.dt = 0.05;
  config.scheme = Scheme::exact;
  config.decorrelate_points = true;
  config.validity = ValidityRule{3, 4000000000u};
  config.objective = Objective::rayleigh_rate;
  config.seed = 18446744073709551615ULL;
  return config;
}

TEST(ConfigText, ReadsBackEveryValueExactly) {
  const SweepConfig config = unusual_config();
  const std::string text = result_config_text(config);
  const SweepConfig back = parse_result_config_text(text, "test");
  EXPECT_EQ(result_config_text(back), text);
  EXPECT_EQ(back.grid[Axis::sigma], config.grid[Axis::sigma]);  // bit-exact doubles
  EXPECT_EQ(back.grid[Axis::v_threshold].front(), config.grid[Axis::v_threshold].front());
  EXPECT_EQ(back.seed, config.seed);
  EXPECT_EQ(back.scheme, Scheme::exact);
  EXPECT_TRUE(back.decorrelate_points);
  EXPECT_EQ(back.validity.max_spikes, 4000000000u);
  EXPECT_EQ(back.objective, Objective::rayleigh_rate);
}

TEST(ConfigText, ExecutionOptionsAreNotPartOfIt) {
  SweepConfig a = unusual_config();
  SweepConfig b = a;
  b.execution.backend = "cpu";
  b.execution.threads = 3;
  b.execution.chunk_steps = 8;
  b.execution.batch_points = 2;
  EXPECT_EQ(result_config_text(a), result_config_text(b));
  b.seed = 7;
  EXPECT_NE(result_config_text(a), result_config_text(b));
  EXPECT_EQ(first_difference(result_config_text(a), result_config_text(b)),
            "'seed = 18446744073709551615' against 'seed = 7'");
}

TEST(ConfigText, RefusesMissingUnknownAndMalformedLines) {
  const std::string text = result_config_text(unusual_config());
  const auto refused = [](const std::string& bad) {
    try {
      parse_result_config_text(bad, "file.csv");
    } catch (const InputError& error) {
      return std::string(error.what()).rfind("file.csv", 0) == 0;
    }
    return false;
  };
  EXPECT_TRUE(refused(text.substr(text.find('\n') + 1)));  // no scheme
  EXPECT_TRUE(refused(text + "colour = \"red\"\n"));
  std::string bad_number = text;
  bad_number.replace(bad_number.find("dt = 0.05"), 9, "dt = 0.05x");
  EXPECT_TRUE(refused(bad_number));
  std::string bad_line = text;
  bad_line.replace(bad_line.find("dt = "), 5, "dt=");
  EXPECT_TRUE(refused(bad_line));
}

// A text that reads back to itself but that no run accepts (a file's configuration forged or from
// elsewhere) is refused naming the file and the run's rule: merge, --resume and the readers
// compute from it (found by fuzz/tallies_fuzz.cpp: `psth = -0`).
TEST(ConfigText, RefusesAConfigurationNoRunAccepts) {
  SweepConfig config = unusual_config();
  config.readouts = sweep_spectrum_readouts(10.0);
  const std::string text = result_config_text(config);
  ASSERT_NO_THROW(parse_result_config_text(text, "file.csv"));
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string bad = text;
    const std::size_t at = bad.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return bad.replace(at, from.size(), to);
  };
  for (const auto& [from, to, rule] :
       std::vector<std::tuple<std::string, std::string, std::string>>{{"psth = 10", "psth = -0", "--psth"},
                                                                      {"neurons = 17", "neurons = 0", "--neurons"},
                                                                      {"dt = 0.05", "dt = -0.05", "--dt"}}) {
    try {
      parse_result_config_text(replaced(from, to), "file.csv");
      ADD_FAILURE() << to << " was accepted";
    } catch (const InputError& error) {
      EXPECT_EQ(error.flag(), "file.csv") << to;
      EXPECT_NE(std::string(error.what()).find("no run accepts: " + rule), std::string::npos) << error.what();
    }
  }
}

TallyFile small_file() {
  TallyFile file;
  file.config_text = result_config_text(unusual_config());
  file.shard = ShardSpec{2, 3};
  file.points = {4, 5, 9};
  file.tallies = {
      PointTally{17, 100, 900, -5, 6, 17, 7, 8}, PointTally{17, 0, 0, 0, 0, 0, 0, 0},
      PointTally{17, 18446744073709551615ULL, 1, -9223372036854775807LL - 1, 9223372036854775807LL, 3, 4, 5}};
  return file;
}

TEST(TallyFile, RoundTrips) {
  const TallyFile file = small_file();
  const TallyFile back = parse_tally_file(format_tally_file(file), "t");
  EXPECT_EQ(back.config_text, file.config_text);
  EXPECT_EQ(back.shard, file.shard);
  EXPECT_EQ(back.points, file.points);
  ASSERT_EQ(back.tallies.size(), 3u);
  EXPECT_EQ(back.tallies[2].spikes, 18446744073709551615ULL);
  EXPECT_EQ(back.tallies[2].cos_sum, -9223372036854775807LL - 1);
  EXPECT_EQ(back.tallies[0].strength_squared_sum, 8u);
  EXPECT_EQ(format_tally_file(back), format_tally_file(file));
}

// Sweeps with spectra carry each point's spectral measures as two more columns, bit for bit
// (shortest round-trip doubles, NaN and infinities included); the config text says the PSTH bin.
TEST(TallyFile, RoundTripsTheSpectraOfSweepsWithSpectra) {
  SweepConfig config = unusual_config();
  config.readouts = sweep_spectrum_readouts(2.5);
  config.objective = Objective::snr;
  TallyFile file = small_file();
  file.config_text = result_config_text(config);
  file.spectra = {SpectralReadout{0.1 + 0.2, 13.667938645469139}, SpectralReadout{0.0, std::nan("")},
                  SpectralReadout{5e-324, -std::numeric_limits<double>::infinity()}};
  const std::string text = format_tally_file(file);
  EXPECT_NE(text.find("# config psth = 2.5\n"), std::string::npos);
  EXPECT_NE(text.find(",spectral_amplitude_hz,snr_db\n"), std::string::npos);
  const TallyFile back = parse_tally_file(text, "t");
  ASSERT_EQ(back.spectra.size(), 3u);
  EXPECT_EQ(back.spectra[0].amplitude_hz, 0.1 + 0.2);
  EXPECT_TRUE(std::isnan(back.spectra[1].snr_db));
  EXPECT_EQ(back.spectra[2].amplitude_hz, 5e-324);
  EXPECT_EQ(back.spectra[2].snr_db, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(format_tally_file(back), text);
  const SweepConfig read = parse_result_config_text(back.config_text, "t");
  EXPECT_TRUE(read.readouts.enabled);
  EXPECT_EQ(read.readouts.psth_bin_ms, 2.5);
  EXPECT_EQ(result_config_text(read), file.config_text);

  std::string short_row = text.substr(0, text.rfind("# fnv1a64"));
  short_row.insert(short_row.rfind(",-inf"), ",7");  // a twelfth field
  append_checksum(short_row);
  EXPECT_THROW(parse_tally_file(short_row, "t"), InputError);
}

// Any single changed byte, and any truncation, is detected: never silently used.
TEST(TallyFile, EveryFlippedByteAndEveryTruncationIsRefused) {
  const std::string text = format_tally_file(small_file());
  for (std::size_t at = 0; at < text.size(); ++at) {
    for (const unsigned char flip : {0x01, 0x20, 0x80}) {
      std::string bad = text;
      bad[at] = static_cast<char>(static_cast<unsigned char>(bad[at]) ^ flip);
      EXPECT_THROW(parse_tally_file(bad, "t"), InputError) << "byte " << at << " ^ " << int(flip);
    }
  }
  for (std::size_t length = 0; length < text.size(); ++length) {
    EXPECT_THROW(parse_tally_file(text.substr(0, length), "t"), InputError) << "length " << length;
  }
}

TEST(TallyFile, SaysWhetherTruncatedOrCorrupt) {
  const std::string text = format_tally_file(small_file());
  const auto message = [](const std::string& bad) {
    try {
      parse_tally_file(bad, "dir/part.tallies");
    } catch (const InputError& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message(text.substr(0, text.size() - 30)).rfind("dir/part.tallies: truncated", 0), 0u);
  std::string corrupt = text;
  corrupt[text.find("100,900")] = '2';
  EXPECT_EQ(message(corrupt).rfind("dir/part.tallies: corrupt", 0), 0u);
}

TEST(Shard, ParsesIOverNAndRefusesTheRest) {
  EXPECT_EQ(parse_shard("3/8", "--shard"), (ShardSpec{3, 8}));
  EXPECT_EQ(parse_shard("1/1", "--shard"), (ShardSpec{1, 1}));
  for (const char* bad : {"0/3", "4/3", "3", "/3", "3/", "a/b", "1/0", "1/1000001", "-1/3", "1/3x", " 1/3"}) {
    EXPECT_THROW(parse_shard(bad, "--shard"), InputError) << bad;
  }
}

TEST(Shard, RangesPartitionTheGridEvenly) {
  for (std::uint64_t points = 0; points <= 60; ++points) {
    for (std::uint64_t count = 1; count <= 13; ++count) {
      std::uint64_t next = 0;
      for (std::uint64_t index = 1; index <= count; ++index) {
        const PointRange range = shard_points(ShardSpec{index, count}, points);
        EXPECT_EQ(range.first, next) << points << " points, shard " << index << "/" << count;
        const std::uint64_t size = range.end - range.first;
        EXPECT_TRUE(size == points / count || size == points / count + 1);
        next = range.end;
      }
      EXPECT_EQ(next, points);
    }
  }
  // No overflow for huge grids.
  EXPECT_EQ(shard_points(ShardSpec{1000000, 1000000}, 18446744073709551615ULL).end, 18446744073709551615ULL);
}

}  // namespace
}  // namespace srlif
