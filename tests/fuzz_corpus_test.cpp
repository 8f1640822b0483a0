// The fuzz targets' kept inputs, replayed in every build (GCC's and Clang's, Release and
// sanitized): the seeds of fuzz/corpus/NAME and the inputs that once broke a promise,
// fuzz/regressions/NAME (each a regression test of its own). `bash scripts/fuzz.sh SECONDS`
// searches for new ones; fuzz_target.hpp says what a target promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz/fuzz_target.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

const std::filesystem::path kFuzzFolder = std::filesystem::path(SRLIF_SOURCE_DIR) / "fuzz";

std::vector<std::filesystem::path> inputs_in(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::is_directory(folder)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(FuzzCorpus, EveryTargetIsBuiltAndSeeded) {
  std::vector<std::string> names;
  for (const fuzz::NamedTarget& target : fuzz::targets()) names.emplace_back(target.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names.size(), std::size_t{SRLIF_FUZZ_TARGET_COUNT}) << "fuzz_targets.cmake names more targets";
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end()) << "a target registered twice";
  for (const std::string& name : names) {
    EXPECT_GE(inputs_in(kFuzzFolder / "corpus" / name).size(), 3u) << "fuzz/corpus/" << name << " needs seeds";
  }
  // Every corpus and regression folder belongs to a target.
  for (const char* kind : {"corpus", "regressions"}) {
    if (!std::filesystem::is_directory(kFuzzFolder / kind)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(kFuzzFolder / kind)) {
      EXPECT_NE(std::find(names.begin(), names.end(), entry.path().filename().string()), names.end())
          << entry.path() << " has no fuzz target";
    }
  }
}

TEST(FuzzCorpus, EveryKeptInputIsReadOrRefusedByTheRules) {
  std::size_t replayed = 0;
  for (const fuzz::NamedTarget& target : fuzz::targets()) {
    for (const char* kind : {"corpus", "regressions"}) {
      for (const std::filesystem::path& file : inputs_in(kFuzzFolder / kind / target.name)) {
        const std::string bytes = test::read_file(file);
        try {
          target.run(bytes);
        } catch (const std::exception& broken) {
          ADD_FAILURE() << target.name << " on " << file << ": " << broken.what();
        }
        ++replayed;
      }
    }
  }
  EXPECT_GT(replayed, 0u);
}

}  // namespace
}  // namespace srlif
