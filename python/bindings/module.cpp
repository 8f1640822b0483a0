// srlif._core: the Python package's binding of the library (nanobind). It
// reads keyword arguments through each command's own options (the same
// names, defaults and checks as the command line: src/cli/*_command.hpp),
// runs the library's jobs with the GIL released, and hands results back as
// NumPy arrays. Progress and stop travel through a Control object of atomics,
// so that the simulation never needs the GIL; the Python layer polls it.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "cli/config_file.hpp"
#include "cli/numeric_flags.hpp"
#include "cli/population_command.hpp"
#include "cli/reproduce_command.hpp"
#include "cli/sweep_command.hpp"
#include "cli/theory_command.hpp"
#include "cli/trace_command.hpp"
#include "srlif/errors.hpp"
#include "srlif/io/bounded_file.hpp"
#include "srlif/io/output_reader.hpp"
#include "srlif/io/point_tables.hpp"
#include "srlif/measures/metrics.hpp"
#include "srlif/planning/axes.hpp"
#include "srlif/running/backend_registry.hpp"
#include "srlif/running/merge_job.hpp"
#include "srlif/version.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace srlif::python {
namespace {

using Values = std::vector<std::pair<std::string, std::string>>;

// Progress and stop between the simulation's worker thread and Python.
struct Control {
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::uint64_t> total{0};
  std::atomic<int> stop_code{0};

  RunControl run_control() {
    RunControl control;
    control.progress = [this](std::uint64_t steps_done, std::uint64_t steps_total) {
      total.store(steps_total, std::memory_order_relaxed);
      done.store(steps_done, std::memory_order_relaxed);
    };
    control.stop_requested = [this] { return stop_code.load(std::memory_order_relaxed); };
    return control;
  }
};

template <typename T>
nb::ndarray<nb::numpy, T, nb::ndim<1>> to_numpy(std::vector<T> values) {
  auto* held = new std::vector<T>(std::move(values));
  nb::capsule owner(held, [](void* pointer) noexcept { delete static_cast<std::vector<T>*>(pointer); });
  return nb::ndarray<nb::numpy, T, nb::ndim<1>>(held->data(), {held->size()}, owner);
}

// A command's options, registered on their own CLI11 app (the struct must stay where it
// is made: the app holds references into `options`).
template <typename Options>
struct CommandOptions {
  CLI::App app;
  Options options;
  explicit CommandOptions(void (*add)(CLI::App&, Options&)) {
    add(app, options);
    cli::require_plain_numbers(app);
  }
  CommandOptions(const CommandOptions&) = delete;
  CommandOptions& operator=(const CommandOptions&) = delete;

  // The keyword values, applied like a config file's keys (source "python"), then the
  // --config file if the command has one and one was named.
  void apply(const Values& values) {
    cli::apply_option_values(app, values, "python");
    if constexpr (requires { options.output.config; }) {
      cli::apply_config_file(app, options.output.config);
    } else if constexpr (requires { options.config; }) {
      cli::apply_config_file(app, options.config);
    }
  }
};

// Every option of a command: name (long flag without dashes), kind, default, help.
nb::list describe(const CLI::App& app) {
  nb::list out;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_lnames().empty()) continue;  // --help
    const std::string name = option->get_lnames().front();
    if (name == "help") continue;
    const std::string type = option->get_type_name();
    const bool axis = std::any_of(kAxes.begin(), kAxes.end(),
                                  [&name](const AxisInfo& info) { return info.flag.substr(2) == name; });
    std::string kind = axis                              ? "axis"
                       : option->get_expected_min() == 0 ? "flag"
                       : type.starts_with("FLOAT")       ? "float"
                       : type.starts_with("UINT")        ? "uint"
                       : type.starts_with("INT")         ? "int"
                                                         : "text";
    nb::dict entry;
    entry["name"] = name;
    entry["kind"] = kind;
    entry["default"] = option->get_default_str();
    entry["help"] = option->get_description();
    entry["group"] = option->get_group();
    out.append(entry);
  }
  return out;
}

// The grid's axes (axes.hpp): name, flag, unit, in grid order.
nb::list axes() {
  nb::list out;
  for (const AxisInfo& info : kAxes) {
    nb::dict entry;
    entry["name"] = std::string(info.name);
    entry["flag"] = std::string(info.flag);
    entry["unit"] = std::string(info.unit);
    out.append(entry);
  }
  return out;
}

