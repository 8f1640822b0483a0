#include "cli/config_file.hpp"

#include <map>
#include <string_view>

#include "cli/numeric_flags.hpp"
#include "srlif/errors.hpp"
#include "srlif/io/bounded_file.hpp"

namespace srlif::cli {
namespace {

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

// One key's value (from a file line or a keyword): validated like the flag's; the command
// line wins. `where`: "in FILE line N" or "from python", for messages.
void apply_value(CLI::App& command, const std::string& key, const std::string& value,
                 const std::string& where) {
  CLI::Option* option = command.get_option_no_throw("--" + key);
  if (key == "help" || key == "help-all" || key == "version" || key == "config") {
    throw InputError("--config", "'" + key + "' " + where + " is not an option a config can set");
  }
  if (option == nullptr) throw InputError("--config", "unknown key '" + key + "' " + where);
  if (option->count() > 0) return;  // given on the command line
  const std::string flag = "--" + key;
  try {
    if (option->get_expected_min() == 0) {
      if (value != "true" && value != "false") {
        throw InputError(flag, "is a switch: true or false, not '" + value + "' (" + where + ")");
      }
      // get_flag_value: a negated flag ("!--no-figures") given "true" stores false.
      option->add_result(option->get_flag_value(key, value));
    } else {
      if (const std::string rule = numeric_value_error(*option, value); !rule.empty()) {
        throw InputError(flag, rule + " (" + where + ")");
      }
      option->add_result(value);
    }
    option->run_callback();
  } catch (const CLI::Error& error) {
    throw InputError(flag, std::string(error.what()) + " (" + where + ")");
  }
}

// The value of a `key = value` line's right side, without quotes and comment.
std::string line_value(std::string_view text, const std::string& key, const std::string& where) {
  text = trim(text);
  if (text.empty() || text.front() == '#' || text.front() == ';') {
    throw InputError("--config", "key '" + key + "' " + where + " has no value");
  }
  if (text.front() == '[' || text.front() == '{') {
    throw InputError("--config", "key '" + key + "' " + where +
                                     " is an array or table; write a list as one string, e.g. "
                                     "sigma = \"0,10,20\"");
  }
  if (text.front() == '"' || text.front() == '\'') {
    const char quote = text.front();
    std::string value;
    std::size_t at = 1;
    for (; at < text.size() && text[at] != quote; ++at) {
      if (quote == '"' && text[at] == '\\' && at + 1 < text.size()) ++at;  // \" and \\ in "..."
      value += text[at];
    }
    if (at == text.size())
      throw InputError("--config", "key '" + key + "' " + where + ": the quote is not closed");
    const std::string_view rest = trim(text.substr(at + 1));
    if (!rest.empty() && rest.front() != '#' && rest.front() != ';') {
      throw InputError("--config", "key '" + key + "' " + where + ": '" + std::string(rest) +
                                       "' follows the quoted value");
    }
    return value;
  }
  return std::string(trim(text.substr(0, text.find_first_of("#;"))));
}

}  // namespace

void apply_config_file(CLI::App& command, const std::string& path) {
  if (path.empty()) return;
  apply_config_text(command, read_bounded_file(path, kMaxConfigFileBytes, "--config"), path);
}

void apply_config_text(CLI::App& command, const std::string& text, const std::string& source) {
  std::string_view rest(text);
  if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);  // a UTF-8 byte-order mark
  std::map<std::string, std::size_t> seen;                      // key -> its line
  for (std::size_t number = 1; !rest.empty(); ++number) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = trim(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    const std::string where = "in " + source + " line " + std::to_string(number);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.find('\0') != std::string_view::npos) {
      throw InputError("--config", where + " holds a NUL byte: not a text file");
    }
    if (line.front() == '[') {
      throw InputError("--config", "section '" + std::string(line) + "' " + where +
                                       ": sections are not read; put the keys at the top, without one");
    }
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      throw InputError("--config",
                       "'" + std::string(line.substr(0, 60)) + "' " + where + " is not key = value");
    }
    const std::string key(trim(line.substr(0, equals)));
    if (key.empty()) throw InputError("--config", where + " has a value without a key");
    const std::string value = line_value(line.substr(equals + 1), key, where);
    const auto [previous, inserted] = seen.emplace(key, number);
    if (!inserted) {
      throw InputError("--config",
                       "key '" + key + "' " + where + " repeats line " + std::to_string(previous->second));
    }
    apply_value(command, key, value, where);
  }
}

void apply_option_values(CLI::App& command, const std::vector<std::pair<std::string, std::string>>& values,
                         const std::string& source) {
  for (const auto& [name, value] : values) apply_value(command, name, value, "from " + source);
}

}  // namespace srlif::cli
