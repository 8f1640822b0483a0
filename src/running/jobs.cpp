#include "srlif/running/jobs.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <numbers>
#include <utility>

#include "srlif/errors.hpp"
#include "srlif/io/csv_line.hpp"
#include "srlif/io/number_text.hpp"
#include "srlif/io/output_folder.hpp"
#include "srlif/io/population_output.hpp"
#include "srlif/io/run_json.hpp"
#include "srlif/io/staged_files.hpp"
#include "srlif/measures/linear_response.hpp"
#include "srlif/measures/spectrum.hpp"
#include "srlif/planning/grid.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/version.hpp"

namespace srlif {
namespace {

// A stop of a run that keeps no partial results (population, reproduce): said so, nothing written.
[[noreturn]] void rethrow_keeping_nothing(const Interrupted& stop, const std::string& run) {
  throw Interrupted(stop.signal(), std::string("interrupted by ") + stop_name(stop.signal()) + ": " + run +
                                       " keeps no partial results; nothing was written");
}

std::vector<std::string> names_of(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> names;
  for (const auto& file : files) names.push_back(file.first);
  return names;
}

std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The python interpreter that has matplotlib: $SRLIF_PYTHON, python3, /usr/bin/python3.
// Looks for the module without importing it (an import takes about a second).
std::string plotting_python() {
  std::vector<std::string> candidates;
  if (const char* chosen = std::getenv("SRLIF_PYTHON")) candidates.emplace_back(chosen);
  candidates.emplace_back("python3");
  candidates.emplace_back("/usr/bin/python3");
  for (const std::string& python : candidates) {
    const std::string probe =
        shell_quoted(python) +
        " -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec(\"matplotlib\") is None)'" +
        " >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return python;
  }
  return "";
}

// The project's matplotlib script, started before the simulation so that its
// imports overlap it; it draws once told that the tables are written, and
// exits without drawing when its input closes without that word.
class FigureDrawer {
 public:
  FigureDrawer(const std::filesystem::path& out, std::string python, std::string script) {
    if (script.empty()) {
      const char* override_script = std::getenv("SRLIF_PLOT_SCRIPT");
      script = override_script != nullptr ? override_script : SRLIF_PLOT_SCRIPT;
    }
    if (!std::filesystem::exists(script)) {
      error_ = "plotting script " + script + " not found";
      return;
    }
    if (python.empty()) python = plotting_python();
    if (python.empty()) {
      error_ = "no python3 with matplotlib (install python3-matplotlib)";
      return;
    }
    const std::string command =
        shell_quoted(python) + " " + shell_quoted(script) + " --when-told " + shell_quoted(out.string());
    std::fflush(nullptr);  // nothing buffered may be written twice by the child
    pipe_ = ::popen(command.c_str(), "w");
    if (pipe_ == nullptr) error_ = "could not start " + python;
  }
  FigureDrawer(const FigureDrawer&) = delete;
  FigureDrawer& operator=(const FigureDrawer&) = delete;
  ~FigureDrawer() {
    if (pipe_ != nullptr) ::pclose(pipe_);  // input closed unread: the script exits without drawing
  }

  // Tells the script to draw and waits for it; returns an error text or "".
  std::string draw() {
    if (pipe_ == nullptr) return error_;
    std::fputs("draw\n", pipe_);
    const int status = ::pclose(pipe_);
    pipe_ = nullptr;
    if (status != 0) {
      return "the plotting script failed (exit status " +
             std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : status) + ")";
    }
    return "";
  }

 private:
  FILE* pipe_ = nullptr;
  std::string error_;
};

}  // namespace