nb::list options(const std::string& command) {
  if (command == "sweep") return describe(CommandOptions<cli::SweepOptions>(cli::add_sweep_options).app);
  if (command == "population")
    return describe(CommandOptions<cli::PopulationOptions>(cli::add_population_options).app);
  if (command == "trace") return describe(CommandOptions<cli::TraceOptions>(cli::add_trace_options).app);
  if (command == "theory") return describe(CommandOptions<cli::TheoryOptions>(cli::add_theory_options).app);
  if (command == "reproduce")
    return describe(CommandOptions<cli::ReproduceOptions>(cli::add_reproduce_options).app);
  throw std::invalid_argument("no command " + command);
}

// The threads that `threads = 0` means here: OpenMP's limit for the calling
// thread (OMP_NUM_THREADS, threadpoolctl), read before the run moves to a worker thread.
int max_threads() { return omp_get_max_threads(); }

// Whether resume=True found nothing to resume (the run started afresh).
bool run_sweep(const Values& values, const std::string& command_line, Control& control) {
  CommandOptions<cli::SweepOptions> parsed(cli::add_sweep_options);
  parsed.apply(values);
  SweepJob job = cli::to_sweep_job(parsed.options, parsed.app);
  job.command_line = command_line;
  job.resume_hint = "call it again with resume=True to continue";
  const nb::gil_scoped_release release;
  return run_sweep_job(job, control.run_control()).resume_found_nothing;
}

void run_population(const Values& values, const std::string& command_line, Control& control) {
  CommandOptions<cli::PopulationOptions> parsed(cli::add_population_options);
  parsed.apply(values);
  PopulationJob job = cli::to_population_job(parsed.options, parsed.app);
  job.command_line = command_line;
  const nb::gil_scoped_release release;
  run_population_job(job, control.run_control());
}

// The library's objectives and measure columns (name, unit, whole number or not), which the
// Python package reads instead of listing them again.
nb::list objectives() {
  nb::list names;
  for (const Objective objective : kObjectives) names.append(objective_name(objective));
  return names;
}

nb::list metric_columns() {
  nb::list columns;
  for (const ColumnInfo& column : metric_column_info()) {
    nb::dict entry;
    entry["name"] = column.name;
    entry["unit"] = column.unit;
    entry["integer"] = column.integer;
    columns.append(entry);
  }
  return columns;
}

// srlif.merge: the merge job of `srlif merge` (merge_job.hpp).
nb::dict run_merge(const std::vector<std::string>& shards, const std::string& out,
                   const std::string& command_line) {
  MergeReport report;
  {
    const nb::gil_scoped_release release;
    report = run_merge_job(MergeJob{shards, out, command_line});
  }
  nb::dict result;
  result["shards"] = report.shards;
  result["grid_points"] = report.grid_points;
  return result;
}

nb::dict run_trace(const Values& values) {
  CommandOptions<cli::TraceOptions> parsed(cli::add_trace_options);
  parsed.apply(values);
  const TraceJob job = cli::to_trace_job(parsed.options);
  std::vector<TraceSample> samples;
  {
    const nb::gil_scoped_release release;
    samples = run_trace_job(job);
  }
  std::vector<double> time(samples.size()), input(samples.size());
  std::vector<float> v(samples.size());
  std::vector<std::uint8_t> spike(samples.size());
  for (std::size_t k = 0; k < samples.size(); ++k) {
    time[k] = samples[k].time_ms;
    v[k] = samples[k].v_mv;
    input[k] = samples[k].input_pa;
    spike[k] = samples[k].spike ? 1 : 0;
  }
  nb::dict out;
  out["time_ms"] = to_numpy(std::move(time));
  out["v_mv"] = to_numpy(std::move(v));
  out["input_pa"] = to_numpy(std::move(input));
  out["spike"] = to_numpy(std::move(spike));
  return out;
}

