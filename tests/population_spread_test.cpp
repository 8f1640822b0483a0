// Heterogeneous populations (issue 16): each neuron's bias, threshold and tau_m drawn around the
// point's from a stream of its own keyed by (seed, neuron). A spread of 0 is the homogeneous
// run; a heterogeneous population is its neurons, each run alone with its own parameters; the
// deviations have mean 0 and standard deviation 1; the population rate is the averaged Siegert rate.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <filesystem>
#include <numbers>
#include <string>
#include <tuple>
#include <vector>

#include "srlif/errors.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/measures/theory.hpp"
#include "srlif/planning/drive_tables.hpp"
#include "srlif/planning/spread.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/sweep_runner.hpp"
#include "srlif/running/trace.hpp"
#include "test_support.hpp"

namespace srlif {
namespace {

std::vector<std::string> data_rows(const std::string& csv) {
  std::vector<std::string> rows = test::lines_of(csv);
  rows.erase(rows.begin());
  for (std::string& row : rows) row = row.substr(row.find(','));  // without the point index
  return rows;
}

SweepConfig spread_config(Scheme scheme) {
  SweepConfig config = test::reference_config({15.0, 35.0}, 40, 700.0);
  config.scheme = scheme;
  return config;
}

std::vector<PointTally> tallies_of(const SweepConfig& config) {
  const SweepPlan plan = make_plan(config);
  const auto backend = make_cpu_backend(config.execution.threads);
  return run_sweep(plan, *backend, {}).tallies;
}

bool same(const PointTally& a, const PointTally& b) {
  return a.neurons == b.neurons && a.spikes == b.spikes && a.spikes_squared == b.spikes_squared &&
         a.cos_sum == b.cos_sum && a.sin_sum == b.sin_sum && a.valid_neurons == b.valid_neurons &&
         a.strength_sum == b.strength_sum && a.strength_squared_sum == b.strength_squared_sum;
}

PointTally minus(const PointTally& a, const PointTally& b) {
  return PointTally{a.neurons - b.neurons,
                    a.spikes - b.spikes,
                    a.spikes_squared - b.spikes_squared,
                    a.cos_sum - b.cos_sum,
                    a.sin_sum - b.sin_sum,
                    a.valid_neurons - b.valid_neurons,
                    a.strength_sum - b.strength_sum,
                    a.strength_squared_sum - b.strength_squared_sum};
}

// A spread of 0 is today's homogeneous population: the points of a sweep over the spread whose
// spread is 0 have the rows of the run without it (which goes through the vectorised path), and
// a run with spread 0 alone writes the bytes (and the config text) of one without the flag.
TEST(PopulationSpread, ZeroIsTheHomogeneousRun) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SweepConfig homogeneous = spread_config(scheme);
    const std::vector<std::string> reference = data_rows(test::cpu_points_csv(homogeneous));
    for (const Axis spread : {Axis::bias_spread, Axis::v_threshold_spread, Axis::tau_m_spread}) {
      SweepConfig swept = homogeneous;
      swept.grid[spread] = {0.0, 0.8};
      const std::vector<std::string> rows = data_rows(test::cpu_points_csv(swept));
      ASSERT_EQ(rows.size(), 4u);
      // Rows 0 and 1 (spread 0) hold the extra column "0" after frequency.
      for (std::size_t i = 0; i < 2; ++i) {
        std::string row = rows[i];
        const std::size_t column = row.find(",10,0,");  // frequency 10, spread 0
        ASSERT_NE(column, std::string::npos) << row;
        row.erase(column + 3, 2);
        EXPECT_EQ(row, reference[i]) << scheme_name(scheme) << " " << axis_info(spread).name;
      }
      EXPECT_NE(rows[2].substr(rows[2].find(",40,")), reference[0].substr(reference[0].find(",40,")))
          << "a spread changes the population";
    }
    SweepConfig zero = homogeneous;
    zero.grid[Axis::bias_spread] = {0.0};
    EXPECT_EQ(result_config_text(zero), result_config_text(homogeneous));
    EXPECT_FALSE(make_plan(zero).heterogeneous);
  }
}

