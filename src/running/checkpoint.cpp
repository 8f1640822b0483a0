#include "srlif/running/checkpoint.hpp"

#include <algorithm>
#include <cstdio>

#include "srlif/errors.hpp"
#include "srlif/io/bounded_file.hpp"
#include "srlif/io/config_text.hpp"
#include "srlif/io/staged_files.hpp"
#include "srlif/io/tally_file.hpp"

namespace srlif {
namespace {

bool is_part_name(const std::string& name) { return name.starts_with("part-") && name.ends_with(".tallies"); }
bool is_state_name(const std::string& name) { return name.starts_with("state-") && name.ends_with(".state"); }

std::string numbered_name(const char* prefix, std::uint64_t first_point, const char* suffix) {
  char name[64];
  std::snprintf(name, sizeof name, "%s%012llu%s", prefix, static_cast<unsigned long long>(first_point),
                suffix);
  return name;
}

}  // namespace

Checkpoint::Checkpoint(const std::filesystem::path& out, std::string config_text, ShardSpec shard,
                       PointRange range, bool resume, double interval_seconds)
    : directory_(out / "checkpoint"),
      config_text_(std::move(config_text)),
      config_(parse_result_config_text(config_text_, "checkpoint")),
      shard_(shard),
      range_(range),
      interval_seconds_(interval_seconds),
      last_write_(std::chrono::steady_clock::now()),
      done_(range.end - range.first, false) {
  std::error_code error;
  std::vector<std::filesystem::path> parts;
  std::vector<std::filesystem::path> states;
  if (std::filesystem::exists(std::filesystem::symlink_status(directory_, error)) &&
      !std::filesystem::is_directory(directory_, error)) {
    throw InputError("--out", "'" + directory_.string() + "' is " + file_kind(directory_) +
                                  ", not the checkpoint folder srlif keeps there; move it away");
  }
  if (std::filesystem::is_directory(directory_, error)) {
    for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
      const std::string name = entry.path().filename().string();
      if (is_part_name(name)) {
        parts.push_back(entry.path());
      } else if (is_state_name(name)) {
        states.push_back(entry.path());
      } else if (const std::string staged = name.substr(0, name.find(".tmp."));
                 staged != name && (is_part_name(staged) || is_state_name(staged))) {
        std::filesystem::remove(entry.path(), error);  // a write that a kill interrupted: never committed
      }
    }
  }
  if (!resume) {
    if (!parts.empty() || !states.empty()) {
      throw InputError("--out",
                       "'" + out.string() + "' holds the checkpoint of an unfinished run (" +
                           std::to_string(parts.size()) + " parts, " + std::to_string(states.size()) +
                           " states); add --resume to continue it, or remove " + directory_.string());
    }
    return;
  }
  std::sort(parts.begin(), parts.end());
  for (const auto& part : parts) load(part);
  // A run that had finished left tallies.csv and no parts. Beside parts, tallies.csv belongs to
  // an earlier run in the same folder, or to this one killed while it removed its checkpoint
  // (the points whose parts are gone are computed again): it is not read. It is read before the
  // states, so that a state overlapping its points is found.
  const bool finished_run = parts.empty() && std::filesystem::exists(out / "tallies.csv", error);
  if (finished_run) load(out / "tallies.csv");
  found_nothing_ = parts.empty() && states.empty() && !finished_run;
  std::sort(states.begin(), states.end());
  for (const auto& state : states) load_state(state);
}

void Checkpoint::check_run(const std::filesystem::path& file, const std::string& config_text,
                           const ShardSpec& shard) const {
  if (config_text != config_text_) {
    throw InputError("--resume", file.string() + " was made with another configuration (" +
                                     first_difference(config_text, config_text_) +
                                     "); resume with the same options or use another --out");
  }
  if (!(shard == shard_)) {
    throw InputError(
        "--resume", file.string() + " belongs to shard " + shard_text(shard) + ", not " + shard_text(shard_));
  }
}

void Checkpoint::load(const std::filesystem::path& file) {
  const TallyFile tallies =
      read_tally_file(file, tally_file_bound(config_text_.size(), range_.end - range_.first));
  check_run(file, tallies.config_text, tallies.shard);
  check_tallies(tallies, config_, file.string());
  for (const std::uint64_t point : tallies.points) mark_finished(point, file);
  if (!tallies.points.empty()) sources_.emplace_back(tallies.points.front(), file);
}

void Checkpoint::mark_finished(std::uint64_t point, const std::filesystem::path& file) {
  if (point < range_.first || point >= range_.end) {
    throw InputError("--resume", file.string() + " holds grid point " + std::to_string(point) +
                                     ", which is not in this run: the checkpoint is corrupt");
  }
  if (done_[point - range_.first]) {  // parts never share a point
    throw InputError("--resume", file.string() + " repeats grid point " + std::to_string(point) +
                                     ": the checkpoint is corrupt");
  }
  done_[point - range_.first] = true;
  ++done_count_;
}

