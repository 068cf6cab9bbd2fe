// Hosts and addresses as they appear in gluster's output: client endpoints
// ("10.0.0.1:49152", "[fd00::11]:49151", and "fd00::11:49151", an IPv6
// address without brackets as glusterfs names its sockets), brick names
// ("host:/path" with any of those hosts), peer hostnames. One place reads
// them, so that an IPv6 host compares equal however it is written.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace greenlight::checks::detail {

/// The host of a client endpoint "host:port". The port is what follows the
/// last colon (glusterd always writes one), so "fd00::11:49151" is
/// "fd00::11"; brackets are taken off. An endpoint without a port colon is
/// returned whole.
std::string endpoint_host(std::string_view endpoint);

/// A host written anywhere in gluster output or in the configuration, in one
/// form: brackets off, IPv6 in its canonical text ("[FD00:0::11]" ->
/// "fd00::11"); names and IPv4 addresses unchanged.
std::string canonical_host(std::string_view host);

/// Whether two hosts are the same name or address, however written.
bool same_host(std::string_view a, std::string_view b);

/// "host:/path" split at the colon before the path; the host may be an
/// IPv6 address with or without brackets ("fd00::1:/data/b1"). A name
/// without ":/" is all host.
std::pair<std::string, std::string> split_brick(std::string_view brick);

/// A brick name in one form: canonical host, ':', path.
std::string canonical_brick(std::string_view brick);

}  // namespace greenlight::checks::detail
