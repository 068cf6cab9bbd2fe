// libssh, loaded when the first SSH connection opens rather than when
// greenlight starts: libssh brings libcrypto and Kerberos, whose loading
// alone costs several milliseconds, and most commands (nodeset, config
// check, local checks) never open a connection.
#pragma once

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include <string>

namespace greenlight::detail {

// Every libssh function greenlight calls.
#define GREENLIGHT_LIBSSH_FUNCTIONS(X)                                                         \
  X(ssh_init)                                                                                  \
  X(ssh_new)                                                                                   \
  X(ssh_free)                                                                                  \
  X(ssh_options_set)                                                                           \
  X(ssh_get_error) X(ssh_connect) X(ssh_disconnect) X(ssh_is_connected)                        \
      X(ssh_session_is_known_server) X(ssh_session_update_known_hosts)                         \
          X(ssh_pki_import_privkey_file) X(ssh_key_free) X(ssh_userauth_publickey)             \
              X(ssh_userauth_publickey_auto) X(ssh_channel_new) X(ssh_channel_free)            \
                  X(ssh_channel_open_session) X(ssh_channel_request_exec) X(ssh_channel_write) \
                      X(ssh_channel_send_eof) X(ssh_channel_read) X(ssh_channel_poll)          \
                          X(ssh_channel_poll_timeout) X(ssh_channel_is_open)                   \
                              X(ssh_channel_is_closed) X(ssh_channel_close)                    \
                                  X(ssh_channel_get_exit_status) X(ssh_get_server_publickey)   \
                                      X(ssh_get_publickey_hash) X(ssh_get_fingerprint_hash)    \
                                          X(ssh_clean_pubkey_hash) X(ssh_string_free_char)     \
                                              X(ssh_known_hosts_parse_line)                    \
                                                  X(ssh_knownhosts_entry_free)                 \
                                                      X(ssh_set_callbacks) X(ssh_set_agent_socket)

struct LibsshApi {
#define GREENLIGHT_LIBSSH_POINTER(name) decltype(&::name) name = nullptr;
  GREENLIGHT_LIBSSH_FUNCTIONS(GREENLIGHT_LIBSSH_POINTER)
#undef GREENLIGHT_LIBSSH_POINTER
};

/// Loads libssh and initialises it, once per process (thread-safe). Null
/// when it cannot be loaded; `error` then says which library and why.
const LibsshApi* load_libssh(std::string& error);

/// The loaded library; only valid once load_libssh() succeeded (every
/// session was opened through it).
const LibsshApi& libssh();

}  // namespace greenlight::detail