// Each neuron of a heterogeneous population is the neuron run alone with its own parameters
// (bias + s_b x_b, V_th + s_v x_v, tau_m + s_t x_t; x from spread_deviation): the population's
// tally is the sum of theirs, field by field, exactly. Neuron n alone is the difference of the
// homogeneous runs of n + 1 and n neurons with its parameters (the same stream, n).
TEST(PopulationSpread, APopulationIsItsNeuronsEachAlone) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    for (const SpreadShape shape : {SpreadShape::normal, SpreadShape::uniform}) {
      SCOPED_TRACE(std::string(scheme_name(scheme)) + " " + spread_shape_name(shape));
      SweepConfig config = test::reference_config({25.0}, 18, 900.0);
      config.scheme = scheme;
      config.spread_shape = shape;
      config.validity = {1, 400};
      config.grid[Axis::bias_spread] = {3.0};
      config.grid[Axis::v_threshold_spread] = {0.7};
      if (scheme == Scheme::euler) config.grid[Axis::tau_m_spread] = {1.5};
      const PointTally population = tallies_of(config).at(0);
      PointTally assembled{};
      for (std::uint64_t neuron = 0; neuron < config.neurons; ++neuron) {
        SweepConfig alone = test::reference_config({25.0}, neuron + 1, 900.0);
        alone.scheme = scheme;
        alone.validity = config.validity;
        const auto deviation = [&](SpreadOf of) { return spread_deviation(config.seed, neuron, of, shape); };
        alone.grid[Axis::bias] = {178.0 + 3.0 * deviation(SpreadOf::bias)};
        alone.grid[Axis::v_threshold] = {-55.0 + 0.7 * deviation(SpreadOf::v_threshold)};
        if (scheme == Scheme::euler) alone.grid[Axis::tau_m] = {10.0 + 1.5 * deviation(SpreadOf::tau_m)};
        const PointTally with = tallies_of(alone).at(0);
        PointTally without{};
        if (neuron > 0) {
          alone.neurons = neuron;
          without = tallies_of(alone).at(0);
        }
        add_tally(assembled, minus(with, without));
      }
      EXPECT_TRUE(same(population, assembled))
          << "spikes " << population.spikes << " vs " << assembled.spikes;
      EXPECT_GT(population.spikes, 20u);
    }
  }
}

// The same neuron has the same parameters at every grid point, whatever else the point is.
TEST(PopulationSpread, ANeuronKeepsItsParametersAtEveryPoint) {
  SweepConfig config = spread_config(Scheme::euler);
  config.grid[Axis::sigma] = {0.0, 30.0};
  config.grid[Axis::amplitude] = {5.0, 20.0};
  config.grid[Axis::v_threshold_spread] = {1.0};
  config.grid[Axis::tau_m_spread] = {1.0};
  config.decorrelate_points = true;
  const SweepPlan plan = make_plan(config);
  ASSERT_TRUE(plan.heterogeneous);
  for (const std::uint64_t neuron : {0u, 7u, 39u}) {
    const PointCoefficients first = neuron_coefficients(plan, 0, neuron);
    for (std::size_t point = 1; point < 4; ++point) {
      const PointCoefficients other = neuron_coefficients(plan, point, neuron);
      EXPECT_EQ(other.constants, first.constants) << "neuron " << neuron << " point " << point;
    }
    EXPECT_NE(neuron_coefficients(plan, 0, neuron + 1).constants, first.constants);
  }
}

