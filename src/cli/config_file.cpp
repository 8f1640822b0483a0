#include "cli/config_file.hpp"

#include <fstream>
#include <sstream>
#include <vector>

#include "cli/numeric_flags.hpp"
#include "srlif/errors.hpp"

namespace srlif::cli {
namespace {

// One key of a config file (or keyword of the Python package): validated like a flag; the
// command line wins.
void apply_item(CLI::App& command, const CLI::ConfigItem& item, const std::string& source) {
  CLI::Option* option = command.get_option_no_throw("--" + item.name);
  if (option == nullptr || item.name == "config") {
    throw InputError("--config", "unknown key '" + item.fullname() + "' in " + source);
  }
  if (option->count() > 0) return;  // given on the command line
  for (const std::string& value : item.inputs) check_numeric_value(*option, value);
  try {
    if (option->get_expected_min() == 0) {
      // get_flag_value: a negated flag ("!--no-figures") given "true" stores false, as CLI11's own
      // config reader does.
      option->add_result(option->get_flag_value(item.name, CLI::ConfigTOML().to_flag(item)));
    } else {
      option->add_result(item.inputs);
    }
    option->run_callback();
  } catch (const CLI::Error& error) {
    throw InputError("--" + item.name, std::string(error.what()) + " (from " + source + ")");
  }
}

}  // namespace

void apply_config_file(CLI::App& command, const std::string& path) {
  if (path.empty()) return;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("--config", "cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  apply_config_text(command, text.str(), path);
}

void apply_config_text(CLI::App& command, const std::string& text, const std::string& source) {
  std::vector<CLI::ConfigItem> items;
  try {
    std::istringstream stream(text);
    items = CLI::ConfigTOML().from_config(stream);
  } catch (const CLI::Error& error) {
    throw InputError("--config", std::string(error.what()) + " (in " + source + ")");
  }
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // CLI11's section markers
    if (!item.parents.empty())
      throw InputError("--config", "unknown key '" + item.fullname() + "' in " + source);
    apply_item(command, item, source);
  }
}

void apply_option_values(CLI::App& command, const std::vector<std::pair<std::string, std::string>>& values,
                         const std::string& source) {
  for (const auto& [name, value] : values) {
    CLI::ConfigItem item;
    item.name = name;
    item.inputs = {value};
    apply_item(command, item, source);
  }
}

}  // namespace srlif::cli
