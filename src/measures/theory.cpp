#include "srlif/measures/theory.hpp"

#include <gsl/gsl_integration.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <new>
#include <numbers>
#include <string>
#include <vector>

#include "srlif/errors.hpp"
#include "srlif/field_count.hpp"
#include "srlif/io/number_text.hpp"

namespace srlif {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// e^{x^2} for x >= 0 without the x^2 rounding error that std::exp(x * x)
// amplifies by x^2 (1.5e-13 relative at x = 26): x = xh + xl with xh on a
// 2^-12 grid, so xh^2 is exact and x^2 - xh^2 = xl (x + xh) is small.
double exp_square(double x) {
  if (x > 27.0) return kInf;  // e^{729} > DBL_MAX
  const double xh = std::ldexp(std::nearbyint(std::ldexp(x, 12)), -12);
  const double xl = x - xh;  // exact: the low bits of x
  return std::exp(xh * xh) * std::exp(xl * (x + xh));
}

// erfcx for x >= 0.
double erfcx_nonnegative(double x) {
  // Below 25, glibc's erfc is accurate to a few ulp and stays a normal double
  // (erfc(25) ~ 8e-274); above, the asymptotic series converges to full
  // precision within a few terms, because each term is (2n-1)/(2x^2) <= 1/600
  // times the previous one.
  if (x < 25.0) return exp_square(x) * std::erfc(x);
  const double inv_two_x2 = 1.0 / (2.0 * x * x);
  double term = 1.0;
  double sum = 1.0;
  for (int n = 1; n < 40; ++n) {
    term *= -(2.0 * n - 1.0) * inv_two_x2;
    sum += term;
    if (std::fabs(term) < 1e-17 * sum) break;
  }
  return sum / (x * std::sqrt(std::numbers::pi));
}

// Gauss-Kronrod 10/21-point rule (QUADPACK qk21): Kronrod abscissae on
// [-1, 1] (the odd entries are the Gauss-Legendre ones), their weights, and
// the 10-point Gauss weights of the odd entries.
constexpr std::array<double, 11> kKronrodNodes = {
    0.995657163025808080735527280689003, 0.973906528517171720077964012084452,
    0.930157491355708226001207180059508, 0.865063366688984510732096688423493,
    0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
    0.562757134668604683339000099272694, 0.433395394129247190799265943165784,
    0.294392862701460198131126603103866, 0.148874338981631210884826001129720,
    0.000000000000000000000000000000000};
constexpr std::array<double, 11> kKronrodWeights = {
    0.011694638867371874278064396062192, 0.032558162307964727478818972459390,
    0.054755896574351996031381300244580, 0.075039674810919952767043140916190,
    0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
    0.123491976262065851077208980223048, 0.134709217311473325928054001771707,
    0.142775938577060080797094273138717, 0.147739104901338491374841515972068,
    0.149445554002916905664936468389821};
constexpr std::array<double, 5> kGaussWeights = {
    0.066671344308688137593568809893332, 0.149451349150580593145776339657697,
    0.219086362515982043995534934228163, 0.269266719309996355091226921569469,
    0.295524224714752870173892994651338};

// Target relative error of each integral. The error estimate is the
// pessimistic |K21 - G10| (the Kronrod result is far more accurate than the
// Gauss one it is compared with), so the integrals come out well inside it.
constexpr double kRelativeTolerance = 1e-12;
constexpr int kMaxSegments = 4000;

struct Segment {
  double a;
  double b;
  double value;
  double error;
};

template <class F>
Segment gauss_kronrod(const F& f, double a, double b) {
  const double center = 0.5 * (a + b);
  const double half = 0.5 * (b - a);
  double kronrod = kKronrodWeights[10] * f(center);
  double gauss = 0.0;
  for (std::size_t j = 0; j < 10; ++j) {
    const double offset = half * kKronrodNodes[j];
    const double pair = f(center - offset) + f(center + offset);
    kronrod += kKronrodWeights[j] * pair;
    if (j % 2 == 1) gauss += kGaussWeights[j / 2] * pair;
  }
  return Segment{a, b, half * kronrod, std::fabs(half * (kronrod - gauss))};
}

// Globally adaptive quadrature of a smooth, positive, finite integrand:
// bisect the segment with the largest error estimate until the total error
// is below kRelativeTolerance of the total.
template <class F>
double integrate(const F& f, double a, double b, double tolerance = kRelativeTolerance) {
  if (!(a < b)) return 0.0;
  const auto by_error = [](const Segment& x, const Segment& y) { return x.error < y.error; };
  std::vector<Segment> heap{gauss_kronrod(f, a, b)};
  double value = heap.front().value;
  double error = heap.front().error;
  while (error > tolerance * std::fabs(value) && static_cast<int>(heap.size()) < kMaxSegments) {
    std::pop_heap(heap.begin(), heap.end(), by_error);
    const Segment worst = heap.back();
    heap.pop_back();
    const double middle = 0.5 * (worst.a + worst.b);
    if (!(worst.a < middle && middle < worst.b)) {  // no room left to bisect
      heap.push_back(worst);
      break;
    }
    for (const Segment& half : {gauss_kronrod(f, worst.a, middle), gauss_kronrod(f, middle, worst.b)}) {
      heap.push_back(half);
      std::push_heap(heap.begin(), heap.end(), by_error);
    }
    // Re-sum rather than update, so rounding does not accumulate.
    value = 0.0;
    error = 0.0;
    for (const Segment& segment : heap) {
      value += segment.value;
      error += segment.error;
    }
  }
  return value;
}

// Int_lo^hi erfcx(w) dw for 0 <= lo < hi: the integrand is at most 1 and
// decays like 1/(w sqrt(pi)), so beyond w = 1 the substitution w = e^s turns
// it into erfcx(e^s) e^s -> 1/sqrt(pi) on an interval of length ln(hi) <= 710.
double erfcx_integral(double lo, double hi) {
  double total = 0.0;
  if (lo < 1.0) total += integrate([](double w) { return erfcx_nonnegative(w); }, lo, std::min(hi, 1.0));
  if (hi > 1.0) {
    total += integrate(
        [](double s) {
          const double w = std::exp(s);
          return erfcx_nonnegative(w) * w;
        },
        std::log(std::max(lo, 1.0)), std::log(hi));
  }
  return total;
}

// e^{-q^2} Int_p^q e^{u^2} du for 0 <= p < q. For q >= 1 the integrand is a
// spike of width 1/(2q) at u = q; u = q - t/(2q) maps it to
// (1/(2q)) Int_0^{2q(q-p)} e^{-t + t^2/(4q^2)} dt, whose integrand is at most
// e^{-t/2} (t <= 2q^2), so cutting t at 80 drops less than 2e^{-40} of a
// total of at least 1 - e^{-1}.
double scaled_gauss_integral(double p, double q) {
  if (q < 1.0) return integrate([q](double u) { return std::exp((u - q) * (u + q)); }, p, q);
  const double four_q2 = 4.0 * q * q;
  const double t_max = std::min(2.0 * q * (q - p), 80.0);
  return integrate([four_q2](double t) { return std::exp(-t * (1.0 - t / four_q2)); }, 0.0, t_max) /
         (2.0 * q);
}

// The neuron's own rules are validate(NeuronParams); theory adds sigma and bias.
void validate_theory_input(const NeuronParams& neuron, double bias_pa, double sigma) {
  if (!std::isfinite(sigma)) throw InputError("--sigma", "must be a finite number");
  if (!std::isfinite(bias_pa)) throw InputError("--bias", "must be a finite number");
  if (sigma < 0.0) {
    throw InputError("--sigma", "must be >= 0 pA*sqrt(ms) (got " + format_number(sigma) + ")");
  }
  validate(neuron);
}

// Rate in Hz from the interval 1/nu = t_ref + e^{log_t} ms, for any log_t:
// far below threshold e^{log_t} overflows, and the rate underflows to 0.
double rate_from_log_time(double t_ref, double log_t) {
  if (log_t < 700.0) return 1000.0 / (t_ref + std::exp(log_t));
  const double inverse = std::exp(-log_t);  // 1 / passage time, tiny or 0
  return 1000.0 * inverse / (1.0 + t_ref * inverse);
}

}  // namespace