PopulationReport run_population_job(const PopulationJob& job, const RunControl& control) {
  PopulationReport report{make_plan(job.config), {}};
  const SweepPlan& plan = report.plan;
  if (job.out.empty()) throw InputError("--out", "is required (on the command line or in --config)");
  const std::unique_ptr<Backend> backend =
      make_backend(plan.config.execution.backend, plan.config.execution.threads);
  // The files: a row per point and per histogram bin, and, at most, a raster row for every spike
  // its neurons can fire (held in memory too, and bounded there by make_plan).
  // bounded by the writer's own tables (population_files_bytes), held in memory until written.
  const double text_bytes = population_files_bytes(plan);
  if (text_bytes > physical_memory_bytes() / 4.0) {
    throw InputError("--raster/--psth",
                     "the population's files could hold about " +
                         format_number(std::ceil(text_bytes / 1048576.0)) +
                         " MiB of text, held in memory until written: more than a quarter "
                         "of this machine's; ask for fewer points, phase bins, PSTH bins or "
                         "raster neurons");
  }
  check_output_fits_disk(65536.0 + text_bytes, free_disk_bytes(job.out), job.out,
                         "free some space, or ask for fewer points or raster neurons");
  OutputFolder folder(job.out);  // locked until the files are in place

  try {
    report.result = run_sweep(plan, *backend, progress_with_stop(control, plan.neuron_steps()));
  } catch (const Interrupted& stop) {
    rethrow_keeping_nothing(stop, "a population run");
  }
  const SweepResult& result = report.result;
  std::vector<std::pair<std::string, std::string>> files;
  try {
    files = population_files(plan, result, [&control] { return control.stop(); });
  } catch (const Interrupted& stop) {
    rethrow_keeping_nothing(stop, "a population run");
  }
  RunRecord record;
  record.version = kVersion;
  record.command_line = job.command_line;
  record.backend = result.backend;
  record.device = result.device;
  record.wall_seconds = result.wall_seconds;
  record.neuron_steps = result.neuron_steps;
  files.emplace_back("run.json", run_json(plan.config, record));
  write_files_atomically(job.out, files);
  folder.commit(names_of(files));
  return report;
}

std::vector<TraceSample> run_trace_job(const TraceJob& job, const RunControl& control) {
  SweepConfig config = job.config;
  for (const AxisInfo& info : kAxes) {
    if (config.grid[info.axis].size() != 1)
      throw InputError(std::string(info.flag), "trace takes a single value");
  }
  if (job.neuron < 0 || job.neuron >= (1LL << 32))
    throw InputError("--neuron", "must be between 0 and 2^32-1");
  // One neuron is simulated, whichever: its stream and its drawn parameters depend on its index alone.
  config.neurons = 1;
  const SweepPlan plan = make_plan(config);
  const auto samples = static_cast<double>(plan.samples);
  // Kept samples: the vector and the caller's arrays of them (the Python package's), ~64 bytes each.
  if (job.keep_samples && samples * 64.0 > physical_memory_bytes() / 4.0) {
    throw InputError("--duration",
                     "a trace of " + format_number(samples) + " samples would need about " +
                         format_number(std::ceil(samples * 64.0 / 1048576.0)) +
                         " MiB of memory, more than a quarter of this machine's; shorten --duration, "
                         "raise --dt, or write it to a file with the command line (streamed)");
  }
  if (job.out.empty()) return trace_neuron(plan, static_cast<std::uint64_t>(job.neuron));

  const OutputTarget target = output_target(job.out, "--out");
  if (!target.direct) {
    prepare_output_directory(target.directory());
    check_output_fits_disk(4096.0 + samples * kTraceRowBytes, free_disk_bytes(target.directory()),
                           target.directory(), "free some space, shorten --duration or raise --dt");
  }
  std::vector<TraceSample> kept;
  StagedFiles staged;  // its temporary is removed by any exception, a stop's too
  const std::size_t file = staged.create(target);
  staged.append(file, trace_csv_header());
  std::uint64_t written = 0;
  try {
    trace_neuron(plan, static_cast<std::uint64_t>(job.neuron), [&](const TraceSample& sample) {
      staged.append(file, trace_csv_row(sample));
      if (job.keep_samples) kept.push_back(sample);
      if (++written % 65536 == 0) {
        if (const int stop = control.stop()) throw Interrupted(stop, "");
      }
    });
    if (const int stop = control.stop()) throw Interrupted(stop, "");
  } catch (const Interrupted& stop) {
    rethrow_keeping_nothing(stop, "a trace");
  }
  staged.commit();
  return kept;
}

