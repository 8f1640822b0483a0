// Grid-point measures from tallies, the Rayleigh p-value and sigma_opt.
#include "srlif/measures/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "srlif/errors.hpp"
#include "srlif/io/point_tables.hpp"

namespace srlif {
namespace {

PointTally tally_of(const std::vector<std::uint32_t>& spikes, const std::vector<double>& phases,
                    ValidityRule rule) {
  // Spread the phases over the neurons round-robin; each neuron gets spikes[i] of them.
  PointTally total{};
  std::size_t next = 0;
  for (std::uint32_t count : spikes) {
    NeuronTally neuron{count, 0, 0};
    for (std::uint32_t s = 0; s < count; ++s, ++next) {
      neuron.cos_sum += std::llround(std::cos(phases[next]) * kPhaseScale);
      neuron.sin_sum += std::llround(std::sin(phases[next]) * kPhaseScale);
    }
    add_tally(total, neuron_contribution(neuron, rule));
  }
  return total;
}

TEST(ComputeMetrics, RatesAndPhases) {
  // Neuron 0: 2 spikes at phase pi/2; neuron 1: 4 spikes at pi/2; duration 2 s.
  const std::vector<double> phases(6, std::numbers::pi / 2);
  const PointMetrics m = compute_metrics(tally_of({2, 4}, phases, {3, 10}), 2000.0);
  EXPECT_DOUBLE_EQ(m.mean_rate_hz, 1.5);                    // 6 spikes / 2 neurons / 2 s
  EXPECT_NEAR(m.rate_std_hz, std::sqrt(2.0) / 2.0, 1e-12);  // sd of {1, 2} Hz
  EXPECT_NEAR(m.pooled_vector_strength, 1.0, 1e-7);
  EXPECT_NEAR(m.preferred_phase_rad, std::numbers::pi / 2, 1e-7);
  EXPECT_EQ(m.valid_neurons, 1u);
  EXPECT_DOUBLE_EQ(m.valid_fraction, 0.5);
  EXPECT_NEAR(m.mean_vector_strength, 1.0, 1e-7);
  EXPECT_TRUE(std::isnan(m.std_vector_strength));  // one valid neuron
  EXPECT_NEAR(m.rayleigh_z, 6.0, 1e-5);
  EXPECT_EQ(m.total_spikes, 6u);
}

TEST(ComputeMetrics, NoSpikesGivesUndefinedStrength) {
  const PointMetrics m = compute_metrics(tally_of({0, 0, 0}, {}, {1, 10}), 1000.0);
  EXPECT_EQ(m.mean_rate_hz, 0.0);
  EXPECT_EQ(m.rate_std_hz, 0.0);
  EXPECT_TRUE(std::isnan(m.pooled_vector_strength));
  EXPECT_TRUE(std::isnan(m.mean_vector_strength));
  EXPECT_EQ(m.valid_fraction, 0.0);
}

TEST(ComputeMetrics, OppositePhasesCancel) {
  const PointMetrics m = compute_metrics(tally_of({2}, {0.0, std::numbers::pi}, {0, 10}), 1000.0);
  EXPECT_NEAR(m.pooled_vector_strength, 0.0, 1e-7);
  EXPECT_NEAR(m.mean_vector_strength, 0.0, 1e-7);
}

TEST(RayleighPValue, MatchesZarTable) {
  // Zar, Biostatistical Analysis, Table B.34: n = 10, z = 2.932 is the 0.05 critical value.
  EXPECT_NEAR(rayleigh_p_value(2.932, 10), 0.05, 0.002);
  // Large n: p -> exp(-z).
  EXPECT_NEAR(rayleigh_p_value(3.0, 1e9), std::exp(-3.0), 1e-9);
  EXPECT_DOUBLE_EQ(rayleigh_p_value(0.0, 50), 1.0);
  EXPECT_LT(rayleigh_p_value(100.0, 1000), 1e-40);
  // Small n, large Z (11 spikes, R = 0.97): tiny but positive, never clamped to 0.
  const double p = rayleigh_p_value(10.35, 11);
  EXPECT_GT(p, 0.0);
  EXPECT_LT(p, 1e-4);
}

TEST(ParabolaPeak, VertexOfNonUniformSamples) {
  // y = -(x - 2.3)^2 + 5 sampled at 1, 2, 4.
  auto y = [](double x) { return -(x - 2.3) * (x - 2.3) + 5; };
  EXPECT_NEAR(parabola_peak(1, y(1), 2, y(2), 4, y(4)), 2.3, 1e-12);
  // Convex or flat: no refinement.
  EXPECT_EQ(parabola_peak(1, 1, 2, 0, 3, 1), 2.0);
  EXPECT_EQ(parabola_peak(1, 1, 2, 1, 3, 1), 2.0);
}

PointMetrics with_strength(double mean_vector_strength, double valid_fraction) {
  PointMetrics m{};
  m.mean_vector_strength = mean_vector_strength;
  m.valid_fraction = valid_fraction;
  return m;
}

TEST(FindOptima, StudyRuleWithRefinement) {
  // One slice, sigma given out of order; sigma 0 has the best R but too few valid neurons.
  Grid grid{{30, 0, 10, 20, 40}, {20}, {178}, {10}};
  const std::vector<PointMetrics> metrics = {with_strength(0.6, 1.0), with_strength(0.99, 0.2),
                                             with_strength(0.7, 0.9), with_strength(0.8, 1.0),
                                             with_strength(0.5, 1.0)};
  const std::vector<SliceOptimum> optima = find_optima(grid, metrics);
  ASSERT_EQ(optima.size(), 1u);
  EXPECT_TRUE(optima[0].found);
  EXPECT_EQ(optima[0].eligible_points, 4u);
  EXPECT_EQ(optima[0].sigma_opt, 20.0);
  EXPECT_EQ(optima[0].point, 3u);
  EXPECT_DOUBLE_EQ(optima[0].sigma_opt_refined, parabola_peak(10, 0.7, 20, 0.8, 30, 0.6));
}

TEST(FindOptima, EdgeOfEligibleRangeIsNotExtrapolated) {
  Grid grid{{0, 10, 20}, {20}, {178}, {10}};
  const std::vector<PointMetrics> metrics = {with_strength(0.99, 0.1), with_strength(0.9, 0.8),
                                             with_strength(0.8, 1.0)};
  const SliceOptimum optimum = find_optima(grid, metrics).front();
  EXPECT_EQ(optimum.sigma_opt, 10.0);
  EXPECT_EQ(optimum.sigma_opt_refined, 10.0);
}

TEST(FindOptima, NoEligibleSigma) {
  Grid grid{{0, 10}, {5, 20}, {178}, {10}};
  const std::vector<PointMetrics> metrics = {with_strength(NAN, 0.0), with_strength(0.9, 0.4),
                                             with_strength(0.5, 1.0), with_strength(0.4, 1.0)};
  const std::vector<SliceOptimum> optima = find_optima(grid, metrics);
  ASSERT_EQ(optima.size(), 2u);
  EXPECT_FALSE(optima[0].found);
  EXPECT_TRUE(std::isnan(optima[0].sigma_opt));
  EXPECT_TRUE(optima[1].found);
  EXPECT_EQ(optima[1].sigma_opt, 0.0);
  EXPECT_EQ(optima[1].slice, 1u);
  EXPECT_EQ(grid.point(optima[1].point)[Axis::amplitude], grid[Axis::amplitude][1]);
}

}  // namespace
}  // namespace srlif

