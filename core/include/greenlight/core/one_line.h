// One line of a terminal or a log, whatever a message quotes: a value from a
// file, a name from the control socket, a command's output.
#pragma once

#include <string>
#include <string_view>

namespace greenlight {

/// `text` with its control bytes written as escapes: "\n", "\r", "\t", and
/// "\xNN" for the others (NUL, ESC, DEL...), so that a message is one line
/// and cannot move a terminal's cursor or fake another line. Other bytes
/// are kept as they are. Pure; any thread.
std::string one_line(std::string_view text);

}  // namespace greenlight
