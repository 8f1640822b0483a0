// Harmonic balance of the white-noise LIF's Fokker-Planck equation under a sinusoidal drive, in
// the units of linear_response.cpp: x = (V - mu)/sigma_V, time s in tau_m, dx = (-x + a sin(W s)) ds
// + dW with a = A/(g_L sigma_V), W = 2 pi f tau_m; flux J = (-x + a sin W s) P - P'/2; threshold b,
// reset x_r, refractory period d = t_ref/tau_m.
//
// Density and flux as Fourier series in time, P(x, s) = sum_n P_n(x) e^{i n W s}, |n| <= K: the
// signal couples harmonic n to n - 1 and n + 1 through (a/2i)(P_{n-1} - P_{n+1}) in the flux.
// Finite volumes in x: the stationary drift's flux between two cells by Scharfetter-Gummel
// (exponentially fitted: exact for a locally constant flux, upwind where the drift dominates),
// the signal's by the face value interpolated linearly; absorbing threshold (P = 0 at the top
// face, its flux r_n = the rate's harmonic), no flux through the bottom face, the rate reinjected
// into the reset's cell after d (r_n e^{-i n W d}); normalisation sum P_0 h + d r_0 = 1 in place of
// one stationary equation. The density is real (P_{-n} = conj P_n): all harmonics n >= 0 of all
// cells, split into real and imaginary parts, are one real sparse linear system (Eigen: BiCGSTAB
// with an incomplete LU; SparseLU, COLAMD ordering, where that does not converge).
//
// The cells are uniform in xi, x = g(xi): g(xi) = xi above -X0, -X0 e^{-(xi + X0)/X0} below, X0 =
// 5 + |a| (cells growing like |x| where the drift dominates and the density varies on the scale
// |x|); the reset is a cell's centre and the threshold a face, on every grid, so that refining by
// 3 keeps both. The harmonics grow until the rate's last two are below 1e-9 of its mean; the grid
// is refined by 3 and the pair Richardson-extrapolated (second-order scheme: Q + (Q - Q_coarse)/8),
// and refined again while the fine grid's estimated error is above 5e-4 and the budget allows.
#include "srlif/measures/periodic_response.hpp"

#include <Eigen/IterativeLinearSolvers>
#include <Eigen/SparseCore>
#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

#include "srlif/errors.hpp"
#include "srlif/io/number_text.hpp"
#include "srlif/measures/reduced_neuron.hpp"
#include "srlif/measures/theory.hpp"

