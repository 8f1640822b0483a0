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
TEST(BackendTable, BenchHasALinePerBackend) {
  const test::CommandResult result = test::run_srlif("bench --neurons 64 --steps 200");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const BackendKind& kind : backend_kinds()) {
    const std::string line = "\n" + std::string(kind.name) + (kind.host ? ", 1 thread " : " ");
    EXPECT_NE(result.output.find(line), std::string::npos) << kind.name << ":\n" << result.output;
    if (!kind.why_unusable().empty()) {
      EXPECT_NE(result.output.find(kind.why_unusable()), std::string::npos) << result.output;
    }
  }
}

}  // namespace
}  // namespace srlif
