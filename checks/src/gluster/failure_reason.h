// Why a gluster command failed, in gluster's own words, wherever it wrote
// them: the CLI prints some reasons on stderr ("Connection failed. Please
// check if gluster daemon is operational."), others on stdout with a
// non-zero exit ("Error : Request timed out"), and --xml answers carry them
// in <opErrstr>. Every gluster check names its failures through this.
#pragma once

#include <string>

#include "greenlight/core/runner.h"

namespace greenlight::checks::detail {

/// The first non-blank line of stderr; else the <opErrstr> of an XML answer
/// on stdout; else the first non-blank line of stdout that is not XML; else
/// "exit status N". At most 300 characters.
std::string gluster_failure_reason(const RunResult& result);

}  // namespace greenlight::checks::detail
