// Axis parsing (DESIGN.md section 5) and grid point numbering.
#include "srlif/planning/grid.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "srlif/errors.hpp"

namespace srlif {
namespace {

TEST(ParseAxis, LinspaceInclusive) {
  const std::vector<double> values = parse_axis("0:60:25", "--sigma");
  ASSERT_EQ(values.size(), 25u);
  EXPECT_EQ(values.front(), 0.0);
  EXPECT_EQ(values[1], 2.5);
  EXPECT_EQ(values.back(), 60.0);
}

TEST(ParseAxis, SingleValueListsAndMixedItems) {
  EXPECT_EQ(parse_axis("178", "--bias"), std::vector<double>{178.0});
  EXPECT_EQ(parse_axis("5, 10,15,20", "--amplitude"), (std::vector<double>{5, 10, 15, 20}));
  EXPECT_EQ(parse_axis("0,10:20:3", "--sigma"), (std::vector<double>{0, 10, 15, 20}));
  EXPECT_EQ(parse_axis("-3.5e1", "--bias"), std::vector<double>{-35.0});
  EXPECT_EQ(parse_axis("7:9:1", "--sigma"), std::vector<double>{7.0});
}

TEST(ParseAxis, LogarithmicEndpointsExact) {
  const std::vector<double> values = parse_axis("log:1:1000:4", "--sigma");
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values.front(), 1.0);
  EXPECT_NEAR(values[1], 10.0, 1e-12);
  EXPECT_NEAR(values[2], 100.0, 1e-10);
  EXPECT_EQ(values.back(), 1000.0);
}

void expect_rejected(const std::string& text) {
  try {
    parse_axis(text, "--sigma");
    ADD_FAILURE() << "'" << text << "' was accepted";
  } catch (const InputError& error) {
    EXPECT_EQ(error.flag(), "--sigma");
    EXPECT_NE(std::string(error.what()).find("--sigma"), std::string::npos);
  }
}

TEST(ParseAxis, RejectsMalformedText) {
  for (const char* text : {"0:60", "a:b:c", "0:60:0", "0:60:-2", "0:60:2.5", "1:2:3:4", "", "1,,2", "abc",
                           "1e999", "nan", "inf", "log:0:10:3", "log:-1:10:3", "log:1:10", "0:60:x"}) {
    SCOPED_TRACE(text);
    expect_rejected(text);
  }
}

TEST(Grid, SigmaVariesFastest) {
  Grid grid{{0, 1, 2}, {10, 20}, {178}, {5, 10}};
  ASSERT_EQ(grid.size(), 12u);
  EXPECT_EQ(grid.slice_count(), 4u);
  const GridPoint p = grid.point(7);  // sigma 1, amplitude 10, bias 178, frequency 10
  EXPECT_EQ(p.sigma(), 1.0);
  EXPECT_EQ(p.amplitude(), 10.0);
  EXPECT_EQ(p.frequency(), 10.0);
  EXPECT_EQ(grid.point(4).amplitude(), 20.0);
  EXPECT_EQ(grid.point(11).sigma(), 2.0);
  EXPECT_EQ(grid.point(11).index_on(Axis::amplitude), 1u);
  EXPECT_EQ(grid.point(11).index_on(Axis::frequency), 1u);
}

}  // namespace
}  // namespace srlif
