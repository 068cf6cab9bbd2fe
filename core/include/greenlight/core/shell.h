// Words for a POSIX shell: the one place a word is quoted before it goes
// into shell text (runbook command templates, the site's power command,
// checks that run a short script on a host).
#pragma once

#include <string>
#include <string_view>

namespace greenlight {

/// Quotes `word` for a POSIX shell: returned as is when it only holds safe
/// characters (letters, digits and @%+=:,./_-), in single quotes otherwise.
/// Pure; any thread.
std::string shell_quote(std::string_view word);

}  // namespace greenlight