namespace {

// The linear response's columns at one point (docs/theory.md, "Linear response").
LinearPoint linear_point(const TheoryJob& job, const GridPoint& point, double rate_hz) {
  const NeuronParams neuron = point.neuron();
  const double frequency = point[Axis::frequency];
  const double amplitude = point[Axis::amplitude];
  const LinearResponse response = linear_response(neuron, point.bias(), point.sigma(), frequency);
  LinearPoint linear;
  linear.susceptibility_hz_per_pa = std::abs(response.susceptibility_hz_per_pa);
  linear.susceptibility_phase_rad = -std::arg(response.susceptibility_hz_per_pa);
  linear.spontaneous_spectrum_hz = response.spontaneous_spectrum_hz;
  const double modulation = std::fabs(amplitude) * linear.susceptibility_hz_per_pa;
  // A negative amplitude is the signal with its sign turned: half a period later.
  const double phase = linear.susceptibility_phase_rad + (amplitude < 0.0 ? std::numbers::pi : 0.0);
  linear.linear_vector_strength = rate_hz > 0.0 ? modulation / (2.0 * rate_hz) : kNaN;
  linear.linear_snr_db = expected_pooled_snr_db(
      rate_hz, modulation, phase,
      [&](double f) { return spontaneous_spectrum(neuron, point.bias(), point.sigma(), f); }, job.psth_bin_ms,
      job.duration_ms, job.neurons, frequency);
  return linear;
}

// The periodic state's columns at one point.
// The rules of a response to the signal (linear or periodic), before any point is computed.
void validate_response_job(const TheoryJob& job, const Grid& grid) {
  validate_axis(grid[Axis::amplitude], "--amplitude", -kMaxCurrent, false, "amplitude must be finite",
                kMaxCurrent);
  validate_axis(grid[Axis::frequency], "--frequency", 0.0, true, "signal frequency must be > 0 Hz", 1e300);
  for (const Axis axis : {Axis::noise_tau, Axis::bias_spread, Axis::v_threshold_spread, Axis::tau_m_spread}) {
    if (std::ranges::any_of(grid[axis], [](double value) { return value != 0.0; })) {
      const std::string what =
          job.response == TheoryResponse::linear ? "the linear response" : "the periodic state";
      throw InputError(std::string(axis_info(axis).flag),
                       axis == Axis::noise_tau ? what + " is computed for white noise only (--noise-tau 0)"
                                               : what + " is computed for a population without spreads (0)");
    }
  }
  if (job.neurons < 1) throw InputError("--neurons", "must be >= 1");
  if (!(job.duration_ms > 0.0) || !std::isfinite(job.duration_ms)) {
    throw InputError("--duration", "must be a finite number of ms > 0");
  }
  if (!(job.psth_bin_ms > 0.0 && job.psth_bin_ms <= job.duration_ms)) {
    throw InputError(
        "--psth", "bin width must be > 0 and <= --duration ms (got " + format_number(job.psth_bin_ms) + ")");
  }
}

}  // namespace

