#include "srlif/checkpoint.hpp"

#include <algorithm>
#include <cstdio>

#include "srlif/config_text.hpp"
#include "srlif/errors.hpp"
#include "srlif/output.hpp"
#include "srlif/tally_file.hpp"

namespace srlif {
namespace {

bool is_part_name(const std::string& name) { return name.starts_with("part-") && name.ends_with(".tallies"); }

}  // namespace

Checkpoint::Checkpoint(const std::filesystem::path& out, std::string config_text, ShardSpec shard,
                       bool resume, double interval_seconds)
    : directory_(out / "checkpoint"),
      config_text_(std::move(config_text)),
      shard_(shard),
      interval_seconds_(interval_seconds),
      last_write_(std::chrono::steady_clock::now()) {
  std::error_code error;
  std::vector<std::filesystem::path> parts;
  if (std::filesystem::is_directory(directory_, error)) {
    for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
      const std::string name = entry.path().filename().string();
      if (is_part_name(name)) {
        parts.push_back(entry.path());
      } else if (name.find(".tmp.") != std::string::npos) {
        std::filesystem::remove(entry.path(), error);  // a write that a kill interrupted: never committed
      }
    }
  }
  if (!resume) {
    if (!parts.empty()) {
      throw InputError("--out", "'" + out.string() + "' holds the checkpoint of an unfinished run (" +
                                    std::to_string(parts.size()) +
                                    " parts); add --resume to continue it, or remove " + directory_.string());
    }
    return;
  }
  std::sort(parts.begin(), parts.end());
  for (const auto& part : parts) load(part);
  // A run that had finished left tallies.csv and no parts. Beside parts, tallies.csv belongs to
  // an earlier run in the same folder, or to this one killed while it removed its checkpoint
  // (the points whose parts are gone are computed again): it is not read.
  if (parts.empty() && std::filesystem::exists(out / "tallies.csv", error)) load(out / "tallies.csv");
}

void Checkpoint::load(const std::filesystem::path& file) {
  const TallyFile tallies = read_tally_file(file);
  if (tallies.config_text != config_text_) {
    throw InputError("--resume", file.string() + " was made with another configuration (" +
                                     first_difference(tallies.config_text, config_text_) +
                                     "); resume with the same options or use another --out");
  }
  if (!(tallies.shard == shard_)) {
    throw InputError("--resume", file.string() + " belongs to shard " + shard_text(tallies.shard) + ", not " +
                                     shard_text(shard_));
  }
  for (std::size_t i = 0; i < tallies.points.size(); ++i) {
    if (!finished_.emplace(tallies.points[i], tallies.tallies[i]).second) {  // parts never share a point
      throw InputError("--resume", file.string() + " repeats grid point " +
                                       std::to_string(tallies.points[i]) + ": the checkpoint is corrupt");
    }
  }
}

void Checkpoint::save(const std::vector<std::uint64_t>& points, const std::vector<PointTally>& tallies) {
  for (std::size_t i = 0; i < points.size(); ++i) {
    finished_.emplace(points[i], tallies[i]);
    unwritten_.emplace(points[i], tallies[i]);
  }
  const std::chrono::duration<double> since = std::chrono::steady_clock::now() - last_write_;
  if (since.count() >= interval_seconds_) flush();
}

void Checkpoint::flush() {
  last_write_ = std::chrono::steady_clock::now();
  if (unwritten_.empty()) return;
  TallyFile part{config_text_, shard_, {}, {}};
  for (const auto& [point, tally] : unwritten_) {  // ascending, as a tally file must be
    part.points.push_back(point);
    part.tallies.push_back(tally);
  }
  std::filesystem::create_directories(directory_);
  char name[64];
  std::snprintf(name, sizeof name, "part-%012llu.tallies",
                static_cast<unsigned long long>(part.points.front()));
  write_files_atomically(directory_, {{name, format_tally_file(part)}});
  unwritten_.clear();
}

void Checkpoint::remove() {
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

}  // namespace srlif
