#!/usr/bin/env python3
"""Reference values for tests/linear_response_test.cpp: the exact linear response and spike-train
spectrum of the white-noise LIF neuron with refractory period (Lindner & Schimansky-Geier 2001,
Phys. Rev. Lett. 86:2934), through parabolic cylinder functions of complex order (mpmath.pcfd),
at 40 digits -- a method independent of srlif's threshold integration.

In the reduced units of src/measures/linear_response.cpp (x = (V - mu)/sigma_V, time in tau_m,
noise intensity D = 1/2, mean 0), with z_T = -b/sqrt(D), z_R = -x_r/sqrt(D) and
Delta = (x_r^2 - b^2)/(4 D):
  chi(w) = r0 i w / (sqrt(D) (i w - 1)) [D_{iw-1}(z_T) - e^Delta D_{iw-1}(z_R)]
                                        / [D_{iw}(z_T) - e^Delta e^{i w t_ref} D_{iw}(z_R)]
  S(w)   = r0 [|D_{iw}(z_T)|^2 - e^{2 Delta} |D_{iw}(z_R)|^2] / |D_{iw}(z_T) - e^Delta e^{i w t_ref} D_{iw}(z_R)|^2
Their chi multiplies e^{-i w t}; srlif's, e^{+i w t}, is its complex conjugate.

Run: python3 tests/reference/lindner_linear_response.py BIAS SIGMA FREQUENCY T_REF
(the reference neuron of DESIGN.md otherwise: V_th -55, V_reset = E_L = -75 mV, tau_m 10 ms, g_L 10 nS).
Prints rate_hz, Re chi, Im chi (Hz/pA) and S (Hz), 17 digits.
"""
import sys

import mpmath as mp

mp.mp.dps = 40


def reference(bias, sigma, frequency, t_ref, v_th=-55, v_reset=-75, e_leak=-75, tau_m=10, g_leak=10):
    bias, sigma, frequency, t_ref = (mp.mpf(v) for v in (bias, sigma, frequency, t_ref))
    mu = e_leak + bias / g_leak
    sigma_v = sigma / (g_leak * mp.sqrt(tau_m))
    b = (v_th - mu) / sigma_v
    x_r = (v_reset - mu) / sigma_v
    w = 2 * mp.pi * frequency * tau_m / 1000
    dead = t_ref / tau_m
    d = mp.mpf(1) / 2
    z_t, z_r = -b / mp.sqrt(d), -x_r / mp.sqrt(d)
    delta = (x_r**2 - b**2) / (4 * d)
    # Siegert: 1/r0 = t_ref + sqrt(pi) Int_{x_r}^b e^{u^2} erfc(-u) du (per tau_m)
    r0 = 1 / (dead + mp.sqrt(mp.pi) * mp.quad(lambda u: mp.exp(u**2) * mp.erfc(-u), [x_r, min(0, b), b]))
    iw = 1j * w
    denominator = mp.pcfd(iw, z_t) - mp.exp(delta) * mp.exp(iw * dead) * mp.pcfd(iw, z_r)
    chi = r0 * iw / (mp.sqrt(d) * (iw - 1)) * (mp.pcfd(iw - 1, z_t) - mp.exp(delta) * mp.pcfd(iw - 1, z_r)) / denominator
    spectrum = r0 * (abs(mp.pcfd(iw, z_t)) ** 2 - mp.exp(2 * delta) * abs(mp.pcfd(iw, z_r)) ** 2) / abs(denominator) ** 2
    per_tau_to_hz = mp.mpf(1000) / tau_m
    chi_per_pa = mp.conj(chi) * per_tau_to_hz / (g_leak * sigma_v)
    return r0 * per_tau_to_hz, chi_per_pa, spectrum * per_tau_to_hz


if __name__ == "__main__":
    rate, chi, spectrum = reference(*sys.argv[1:5])
    print(mp.nstr(rate, 17), mp.nstr(chi.real, 17), mp.nstr(chi.imag, 17), mp.nstr(spectrum, 17))
