// Linear response of the white-noise LIF neuron to a weak sinusoidal current, and the
// spontaneous spectrum of its spike train, by threshold integration (Richardson 2007, 2008):
// the Fokker-Planck equation's stationary and first-harmonic parts are integrated as ODEs in
// the membrane potential, from the threshold down, with a stiff (implicit Bulirsch-Stoer) solver of
// GSL under error control. See docs/theory.md, "Linear response".
//
// Conventions as theory.hpp: tau_m dV/dt = E_L - V + (I_bias + A sin(2 pi f t) + sigma xi)/g_L.
// To first order in A the rate is r(t) = r0 + A |chi| sin(2 pi f t - phi), chi in Hz per pA.
// The spike train is a renewal process; its two-sided power spectrum at f is
// S0(f) = r0 (1 - |F|^2) / |1 - F|^2, F = <e^{-i 2 pi f ISI}>, and tends to r0 at high f and to
// r0 CV^2 at f -> 0.
#pragma once

#include <complex>

#include "srlif/planning/neuron_params.hpp"

namespace srlif {

struct LinearResponse {
  double rate_hz = 0.0;  // r0, the stationary rate, from the same integration (= siegert's)
  // chi: the rate's complex amplitude per pA of a current A e^{i 2 pi f t} (Hz/pA).
  std::complex<double> susceptibility_hz_per_pa = 0.0;
  // F(f) = <e^{-i 2 pi f ISI}>, the ISI density's Fourier transform (refractory period included).
  std::complex<double> isi_transform = 0.0;
  double spontaneous_spectrum_hz = 0.0;  // S0(f), two-sided, Hz
};

// Threshold integration at `frequency_hz` (> 0) for the white-noise neuron (neuron.noise_tau
// must be 0) at bias `bias_pa` and noise `sigma` (> 0; sigma = 0 only where the neuron never
// fires, which gives 0 for every field). Where the stationary rate is below the double range
// every field is 0. Throws InputError naming the flag for input it cannot answer.
// Relative accuracy about 1e-8 (docs/theory.md).
LinearResponse linear_response(const NeuronParams& neuron, double bias_pa, double sigma, double frequency_hz);

// The spontaneous spectrum alone (the same integration without the signal's part): S0(f), Hz.
double spontaneous_spectrum(const NeuronParams& neuron, double bias_pa, double sigma, double frequency_hz);

}  // namespace srlif