// The deviations: mean 0 and variance 1 within 4 standard errors, inside the reach, and the
// three parameters' uncorrelated; both shapes.
TEST(PopulationSpread, DeviationsHaveMeanZeroAndUnitVariance) {
  constexpr int kNeurons = 200000;
  for (const SpreadShape shape : {SpreadShape::normal, SpreadShape::uniform}) {
    double sum[3] = {};
    double squares[3] = {};
    double fourth[3] = {};
    double cross = 0.0;
    for (int neuron = 0; neuron < kNeurons; ++neuron) {
      double x[3];
      for (int of = 0; of < 3; ++of) {
        x[of] = spread_deviation(99, static_cast<std::uint64_t>(neuron), static_cast<SpreadOf>(of), shape);
        ASSERT_LE(std::fabs(x[of]), spread_reach(shape));
        sum[of] += x[of];
        squares[of] += x[of] * x[of];
        fourth[of] += x[of] * x[of] * x[of] * x[of];
      }
      cross += x[0] * x[2];
    }
    const double n = kNeurons;
    for (int of = 0; of < 3; ++of) {
      const double mean = sum[of] / n;
      const double variance = squares[of] / n;
      EXPECT_LT(std::fabs(mean), 4.0 / std::sqrt(n)) << spread_shape_name(shape) << " " << of;
      // The standard error of the mean square: sqrt((E x^4 - 1) / n), 2/n for the normal, 0.8/n uniform.
      const double se = std::sqrt((fourth[of] / n - 1.0) / n);
      EXPECT_LT(std::fabs(variance - 1.0), 4.0 * se) << spread_shape_name(shape) << " " << of;
    }
    EXPECT_LT(std::fabs(cross / n), 4.0 / std::sqrt(n)) << "bias and tau_m deviations are uncorrelated";
  }
}

// Threads, chunks and batches that split a heterogeneous population differently give its bits;
// so does going on from a snapshot.
TEST(PopulationSpread, AnySplitAndAContinuationGiveTheSameBits) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SweepConfig config = spread_config(scheme);
    config.grid[Axis::sigma] = {10.0, 30.0, 50.0};
    config.grid[Axis::bias_spread] = {0.0, 4.0};
    config.grid[Axis::v_threshold_spread] = {0.5};
    config.execution.chunk_steps = 400;
    const std::string reference = test::cpu_points_csv(config);
    for (const auto& [threads, chunk, batch] : {std::tuple{1, 12, 1}, std::tuple{2, 4096, 4}}) {
      config.execution.threads = threads;
      config.execution.chunk_steps = chunk;
      config.execution.batch_points = batch;
      EXPECT_EQ(test::cpu_points_csv(config), reference) << threads << " " << chunk << " " << batch;
    }
    config.execution = ExecutionOptions{};
    config.execution.chunk_steps = 400;
    const SweepPlan plan = make_plan(config);
    const auto backend = make_cpu_backend(2);
    const std::vector<PointTally> unbroken = backend->run(plan, {}).tallies;
    const PopulationSnapshot state = test::snapshot_at(*backend, plan, 2400);
    const std::vector<PointTally> continued = test::tallies_from(*backend, plan, state);
    ASSERT_EQ(continued.size(), unbroken.size());
    for (std::size_t i = 0; i < unbroken.size(); ++i) EXPECT_TRUE(same(continued[i], unbroken[i])) << i;
  }
}

// The sweep command runs a grid in segments (run_points), each a plan of its own points: a
// heterogeneous population's neurons come from each point's grid point, so any segmenting and any
// subset of points (a shard, a resumed run) give the tallies of the whole grid run as one plan.
TEST(PopulationSpread, SegmentsAndSubsetsGiveTheWholeGridsTallies) {
  for (const Scheme scheme : {Scheme::euler, Scheme::exact}) {
    SCOPED_TRACE(scheme_name(scheme));
    SweepConfig config = spread_config(scheme);
    config.grid[Axis::sigma] = {10.0, 30.0, 50.0};
    config.grid[Axis::bias_spread] = {0.0, 4.0};
    config.grid[Axis::tau_m_spread] = {1.0};
    config.execution.batch_points = 2;
    const SweepPlan plan = make_plan(config);
    const auto backend = make_cpu_backend(2);
    const std::vector<PointTally> whole = backend->run(plan, {}).tallies;
    for (const std::vector<std::uint64_t>& points :
         {std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5}, std::vector<std::uint64_t>{1, 4, 5}}) {
      const std::vector<PointTally> part = run_points(plan, {backend.get()}, points, {}, {});
      ASSERT_EQ(part.size(), points.size());
      for (std::size_t i = 0; i < points.size(); ++i)
        EXPECT_TRUE(same(part[i], whole[points[i]])) << "grid point " << points[i];
    }
  }
}

