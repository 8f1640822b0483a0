// Randomised tests of the parsers that read what users and files supply
// (issue 6): the axis range parser, the --config reader, and the readers of
// tallies files and result configurations. Well over 10^5 inputs, from a
// fixed seed: a mix of grammar-shaped text and random bytes. Every input must
// either parse into sane values or be refused with InputError; no other
// exception, crash or sanitizer report (CI runs these under ASan and UBSan).
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/config_file.hpp"
#include "srlif/errors.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/io/state_file.hpp"
#include "srlif/io/tally_file.hpp"
#include "srlif/planning/grid.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

class Fuzzer {
 public:
  explicit Fuzzer(std::uint32_t seed) : random_(seed) {}

  std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_); }

  // Text from `tokens`, with now and then a random byte.
  std::string text(const std::vector<std::string>& tokens, std::size_t most_tokens) {
    std::string out;
    const std::size_t count = below(most_tokens + 1);
    for (std::size_t i = 0; i < count; ++i) {
      if (below(10) == 0) {
        out += static_cast<char>(below(256));
      } else {
        out += tokens[below(tokens.size())];
      }
    }
    return out;
  }

  // `text` with a few bytes changed, inserted, deleted or cut off.
  std::string mutate(std::string text) {
    const std::size_t edits = 1 + below(4);
    for (std::size_t e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = below(text.size());
      switch (below(4)) {
        case 0:
          text[at] = static_cast<char>(below(256));
          break;
        case 1:
          text.insert(at, 1, static_cast<char>(below(256)));
          break;
        case 2:
          text.erase(at, 1);
          break;
        default:
          text.resize(at);
          break;
      }
    }
    return text;
  }

 private:
  std::mt19937_64 random_;
};

const std::vector<std::string> kAxisTokens = {
    "0",   "1",    "2",     "7",     "10",       "60",        "-",          "+",    ".",   "5", "e",
    "E",   "e308", "e-320", ":",     ":",        ",",         ",",          "log:", "log", " ", "\t",
    "nan", "inf",  "-inf",  "1e400", "99999999", "100000001", "4294967296", "0x10", "1_0", ""};

TEST(Fuzz, AxisParserAcceptsOrRefusesCleanly) {
  Fuzzer fuzz(11);
  int accepted = 0;
  for (int i = 0; i < 100000; ++i) {
    const std::string text = fuzz.text(kAxisTokens, 12);
    try {
      const std::uint64_t count = count_axis(text, "--sigma");
      ASSERT_GE(count, 1u) << text;
      ASSERT_LE(count, 100000000u) << text;
      if (count > 100000) continue;  // counting is the check that guards the allocation
      const std::vector<double> values = parse_axis(text, "--sigma");
      ASSERT_EQ(values.size(), count) << text;
      for (const double value : values) ASSERT_TRUE(std::isfinite(value)) << text;
      ++accepted;
    } catch (const InputError& error) {
      ASSERT_EQ(error.flag(), "--sigma") << text;
    }
  }
  EXPECT_GT(accepted, 1000) << "the generator should also make valid axes";
}

const std::vector<std::string> kConfigTokens = {"sigma",   "neurons",
                                                "seed",    "v-th",
                                                "dt",      "duration",
                                                "bias",    "decorrelate",
                                                "scheme",  "out",
                                                "config",  "unknown",
                                                "[sweep]", "[",
                                                "]",       " = ",
                                                "=",       " ",
                                                "\n",      "\n",
                                                "\"",      "'",
                                                "0:60:5",  "10",
                                                "-55",     "1e308",
                                                "nan",     "true",
                                                "false",   "#",
                                                "euler",   "exact",
                                                "0.1",     "99999999999999999999999",
                                                ",",       "[1, 2]",
                                                "\\",      "\r\n"};

TEST(Fuzz, ConfigFileReaderAcceptsOrRefusesCleanly) {
  Fuzzer fuzz(12);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string text = fuzz.text(kConfigTokens, 24);
    CLI::App app;
    const cli::CommandRunner runner = cli::add_sweep_command(app, "");
    CLI::App* sweep = app.get_subcommand("sweep");
    try {
      cli::apply_config_text(*sweep, text, "fuzz.toml");
      ++accepted;
    } catch (const InputError&) {
    }
  }
  EXPECT_GT(accepted, 100);
}

TEST(Fuzz, TallyFileReaderRefusesEveryDamagedFile) {
  TallyFile file;
  file.config_text = result_config_text(test::reference_config({0, 10, 20}, 30, 500));
  file.shard = ShardSpec{1, 2};
  file.points = {0, 1};
  file.tallies = {PointTally{30, 400, 6000, 12345, -678, 29, 1000000, 2000000},
                  PointTally{30, 0, 0, 0, 0, 0, 0, 0}};
  const std::string good = format_tally_file(file);
  Fuzzer fuzz(13);
  int refused = 0;
  for (int i = 0; i < 50000; ++i) {
    const std::string damaged = fuzz.mutate(good);
    try {
      const TallyFile back = parse_tally_file(damaged, "fuzz.tallies");
      ASSERT_EQ(damaged, good) << "a damaged file was accepted";  // only an undamaged one may pass
    } catch (const InputError&) {
      ++refused;
    }
  }
  EXPECT_GT(refused, 45000);
}

// Checkpoint state files: damaged bytes fail the checksum (StateFile tests); here the damage comes
// with a matching checksum, so that the header and size checks behind it are what is tried.
TEST(Fuzz, StateFileReaderAcceptsOrRefusesCleanly) {
  StateFile file{result_config_text(test::reference_config({0, 10}, 3, 500)), ShardSpec{1, 2}, {4, 5}, 3, {}};
  file.state = PopulationSnapshot{{{-60.5f, -55.f, -70.f, 1.f, 2.f, 3.f},  // the arrays, in their order
                                   {0, 2, 0, 0, 1, 0},
                                   {1, 2, 3, 4, 5, 6},
                                   {-7, 8, 9, 10, 11, 12},
                                   {13, 14, -15, 16, 17, 18},
                                   {0.5f, -1.5f, 0.f, 2.f, 3.f, -4.f},
                                   {0.f, 0.25f, 0.f, 0.f, 0.75f, 0.f}},
                                  8};
  std::string good = format_state_file(file);
  good.resize(good.rfind("# fnv1a64 "));  // the body
  Fuzzer fuzz(15);
  int accepted = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string damaged = fuzz.mutate(good);
    append_checksum(damaged);
    try {
      const StateFile back = parse_state_file(damaged, "fuzz.state");
      ++accepted;
      ASSERT_EQ(back.state.v.size(), back.points.size() * back.neurons_per_point);
      ASSERT_EQ(format_state_file(parse_state_file(format_state_file(back), "again")),
                format_state_file(back));
    } catch (const InputError&) {
    }
  }
  EXPECT_GT(accepted, 100) << "changes to the config text or the data keep a file readable";
}

TEST(Fuzz, ResultConfigReaderAcceptsOrRefusesCleanly) {
  const std::string good = result_config_text(test::reference_config({0, 12.5, 60}, 100, 1000));
  Fuzzer fuzz(14);
  for (int i = 0; i < 50000; ++i) {
    const std::string text = fuzz.mutate(good);
    try {
      const SweepConfig config = parse_result_config_text(text, "fuzz");
      ASSERT_EQ(result_config_text(config), text) << "accepted text must read back to itself";
    } catch (const InputError&) {
    }
  }
}

}  // namespace
}  // namespace srlif
