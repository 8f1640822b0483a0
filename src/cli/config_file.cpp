#include "cli/config_file.hpp"

#include <vector>

#include "srlif/errors.hpp"

namespace srlif::cli {

void apply_config_file(CLI::App& command, const std::string& path) {
  if (path.empty()) return;
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::Error& error) {
    throw InputError("--config", std::string(error.what()));
  }
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // CLI11's section markers
    CLI::Option* option = item.parents.empty() ? command.get_option_no_throw("--" + item.name) : nullptr;
    if (option == nullptr || item.name == "config") {
      throw InputError("--config", "unknown key '" + item.fullname() + "' in " + path);
    }
    if (option->count() > 0) continue;  // given on the command line
    try {
      if (option->get_expected_min() == 0) {
        option->add_result(CLI::ConfigTOML().to_flag(item));
      } else {
        option->add_result(item.inputs);
      }
      option->run_callback();
    } catch (const CLI::Error& error) {
      throw InputError("--" + item.name, std::string(error.what()) + " (from " + path + ")");
    }
  }
}

}  // namespace srlif::cli