// At A = 0 (I_bias 172 pA, sigma 30) a population with `spread` fires at the Siegert rate averaged
// over the spread (exact scheme, which has no dt bias), within 4 standard errors. Returns how far
// the spread moves the theory's rate from the homogeneous neuron's, in standard errors.
double expect_rate_is_the_averaged_siegert_rate(const PopulationSpread& spread) {
  SweepConfig config = test::reference_config({30.0}, 4000, 8000.0);
  config.scheme = Scheme::exact;
  config.grid[Axis::amplitude] = {0.0};
  config.grid[Axis::bias] = {172.0};
  config.grid[Axis::bias_spread] = {spread.bias_pa};
  config.grid[Axis::v_threshold_spread] = {spread.v_threshold_mv};
  config.grid[Axis::tau_m_spread] = {spread.tau_m_ms};
  config.spread_shape = spread.shape;
  const SweepPlan plan = make_plan(config);
  EXPECT_EQ(plan.drive_quadrature, spread.tau_m_ms != 0.0);  // exact: a tau_m spread's drive cos table
  const auto backend = make_cpu_backend(0);
  const PointMetrics m = run_sweep(plan, *backend, {}).metrics.at(0);
  const double theory = population_siegert(NeuronParams{}, 172.0, 30.0, spread).rate_hz;
  const double alone = siegert(NeuronParams{}, 172.0, 30.0).rate_hz;
  const double se = m.rate_std_hz / std::sqrt(static_cast<double>(config.neurons));
  EXPECT_LT(std::fabs(m.mean_rate_hz - theory), 4.0 * se)
      << spread_shape_name(spread.shape) << ": " << m.mean_rate_hz << " Hz vs " << theory << " Hz (SE " << se
      << ")";
  return (theory - alone) / se;
}

TEST(PopulationSpread, RateIsTheAveragedSiegertRate) {
  for (const SpreadShape shape : {SpreadShape::normal, SpreadShape::uniform}) {
    EXPECT_GT(expect_rate_is_the_averaged_siegert_rate(PopulationSpread{6.0, 0.0, 0.0, shape}), 8.0)
        << "the spread must matter for the test to mean anything";
  }
}

// All three spreads: the tensor Gauss-Legendre average (theory.cpp) against the nested adaptive
// one, an independent rule, where they must agree: a third spread of 1e-6 ms moves the average by
// about 1e-12, so the three-spread rate is the two-spread one to the tensor rule's 1e-9; and a
// simulated population with all three spreads agrees with it within 4 standard errors.
TEST(PopulationSpread, ThreeSpreadsAreAveragedByATensorRuleThatAgreesWithTheNestedOne) {
  for (const SpreadShape shape : {SpreadShape::normal, SpreadShape::uniform}) {
    const double nested = population_siegert(NeuronParams{}, 172.0, 30.0, {6.0, 1.0, 0.0, shape}).rate_hz;
    const double tensor = population_siegert(NeuronParams{}, 172.0, 30.0, {6.0, 1.0, 1e-6, shape}).rate_hz;
    EXPECT_NEAR(tensor, nested, 3e-9 * nested) << spread_shape_name(shape);
    const double wide = population_siegert(NeuronParams{}, 172.0, 30.0, {6.0, 1.0, 1.0, shape}).rate_hz;
    EXPECT_GT(std::fabs(wide - nested), 1e-4 * nested) << "the third spread must matter";
    EXPECT_TRUE(std::isfinite(wide) && wide > 0.0);
  }
  EXPECT_GT(std::fabs(expect_rate_is_the_averaged_siegert_rate(
                PopulationSpread{6.0, 1.0, 1.0, SpreadShape::normal})),
            8.0)
      << "the spreads must matter for the test to mean anything";
}

