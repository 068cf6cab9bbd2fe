// The site reader's sections other than hosts, groups and checks (site.cpp
// reads those and assembles the Site): ssh, exporter, runbooks, power,
// notify and log. Internal to core's configuration reader.
#pragma once

#include "greenlight/core/config.h"

namespace greenlight::config::detail {

/// Each reads its section (null: absent, defaults kept) into `site`,
/// reporting every error with its position; never throws.
void read_ssh(const Value* ssh, Site& site, Diagnostics& diagnostics);
void read_exporter(const Value* exporter, Site& site, Diagnostics& diagnostics);
void read_runbooks(const Value* runbooks, Site& site, Diagnostics& diagnostics);
void read_power(const Value* power, Site& site, Diagnostics& diagnostics);
void read_notify(const Value* notify, Site& site, Diagnostics& diagnostics);
void read_log(const Value* log, Site& site, Diagnostics& diagnostics);

}  // namespace greenlight::config::detail
