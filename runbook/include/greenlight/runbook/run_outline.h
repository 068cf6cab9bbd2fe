// A run's outline: the shape of the runbook it was started with (its gates,
// phases and steps, one line each), saved beside the run's journal when the
// run is created. The journal names steps by their position in a phase, so
// a runbook edited while its run is paused (a step inserted, removed or
// changed) would be matched by position on resume: a step that never ran
// would count as done, a finished one would run again. Resume compares the
// runbook as it is now with the outline and refuses any difference, showing
// it; `resume --adopt` maps the run onto the edited runbook by the steps'
// identities instead (run_adoption.h).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook {

/// One line an operator reads for a step: "run on @top except self: umount ...".
std::string describe_step(const Step& step);

/// The outline of `book`: "gate NAME: check C expect E ...", "phase NAME",
/// "  require GATE", "  step N [(id ID) ]run on ...; exit codes 0; idempotent",
/// "  wait_for GATE", in the runbook's order; then the runbook's
/// `site_parts` ("site ..." lines).
std::vector<std::string> outline_of(const Runbook& book);

/// Writes RUN_DIRECTORY/NAME (a new file, synced to disk): `outline` when
/// the run is created, `outline.SEQ` when it adopts an edited runbook
/// (run_adoption.h). Throws std::runtime_error naming the file when it cannot.
void write_outline(const std::filesystem::path& run_directory, const Runbook& book,
                   const std::string& name = "outline");

/// The outline RUN_DIRECTORY/NAME; nothing when the run has none (created
/// before outlines existed).
std::optional<std::vector<std::string>> read_outline(const std::filesystem::path& run_directory,
                                                     const std::string& name = "outline");

/// "sha256:HEX" of the bytes of RUN_DIRECTORY/NAME (OpenSSL's SHA-256),
/// journaled when the run starts or adopts an outline (kRunOutline);
/// nothing when the file cannot be read.
std::optional<std::string> outline_fingerprint(const std::filesystem::path& run_directory,
                                               const std::string& name = "outline");

/// The phases an outline names, in order (its "phase NAME" lines). Pure.
std::vector<std::string> outline_phases(const std::vector<std::string>& outline);

/// Copies the file `book` was read from (`book.file`; the site's file for
/// an inline runbook), byte for byte, to RUN_DIRECTORY/runbook.yaml (a new
/// file, synced to disk), when the run is created: what the run started
/// with stays readable whatever becomes of the file. Nothing for a runbook
/// without a file (built in memory). Throws
/// std::runtime_error naming both files when it cannot.
void write_runbook_copy(const std::filesystem::path& run_directory, const Runbook& book);

/// The lines of `then` that `now` lacks ("- ...") and those it adds
/// ("+ ..."), in order; a line inside a phase ends with its phase
/// ("+   step 1 run on self: true (phase stop-vms)"); empty when both
/// are the same.
std::vector<std::string> outline_diff(const std::vector<std::string>& then,
                                      const std::vector<std::string>& now);

}  // namespace greenlight::runbook