double erfcx(double x) {
  if (std::isnan(x)) return x;
  if (x >= 0.0) return erfcx_nonnegative(x);
  // erfc(-y) = 2 - erfc(y): no cancellation, since 2 e^{y^2} >= 2 > 1 >= erfcx(y).
  return 2.0 * exp_square(-x) - erfcx_nonnegative(-x);
}

double log_siegert_integral(double a, double b) {
  // Int_a^b erfcx(-u) du, split at u = 0. Below 0 the integrand is erfcx(|u|) <= 1.
  double below_zero = 0.0;
  if (a < 0.0) below_zero = erfcx_integral(std::max(-b, 0.0), -a);
  if (b <= 0.0) return std::log(below_zero);
  // Above 0, erfcx(-u) = 2 e^{u^2} - erfcx(u): with both scaled by e^{-b^2},
  // the integral is e^{b^2} (2 G - e^{-b^2} M), G the scaled Gauss integral
  // and M = Int erfcx <= b - p; 2 G >= 2 e^{-b^2} (b - p), so at most one bit
  // is lost to the difference. Its log is b^2 + log(...): no overflow.
  const double b2 = b * b;
  if (!std::isfinite(b2)) return kInf;
  const double p = std::max(a, 0.0);
  const double scaled_below_b = std::exp(-b2);
  const double scaled_above_zero = 2.0 * scaled_gauss_integral(p, b) - scaled_below_b * erfcx_integral(p, b);
  return b2 + std::log(scaled_above_zero + below_zero * scaled_below_b);
}