namespace srlif {
namespace {

TEST(Objective, NamesRoundTripAndBadNameIsRefused) {
  for (const char* name : {"vs-valid", "snr", "rayleigh-rate"})
    EXPECT_STREQ(objective_name(parse_objective(name)), name);
  EXPECT_THROW(parse_objective("vs"), InputError);
}

// The SNR and rayleigh-rate objectives have no validity rule: a point with few
// valid neurons still counts, and a NaN value (no spectrum) never does.
TEST(Objective, InteriorOptimumOfRayleighRateAndSnr) {
  Grid grid{{0, 10, 20, 30}, {20}, {178}, {10}};
  std::vector<PointMetrics> metrics(4, PointMetrics{});
  const double rayleigh_rate[] = {0.0, 2.0, 3.0, 1.0};
  const double snr[] = {NAN, 30.0, 20.0, 10.0};
  for (std::size_t i = 0; i < 4; ++i) {
    metrics[i].rayleigh_rate_hz = rayleigh_rate[i];
    metrics[i].snr_db = snr[i];
    metrics[i].valid_fraction = 0.1;
    metrics[i].mean_vector_strength = NAN;
  }
  const SliceOptimum by_rate = find_optima(grid, metrics, Objective::rayleigh_rate).front();
  EXPECT_EQ(by_rate.sigma_opt, 20.0);
  EXPECT_EQ(by_rate.eligible_points, 4u);
  EXPECT_DOUBLE_EQ(by_rate.sigma_opt_refined, parabola_peak(10, 2.0, 20, 3.0, 30, 1.0));
  const SliceOptimum by_snr = find_optima(grid, metrics, Objective::snr).front();
  EXPECT_EQ(by_snr.sigma_opt, 10.0);
  EXPECT_EQ(by_snr.eligible_points, 3u);
  EXPECT_EQ(by_snr.sigma_opt_refined, 10.0);  // its lower neighbour has no SNR
  EXPECT_FALSE(find_optima(grid, metrics, Objective::valid_vector_strength).front().found);
}

TEST(ComputeMetrics, RayleighRateIsRateTimesPooledStrengthSquared) {
  PointTally tally{};
  tally.neurons = 2;
  tally.spikes = 10;
  tally.spikes_squared = 50;
  tally.cos_sum = static_cast<std::int64_t>(6 * kPhaseScale);  // R = 0.6
  const PointMetrics m = compute_metrics(tally, 1000.0);
  EXPECT_NEAR(m.rayleigh_rate_hz, 5.0 * 0.36, 1e-12);
  EXPECT_TRUE(std::isnan(m.snr_db));
  EXPECT_TRUE(std::isnan(m.spectral_amplitude_hz));
}

}  // namespace
}  // namespace srlif