namespace srlif {
namespace {

using Complex = std::complex<double>;
constexpr Complex kI(0.0, 1.0);
constexpr double kDiffusion = 0.5;                                     // D in the reduced units
constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();  // a vector strength without spikes

// How far below min(x_r, -|a|, 0) the domain reaches: the density is down by e^{-50} there.
constexpr double kTailExponent = 50.0;
// The rate's harmonics kept until the last two are below this fraction of the mean rate.
constexpr double kHarmonicTail = 1e-9;
constexpr int kMaxHarmonics = 512;
// The largest system solved (cells x (2K + 1)); a further refinement is made while the fine
// grid's estimated error exceeds kTargetError (an upper bound of the extrapolated value's: the
// refinement study in docs/theory.md finds that 5-40 times smaller, within 1e-4) and its system
// has at most kRefinementBudget unknowns.
constexpr double kMaxUnknowns = 8e5;
constexpr double kTargetError = 5e-4;
constexpr double kRefinementBudget = 2.5e5;
// The linear solver: BiCGSTAB to this relative residual, preconditioned by an incomplete LU of
// this fill factor and drop tolerance.
constexpr double kSolverTolerance = 1e-13;
constexpr int kIncompleteFill = 4;
constexpr double kIncompleteDrop = 1e-4;

// Bernoulli function z / (e^z - 1), 1 at 0.
double bernoulli(double z) {
  if (std::fabs(z) < 1e-8) return 1.0 - 0.5 * z;
  return z / std::expm1(z);
}

struct Reduced : ReducedNeuron {
  double a = 0.0;        // the signal's amplitude, A/(g_L sigma_V)
  double x_lb = 0.0;     // the domain's bottom face
  double stretch = 0.0;  // X0
};

// The map x = g(xi) and its inverse: identity above -X0, exponential below.
double map_to_x(double xi, const Reduced& r) {
  return xi >= -r.stretch ? xi : -r.stretch * std::exp(-(xi + r.stretch) / r.stretch);
}
double map_to_xi(double x, const Reduced& r) {
  return x >= -r.stretch ? x : -r.stretch - r.stretch * std::log(-x / r.stretch);
}

// A grid: cells 0..N-1 with centres and faces in x, the reset's cell.
struct Grid1d {
  std::vector<double> centre;
  std::vector<double> face;  // N + 1 faces, face[i] below cell i
  std::size_t reset = 0;
};

// The grid of `cells_above` cells between the reset's centre and the threshold (the reset's
// half cell included: (xi_b - xi_r) = (cells_above + 1/2) h) and `cells_below` below the reset's.
Grid1d make_grid(const Reduced& r, std::size_t cells_above, std::size_t cells_below) {
  const double xi_b = map_to_xi(r.b, r);
  const double xi_r = map_to_xi(r.x_r, r);
  const double h = (xi_b - xi_r) / (static_cast<double>(cells_above) + 0.5);
  Grid1d grid;
  const std::size_t n = cells_below + 1 + cells_above;
  grid.reset = cells_below;
  for (std::size_t i = 0; i < n; ++i) {
    const double xi = xi_r + (static_cast<double>(i) - static_cast<double>(cells_below)) * h;
    grid.centre.push_back(map_to_x(xi, r));
  }
  for (std::size_t i = 0; i <= n; ++i) {
    const double xi = xi_r + (static_cast<double>(i) - static_cast<double>(cells_below) - 0.5) * h;
    grid.face.push_back(map_to_x(xi, r));
  }
  grid.face.back() = r.b;  // exactly, against the map's rounding
  return grid;
}

// The rate's harmonics r_0..r_K (per tau_m) on one grid with K harmonics. The density is real,
// P_{-n} = conj(P_n): the unknowns are, per cell, P_0 and the real and imaginary parts of P_1..P_K,
// and the equations harmonic 0's (real) and the real and imaginary parts of harmonics 1..K's, so
// that the system is real and of size cells x (2K + 1).
std::vector<Complex> solve_harmonics(const Reduced& r, const Grid1d& grid, int harmonics) {
  const std::size_t cells = grid.centre.size();
  const int block = 2 * harmonics + 1;
  // Row or column of (cell, harmonic n >= 0, part 0 real / 1 imaginary); P_0 has its real part only.
  const auto index = [&](std::size_t cell, int n, int part) {
    return static_cast<int>(cell) * block + (n == 0 ? 0 : 2 * n - 1 + part);
  };
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(cells * static_cast<std::size_t>(block) * 24);
  const Complex modulation = r.a / (2.0 * kI);  // a sin(W s) = (a/2i)(e^{iWs} - e^{-iWs})
  // Adds c P_{cell, m} (m of either sign: P_{-m} = conj P_m) to the equation of (row_cell, n >= 0).
  const auto add = [&](std::size_t row_cell, int n, std::size_t cell, int m, Complex c) {
    if (m < -harmonics || m > harmonics) return;
    const int row_re = index(row_cell, n, 0);
    const int row_im = index(row_cell, n, 1);
    if (m == 0) {  // P_0 real: c P_0
      entries.emplace_back(row_re, index(cell, 0, 0), c.real());
      if (n > 0) entries.emplace_back(row_im, index(cell, 0, 0), c.imag());
      return;
    }
    // c (X + i s Y), s = +1 for P_m, -1 for conj P_|m|.
    const double s = m > 0 ? 1.0 : -1.0;
    const int x = index(cell, std::abs(m), 0);
    const int y = index(cell, std::abs(m), 1);
    entries.emplace_back(row_re, x, c.real());
    entries.emplace_back(row_re, y, -s * c.imag());
    if (n > 0) {
      entries.emplace_back(row_im, x, c.imag());
      entries.emplace_back(row_im, y, s * c.real());
    }
  };
  // The flux through face f (between cells f-1 and f) of harmonic n, added with sign `sign` to
  // equation (row_cell, n): static Scharfetter-Gummel plus the signal's interpolated term.
  const auto add_face_flux = [&](std::size_t row_cell, int n, std::size_t f, double sign) {
    if (f == 0) return;  // the bottom face: no flux
    const double x_f = grid.face[f];
    const double v = -x_f;
    if (f == cells) {  // the threshold: P = 0 on the face
      const double delta = x_f - grid.centre[cells - 1];
      add(row_cell, n, cells - 1, n, sign * (kDiffusion / delta) * bernoulli(-v * delta / kDiffusion));
      return;
    }
    const std::size_t left = f - 1;
    const std::size_t right = f;
    const double delta = grid.centre[right] - grid.centre[left];
    const double z = v * delta / kDiffusion;
    add(row_cell, n, left, n, sign * (kDiffusion / delta) * bernoulli(-z));
    add(row_cell, n, right, n, -sign * (kDiffusion / delta) * bernoulli(z));
    const double w_left = (grid.centre[right] - x_f) / delta;
    const double w_right = (x_f - grid.centre[left]) / delta;
    for (const auto& [m, factor] : {std::pair{n - 1, 1.0}, std::pair{n + 1, -1.0}}) {
      add(row_cell, n, left, m, sign * factor * modulation * w_left);
      add(row_cell, n, right, m, sign * factor * modulation * w_right);
    }
  };
  const double top_delta = r.b - grid.centre[cells - 1];
  const double top_coefficient = (kDiffusion / top_delta) * bernoulli(r.b * top_delta / kDiffusion);
  for (std::size_t i = 0; i < cells; ++i) {
    const double width = grid.face[i + 1] - grid.face[i];
    for (int n = 0; n <= harmonics; ++n) {
      if (i == 0 && n == 0) continue;  // the normalisation's row
      // i n W h P = F(below) - F(above) + reinjection
      add(i, n, i, n, kI * static_cast<double>(n) * r.omega * width);
      add_face_flux(i, n, i, -1.0);
      add_face_flux(i, n, i + 1, 1.0);
      if (i == grid.reset) {
        const Complex delay = std::polar(1.0, -static_cast<double>(n) * r.omega * r.dead);
        add(i, n, cells - 1, n, -delay * top_coefficient);
      }
    }
  }
  // Normalisation: sum_i h_i P_{i,0} + d r_0 = 1.
  for (std::size_t i = 0; i < cells; ++i) {
    double value = grid.face[i + 1] - grid.face[i];
    if (i == cells - 1) value += r.dead * top_coefficient;
    entries.emplace_back(index(0, 0, 0), index(i, 0, 0), value);
  }
  const int size = static_cast<int>(cells) * block;
  Eigen::SparseMatrix<double, Eigen::RowMajor> matrix(size, size);
  matrix.setFromTriplets(entries.begin(), entries.end());
  Eigen::VectorXd right_side = Eigen::VectorXd::Zero(size);
  right_side(index(0, 0, 0)) = 1.0;
  // BiCGSTAB preconditioned by an incomplete LU (a few iterations); where it does not converge, a
  // complete sparse LU.
  Eigen::VectorXd density;
  Eigen::BiCGSTAB<Eigen::SparseMatrix<double, Eigen::RowMajor>, Eigen::IncompleteLUT<double>> iterative;
  iterative.setTolerance(kSolverTolerance);
  iterative.preconditioner().setFillfactor(kIncompleteFill);
  iterative.preconditioner().setDroptol(kIncompleteDrop);
  iterative.compute(matrix);
  if (iterative.info() == Eigen::Success) density = iterative.solve(right_side);
  if (iterative.info() != Eigen::Success) {
    Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> direct;
    direct.compute(Eigen::SparseMatrix<double>(matrix));
    if (direct.info() != Eigen::Success) {
      throw std::runtime_error("periodic Fokker-Planck system: factorisation failed (" +
                               direct.lastErrorMessage() + ")");
    }
    density = direct.solve(right_side);
  }
  std::vector<Complex> rate;
  for (int n = 0; n <= harmonics; ++n) {
    const Complex p = n == 0 ? Complex(density(index(cells - 1, 0, 0)), 0.0)
                             : Complex(density(index(cells - 1, n, 0)), density(index(cells - 1, n, 1)));
    rate.push_back(top_coefficient * p);
  }
  return rate;
}

// The harmonics on one grid, with K grown until the rate's last two are negligible.
std::vector<Complex> converged_harmonics(const Reduced& r, const Grid1d& grid, int& harmonics) {
  while (true) {
    const double unknowns = static_cast<double>(grid.centre.size()) * (2.0 * harmonics + 1.0);
    if (unknowns > kMaxUnknowns) {
      throw InputError("--sigma", "is too small for the periodic state at this --amplitude: its grid needs " +
                                      format_number(std::round(unknowns)) +
                                      " unknowns (cells x harmonics), at most " +
                                      format_number(kMaxUnknowns) +
                                      " are solved; raise --sigma or lower --amplitude "
                                      "(a = A/(g_L sigma_V) = " +
                                      format_number(r.a) + ")");
    }
    std::vector<Complex> rate = solve_harmonics(r, grid, harmonics);
    const double mean = std::fabs(rate[0].real());
    const double tail = std::max(std::abs(rate[harmonics]), std::abs(rate[harmonics - 1]));
    if (tail <= kHarmonicTail * mean || harmonics >= kMaxHarmonics) return rate;
    // The harmonics fall faster than exponentially (a smooth periodic rate): the decay over the
    // last quarter, extended, overestimates how many more are needed.
    const int quarter = std::max(1, harmonics / 4);
    const double slope = (std::log(std::abs(rate[harmonics]) + 1e-300) -
                          std::log(std::abs(rate[harmonics - quarter]) + 1e-300)) /
                         quarter;
    int needed = harmonics + std::max(4, harmonics / 2);
    if (slope < 0.0) {
      needed =
          static_cast<int>(std::ceil(harmonics + 1.1 * std::log(kHarmonicTail * mean / tail) / slope)) + 2;
    }
    harmonics = std::min(kMaxHarmonics, std::max(needed, harmonics + 4));
  }
}

PeriodicResponse from_harmonics(const std::vector<Complex>& rate_per_tau, double tau_m) {
  PeriodicResponse response;
  const double to_hz = 1000.0 / tau_m;
  for (const Complex& value : rate_per_tau) response.rate_harmonics_hz.push_back(value * to_hz);
  response.mean_rate_hz = response.rate_harmonics_hz[0].real();
  // r_0 + r_1 e^{iWs} + conj = r_0 + 2|r_1| cos(Ws + arg r_1) = r_0 + 2|r_1| sin(Ws - phase),
  // phase = -(arg r_1 + pi/2).
  const Complex first = response.rate_harmonics_hz.size() > 1 ? response.rate_harmonics_hz[1] : Complex(0.0);
  response.modulation_hz = 2.0 * std::abs(first);
  response.phase_rad = -std::arg(first * kI);
  response.vector_strength = response.mean_rate_hz > 0.0 ? std::abs(first) / response.mean_rate_hz : kNoValue;
  return response;
}

}  // namespace

std::vector<double> rate_over_period(const PeriodicResponse& response, std::size_t samples) {
  std::vector<double> rate(samples, 0.0);
  for (std::size_t k = 0; k < samples; ++k) {
    const double theta = 2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(samples);
    double value = response.rate_harmonics_hz.empty() ? 0.0 : response.rate_harmonics_hz[0].real();
    for (std::size_t n = 1; n < response.rate_harmonics_hz.size(); ++n)
      value += 2.0 * (response.rate_harmonics_hz[n] * std::polar(1.0, static_cast<double>(n) * theta)).real();
    rate[k] = value;
  }
  return rate;
}

PeriodicResponse periodic_response(const NeuronParams& neuron, double bias_pa, double sigma,
                                   double amplitude_pa, double frequency_hz, double coarse_step) {
  if (!(coarse_step > 0.0 && coarse_step <= 1.0))
    throw std::invalid_argument("periodic_response: coarse step");
  if (!std::isfinite(frequency_hz) || !(frequency_hz > 0.0)) {
    throw InputError("--frequency", "must be > 0 Hz (got " + format_number(frequency_hz) + ")");
  }
  if (!std::isfinite(amplitude_pa)) throw InputError("--amplitude", "must be a finite number");
  if (neuron.noise_tau != 0.0) {
    throw InputError("--noise-tau", "the periodic state is computed for white noise only (--noise-tau 0)");
  }
  const TheoryPoint point = siegert(neuron, bias_pa, sigma);
  if (sigma == 0.0) {
    // No noise: the neuron never fires if the drive's peak stays below threshold, and locks to it otherwise.
    if (point.mu_mv + std::fabs(amplitude_pa) / neuron.g_leak < neuron.v_threshold) {
      PeriodicResponse silent;
      silent.vector_strength = kNoValue;
      return silent;
    }
    throw InputError("--sigma",
                     "must be > 0 where the drive's peak reaches threshold: a noiseless neuron locks "
                     "to the signal (no Fokker-Planck density)");
  }
  Reduced r{reduced_neuron(neuron, point, frequency_hz)};
  r.a = amplitude_pa / (neuron.g_leak * point.sigma_v_mv);
  const double low = std::min({r.x_r, -std::fabs(r.a), 0.0});
  r.x_lb = -std::hypot(low, std::sqrt(kTailExponent)) - std::fabs(r.a);
  r.stretch = 5.0 + std::fabs(r.a);

  const double xi_b = map_to_xi(r.b, r);
  const double xi_r = map_to_xi(r.x_r, r);
  const double xi_lb = map_to_xi(r.x_lb, r);
  const auto above = static_cast<std::size_t>(std::max(1.0, std::ceil((xi_b - xi_r) / coarse_step - 0.5)));
  const double h = (xi_b - xi_r) / (static_cast<double>(above) + 0.5);
  const auto below = static_cast<std::size_t>(std::max(1.0, std::ceil((xi_r - xi_lb) / h - 0.5)));

  int harmonics = std::max(4, static_cast<int>(std::ceil(4.0 * std::fabs(r.a))));
  if (amplitude_pa == 0.0) harmonics = 1;
  // Two grids, the second's step a third of the first's, Richardson-extrapolated (the scheme is
  // second order in h); while the estimate of the error is above the target and a finer grid
  // fits the budget, the finer grid becomes the coarse one and a grid three times finer is added.
  std::size_t cells_above = above;
  std::size_t cells_below = below;
  std::vector<Complex> coarse = converged_harmonics(r, make_grid(r, cells_above, cells_below), harmonics);
  PeriodicResponse response;
  while (true) {
    cells_above = 3 * cells_above + 1;
    cells_below = 3 * cells_below + 1;
    const Grid1d fine_grid = make_grid(r, cells_above, cells_below);
    const std::vector<Complex> fine = converged_harmonics(r, fine_grid, harmonics);
    std::vector<Complex> extrapolated(fine.size());
    for (std::size_t n = 0; n < fine.size(); ++n) {
      const Complex coarse_n = n < coarse.size() ? coarse[n] : Complex(0.0);
      extrapolated[n] = fine[n] + (fine[n] - coarse_n) / 8.0;
    }
    response = from_harmonics(extrapolated, neuron.tau_m);
    const PeriodicResponse unextrapolated = from_harmonics(fine, neuron.tau_m);
    const auto relative = [](double x, double y) { return y != 0.0 ? std::fabs(x - y) / std::fabs(y) : 0.0; };
    // The fine grid's own error, estimated: an upper bound of the extrapolated one's (the
    // refinement study in docs/theory.md finds the extrapolated error 5-40 times smaller).
    response.relative_error = std::max(
        {relative(unextrapolated.mean_rate_hz, response.mean_rate_hz),
         relative(unextrapolated.modulation_hz, response.modulation_hz),
         response.modulation_hz > 0.0 ? std::fabs(unextrapolated.phase_rad - response.phase_rad) : 0.0});
    response.cells = fine_grid.centre.size();
    const double next_unknowns = 3.0 * static_cast<double>(response.cells) * (2.0 * harmonics + 1.0);
    if (response.relative_error <= kTargetError || next_unknowns > kRefinementBudget) break;
    coarse = fine;
  }
  return response;
}

}  // namespace srlif
