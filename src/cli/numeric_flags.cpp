#include "cli/numeric_flags.hpp"

#include "srlif/io/number_text.hpp"

namespace srlif::cli {

std::string numeric_value_error(const CLI::Option& option, const std::string& value) {
  const std::string type = option.get_type_name();
  if (type.starts_with("FLOAT")) return number_text_error(value, NumberKind::real);
  if (type.starts_with("UINT")) return number_text_error(value, NumberKind::whole_unsigned);
  if (type.starts_with("INT")) return number_text_error(value, NumberKind::whole);
  return "";
}

void require_plain_numbers(CLI::App& command) {
  for (CLI::Option* option : command.get_options()) {
    if (option->get_expected_min() == 0 && !option->get_lnames().empty() &&
        option->get_lnames().front() != "help") {
      // A switch takes true or false, as in a config file (CLI11 alone reads -1 or "off" as false).
      option->check(CLI::Validator(
          [](std::string& value) {
            return value == "true" || value == "false" ? std::string()
                                                       : "is a switch: true or false, not '" + value + "'";
          },
          ""));
      continue;
    }
    const std::string type = option->get_type_name();
    if (!type.starts_with("FLOAT") && !type.starts_with("INT") && !type.starts_with("UINT")) continue;
    // An empty description keeps --help as it was; the check returns the rule, which CLI11
    // reports as "--flag: rule" (a ValidationError: exit code 2).
    CLI::Validator plain([option](std::string& value) { return numeric_value_error(*option, value); }, "");
    option->check(plain);
  }
  for (CLI::App* subcommand : command.get_subcommands({})) require_plain_numbers(*subcommand);
}

}  // namespace srlif::cli