TheoryTable run_theory_job(const TheoryJob& job, const RunControl& control) {
  // A row is about 120 bytes; 10^7 rows is already a gigabyte of CSV.
  constexpr double kMaxRows = 1e7;
  const bool linear = job.response == TheoryResponse::linear;
  const bool periodic = job.response == TheoryResponse::periodic;
  const bool signal = linear || periodic;
  if (!job.rate_curve.empty() && !periodic) {
    throw InputError("--rate-curve", "is the periodic state's rate over a period: add --response periodic");
  }
  const double rows = grid_count(job.axes);
  if (rows > kMaxRows) {
    throw InputError("--sigma/--bias", "the grid has " + format_number(rows) + " points; at most " +
                                           format_number(kMaxRows) + " rows are written");
  }
  TheoryTable table{parse_grid(job.axes), job.response, {}, {}, {}};
  if (!signal) {
    // The stationary state has no signal: one value each.
    table.grid[Axis::amplitude] = {0.0};
    table.grid[Axis::frequency] = {10.0};
  }
  const Grid& grid = table.grid;
  validate_axis(grid[Axis::sigma], "--sigma", 0.0, false, "noise intensity must be >= 0 pA*sqrt(ms)",
                kMaxCurrent);
  validate_axis(grid[Axis::bias], "--bias", -1e300, false, "bias must be finite", kMaxCurrent);
  validate_neuron_axes(grid, job.spread_shape);
  if (signal) validate_response_job(job, grid);
  // --out is checked before computing, so a bad path fails without work; every row is
  // computed before writing, so bad input writes nothing.
  struct Output {
    OutputTarget target;
    double bytes;  // at most
    bool rate_curve;
  };
  std::vector<Output> outputs;  // the rate curve first
  if (!job.rate_curve.empty()) {
    outputs.push_back({output_target(job.rate_curve, "--rate-curve"),
                       4096.0 + rows * static_cast<double>(kRateCurveSamples) * 80.0, true});
  }
  if (!job.out.empty())
    outputs.push_back({output_target(job.out, "--out"), 4096.0 + rows * (signal ? 260.0 : 160.0), false});
  if (outputs.size() == 2 && !outputs[0].target.direct &&
      std::filesystem::absolute(outputs[0].target.path).lexically_normal() ==
          std::filesystem::absolute(outputs[1].target.path).lexically_normal()) {
    throw InputError("--rate-curve", "names the same file as --out");
  }
  for (const auto& [target, bytes, rate_curve] : outputs) {
    if (target.direct) continue;
    prepare_output_directory(target.directory());
    check_output_fits_disk(bytes, free_disk_bytes(target.directory()), target.directory(), "free some space");
  }
  try {
    compute_theory_rows(
        table, job.spread_shape,
        [&job](const GridPoint& point, double rate_hz) { return linear_point(job, point, rate_hz); },
        [&control] { return control.stop(); });
  } catch (const Interrupted& stop) {
    rethrow_keeping_nothing(stop, "theory");
  }
  // Both files at once (staged_files.hpp), the rate curve first.
  StagedFiles staged;
  for (const auto& [target, bytes, rate_curve] : outputs) {
    staged.append(staged.create(target), rate_curve ? theory_rate_curve_csv(table) : theory_csv(table));
  }
  staged.commit();
  return table;
}

ReproduceReport run_reproduce_job(const ReproduceJob& job, const RunControl& control) {
  if (job.out.empty()) throw InputError("--out", "is required");
  const StudyProtocol& protocol = job.protocol;
  // Validate every experiment before anything is written.
  SweepConfig probe;
  probe.time = protocol.time;
  probe.execution = protocol.execution;
  probe.grid = Grid{{0.0}, {20.0}, {178.0}, {10.0}};
  validate(probe);

  const std::unique_ptr<Backend> backend =
      make_backend(protocol.execution.backend, protocol.execution.threads);
  // The study's tables and figures are a few MiB whatever the trials.
  check_output_fits_disk(64.0 * 1048576.0, free_disk_bytes(job.out), job.out, "free some space");
  OutputFolder folder(job.out);  // locked until the files (and figures) are in place

  std::unique_ptr<FigureDrawer> figures;
  if (job.figures) figures = std::make_unique<FigureDrawer>(job.out, job.plot_python, job.plot_script);

  constexpr std::uint64_t kScale = 1000000;  // the study's progress, in parts per million
  const ProgressCallback progress = progress_with_stop(control, kScale);
  StudyOutput study;
  try {
    study = reproduce_study(protocol, *backend, [&progress](double fraction) {
      progress(static_cast<std::uint64_t>(fraction * kScale));
    });
  } catch (const Interrupted& stop) {
    rethrow_keeping_nothing(stop, "the study");
  }

  ReproduceReport report;
  report.neuron_steps = study.neuron_steps;
  report.wall_seconds = study.wall_seconds;
  report.device = backend->device();
  RunRecord record;
  record.version = kVersion;
  record.command_line = job.command_line;
  record.backend = backend->name();
  record.device = backend->device();
  record.wall_seconds = study.wall_seconds;
  record.neuron_steps = study.neuron_steps;
  const std::string json =
      study_run_json(StudyRunFacts{job.trials, protocol.seed, protocol.time.duration, protocol.scheme,
                                   protocol.time.warmup, protocol.theory},
                     record);
  study.files.emplace_back("run.json", json);
  write_files_atomically(job.out, study.files);
  std::vector<std::string> written = names_of(study.files);
  if (figures) written.insert(written.end(), figure_file_names().begin(), figure_file_names().end());
  folder.commit(written);
  if (figures) report.figure_error = figures->draw();
  return report;
}

}  // namespace srlif