nb::dict run_theory(const Values& values) {
  CommandOptions<cli::TheoryOptions> parsed(cli::add_theory_options);
  parsed.apply(values);
  const TheoryTable table = run_theory_job(cli::to_theory_job(parsed.options, parsed.app));
  nb::dict out;
  // The dimensions, in grid order (sigma, amplitude, bias, frequency, the neuron's swept axes),
  // those of the table's axis columns.
  const std::vector<Axis> columns = theory_axes(table);
  nb::dict axes;
  for (const AxisInfo& info : kAxes) {
    if (std::ranges::find(columns, info.axis) != columns.end())
      axes[std::string(info.name).c_str()] = to_numpy(table.grid[info.axis]);
  }
  out["axes"] = axes;
  // The measure columns as the library declares them: name, unit, kind and values.
  nb::list measures;
  for (const TheoryColumn& column : theory_columns(table)) {
    nb::dict entry;
    entry["name"] = column.name;
    entry["unit"] = column.unit;
    entry["description"] = column.description;
    if (column.kind == TheoryColumnKind::text) {
      entry["kind"] = "text";
      nb::list texts;
      for (const std::string& text : theory_texts(table, column.name)) texts.append(text);
      entry["values"] = texts;
    } else {
      entry["kind"] = column.kind == TheoryColumnKind::flag ? "flag" : "number";
      entry["values"] = to_numpy(theory_numbers(table, column.name));
    }
    measures.append(entry);
  }
  out["columns"] = measures;
  // Each slice's sigma_opt for the objectives the response gives (theory_optima), by slice.
  nb::dict optima;
  for (const Objective objective : theory_objectives(table)) {
    const TheoryOptima found = theory_optima(table, objective);
    std::vector<double> sigma_opt;
    std::vector<double> refined;
    for (const SliceOptimum& optimum : found.optima) {
      sigma_opt.push_back(optimum.found ? optimum.sigma_opt : kNaN);
      refined.push_back(optimum.found ? optimum.sigma_opt_refined : kNaN);
    }
    nb::dict entry;
    entry["sigma_opt"] = to_numpy(std::move(sigma_opt));
    entry["sigma_opt_refined"] = to_numpy(std::move(refined));
    entry["value"] = to_numpy(std::vector<double>(found.values));
    optima[objective_name(objective)] = entry;
  }
  out["optima"] = optima;
  // The periodic state's rate over one period, point-major (kRateCurveSamples per point).
  if (table.response == TheoryResponse::periodic) {
    std::vector<double> curves;
    for (const PeriodicPoint& point : table.periodic)
      curves.insert(curves.end(), point.rate_curve_hz.begin(), point.rate_curve_hz.end());
    out["rate_curve_hz"] = to_numpy(std::move(curves));
    out["rate_curve_samples"] = kRateCurveSamples;
  }
  return out;
}

nb::dict run_reproduce(const Values& values, const std::string& command_line, const std::string& python,
                       const std::string& script, Control& control) {
  CommandOptions<cli::ReproduceOptions> parsed(cli::add_reproduce_options);
  parsed.apply(values);
  ReproduceJob job = cli::to_reproduce_job(parsed.options);
  job.command_line = command_line;
  job.plot_python = python;
  job.plot_script = script;
  ReproduceReport report;
  {
    const nb::gil_scoped_release release;
    report = run_reproduce_job(job, control.run_control());
  }
  nb::dict out;
  out["neuron_steps"] = report.neuron_steps;
  out["wall_seconds"] = report.wall_seconds;
  out["device"] = report.device;
  out["figure_error"] = report.figure_error;
  return out;
}

nb::dict axes_dict(const FolderAxes& axes) {
  nb::dict out;
  for (const auto& [name, values] : axes) out[name.c_str()] = to_numpy(values);
  return out;
}