// The same for a tau_m spread (uniform: tau_m from 3.1 to 16.9 ms), which the exact scheme takes
// with each neuron's own decay, noise and drive phase.
TEST(PopulationSpread, TauMSpreadRateIsTheAveragedSiegertRate) {
  const double effect =
      expect_rate_is_the_averaged_siegert_rate(PopulationSpread{0.0, 0.0, 4.0, SpreadShape::uniform});
  EXPECT_GT(std::fabs(effect), 8.0) << "the spread must matter for the test to mean anything";
}

// Scheme exact with a tau_m spread: a neuron's drive over a step is the sinusoid integrated with
// its own tau_m, |c(tau)| A/g_L sin(2 pi f t_k + arg c(tau)), though its table is its point's
// (shifted by arg c of the point's tau_m): the table's sin and cos, weighted by drive_amplitude and
// drive_quadrature, give it to float rounding (a few units in the last place of the amplitude).
// Without the quadrature the phase error (about 1e-4 rad at 100 Hz) is far outside that.
TEST(PopulationSpread, ExactTauMSpreadDrivesEachNeuronWithItsOwnPhase) {
  SweepConfig config = test::reference_config({20.0}, 64, 50.0);
  config.scheme = Scheme::exact;
  config.grid[Axis::frequency] = {100.0};
  config.grid[Axis::tau_m_spread] = {1.5};
  const SweepPlan plan = make_plan(config);
  ASSERT_TRUE(plan.drive_quadrature);
  const ChunkTables tables = make_chunk_tables(plan, 0, plan.steps);
  ASSERT_EQ(tables.drive_cos.size(), tables.drive_sin.size());
  const double dt = config.time.dt;
  const double omega = 2.0 * std::numbers::pi * 100.0 / 1000.0;  // rad per ms
  bool quadrature_matters = false;
  for (std::uint64_t neuron = 0; neuron < config.neurons; ++neuron) {
    NeuronParams own;
    spread_neuron(config, config.grid.point(0), neuron, own);
    const PointCoefficients coefficients = neuron_coefficients(plan, 0, neuron);
    const ChunkTableView view = chunk_table_view(tables, coefficients.drive_table, false);
    // c = (1/tau)(e^{i w dt} - e^{-dt/tau}) / (1/tau + i w), the neuron's own.
    const std::complex<double> c = (std::polar(1.0, omega * dt) - std::exp(-dt / own.tau_m)) /
                                   (own.tau_m * std::complex<double>(1.0 / own.tau_m, omega));
    const double amplitude = std::abs(c) * 20.0 / own.g_leak;  // A = 20 pA
    const double tolerance = 8.0 * std::ldexp(amplitude, -24);
    for (std::int64_t k = 0; k < plan.steps; k += 37) {
      const double expected = amplitude * std::sin(omega * dt * static_cast<double>(k) + std::arg(c));
      const float in_phase = coefficients.drive_amplitude * view.drive_sin[k];
      const float sinusoid = in_phase + coefficients.drive_quadrature * view.drive_cos[k];
      EXPECT_NEAR(sinusoid, expected, tolerance) << "neuron " << neuron << " step " << k;
      quadrature_matters = quadrature_matters || std::fabs(in_phase - expected) > 4.0 * tolerance;
    }
  }
  EXPECT_TRUE(quadrature_matters);
}

