// Error types that carry what the user must fix.
#pragma once

#include <stdexcept>
#include <string>

namespace srlif {

// Bad input: names the offending flag or config field and the rule it broke.
// The command line turns it into exit code 2 before any output is written.
class InputError : public std::runtime_error {
 public:
  InputError(const std::string& flag, const std::string& rule)
      : std::runtime_error(flag + ": " + rule), flag_(flag) {}
  const std::string& flag() const { return flag_; }

 private:
  std::string flag_;
};

// A resource the run needs is not usable here (no GPU for --backend cuda, ...).
class UnavailableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A stop signal (kStopSignals: SIGINT, SIGTERM, SIGHUP, ...) or request stopped a run at a chunk boundary; what was finished is
// saved. The command line exits with 128 + signal.
class Interrupted : public std::runtime_error {
 public:
  Interrupted(int signal, const std::string& what) : std::runtime_error(what), signal_(signal) {}
  int signal() const { return signal_; }

 private:
  int signal_;
};

}  // namespace srlif