// A sweep's folder (whole run, merged shards or one shard), read by the library
// (read_sweep_folder): the axes, every points.csv column over the whole grid (NaN
// at points another shard holds), sigma_opt for every objective, the exact tallies.
nb::dict read_sweep(const std::string& folder) {
  SweepFolder read = read_sweep_folder(folder);
  nb::dict columns;
  nb::list integer_columns;
  for (auto& [info, values] : read.columns) {
    columns[info.name.c_str()] = to_numpy(std::move(values));
    if (info.integer) integer_columns.append(info.name);
  }
  nb::dict optima;
  for (SliceOptima& found : read.optima) {
    nb::dict entry;
    entry["sigma_opt"] = to_numpy(std::move(found.sigma_opt));
    entry["sigma_opt_refined"] = to_numpy(std::move(found.sigma_opt_refined));
    entry["point"] = to_numpy(std::move(found.point));
    entry["eligible_points"] = to_numpy(std::move(found.eligible_points));
    optima[objective_name(found.objective)] = entry;
  }
  nb::dict tally_arrays;
  const auto field = [&](const char* name, auto member) {
    using Value = std::remove_cvref_t<decltype(PointTally{}.*member)>;
    std::vector<Value> values;
    values.reserve(read.tallies.size());
    for (const PointTally& tally : read.tallies) values.push_back(tally.*member);
    tally_arrays[name] = to_numpy(std::move(values));
  };
  field("neurons", &PointTally::neurons);
  field("spikes", &PointTally::spikes);
  field("spikes_squared", &PointTally::spikes_squared);
  field("cos_sum", &PointTally::cos_sum);
  field("sin_sum", &PointTally::sin_sum);
  field("valid_neurons", &PointTally::valid_neurons);
  field("strength_sum", &PointTally::strength_sum);
  field("strength_squared_sum", &PointTally::strength_squared_sum);

  nb::dict out;
  out["axes"] = axes_dict(read.axes);
  out["columns"] = columns;
  out["integer_columns"] = integer_columns;
  out["optima"] = optima;
  out["tallies"] = tally_arrays;
  out["computed"] = to_numpy(std::move(read.computed));
  out["objective"] = objective_name(read.objective);
  out["config_text"] = read.config_text;
  out["shard"] = shard_text(read.shard);
  return out;
}

// A population's folder, read by the library (read_population_folder): run.json's text and
// axes, and each table's columns as {name: (values, unit)} with its rows' grid points.
nb::dict read_population(const std::string& folder) {
  PopulationFolder read = read_population_folder(folder);
  const auto table = [](PopulationFolder::Table& rows) {
    nb::dict columns;
    for (TableColumn& column : rows.columns) {
      nb::object values = column.info.integer ? nb::cast(to_numpy(std::move(column.wholes)))
                                              : nb::cast(to_numpy(std::move(column.reals)));
      columns[column.info.name.c_str()] = nb::make_tuple(values, column.info.unit);
    }
    nb::dict out;
    out["point"] = to_numpy(std::move(rows.point));
    out["columns"] = columns;
    return out;
  };
  nb::dict out;
  out["run_json"] = read.run_json;
  out["axes"] = axes_dict(read.axes);
  out["summary"] = table(read.summary);
  out["phase_histogram"] = table(read.phase_histogram);
  out["psth"] = table(read.psth);
  if (read.has_raster) out["raster"] = table(read.raster);
  return out;
}

nb::dict info() {
  nb::dict out;
  out["version"] = kVersion;
  out["build_type"] = kBuildType;
  out["compiler"] = kCompiler;
  out["cpu_cores"] = omp_get_num_procs();
  const BackendKind& cuda = backend_kind("cuda");
  out["cuda_built"] = cuda.built();
  out["cuda_compiler"] = kCudaCompiler;
  out["cuda_architectures"] = kCudaArchitectures;
  out["cuda_build"] = cuda.built() ? cuda.build() : std::string();
  nb::list devices;
  std::string why_not;
  if (cuda.built()) {
    for (const DeviceInfo& device : cuda.devices(why_not)) {
      nb::dict entry;
      entry["index"] = device.index;
      entry["name"] = device.name;
      entry["compute_capability"] = device.compute_capability;
      entry["multiprocessors"] = device.multiprocessors;
      entry["memory_bytes"] = device.memory_bytes;
      entry["runs"] = device.runs;
      devices.append(entry);
    }
  } else {
    why_not = "the CUDA backend is not built";
  }
  out["devices"] = devices;
  out["why_no_device"] = devices.size() == 0 ? why_not : std::string();
  // The backend table (backend_registry.hpp): each backend, built or not, usable here or why not.
  nb::list backends;
  for (const BackendKind& kind : backend_kinds()) {
    nb::dict entry;
    entry["name"] = kind.name;
    entry["summary"] = kind.summary;
    entry["built"] = kind.built();
    entry["why_unusable"] = kind.why_unusable();
    backends.append(entry);
  }
  out["backends"] = backends;
  out["auto_backend"] = resolve_backend("auto").name;
  return out;
}

