#include "ssh/session.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "ssh/agent_deadline.h"
#include "ssh/fingerprints.h"
#include "ssh/libssh_api.h"

namespace greenlight::detail {
namespace {

using Clock = std::chrono::steady_clock;

struct ChannelOwner {
  ssh_channel channel;
  ~ChannelOwner() {
    if (channel == nullptr) return;
    if (libssh().ssh_channel_is_open(channel) != 0) libssh().ssh_channel_close(channel);
    libssh().ssh_channel_free(channel);
  }
};

struct KeyOwner {
  ssh_key key = nullptr;
  ~KeyOwner() {
    if (key != nullptr) libssh().ssh_key_free(key);
  }
};

HostKeyState host_key_state(ssh_known_hosts_e state) {
  switch (state) {
    case SSH_KNOWN_HOSTS_OK:
      return HostKeyState::kKnown;
    case SSH_KNOWN_HOSTS_CHANGED:
      return HostKeyState::kChanged;
    case SSH_KNOWN_HOSTS_OTHER:
      return HostKeyState::kOtherType;
    case SSH_KNOWN_HOSTS_UNKNOWN:
      return HostKeyState::kUnknown;
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      return HostKeyState::kNoFile;
    case SSH_KNOWN_HOSTS_ERROR:
      break;
  }
  return HostKeyState::kError;
}

void append_capped(std::string& into, const char* data, std::size_t size, std::size_t cap,
                   bool& truncated) {
  if (into.size() + size > cap) truncated = true;
  if (into.size() < cap) into.append(data, std::min(size, cap - into.size()));
}

// libssh calls this when a key needs a passphrase; without it, OpenSSL
// would prompt on the terminal. greenlight never asks: the key fails.
int refuse_passphrase(const char*, char* buffer, size_t size, int, int, void* userdata) {
  if (size > 0) buffer[0] = '\0';
  *static_cast<bool*>(userdata) = true;
  return SSH_ERROR;
}

constexpr const char* kNoPassphrase =
    "needs a passphrase, and greenlight never asks for one: use a key without a passphrase, "
    "readable by greenlight's user only, or an agent holding the key";

bool authenticate(ssh_session session, const SshTarget& target, const SshOptions& options,
                  bool& passphrase_asked, SshFailure& failure) {
  if (options.identity_files.empty()) {
    const AgentDeadline agent(session, options.connect_timeout);
    if (libssh().ssh_userauth_publickey_auto(session, nullptr, nullptr) == SSH_AUTH_SUCCESS)
      return true;
    std::string why = "no key of the SSH agent or ~/.ssh was accepted";
    if (agent.cut()) {
      why += fmt::format(
          "; the SSH agent did not answer within {} ms (does it ask its user to confirm?) "
          "and was left",
          options.connect_timeout.count());
    }
    if (passphrase_asked) why += fmt::format("; a key of ~/.ssh {}", kNoPassphrase);
    failure = {RunStatus::kAuth, fmt::format("authentication failed for {}@{}: {}", target.user,
                                             target.address, why)};
    return false;
  }
  std::string tried;
  for (const auto& file : options.identity_files) {
    KeyOwner key;
    bool asked = false;
    if (libssh().ssh_pki_import_privkey_file(file.c_str(), nullptr, refuse_passphrase, &asked,
                                             &key.key) != SSH_OK) {
      tried += fmt::format("{}{} ({})", tried.empty() ? "" : ", ", file,
                           asked ? fmt::format("it {}", kNoPassphrase) : "cannot read it");
      continue;
    }
    const int rc = libssh().ssh_userauth_publickey(session, nullptr, key.key);
    if (rc == SSH_AUTH_SUCCESS) return true;
    if (rc == SSH_AUTH_ERROR) {
      failure = {
          classify_connect_error(libssh().ssh_get_error(session)),
          fmt::format("connection lost while authenticating: {}", libssh().ssh_get_error(session))};
      return false;
    }
    tried += fmt::format("{}{}", tried.empty() ? "" : ", ", file);
  }
  failure = {RunStatus::kAuth, fmt::format("authentication failed for {}@{} with {}", target.user,
                                           target.address, tried)};
  return false;
}

}  // namespace

std::string SshTarget::key() const { return fmt::format("{}@{}:{}", user, address, port); }

SshSession::~SshSession() {
  libssh().ssh_disconnect(session_);
  libssh().ssh_free(session_);
}

bool SshSession::connected() const { return libssh().ssh_is_connected(session_) != 0; }

std::unique_ptr<SshSession> SshSession::open(const SshTarget& target, const SshOptions& options,
                                             std::shared_mutex& known_hosts_lock,
                                             SshFailure& failure) {
  std::string not_loaded;
  if (load_libssh(not_loaded) == nullptr) {
    failure = {RunStatus::kCannotStart, not_loaded};
    return nullptr;
  }
  ssh_session raw = libssh().ssh_new();
  if (raw == nullptr) {
    failure = {RunStatus::kCannotStart, "cannot allocate an SSH session"};
    return nullptr;
  }
  std::unique_ptr<SshSession> session(new SshSession(raw, options.connect_timeout));
  // Keys of ~/.ssh that need a passphrase fail instead of prompting.
  ssh_callbacks_init(&session->callbacks_);
  session->callbacks_.userdata = &session->passphrase_asked_;
  session->callbacks_.auth_function = refuse_passphrase;
  libssh().ssh_set_callbacks(raw, &session->callbacks_);
  bool no = false;
  long seconds = static_cast<long>(options.connect_timeout.count() / 1000);
  long micros = static_cast<long>(options.connect_timeout.count() % 1000) * 1000;
  int port = target.port;
  int nodelay = 1;
  // ~/.ssh/config must not change where or how greenlight connects.
  libssh().ssh_options_set(raw, SSH_OPTIONS_PROCESS_CONFIG, &no);
  libssh().ssh_options_set(raw, SSH_OPTIONS_HOST, target.address.c_str());
  libssh().ssh_options_set(raw, SSH_OPTIONS_PORT, &port);
  libssh().ssh_options_set(raw, SSH_OPTIONS_USER, target.user.c_str());
  libssh().ssh_options_set(raw, SSH_OPTIONS_TIMEOUT, &seconds);
  libssh().ssh_options_set(raw, SSH_OPTIONS_TIMEOUT_USEC, &micros);
  libssh().ssh_options_set(raw, SSH_OPTIONS_NODELAY, &nodelay);
  libssh().ssh_options_set(raw, SSH_OPTIONS_KNOWNHOSTS, options.known_hosts.c_str());
  // Only greenlight's own file decides: the system-wide one would accept keys
  // the operator never reviewed for this site.
  libssh().ssh_options_set(raw, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");

  if (libssh().ssh_connect(raw) != SSH_OK) {
    const std::string error = libssh().ssh_get_error(raw);
    failure = {classify_connect_error(error),
               fmt::format("cannot connect to {} port {}: {}", target.address, port, error)};
    return nullptr;
  }

  HostKeyState state;
  {
    std::shared_lock<std::shared_mutex> reading(known_hosts_lock);
    state = host_key_state(libssh().ssh_session_is_known_server(raw));
  }
  if ((state == HostKeyState::kUnknown || state == HostKeyState::kNoFile) && options.accept_new) {
    std::unique_lock<std::shared_mutex> writing(known_hosts_lock);
    // Another thread may have recorded it meanwhile.
    state = host_key_state(libssh().ssh_session_is_known_server(raw));
    if (state == HostKeyState::kUnknown || state == HostKeyState::kNoFile) {
      if (libssh().ssh_session_update_known_hosts(raw) != SSH_OK) {
        failure = {RunStatus::kHostKey,
                   fmt::format("{}: cannot record its host key in {}: {}", target.node,
                               options.known_hosts, libssh().ssh_get_error(raw))};
        return nullptr;
      }
      state = HostKeyState::kKnown;
    }
  }
  if (state != HostKeyState::kKnown) {
    const std::string host =
        target.port == 22 ? target.address : fmt::format("[{}]:{}", target.address, target.port);
    failure = {RunStatus::kHostKey, describe_host_key(state, host, options.known_hosts)};
    if (state == HostKeyState::kError)
      failure.reason += fmt::format(" ({})", libssh().ssh_get_error(raw));
    // Which key came and which was expected: what the operator compares
    // with the host's own `ssh-keygen -lf`.
    if (const std::string offered = offered_fingerprint(raw); !offered.empty())
      failure.reason += fmt::format("; offered {}", offered);
    if (state == HostKeyState::kChanged || state == HostKeyState::kOtherType) {
      const std::string recorded = recorded_fingerprints(host, options.known_hosts);
      if (!recorded.empty()) failure.reason += fmt::format(", recorded {}", recorded);
    }
    return nullptr;
  }

  if (!authenticate(raw, target, options, session->passphrase_asked_, failure)) return nullptr;
  return session;
}

SshSession::Outcome SshSession::exec(const Command& command, Clock::time_point deadline,
                                     const std::atomic<bool>& interrupted, RunResult& result) {
  ChannelOwner owner{libssh().ssh_channel_new(session_)};
  if (owner.channel == nullptr || libssh().ssh_channel_open_session(owner.channel) != SSH_OK) {
    result.reason = fmt::format("cannot open a channel: {}", libssh().ssh_get_error(session_));
    return Outcome::kNotStarted;
  }
  const std::string text = command.text();
  // Interrupted while connecting or opening the channel: nothing is sent
  // (a Ctrl-C before a slow host answered must not start its poweroff).
  if (interrupted.load()) {
    result.reason = "not started: interrupted";
    return Outcome::kNotSent;
  }
  if (libssh().ssh_channel_request_exec(owner.channel, text.c_str()) != SSH_OK) {
    result.reason = fmt::format("cannot start the command: {}", libssh().ssh_get_error(session_));
    return connected() ? Outcome::kDone : Outcome::kLost;
  }
  if (command.input) {
    const std::string& input = *command.input;
    std::size_t written = 0;
    while (written < input.size()) {
      const int n = libssh().ssh_channel_write(owner.channel, input.data() + written,
                                               static_cast<uint32_t>(input.size() - written));
      if (n < 0) break;
      written += static_cast<std::size_t>(n);
    }
  }
  libssh().ssh_channel_send_eof(owner.channel);

  char buffer[32 * 1024];
  const std::size_t cap = command.output_cap;
  bool truncated = false;
  std::size_t stderr_read = 0;  // by the last drain of standard error
  // What libssh already holds for a stream, read without waiting.
  auto drain = [&](int is_stderr, std::string& into) {
    if (is_stderr != 0) stderr_read = 0;
    for (;;) {
      const int available = libssh().ssh_channel_poll(owner.channel, is_stderr);
      if (available == SSH_ERROR) return false;
      if (available <= 0) return true;
      const int n = libssh().ssh_channel_read(
          owner.channel, buffer,
          static_cast<uint32_t>(std::min<std::size_t>(sizeof buffer, available)), is_stderr);
      if (n == SSH_ERROR) return false;
      if (n <= 0) return true;
      if (is_stderr != 0) stderr_read += static_cast<std::size_t>(n);
      if (is_stderr == 0 && command.output_sink)
        command.output_sink->write(std::string_view(buffer, static_cast<std::size_t>(n)));
      append_capped(into, buffer, static_cast<std::size_t>(n), cap, truncated);
    }
  };
  auto lost = [&] {
    result.truncated = truncated;
    result.reason =
        fmt::format("connection lost during the command: {}", libssh().ssh_get_error(session_));
    return Outcome::kLost;
  };
  auto timed_out = [&] {
    result.truncated = truncated;
    result.reason = fmt::format("command timeout after {}s",
                                std::chrono::duration<double>(command.timeout).count());
    return Outcome::kTimedOut;
  };
  auto remaining_ms = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  };
  // Blocking waits, each short enough that the deadline and an interrupt are
  // honoured: ssh_channel_poll_timeout processes every incoming packet (both
  // streams, exit status) while it waits for standard output or its end.
  for (;;) {
    if (interrupted.load()) {
      result.truncated = truncated;
      result.reason = "interrupted";
      return Outcome::kInterrupted;
    }
    const long long left = remaining_ms();
    if (left <= 0) return timed_out();
    // The wait is for standard output; while standard error is flowing it
    // does not wait (a command that writes only there is read at full speed).
    const int polled = libssh().ssh_channel_poll_timeout(
        owner.channel, stderr_read > 0 ? 0 : static_cast<int>(std::min<long long>(left, 250)), 0);
    if (polled == SSH_ERROR) return lost();
    if (!drain(0, result.out) || !drain(1, result.err)) return lost();
    if (polled == SSH_EOF) break;
  }
  // The exit status comes with or after the end of output; wait for it no
  // longer than the deadline (libssh waits up to the session's timeout).
  const long long left = std::max<long long>(remaining_ms(), 1);
  long seconds = static_cast<long>(left / 1000);
  long micros = static_cast<long>(left % 1000) * 1000;
  libssh().ssh_options_set(session_, SSH_OPTIONS_TIMEOUT, &seconds);
  libssh().ssh_options_set(session_, SSH_OPTIONS_TIMEOUT_USEC, &micros);
  const int status = libssh().ssh_channel_get_exit_status(owner.channel);
  seconds = static_cast<long>(connect_timeout_.count() / 1000);
  micros = static_cast<long>(connect_timeout_.count() % 1000) * 1000;
  libssh().ssh_options_set(session_, SSH_OPTIONS_TIMEOUT, &seconds);
  libssh().ssh_options_set(session_, SSH_OPTIONS_TIMEOUT_USEC, &micros);
  if (!drain(0, result.out) || !drain(1, result.err)) return lost();
  if (status >= 0) {
    result.exit_code = status;
    result.status = status == 0 ? RunStatus::kOk : RunStatus::kExit;
    result.reason = fmt::format("exit {}", status);
  } else if (!connected()) {
    return lost();
  } else if (libssh().ssh_channel_is_closed(owner.channel) != 0) {
    result.status = RunStatus::kSignal;
    result.reason = "ended without an exit status (killed by a signal)";
  } else {
    return timed_out();
  }
  result.truncated = truncated;
  if (truncated) result.reason += fmt::format(" (output truncated at {} bytes)", cap);
  return Outcome::kDone;
}

}  // namespace greenlight::detail