void Checkpoint::read_finished(const FinishedVisitor& visit) {
  flush();
  std::sort(sources_.begin(), sources_.end());
  // The parts whose first point has been reached; each is sorted, so the next point is at the head of one.
  struct OpenPart {
    TallyFile file;
    std::size_t at;
  };
  std::vector<OpenPart> open;
  std::size_t next_source = 0;
  for (std::uint64_t point = range_.first; point < range_.end; ++point) {
    for (; next_source < sources_.size() && sources_[next_source].first <= point; ++next_source) {
      const std::filesystem::path& path = sources_[next_source].second;
      TallyFile file =
          read_tally_file(path, tally_file_bound(config_text_.size(), range_.end - range_.first));
      check_run(path, file.config_text, file.shard);
      check_tallies(file, config_, path.string());
      if (!file.points.empty()) open.push_back({std::move(file), 0});
    }
    const auto part = std::find_if(open.begin(), open.end(), [&](const OpenPart& candidate) {
      return candidate.file.points[candidate.at] == point;
    });
    if (part == open.end()) {
      throw InputError("--resume", "grid point " + std::to_string(point) + " is missing from " +
                                       directory_.string() + ": the checkpoint is corrupt");
    }
    visit(point, part->file.tallies[part->at],
          part->file.spectra.empty() ? nullptr : &part->file.spectra[part->at]);
    if (++part->at == part->file.points.size()) open.erase(part);
  }
}

void Checkpoint::load_state(const std::filesystem::path& file) {
  StateFile state = read_state_file(
      file, state_file_bound(config_text_.size(), range_.end - range_.first, config_.neurons));
  check_run(file, state.config_text, state.shard);
  if (state.neurons_per_point != config_.neurons || state.points.front() < range_.first ||
      state.points.back() >= range_.end || state.state.next_step >= config_.time.samples() - 1) {
    throw InputError("--resume", file.string() + " holds a state that does not fit this run (" +
                                     std::to_string(state.neurons_per_point) + " neurons per point, step " +
                                     std::to_string(state.state.next_step) + "): it is corrupt");
  }
  check_state(state, config_, file.string());
  const auto finished = static_cast<std::size_t>(
      std::count_if(state.points.begin(), state.points.end(), [&](std::uint64_t point) {
        return point >= range_.first && point < range_.end && this->finished(point);
      }));
  std::error_code ignored;
  if (finished == state.points.size()) {  // its tallies reached a part before the state was removed
    std::filesystem::remove(file, ignored);
    return;
  }
  if (finished > 0 || file.filename() != numbered_name("state-", state.points.front(), ".state")) {
    throw InputError("--resume",
                     file.string() + " does not fit the checkpoint's finished points: it is corrupt");
  }
  for (const StateFile& other : started_) {
    if (std::find_first_of(other.points.begin(), other.points.end(), state.points.begin(),
                           state.points.end()) != other.points.end()) {
      throw InputError("--resume", file.string() + " shares grid points with another state: it is corrupt");
    }
  }
  state_files_.emplace(state.points.front(), file);
  started_.push_back(std::move(state));
}

void Checkpoint::save_state(const std::vector<std::uint64_t>& points, std::uint64_t neurons_per_point,
                            const PopulationSnapshot& state) {
  const StateFile file{config_text_, shard_, points, neurons_per_point, state};
  const std::string name = numbered_name("state-", points.front(), ".state");
  std::filesystem::create_directories(directory_);
  write_files_atomically(directory_, {{name, format_state_file(file)}});
  state_files_.emplace(points.front(), directory_ / name);
}

void Checkpoint::save(const std::vector<std::uint64_t>& points, const std::vector<PointTally>& tallies,
                      const std::vector<SpectralReadout>& spectra) {
  with_spectra_ = !spectra.empty();
  for (std::size_t i = 0; i < points.size(); ++i) {
    mark_finished(points[i], directory_);
    unwritten_.emplace(points[i], std::pair(tallies[i], with_spectra_ ? spectra[i] : SpectralReadout{}));
  }
  // Many points in a short time are written before the interval ends too, so that the
  // points gathered in memory stay few.
  constexpr std::size_t kMostGathered = std::size_t{1} << 16;
  const std::chrono::duration<double> since = std::chrono::steady_clock::now() - last_write_;
  if (since.count() >= interval_seconds_ || unwritten_.size() >= kMostGathered) flush();
}

void Checkpoint::flush() {
  last_write_ = std::chrono::steady_clock::now();
  if (unwritten_.empty()) return;
  TallyFile part{config_text_, shard_, {}, {}, {}};
  for (const auto& [point, result] : unwritten_) {  // ascending, as a tally file must be
    part.points.push_back(point);
    part.tallies.push_back(result.first);
    if (with_spectra_) part.spectra.push_back(result.second);
  }
  std::filesystem::create_directories(directory_);
  const std::string name = numbered_name("part-", part.points.front(), ".tallies");
  write_files_atomically(directory_, {{name, format_tally_file(part)}});
  sources_.emplace_back(part.points.front(), directory_ / name);
  unwritten_.clear();
  // A segment's points finish together: the states of segments now in parts are done with.
  for (auto state = state_files_.begin(); state != state_files_.end();) {
    if (!finished(state->first)) {
      ++state;
      continue;
    }
    std::error_code ignored;
    std::filesystem::remove(state->second, ignored);
    state = state_files_.erase(state);
  }
}

void Checkpoint::remove() {
  // srlif's own files only (parts, states, their temporaries); the folder goes once it is empty.
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(directory_, ignored)) {
    const std::string name = entry.path().filename().string();
    const std::string written = name.substr(0, name.find(".tmp."));
    if ((is_part_name(written) || is_state_name(written)) && !entry.is_directory(ignored)) {
      std::filesystem::remove(entry.path(), ignored);
    }
  }
  if (std::filesystem::is_empty(directory_, ignored)) std::filesystem::remove(directory_, ignored);
}

}  // namespace srlif
