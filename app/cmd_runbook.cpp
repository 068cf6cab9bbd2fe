// greenlight runbook list | plan NAME
#include <fmt/format.h>

#include <iostream>

#include "command.h"
#include "greenlight/core/config.h"
#include "greenlight/runbook/plan.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::app {
namespace {

constexpr const char* kUsage = "usage: greenlight [-c CONFIG] runbook list | plan NAME\n";

int run_runbook(const Invocation& invocation, const std::vector<std::string>& args) {
  if (args.empty() || (args[0] == "list" && args.size() != 1) ||
      (args[0] == "plan" && args.size() != 2) || (args[0] != "list" && args[0] != "plan")) {
    std::cerr << kUsage;
    if (!args.empty() && args[0] != "list" && args[0] != "plan") {
      std::cerr << fmt::format(
          "greenlight runbook: '{}' is not available: this greenlight can list runbooks and "
          "show their plan\n",
          args[0]);
    }
    return 2;
  }
  config::Diagnostics diagnostics;
  const config::Site site = config::load_site(invocation.config_path, diagnostics);
  auto books = runbook::load_runbooks(site, diagnostics);
  if (!diagnostics.ok()) {
    std::cerr << diagnostics.format();
    std::cerr << fmt::format("{} error{} in the site's runbooks\n", diagnostics.errors().size(),
                             diagnostics.errors().size() == 1 ? "" : "s");
    return 1;
  }
  if (args[0] == "list") {
    for (const auto& book : books) {
      std::cout << fmt::format("{:<12} {:>2} phases  {}\n", book.name, book.phases.size(),
                               book.description);
    }
    return 0;
  }
  for (const auto& book : books) {
    if (book.name == args[1]) {
      std::cout << runbook::render_plan(book, site);
      return 0;
    }
  }
  std::cerr << fmt::format(
      "greenlight runbook: no runbook named '{}' (see greenlight runbook list)\n", args[1]);
  return 1;
}

const CommandRegistration kRegistration{
    {"runbook", "runbook list | plan NAME                 the site's runbooks and their plans",
     run_runbook}};

}  // namespace
}  // namespace greenlight::app
