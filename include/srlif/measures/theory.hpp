// Stationary theory of the LIF neuron driven by white noise (no signal, A = 0),
// and by coloured noise to first order in sqrt(tau_s/tau_m) (Fourcaud & Brunel 2002):
// the free membrane potential's mean and standard deviation, and the firing
// rate from the Siegert (Ricciardi) first-passage formula with a refractory
// period. See docs/theory.md.
//
// Conventions (DESIGN.md section 1): tau_m dV/dt = E_L - V + I/g_L with
// I = I_bias + sigma xi(t), sigma in pA sqrt(ms). In Brunel's (2000) form
// tau_m dV = (mu - V) dt + sigma_V sqrt(tau_m) dW this is
//   mu      = E_L + I_bias / g_L          (mV)
//   sigma_V = sigma / (g_L sqrt(tau_m))   (mV)
// and the free (threshold-less) membrane is Gaussian with mean mu and
// standard deviation sigma_V / sqrt(2).
#pragma once

#include "srlif/planning/neuron_params.hpp"
#include "srlif/planning/spread.hpp"

namespace srlif {

struct TheoryPoint {
  double mu_mv = 0.0;       // E_L + I_bias / g_L
  double sigma_v_mv = 0.0;  // sigma / (g_L sqrt(tau_m)), Brunel's sigma
  double mean_v_mv = 0.0;   // free membrane mean, = mu
  double std_v_mv = 0.0;    // free membrane standard deviation, sigma_V / sqrt(2)
  double rate_hz = 0.0;     // stationary firing rate; 0 when it is below the double range
  // tau_s / tau_m: 0 for white noise (the Siegert formula, exact), else the rate is Fourcaud and
  // Brunel's first-order correction for coloured noise (below), valid for small ratios only.
  double noise_tau_ratio = 0.0;
};

// Fourcaud & Brunel (2002, Neural Computation 14:2057), coloured noise of correlation time
// tau_s: to first order in sqrt(tau_s/tau_m) the rate is the Siegert rate with threshold and
// reset both shifted up by sigma_V (alpha/2) sqrt(tau_s/tau_m), alpha = sqrt(2) |zeta(1/2)|.
// Their sigma is sigma_V above (their noise current, in mV, tends to sigma_V sqrt(tau_m) xi).
inline constexpr double kFourcaudBrunelAlpha = 2.0652531522312172;  // sqrt(2) |zeta(1/2)|
// The ratio tau_s/tau_m up to which the output calls the correction valid (docs/accuracy.md
// measures its error there).
inline constexpr double kFourcaudBrunelValidRatio = 0.1;

// The stationary point of `neuron` at bias current `bias_pa` (pA) and noise
// intensity `sigma` (pA sqrt(ms), >= 0):
//   1/nu = t_ref + tau_m sqrt(pi) Int_{(V_reset-mu)/sigma_V}^{(V_th-mu)/sigma_V} e^{u^2} (1 + erf u) du.
// sigma = 0 gives the deterministic rate: 1/nu = t_ref + tau_m ln((mu-V_reset)/(mu-V_th))
// above threshold, 0 at or below it; the formula tends to it as sigma -> 0.
// The integral is evaluated in scaled form (never overflows) to a relative
// accuracy of about 1e-10; far below threshold, where 1/nu exceeds the double
// range, the rate is exactly 0 -- never NaN or inf.
// Throws InputError naming the flag (--sigma, --bias, --tau-m, ...) for
// invalid input. The neuron's v_init plays no role. A neuron with noise_tau > 0 (coloured
// noise) takes the Fourcaud-Brunel shift of both bounds.
TheoryPoint siegert(const NeuronParams& neuron, double bias_pa, double sigma);

// A heterogeneous population's spreads (spread.hpp): each neuron's bias, threshold and tau_m
// deviate from the point's by spread x, x of mean 0 and standard deviation 1, independent.
struct PopulationSpread {
  double bias_pa = 0.0;
  double v_threshold_mv = 0.0;
  double tau_m_ms = 0.0;
  SpreadShape shape = SpreadShape::normal;
};

// The population-averaged stationary point: the Siegert rate averaged over the spreads'
// distribution (adaptive Gauss-Kronrod over each spread that is not 0, nested, on the support
// srlif draws from: |x| <= spread_reach; with all three, a tensor Gauss-Legendre rule whose order
// rises until two agree to 1e-9, docs/theory.md); the other fields are the point's own neuron's.
// With no spread it is siegert().
TheoryPoint population_siegert(const NeuronParams& neuron, double bias_pa, double sigma,
                               const PopulationSpread& spread);

// Natural log of the Siegert integral Int_a^b e^{u^2} (1 + erf u) du = Int_a^b erfcx(-u) du
// for finite a < b (dimensionless); +inf when the integral exceeds every double's log
// (b above about 1e154). Relative accuracy about 1e-10 of the integral itself.
double log_siegert_integral(double a, double b);

// The scaled complementary error function erfcx(x) = e^{x^2} erfc(x), to a
// few ulp for x >= 0 (where it is at most 1 and ~ 1/(x sqrt(pi)) for large x)
// and for negative x until e^{x^2} overflows (x < -26.6: +inf).
double erfcx(double x);

}  // namespace srlif
