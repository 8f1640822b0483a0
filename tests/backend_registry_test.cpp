// The backend table (backend_registry.hpp): the names it accepts, the error for others, auto's
// choice, and the bench and --help text that follow from it.
#include "srlif/running/backend_registry.hpp"

#include <gtest/gtest.h>

#include <string>

#include "srlif/errors.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

TEST(BackendTable, NamesEveryBackendOnceWithTheCpuAlwaysUsable) {
  const auto kinds = backend_kinds();
  ASSERT_GE(kinds.size(), 2u);
  EXPECT_STREQ(kinds[0].name, "cpu");
  EXPECT_TRUE(kinds[0].host && kinds[0].built());
  EXPECT_EQ(kinds[0].why_unusable(), "");
  std::string expected = "auto";
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    expected += std::string(", ") + kinds[i].name;
    for (std::size_t j = 0; j < i; ++j) EXPECT_STRNE(kinds[i].name, kinds[j].name);
    EXPECT_EQ(&backend_kind(kinds[i].name), &kinds[i]);
  }
  EXPECT_EQ(backend_choices(), expected);
}

TEST(BackendTable, AnUnknownNameIsBadInputListingTheKnownOnes) {
  for (const std::string name : {"gpu", "", "CPU", "auto "}) {
    try {
      make_backend(name, 1);
      ADD_FAILURE() << "'" << name << "' was accepted";
    } catch (const InputError& error) {
      EXPECT_EQ(error.flag(), "--backend");
      const std::string message = error.what();
      EXPECT_NE(message.find(backend_choices()), std::string::npos) << message;
      EXPECT_NE(message.find("'" + name + "'"), std::string::npos) << message;
    }
  }
}

TEST(BackendTable, AutoTakesTheUsableBackendOfHighestPriority) {
  const BackendKind& chosen = resolve_backend("auto");
  EXPECT_TRUE(chosen.built());
  EXPECT_EQ(chosen.why_unusable(), "");
  for (const BackendKind& kind : backend_kinds()) {
    if (kind.built() && kind.why_unusable().empty()) {
      EXPECT_LE(kind.auto_priority, chosen.auto_priority) << kind.name;
    }
  }
  EXPECT_EQ(make_backend("auto", 1)->name(), chosen.name);
}

// srlif bench measures what the table says: a usable backend's rate, or why it is not measured.
// `bench` (all): a line for each backend auto can choose; one that auto never takes (cuda-sim,
// there to check the GPU code) only when named.
TEST(BackendTable, BenchHasALinePerBackend) {
  const test::CommandResult result = test::run_srlif("bench --neurons 64 --steps 200");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const BackendKind& kind : backend_kinds()) {
    const std::string line = "\n" + std::string(kind.name) + (kind.host ? ", 1 thread " : " ");
    if (kind.auto_priority <= 0) {
      EXPECT_EQ(result.output.find(line), std::string::npos) << kind.name << ":\n" << result.output;
      if (!kind.built()) continue;
      const test::CommandResult named =
          test::run_srlif("bench --neurons 64 --steps 200 --backend " + std::string(kind.name));
      ASSERT_EQ(named.exit_code, 0) << named.output;
      EXPECT_NE(named.output.find(line), std::string::npos) << kind.name << ":\n" << named.output;
      continue;
    }
    EXPECT_NE(result.output.find(line), std::string::npos) << kind.name << ":\n" << result.output;
    if (!kind.why_unusable().empty()) {
      EXPECT_NE(result.output.find(kind.why_unusable()), std::string::npos) << result.output;
    }
  }
}

TEST(BackendTable, CudaSimIsNeverAutosChoiceAndItsHelpSaysWhatItIsFor) {
  const BackendKind& sim = backend_kind("cuda-sim");
  EXPECT_EQ(sim.auto_priority, 0);
  EXPECT_STRNE(resolve_backend("auto").name, "cuda-sim");
  const std::string help = backend_help();
  EXPECT_NE(help.find("cuda-sim: the CUDA backend's kernels on the CPU through the SIMT emulator: slow"),
            std::string::npos)
      << help;
  EXPECT_NE(help.find("auto = the first usable of cuda, cpu"), std::string::npos) << help;
}

}  // namespace
}  // namespace srlif
