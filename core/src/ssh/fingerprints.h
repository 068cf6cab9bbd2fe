// Host key fingerprints for the words an operator reads when a host key is
// refused: the key a host offers and the ones known_hosts records for it,
// as `ssh-keygen -lf` prints them (SHA256:base64).
#pragma once

#include <string>

struct ssh_session_struct;

namespace greenlight::detail {

/// "SHA256:..." of the key the connected session's server offered; "" when
/// libssh cannot say. Call on the thread that owns the session.
std::string offered_fingerprint(ssh_session_struct* session);

/// "SHA256:... (line 3)" for every line of `known_hosts` recording a key
/// for `host` ("name" or "[name]:port", as known_hosts writes it), joined
/// with ", "; "" when there is none or the file cannot be read.
std::string recorded_fingerprints(const std::string& host, const std::string& known_hosts);

}  // namespace greenlight::detail