// "--v-th: must be ..." -> "v_th: must be ...": messages name the keyword argument.
std::string keyword_message(const std::string& message) {
  std::string out;
  for (std::size_t i = 0; i < message.size();) {
    const bool flag = message.compare(i, 2, "--") == 0 && i + 2 < message.size() && message[i + 2] >= 'a' &&
                      message[i + 2] <= 'z' && (i == 0 || message[i - 1] != '-');
    if (!flag) {
      out += message[i++];
      continue;
    }
    for (i += 2;
         i < message.size() && (std::islower(static_cast<unsigned char>(message[i])) ||
                                std::isdigit(static_cast<unsigned char>(message[i])) || message[i] == '-');
         ++i) {
      out += message[i] == '-' ? '_' : message[i];
    }
  }
  return out;
}

}  // namespace
}  // namespace srlif::python

NB_MODULE(_core, m) {
  using namespace srlif::python;
  m.doc() = "srlif's C++ core: the library that the srlif command line runs (see the srlif package).";
  m.attr("__version__") = srlif::kVersion;
  m.attr("STOP_INTERRUPT") = SIGINT;
  m.attr("STOP_REQUEST") = srlif::kStopRequested;

  // Python types of their own (not nanobind's nb::exception, whose translator would pass the
  // message on unchanged): messages name keyword arguments, not flags.
  static PyObject* input_error = PyErr_NewException("srlif._core.InputError", PyExc_ValueError, nullptr);
  static PyObject* interrupted =
      PyErr_NewException("srlif._core.Interrupted", PyExc_KeyboardInterrupt, nullptr);
  static PyObject* unavailable =
      PyErr_NewException("srlif._core.UnavailableError", PyExc_RuntimeError, nullptr);
  m.attr("InputError") = nb::handle(input_error);
  m.attr("Interrupted") = nb::handle(interrupted);
  m.attr("UnavailableError") = nb::handle(unavailable);
  nb::register_exception_translator([](const std::exception_ptr& error, void*) {
    try {
      std::rethrow_exception(error);
    } catch (const srlif::InputError& bad) {
      PyErr_SetString(input_error, keyword_message(bad.what()).c_str());
    } catch (const srlif::Interrupted& stop) {
      PyErr_SetString(interrupted, keyword_message(stop.what()).c_str());
    } catch (const srlif::UnavailableError& unusable) {
      PyErr_SetString(unavailable, keyword_message(unusable.what()).c_str());
    }
  });

  nb::class_<Control>(m, "Control")
      .def(nb::init<>())
      .def(
          "stop", [](Control& control, int code) { control.stop_code.store(code); }, "code"_a)
      .def_prop_ro("done", [](const Control& control) { return control.done.load(); })
      .def_prop_ro("total", [](const Control& control) { return control.total.load(); });

  m.def("axes", &axes, "The grid's axes in grid order: name, flag, unit.");
  m.def("options", &options, "command"_a, "Every option of a command: name, kind, default, help, group.");
  m.def("max_threads", &max_threads);
  m.def("info", &info);
  m.def("keyword_message", &keyword_message);
  m.def("run_sweep", &run_sweep, "values"_a, "command_line"_a, "control"_a);
  m.def("run_population", &run_population, "values"_a, "command_line"_a, "control"_a);
  m.def("objectives", &objectives, "What sigma_opt can maximise, in the optimum files' order.");
  m.def("metric_columns", &metric_columns, "The measure columns: name, unit, integer.");
  m.def("run_merge", &run_merge, "shards"_a, "out"_a, "command_line"_a);
  m.def("run_trace", &run_trace, "values"_a);
  m.def("run_theory", &run_theory, "values"_a);
  m.def("run_reproduce", &run_reproduce, "values"_a, "command_line"_a, "python"_a, "script"_a, "control"_a);
  m.def("read_sweep", &read_sweep, "folder"_a);
  m.def("read_population", &read_population, "folder"_a);
  m.def(
      "output_kind",
      [](const std::string& folder) {
        return srlif::output_kind(folder) == srlif::OutputKind::sweep ? "sweep" : "population";
      },
      "folder"_a, "Which a folder holds: 'sweep' or 'population' (InputError: neither).");
  // The library's rule for every file read back (bounded_file.hpp), for the files the package reads
  // itself (run.json, a population's CSVs): InputError "path: 'FILE' is a directory, not a file", ...
  m.def(
      "read_file",
      [](const std::string& path, std::uint64_t max_bytes) {
        std::string bytes = srlif::read_bounded_file(path, max_bytes, "path");
        return nb::bytes(bytes.data(), bytes.size());
      },
      "path"_a, "max_bytes"_a);
}