namespace srlif {
namespace {

// The measure columns' table (what Python reads for units and integer columns) is the files' own.
TEST(MetricColumns, AreTheTailOfPointsCsvWithTheirUnitsAndKinds) {
  const Grid grid{{0.0, 10.0}, {20.0}, {178.0}, {10.0}};
  const std::vector<std::string> header = points_csv_columns(grid);
  const std::vector<ColumnInfo> columns = metric_column_info();
  ASSERT_LT(columns.size(), header.size());
  const std::size_t first = header.size() - columns.size();
  for (std::size_t i = 0; i < columns.size(); ++i) EXPECT_EQ(columns[i].name, header[first + i]);
  for (const ColumnInfo& column : columns) {
    const bool whole = column.name == "valid_neurons" || column.name == "total_spikes";
    EXPECT_EQ(column.integer, whole) << column.name;
    if (column.name.ends_with("_hz")) {
      EXPECT_EQ(column.unit, "Hz") << column.name;
    }
    if (column.name.ends_with("_rad")) {
      EXPECT_EQ(column.unit, "rad") << column.name;
    }
    if (column.name.ends_with("_db")) {
      EXPECT_EQ(column.unit, "dB") << column.name;
    }
  }
}

TEST(Objectives, EveryObjectiveParsesFromItsName) {
  for (const Objective objective : kObjectives)
    EXPECT_EQ(parse_objective(objective_name(objective)), objective);
  try {
    parse_objective("rate");
    ADD_FAILURE() << "'rate' was accepted";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("vs-valid, snr, rayleigh-rate"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace srlif
