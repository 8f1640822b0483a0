// The reference study (DESIGN.md section 6) end to end: H1-H5 with the study's
// protocols (or more trials), tables, and a report that tests each hypothesis.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "srlif/planning/sweep_config.hpp"
#include "srlif/running/backend.hpp"

namespace srlif {

struct StudyProtocol {
  std::uint64_t h1_trials = 20;        // neurons per sigma, H1
  std::uint64_t h2_h3_trials = 15;     // neurons per sigma, H2 and H3
  std::uint64_t population = 50;       // H5 population size
  std::uint64_t heatmap_trials = 20;   // neurons per point of the sigma x A map
  std::string sigma_axis = "0:60:25";  // the study's sigma grid, pA sqrt(ms)
  std::string heatmap_amplitude_axis = "0:30:7";
  std::uint64_t seed = 1;
  TimeGrid time;  // 10 s at dt 0.1 ms, no warm-up
  Scheme scheme = Scheme::euler;
  bool theory = true;  // the periodic Fokker-Planck state beside H1 (h1_theory*.csv, the report)
  ExecutionOptions execution;

  // --trials N: every sweep uses N neurons per point (the population stays >= 50).
  void set_trials(std::uint64_t trials);
};

using FileList = std::vector<std::pair<std::string, std::string>>;

struct StudyOutput {
  FileList files;              // the tables and report.md
  std::uint64_t neuron_steps;  // simulated in all runs
  double wall_seconds;         // simulation and analysis
};

// Runs every experiment on `backend`; `progress` gets the fraction done (0..1).
StudyOutput reproduce_study(const StudyProtocol& protocol, Backend& backend,
                            const std::function<void(double)>& progress);

}  // namespace srlif