// The rate depends on every neuron parameter but v_init (a stationary rate forgets where it
// started): a parameter added to NeuronParams must enter the formula below, or be said not to,
// before this compiles again.
static_assert(
    field_count<NeuronParams>() == 8,
    "NeuronParams has a new member: make siegert (and population_siegert) follow it, then count it here");

TheoryPoint siegert(const NeuronParams& neuron, double bias_pa, double sigma) {
  validate_theory_input(neuron, bias_pa, sigma);
  TheoryPoint point;
  point.mu_mv = neuron.e_leak + bias_pa / neuron.g_leak;
  if (!std::isfinite(point.mu_mv)) {
    throw InputError("--bias", "makes the mean potential E_L + I_bias/g_L overflow");
  }
  point.sigma_v_mv = sigma / (neuron.g_leak * std::sqrt(neuron.tau_m));
  point.std_v_mv = sigma / (neuron.g_leak * std::sqrt(2.0 * neuron.tau_m));
  if (!std::isfinite(point.sigma_v_mv) || !std::isfinite(point.std_v_mv)) {
    throw InputError("--sigma", "makes sigma/(g_L sqrt(tau_m)) overflow");
  }
  point.mean_v_mv = point.mu_mv;

  const double mu = point.mu_mv;
  // Coloured noise: both bounds shifted by (alpha/2) sqrt(tau_s/tau_m) noise amplitudes.
  point.noise_tau_ratio = neuron.noise_tau / neuron.tau_m;
  const double shift = 0.5 * kFourcaudBrunelAlpha * std::sqrt(point.noise_tau_ratio);
  const double a = (neuron.v_reset - mu) / point.sigma_v_mv + shift;
  const double b = (neuron.v_threshold - mu) / point.sigma_v_mv + shift;
  if (point.sigma_v_mv > 0.0 && std::isfinite(a) && std::isfinite(b) && a < b) {
    // tau_m sqrt(pi) Int_a^b erfcx(-u) du, in ms, through its log.
    const double log_t = std::log(neuron.tau_m * std::sqrt(std::numbers::pi)) + log_siegert_integral(a, b);
    point.rate_hz = rate_from_log_time(neuron.t_ref, log_t);
  } else if (mu > neuron.v_threshold) {
    // sigma = 0 (or sigma_V below double resolution of the distances): the
    // deterministic charge time from V_reset to V_th,
    // tau_m ln((mu - V_reset)/(mu - V_th)) = tau_m log1p((V_th - V_reset)/(mu - V_th)).
    const double charge =
        neuron.tau_m * std::log1p((neuron.v_threshold - neuron.v_reset) / (mu - neuron.v_threshold));
    point.rate_hz = 1000.0 / (neuron.t_ref + charge);
  } else {
    point.rate_hz = 0.0;  // never reaches threshold
  }
  if (!std::isfinite(point.rate_hz)) {
    throw InputError("--sigma/--bias", "give a firing rate beyond the double range (is --t-ref 0?)");
  }
  return point;
}

