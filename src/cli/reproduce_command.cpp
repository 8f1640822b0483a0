// `srlif reproduce`: the reference study's five experiments, tables, report and figures.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "srlif/backend.hpp"
#include "srlif/errors.hpp"
#include "srlif/output.hpp"
#include "srlif/progress.hpp"
#include "srlif/reproduce.hpp"
#include "srlif/version.hpp"

namespace srlif::cli {
namespace {

struct ReproduceOptions {
  std::string out;
  std::int64_t trials = 0;  // 0: the study's own trial counts
  std::uint64_t seed = 1;
  double duration = 10000.0;
  std::string scheme = "euler";
  ExecutionOptions execution;
  bool figures = true;
  bool quiet = false;
  bool progress = false;
};

std::string quoted(const std::string& text) {
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
        python +
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
  explicit FigureDrawer(const std::filesystem::path& out) {
    const char* override_script = std::getenv("SRLIF_PLOT_SCRIPT");
    const std::string script = override_script != nullptr ? override_script : SRLIF_PLOT_SCRIPT;
    if (!std::filesystem::exists(script)) {
      error_ = "plotting script " + script + " not found";
      return;
    }
    const std::string python = plotting_python();
    if (python.empty()) {
      error_ = "no python3 with matplotlib (install python3-matplotlib)";
      return;
    }
    const std::string command = python + " " + quoted(script) + " --when-told " + quoted(out.string());
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

int run(const ReproduceOptions& options, const std::string& command_line) {
  if (options.out.empty()) throw InputError("--out", "is required");
  StudyProtocol protocol;
  if (options.trials < 0 || options.trials > 100000000) {
    throw InputError("--trials", "must be between 1 and 10^8 (0 = the study's own counts)");
  }
  if (options.trials > 0) protocol.set_trials(static_cast<std::uint64_t>(options.trials));
  protocol.seed = options.seed;
  protocol.time.duration = options.duration;
  protocol.scheme = parse_scheme(options.scheme, "--scheme");
  protocol.execution = options.execution;
  // Validate every experiment before anything is written.
  SweepConfig probe;
  probe.time = protocol.time;
  probe.execution = protocol.execution;
  probe.grid = Grid{{0.0}, {20.0}, {178.0}, {10.0}};
  validate(probe);

  const std::unique_ptr<Backend> backend = make_backend(options.execution.backend, options.execution.threads);
  const std::filesystem::path out(options.out);
  OutputDirectoryGuard guard(out);
  prepare_output_directory(out);

  std::unique_ptr<FigureDrawer> figures;
  if (options.figures) figures = std::make_unique<FigureDrawer>(out);

  const bool show_progress = options.progress || (!options.quiet && ::isatty(STDERR_FILENO));
  constexpr std::uint64_t kScale = 1000000;
  ProgressBar bar(kScale, show_progress);
  StudyOutput study = reproduce_study(protocol, *backend, [&bar](double fraction) {
    bar.update(static_cast<std::uint64_t>(fraction * kScale));
  });
  bar.finish();

  const double rate =
      study.wall_seconds > 0 ? static_cast<double>(study.neuron_steps) / study.wall_seconds : 0.0;
  std::string json = "{\n  \"srlif_version\": \"" + std::string(kVersion) + "\",\n";
  json += "  \"command_line\": " + json_string(command_line) + ",\n";
  json += "  \"trials\": " + std::to_string(options.trials) + ",\n";
  json += "  \"seed\": " + std::to_string(options.seed) + ",\n";
  json += "  \"duration_ms\": " + format_number(options.duration) + ",\n";
  json += "  \"scheme\": " + json_string(options.scheme) + ",\n";
  json += "  \"backend\": " + json_string(backend->name()) +
          ",\n  \"device\": " + json_string(backend->device()) + ",\n";
  json += "  \"wall_seconds\": " + format_number(study.wall_seconds) + ",\n";
  json += "  \"neuron_steps\": " + std::to_string(study.neuron_steps) + ",\n";
  json += "  \"neuron_steps_per_second\": " + format_number(rate) + "\n}\n";
  study.files.emplace_back("run.json", json);
  write_files_atomically(out, study.files);
  guard.commit();

  if (!options.quiet) {
    std::printf("simulated %.3g neuron-steps in %.2f s (%s, %.3g neuron-steps/s)\n",
                static_cast<double>(study.neuron_steps), study.wall_seconds, backend->device().c_str(), rate);
  }
  if (figures) {
    const std::string error = figures->draw();
    if (!error.empty()) {
      std::fprintf(stderr, "srlif: failed: figures not drawn: %s (tables and report.md are written)\n",
                   error.c_str());
      return 1;
    }
  }
  if (!options.quiet) {
    std::printf("wrote %s/report.md and tables (*.csv)%s\n", out.string().c_str(),
                options.figures ? " and figures (*.png)" : "");
  }
  return 0;
}

}  // namespace

CommandRunner add_reproduce_command(CLI::App& app, const std::string& command_line) {
  auto options = std::make_shared<ReproduceOptions>();
  CLI::App* command = app.add_subcommand(
      "reproduce", "Run the reference study's five experiments (H1-H5): tables, report.md and figures");
  command->add_option("--out", options->out, "Output directory; required");
  command->add_option("--trials", options->trials,
                      "Neurons per grid point in every experiment (default: the study's 20 / 15 / 50)");
  command->add_option("--seed", options->seed, "Random seed")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command->add_option("--duration", options->duration, "Simulated time per neuron, ms")
      ->capture_default_str();
  command->add_option("--scheme", options->scheme, "euler (the study's scheme) | exact")
      ->capture_default_str();
  command->add_option("--backend", options->execution.backend, "auto | cpu | cuda")->capture_default_str();
  command->add_option("--threads", options->execution.threads, "CPU threads, 0 = all cores")
      ->capture_default_str();
  command->add_flag("!--no-figures", options->figures, "Tables and report only");
  command->add_flag("--quiet", options->quiet, "No summary, no progress bar");
  command->add_flag("--progress", options->progress, "Progress bar even when stderr is not a terminal");
  return [options, command_line] { return run(*options, command_line); };
}

}  // namespace srlif::cli