// The theory's average: with a uniform spread of the threshold, the closed quadrature agrees with a
// plain midpoint sum over the support.
TEST(PopulationSpread, TheoryAveragesOverTheDistribution) {
  const NeuronParams neuron;
  const PopulationSpread spread{0.0, 1.2, 0.0, SpreadShape::uniform};
  const double reach = std::sqrt(3.0);
  double sum = 0.0;
  constexpr int kSlices = 20000;
  for (int i = 0; i < kSlices; ++i) {
    const double x = -reach + (i + 0.5) * 2.0 * reach / kSlices;
    NeuronParams shifted = neuron;
    shifted.v_threshold += 1.2 * x;
    sum += siegert(shifted, 178.0, 25.0).rate_hz;
  }
  EXPECT_NEAR(population_siegert(neuron, 178.0, 25.0, spread).rate_hz, sum / kSlices, 1e-6);
  EXPECT_EQ(population_siegert(neuron, 178.0, 25.0, PopulationSpread{}).rate_hz,
            siegert(neuron, 178.0, 25.0).rate_hz);
}

// `trace` of a neuron of a heterogeneous population follows that neuron's own parameters: the
// samples of the homogeneous trace with its bias and threshold, to the bit.
TEST(PopulationSpread, ATraceFollowsTheNeuronsOwnParameters) {
  constexpr std::uint64_t kNeuron = 5;
  SweepConfig config = test::reference_config({20.0}, kNeuron + 1, 400.0);
  config.grid[Axis::bias_spread] = {4.0};
  config.grid[Axis::v_threshold_spread] = {0.6};
  const std::vector<TraceSample> spread = trace_neuron(make_plan(config), kNeuron);
  SweepConfig alone = test::reference_config({20.0}, kNeuron + 1, 400.0);
  alone.grid[Axis::bias] = {
      178.0 + 4.0 * spread_deviation(config.seed, kNeuron, SpreadOf::bias, SpreadShape::normal)};
  alone.grid[Axis::v_threshold] = {
      -55.0 + 0.6 * spread_deviation(config.seed, kNeuron, SpreadOf::v_threshold, SpreadShape::normal)};
  const std::vector<TraceSample> own = trace_neuron(make_plan(alone), kNeuron);
  const std::vector<TraceSample> reference =
      trace_neuron(make_plan(test::reference_config({20.0}, kNeuron + 1, 400.0)), kNeuron);
  ASSERT_EQ(spread.size(), own.size());
  bool differs_from_reference = false;
  for (std::size_t k = 0; k < own.size(); ++k) {
    ASSERT_EQ(spread[k].v_mv, own[k].v_mv) << k;
    ASSERT_EQ(spread[k].input_pa, own[k].input_pa) << k;
    ASSERT_EQ(spread[k].spike, own[k].spike) << k;
    differs_from_reference = differs_from_reference || spread[k].v_mv != reference[k].v_mv;
  }
  EXPECT_TRUE(differs_from_reference);
}

TEST(PopulationSpread, BadInputNamesTheFlag) {
  const std::string out = test::temporary_directory("spread_bad");
  for (const auto& [arguments, flag] : std::vector<std::pair<std::string, std::string>>{
           {"--bias-spread -1", "--bias-spread"},
           {"--v-th-spread nan", "--v-th-spread"},
           {"--tau-m-spread 1e9", "--tau-m-spread"},
           {"--v-th-spread 4", "--v-th-spread"},  // -55 - 5.77 x 4 reaches V_reset -75
           {"--tau-m-spread 1.72 --scheme exact", "--tau-m-spread"},
           {"--tau-m-spread 1.72", "--tau-m-spread"},  // 10 - 5.77 x 1.72 < dt
           {"--spread gaussian --bias-spread 1", "--spread"}}) {
    const test::CommandResult result =
        test::run_srlif("sweep --neurons 4 --duration 100 " + arguments + " --out " + out);
    EXPECT_EQ(result.exit_code, 2) << arguments << ": " << result.output;
    EXPECT_NE(result.output.find(flag + ": "), std::string::npos) << arguments << ": " << result.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << arguments;
  }
  // Uniform spreads reach sqrt(3) standard deviations only: 4 mV is allowed there.
  const test::CommandResult uniform = test::run_srlif(
      "sweep --neurons 4 --duration 100 --v-th-spread 4 --spread uniform --quiet --out " + out);
  EXPECT_EQ(uniform.exit_code, 0) << uniform.output;
}

}  // namespace
}  // namespace srlif