namespace {

// Two tensor rules of consecutive orders agree to this (relative): the population rate's accuracy
// with all three spreads (docs/theory.md).
constexpr double kTensorTolerance = 1e-9;

// The average of rate(x) over x in [-reach, reach]^3 with density(x0) density(x1) density(x2), by
// the tensor product of GSL's n-point Gauss-Legendre rule.
template <class Density, class Rate>
double tensor_gauss_legendre_average(std::size_t nodes, double reach, const Density& density,
                                     const Rate& rate) {
  const std::unique_ptr<gsl_integration_glfixed_table, void (*)(gsl_integration_glfixed_table*)> table(
      gsl_integration_glfixed_table_alloc(nodes), gsl_integration_glfixed_table_free);
  if (!table) throw std::bad_alloc();
  std::vector<double> x(nodes);
  std::vector<double> weight(nodes);
  for (std::size_t i = 0; i < nodes; ++i) {
    gsl_integration_glfixed_point(-reach, reach, i, &x[i], &weight[i], table.get());
    weight[i] *= density(x[i]);
  }
  double total = 0.0;
  for (std::size_t i = 0; i < nodes; ++i) {
    for (std::size_t j = 0; j < nodes; ++j) {
      double inner = 0.0;
      for (std::size_t k = 0; k < nodes; ++k) {
        const double at[3] = {x[i], x[j], x[k]};
        inner += weight[k] * rate(at);
      }
      total += weight[i] * weight[j] * inner;
    }
  }
  return total;
}

}  // namespace

TheoryPoint population_siegert(const NeuronParams& neuron, double bias_pa, double sigma,
                               const PopulationSpread& spread) {
  TheoryPoint point = siegert(neuron, bias_pa, sigma);
  const double reach = spread_reach(spread.shape);
  // The density of x on [-reach, reach]: the normal's, renormalised to the support srlif draws
  // from (it leaves out 8e-9 of the mass), or the uniform's.
  const double normal_mass = std::erf(reach / std::sqrt(2.0));
  const auto density = [&](double x) {
    if (spread.shape == SpreadShape::uniform) return 1.0 / (2.0 * reach);
    return std::exp(-0.5 * x * x) / (std::sqrt(2.0 * std::numbers::pi) * normal_mass);
  };
  // The spreads that are not 0, and the neuron at deviations x of all of them.
  const double spreads[] = {spread.bias_pa, spread.v_threshold_mv, spread.tau_m_ms};
  const auto rate_at = [&](const double* x) {
    NeuronParams shifted = neuron;
    shifted.v_threshold += spreads[1] * x[1];
    shifted.tau_m += spreads[2] * x[2];
    return siegert(shifted, bias_pa + spreads[0] * x[0], sigma).rate_hz;
  };
  double x[3] = {0.0, 0.0, 0.0};
  // The average over dimensions `dimension`..2, the earlier ones fixed in x.
  const std::function<double(int)> average = [&](int dimension) -> double {
    if (dimension == 3) return rate_at(x);
    if (spreads[dimension] == 0.0) return average(dimension + 1);
    return integrate(
        [&, dimension](double value) {
          x[dimension] = value;
          return density(value) * average(dimension + 1);
        },
        -reach, reach);
  };
  const int active = (spreads[0] != 0.0) + (spreads[1] != 0.0) + (spreads[2] != 0.0);
  if (active == 3) {
    // All three: the nested adaptive rule costs the product of its levels' evaluations (28-60 s a
    // row). The tensor Gauss-Legendre rule of n nodes per spread, n raised until two orders agree
    // to kTensorTolerance, costs n^3 Siegert rates a try (about 4 us each): 0.25 s to 2.3 s a row
    // at the study's neuron with spreads of 5 pA, 1 mV and 1 ms, sigma >= 20. Where it does not settle
    // by 64 nodes (a membrane noise narrower than the spreads' shifts of the threshold: sigma 10
    // there), the nested rule.
    double previous = std::numeric_limits<double>::quiet_NaN();
    for (const std::size_t nodes : {22, 28, 36, 48, 64}) {
      const double value = tensor_gauss_legendre_average(nodes, reach, density, rate_at);
      if (std::fabs(value - previous) <= kTensorTolerance * std::fabs(value)) {
        point.rate_hz = value;
        return point;
      }
      previous = value;
    }
  }
  if (active > 0) point.rate_hz = average(0);
  return point;
}

}  // namespace srlif
