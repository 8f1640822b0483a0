// Threshold integration (Richardson 2007, Phys. Rev. E 76:021919; 2008, Biol. Cybern. 99:381)
// of the white-noise LIF's Fokker-Planck equation, in the units that make it parameter-free:
// x = (V - mu)/sigma_V, time in tau_m, so that dx = (-x + a(s)) ds + dW and a current A is
// a = A/(g_L sigma_V). The flux is J = (-x + a) P - P'/2; every part below is integrated from the
// threshold b = (V_th - mu)/sigma_V down to a bound x_lb where the density is negligible:
//   stationary, per unit rate:  p0' = -2x p0 - 2 j0,  j0 = 1 above the reset x_r, 0 below;
//                                I0' = -p0 (I0 = Int_x^b p0, so r0 = 1/(I0(x_lb) + t_ref/tau_m));
//   signal (a = e^{i W s}), E:   pE' = -2x pE + 2 p0 - 2 jE,  jE' = -i W pE,  zero at b;
//   unit flux out at b, h:       ph' = -2x ph - 2 jh,  jh' = -i W ph,  ph(b) = 0, jh(b) = 1;
//   unit flux in at x_r, s:      the same equations below x_r, ps(x_r) = 0, js(x_r) = -1.
// No flux leaves at x_lb: the first harmonic J1 = r1 (h + e^{-i W d} s) + a r0 E, d = t_ref/tau_m,
// gives chi = r1/a = -r0 jE / (jh + e^{-i W d} js) at x_lb, and the first-passage problem from
// the reset J = F h + s gives F = -js/jh (F times e^{-i W d} is the ISI's transform).
// Below x_lb the density has fallen by e^{-50} and every remaining solution is the one slowly
// varying mode, so the ratios no longer change.
//
// The parts grow like e^{b^2 - x^2} from the threshold down (a low rate is a large density per
// unit flux), beyond every double for b > 26; the state is integrated in segments and rescaled
// to a largest component of 1 after each, its logarithm kept (the equations are linear).
#include "srlif/measures/linear_response.hpp"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <mutex>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "srlif/errors.hpp"
#include "srlif/io/number_text.hpp"
#include "srlif/measures/reduced_neuron.hpp"
#include "srlif/measures/theory.hpp"

namespace srlif {
namespace {

using Complex = std::complex<double>;

// The solver's tolerances, relative to each component and absolute against the state's largest
// component (1 at the start of each segment).
constexpr double kSolverRelativeTolerance = 1e-11;
constexpr double kSolverAbsoluteTolerance = 1e-14;
// How far below min(x_r, 0) the integration goes: the density is down by e^{-kTailExponent}.
constexpr double kTailExponent = 50.0;

// y' = (m0 + x m1) y + source (matrices row-major), the source constant on each call's interval;
// the state in parts (part[i]: component i's), each stored with its own scale: the true
// component i is y[i] e^{log_scale[part[i]]}. The ODE the solver sees is the stored state's:
// every coefficient from component j to i is multiplied by e^{L(part j) - L(part i)}, the source
// by e^{-L(part i)} (`effective`, fixed for a segment).
struct LinearSystem {
  std::size_t size = 0;
  std::vector<double> m0;
  std::vector<double> m1;
  std::vector<double> source;
  std::vector<std::size_t> part;
  // What the solver integrates in the current segment.
  std::vector<double> effective_m0;
  std::vector<double> effective_m1;
  std::vector<double> effective_source;

  explicit LinearSystem(std::vector<std::size_t> parts)
      : size(parts.size()),
        m0(size * size, 0.0),
        m1(size * size, 0.0),
        source(size, 0.0),
        part(std::move(parts)) {}
  double& at0(std::size_t row, std::size_t column) { return m0[row * size + column]; }
  double& at1(std::size_t row, std::size_t column) { return m1[row * size + column]; }

