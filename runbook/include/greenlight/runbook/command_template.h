// Command templates of runbook steps.
//
// A step's command is shell text written by the runbook's author with
// `{{ ... }}` substitutions over node sets:
//
//   fleetctl stop --no-block {{ nodes("@vm:running", exclude="ns[1-3]",
//   format="pcocc-vm-%s.service") }} clush -bw {{ fold("@top,@worker", exclude="top1") }} poweroff
//
// Text outside the braces is kept verbatim. Every word a substitution produces
// is shell-quoted, and every node name it expands must be a plain host or unit
// name (letters, digits, '.', '_', '-'): a name from a dynamic group source
// such as "$(reboot)" is refused, never run.
//
// Functions:
//   nodes(SET, exclude=SET, format=FMT)  one word per node, FMT with "%s"
//                                        (as `nodeset -O`), default "%s"
//   fold(SET, exclude=SET)               the folded node set, one word
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/core/node_name.h"
#include "greenlight/core/shell.h"

namespace greenlight {
class GroupResolver;
class NodeSet;
}

namespace greenlight::runbook {

/// A malformed template or a substitution that cannot be rendered. offset()
/// is the 0-based position in the template text the problem starts at, so the
/// loader can turn it into file:line:col.
class TemplateError : public std::runtime_error {
 public:
  TemplateError(const std::string& message, std::size_t offset)
      : std::runtime_error(message), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

/// The result of rendering: the command and whether some substitution
/// expanded to no node at all (the executor decides what an empty set means).
struct RenderedCommand {
  std::string text;
  bool has_empty_expansion = false;
  /// The first substitution that expanded to nothing, as written
  /// ("@vm:running", "@vm:running -x @dns_vms"); empty when none did.
  std::string empty_set;
};

/// A parsed template. Immutable once parsed; safe to render from any thread
/// as long as the resolver is.
class CommandTemplate {
 public:
  /// Throws TemplateError naming the offset of the first problem (a NUL
  /// byte anywhere is one: a command cannot hold it).
  static CommandTemplate parse(std::string_view text);

  /// Expands every substitution against `groups`. Throws TemplateError when
  /// a node set does not parse, a group does not resolve or a name is not
  /// plain. `excluded` (may be null) is removed from every substitution
  /// (the run's `--exclude`).
  RenderedCommand render(const GroupResolver& groups, const NodeSet* excluded = nullptr) const;

  /// The node set expressions the template reads (for `runbook plan`).
  std::vector<std::string> node_expressions() const;

  const std::string& text() const { return text_; }

  struct Call {
    std::string function;  // "nodes" or "fold"
    std::string set;
    std::string exclude;
    std::string format = "%s";
    std::size_t offset = 0;  // of the '{{'
  };
  struct Piece {
    std::string literal;  // used when !is_call
    Call call;
    bool is_call = false;
  };

 private:
  std::string text_;
  std::vector<Piece> pieces_;
};

/// Quotes a word for a POSIX shell (greenlight/core/shell.h).
using greenlight::shell_quote;

/// True for a plain host or unit name (greenlight/core/node_name.h).
using greenlight::is_plain_name;

}  // namespace greenlight::runbook