  void set_scales(const std::vector<double>& log_scale) {
    effective_m0 = m0;
    effective_m1 = m1;
    effective_source = source;
    for (std::size_t row = 0; row < size; ++row) {
      effective_source[row] *= std::exp(-log_scale[part[row]]);
      for (std::size_t column = 0; column < size; ++column) {
        const std::size_t at = row * size + column;
        if (part[row] == part[column] || (m0[at] == 0.0 && m1[at] == 0.0)) continue;  // (0 * inf)
        const double factor = std::exp(log_scale[part[column]] - log_scale[part[row]]);
        effective_m0[at] *= factor;
        effective_m1[at] *= factor;
      }
    }
  }
};

int derivative(double x, const double y[], double dydx[], void* params) {
  const auto& system = *static_cast<const LinearSystem*>(params);
  const std::size_t n = system.size;
  for (std::size_t row = 0; row < n; ++row) {
    double sum = system.effective_source[row];
    for (std::size_t column = 0; column < n; ++column)
      sum += (system.effective_m0[row * n + column] + x * system.effective_m1[row * n + column]) * y[column];
    dydx[row] = sum;
  }
  return GSL_SUCCESS;
}

int jacobian(double x, const double y[], double* dfdy, double dfdx[], void* params) {
  const auto& system = *static_cast<const LinearSystem*>(params);
  const std::size_t n = system.size;
  for (std::size_t row = 0; row < n; ++row) {
    double sum = 0.0;
    for (std::size_t column = 0; column < n; ++column) {
      dfdy[row * n + column] =
          system.effective_m0[row * n + column] + x * system.effective_m1[row * n + column];
      sum += system.effective_m1[row * n + column] * y[column];
    }
    dfdx[row] = sum;
  }
  return GSL_SUCCESS;
}

// A state and, per part, the log of the factor it stands for.
struct ScaledState {
  std::vector<double> y;
  std::vector<double> log_scale;
};

// Each part to a largest component of 1 (a part still 0 keeps its scale).
void rescale(const LinearSystem& system, ScaledState& state) {
  std::vector<double> largest(state.log_scale.size(), 0.0);
  for (std::size_t i = 0; i < state.y.size(); ++i)
    largest[system.part[i]] = std::max(largest[system.part[i]], std::fabs(state.y[i]));
  for (std::size_t i = 0; i < state.y.size(); ++i) {
    const double by = largest[system.part[i]];
    if (by > 0.0 && std::isfinite(by)) state.y[i] /= by;
  }
  for (std::size_t k = 0; k < largest.size(); ++k) {
    if (largest[k] > 0.0 && std::isfinite(largest[k])) state.log_scale[k] += std::log(largest[k]);
  }
}

// The segments' ends from `from` down to `to` (to < from): steps of 1/2 where the state may
// grow (x above -growth_depth), geometric beyond, where every solution decays or varies slowly.
std::vector<double> segment_ends(double from, double to, double growth_depth) {
  std::vector<double> ends;
  double x = from;
  while (x > to) {
    double next = x > -growth_depth ? x - 0.5 : 1.5 * x;
    next = std::max(next, to);
    ends.push_back(next);
    x = next;
  }
  return ends;
}

struct DriverFree {
  void operator()(gsl_odeiv2_driver* driver) const { gsl_odeiv2_driver_free(driver); }
};

// Integrates `system` from x = from down to x = to (to < from) with GSL's implicit
// Bulirsch-Stoer stepper (Bader and Deuflhard: stiff, with the Jacobian), rescaling the parts
// after each segment.
void integrate_down(LinearSystem& system, ScaledState& state, double from, double to, double growth_depth) {
  // An interval below the solver's resolution changes the state by less than its tolerance.
  if (!(from - to > 1e-13 * std::max(1.0, std::fabs(from)))) return;
  static std::once_flag quiet;
  std::call_once(quiet, [] { gsl_set_error_handler_off(); });  // errors come back as codes
  gsl_odeiv2_system ode{derivative, jacobian, system.size, &system};
  double x = from;
  for (const double end : segment_ends(from, to, growth_depth)) {
    system.set_scales(state.log_scale);
    const double initial_step = -1e-3 * std::max(1.0, std::fabs(x));
    const std::unique_ptr<gsl_odeiv2_driver, DriverFree> driver(gsl_odeiv2_driver_alloc_y_new(
        &ode, gsl_odeiv2_step_bsimp, initial_step, kSolverAbsoluteTolerance, kSolverRelativeTolerance));
    if (!driver) throw std::bad_alloc();
    const int status = gsl_odeiv2_driver_apply(driver.get(), &x, end, state.y.data());
    if (status != GSL_SUCCESS) {
      throw std::runtime_error(std::string("threshold integration failed at x = ") + format_number(x) + ": " +
                               gsl_strerror(status));
    }
    x = end;
    rescale(system, state);
  }
}

// The 2x2 block of a part (p, j) at state offset k, complex as (re, im) pairs:
// p' = -2x p - 2 j, j' = -i W p.
void add_part(LinearSystem& system, std::size_t k, double omega) {
  for (std::size_t c = 0; c < 2; ++c) {
    system.at1(k + c, k + c) = -2.0;      // p: -2x p
    system.at0(k + c, k + 2 + c) = -2.0;  // p: -2 j
  }
  system.at0(k + 2, k + 1) = omega;   // Re j' = W Im p
  system.at0(k + 3, k + 0) = -omega;  // Im j' = -W Re p
}

// The neuron in the units above.
struct Reduced : ReducedNeuron {
  double x_lb = 0.0;  // lower bound
  double growth_depth = 0.0;
};

// The widest reduced distance and the highest reduced frequency the integration is asked to
// cover: beyond 1e140 (sigma_V below 1e-140 of the neuron's distances, a noiseless neuron to
// double precision) x^2 leaves the double range; beyond W = 1e5 (f tau_m above 16 kHz s) the
// solver's steps, which follow e^{sqrt(W) x}, grow too many.
constexpr double kMaxReducedDistance = 1e140;
constexpr double kMaxReducedFrequency = 1e5;
// The lowest 2 pi f <ISI> at which 1 - F (which is i 2 pi f <ISI> to first order) keeps six digits
// of the spectrum.
constexpr double kMinFrequencyTimesInterval = 1e-4;

// The neuron in the units above, after the rules of both entry points (siegert() has checked the
// neuron, bias and sigma; `point` is its stationary state).
Reduced reduce(const NeuronParams& neuron, const TheoryPoint& point, double frequency_hz) {
  Reduced r{reduced_neuron(neuron, point, frequency_hz)};
  if (!(std::max(std::fabs(r.b), std::fabs(r.x_r)) <= kMaxReducedDistance)) {
    throw InputError("--sigma",
                     "is too small for the linear response: the distances to threshold and reset are " +
                         format_number(std::max(std::fabs(r.b), std::fabs(r.x_r))) +
                         " sigma_V, at most 1e140 are integrated");
  }
  if (!(r.omega <= kMaxReducedFrequency)) {
    throw InputError("--frequency", "must be <= " +
                                        format_number(kMaxReducedFrequency * 1000.0 /
                                                      (2.0 * std::numbers::pi * neuron.tau_m)) +
                                        " Hz for the linear response (2 pi f tau_m <= 1e5)");
  }
  const double interval_phase = 2.0 * std::numbers::pi * frequency_hz / point.rate_hz;  // 2 pi f <ISI>
  if (interval_phase < kMinFrequencyTimesInterval) {
    throw InputError(
        "--frequency",
        "must be >= " + format_number(kMinFrequencyTimesInterval * point.rate_hz / (2.0 * std::numbers::pi)) +
            " Hz at a rate of " + format_number(point.rate_hz) +
            " Hz (2 pi f <ISI> >= 1e-4): below, the spectrum is not resolved");
  }
  const double low = std::min(r.x_r, 0.0);
  r.x_lb = -std::hypot(low, std::sqrt(kTailExponent));  // -sqrt(low^2 + 50), no overflow
  // Where a solution can grow going down: above 0 (the density's rise towards the mean) and,
  // at high frequency, where |x| < sqrt(2 W) (the oscillating modes' growth).
  r.growth_depth = std::sqrt(2.0 * r.omega) + 5.0;
  return r;
}

// The flux parts h (from b) and s (from x_r) at offsets k and k + 4 of `system`, parts
// part_h and part_h + 1, integrated to x_lb (with whatever else `system` holds, whose source is
// switched off below the reset by `below_reset`).
template <class BelowReset>
void integrate_flux_parts(LinearSystem& system, ScaledState& state, std::size_t k, std::size_t part_h,
                          const Reduced& r, BelowReset below_reset) {
  state.y[k + 2] = 1.0;  // jh(b) = 1
  const double reset = std::max(r.x_r, r.x_lb);
  integrate_down(system, state, r.b, reset, r.growth_depth);
  state.y[k + 6] = -1.0;  // js(x_r) = -1, on a scale of its own
  state.log_scale[part_h + 1] = 0.0;
  below_reset(system);
  integrate_down(system, state, reset, r.x_lb, r.growth_depth);
}

// F = -js/jh e^{-i W d}, the ISI's transform, from the flux parts at x_lb.
Complex isi_transform(const Reduced& r, const ScaledState& state, std::size_t k, std::size_t part_h) {
  const Complex j_h(state.y[k + 2], state.y[k + 3]);
  const Complex j_s(state.y[k + 6], state.y[k + 7]);
  return -(j_s / j_h) * std::exp(state.log_scale[part_h + 1] - state.log_scale[part_h]) *
         std::polar(1.0, -r.omega * r.dead);
}

double renewal_spectrum(double rate_hz, Complex isi) {
  return rate_hz * (1.0 - std::norm(isi)) / std::norm(1.0 - isi);
}

// Rules shared by both entry points; the point's stationary state (which validates the neuron,
// bias and sigma).
TheoryPoint checked_point(const NeuronParams& neuron, double bias_pa, double sigma, double frequency_hz) {
  if (!std::isfinite(frequency_hz) || !(frequency_hz > 0.0)) {
    throw InputError("--frequency", "must be > 0 Hz (got " + format_number(frequency_hz) + ")");
  }
  if (neuron.noise_tau != 0.0) {
    throw InputError("--noise-tau", "the linear response is computed for white noise only (--noise-tau 0)");
  }
  const TheoryPoint point = siegert(neuron, bias_pa, sigma);
  if (sigma == 0.0 && point.rate_hz > 0.0) {
    throw InputError("--sigma", "must be > 0 where the neuron fires without noise (mean potential " +
                                    format_number(point.mu_mv) +
                                    " mV above threshold): a noiseless neuron locks to the signal and has "
                                    "no linear response");
  }
  return point;
}

}  // namespace

double spontaneous_spectrum(const NeuronParams& neuron, double bias_pa, double sigma, double frequency_hz) {
  const TheoryPoint point = checked_point(neuron, bias_pa, sigma, frequency_hz);
  if (point.rate_hz == 0.0) return 0.0;
  const Reduced r = reduce(neuron, point, frequency_hz);
  // State: h = (ph, jh) and s = (ps, js), each (re, im).
  LinearSystem system({0, 0, 0, 0, 1, 1, 1, 1});
  add_part(system, 0, r.omega);
  add_part(system, 4, r.omega);
  ScaledState state{std::vector<double>(8, 0.0), {0.0, 0.0}};
  integrate_flux_parts(system, state, 0, 0, r, [](LinearSystem&) {});
  return renewal_spectrum(point.rate_hz, isi_transform(r, state, 0, 0));
}

LinearResponse linear_response(const NeuronParams& neuron, double bias_pa, double sigma,
                               double frequency_hz) {
  const TheoryPoint point = checked_point(neuron, bias_pa, sigma, frequency_hz);
  LinearResponse response;
  if (point.rate_hz == 0.0) return response;
  const Reduced r = reduce(neuron, point, frequency_hz);

  // State: the stationary part (p0, I0), E = (pE, jE), h, s, each complex one (re, im); four
  // parts, each on its own scale.
  LinearSystem system({0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3});
  system.at1(0, 0) = -2.0;  // p0' = -2x p0 - 2 j0
  system.source[0] = -2.0;  // j0 = 1 above the reset
  system.at0(1, 0) = -1.0;  // I0' = -p0
  add_part(system, 2, r.omega);
  system.at0(2, 0) = 2.0;  // Re pE' += 2 p0
  add_part(system, 6, r.omega);
  add_part(system, 10, r.omega);
  ScaledState state{std::vector<double>(14, 0.0), {0.0, 0.0, 0.0, 0.0}};
  integrate_flux_parts(system, state, 6, 2, r, [](LinearSystem& s) { s.source[0] = 0.0; });

  const std::vector<double>& log_scale = state.log_scale;
  // r0 per tau_m = 1 / (I0 e^L0 + d) = e^{-L0} / (I0 + d e^{-L0}).
  const double inverse_scale = std::exp(-log_scale[0]);
  const double rate = inverse_scale / (state.y[1] + r.dead * inverse_scale);
  // chi = -r0 jE / (jh + e^{-i W d} js), every j in E's scale.
  const Complex j_e(state.y[4], state.y[5]);
  const Complex j_h = Complex(state.y[8], state.y[9]) * std::exp(log_scale[2] - log_scale[1]);
  const Complex j_s = Complex(state.y[12], state.y[13]) * std::exp(log_scale[3] - log_scale[1]);
  const Complex chi =
      -rate * j_e / (j_h + std::polar(1.0, -r.omega * r.dead) * j_s);  // per unit a, per tau_m

  const double per_tau_to_hz = 1000.0 / neuron.tau_m;
  response.rate_hz = rate * per_tau_to_hz;
  // a = A / (g_L sigma_V): chi per pA = chi_a / (g_L sigma_V).
  response.susceptibility_hz_per_pa = chi * per_tau_to_hz / (neuron.g_leak * point.sigma_v_mv);
  response.isi_transform = isi_transform(r, state, 6, 2);
  response.spontaneous_spectrum_hz = renewal_spectrum(point.rate_hz, response.isi_transform);
  return response;
}

}  // namespace srlif
