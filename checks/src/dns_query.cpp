// DNS servers asked directly with c-ares; the output format of `greenlight
// resolve` and its parser.
#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <charconv>
#include <mutex>

#include "greenlight/checks/dns_servers.h"

namespace greenlight::checks {
namespace {

// The channel's owner.
class Channel {
 public:
  explicit Channel(std::chrono::milliseconds per_try) {
    static std::once_flag library;
    std::call_once(library, [] { ares_library_init(ARES_LIB_INIT_ALL); });
    ares_options options{};
    // No search domains, no aliases: the name is asked exactly as written.
    // NOCHECKRESP: a SERVFAIL or REFUSED answer is handed back with its
    // rcode (c-ares would otherwise try again and end with "connection
    // refused", hiding what the server said).
    options.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_NOCHECKRESP;
    options.timeout = static_cast<int>(std::max<std::int64_t>(per_try.count(), 50));
    options.tries = 2;
    status_ = ares_init_options(&channel_, &options,
                                ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
  }
  ~Channel() {
    if (status_ == ARES_SUCCESS) ares_destroy(channel_);
  }
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;
  int status() const { return status_; }
  ares_channel get() { return channel_; }

 private:
  ares_channel channel_ = nullptr;
  int status_ = ARES_ENOTINITIALIZED;
};

std::string reason_of(int status) {
  switch (status) {
    case ARES_ENOTFOUND:
      return "NXDOMAIN";
    case ARES_ENODATA:
      return "no address";
    case ARES_ETIMEOUT:
    case ARES_ECANCELLED:
      return "timeout";
    case ARES_ECONNREFUSED:
      return "connection refused";
    case ARES_EREFUSED:
      return "REFUSED";
    case ARES_ESERVFAIL:
      return "SERVFAIL";
    case ARES_ENOTIMP:
      return "NOTIMP";
    case ARES_EFORMERR:
      return "FORMERR";
    default:
      return ares_strerror(status);
  }
}

void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* answer, int length) {
  auto* out = static_cast<DnsAnswer*>(arg);
  if (status != ARES_SUCCESS) {
    out->error = reason_of(status);
    return;
  }
  ares_addrttl records[64];
  int count = 64;
  status = ares_parse_a_reply(answer, length, nullptr, records, &count);
  if (status != ARES_SUCCESS) {
    out->error = reason_of(status);
    return;
  }
  for (int i = 0; i < count; ++i) {
    char text[INET_ADDRSTRLEN] = {};
    if (inet_ntop(AF_INET, &records[i].ipaddr, text, sizeof text) == nullptr) continue;
    if (std::find(out->addresses.begin(), out->addresses.end(), text) == out->addresses.end())
      out->addresses.emplace_back(text);
  }
  if (out->addresses.empty()) out->error = "no address";
}

bool valid_address(const std::string& address) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, address.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, address.c_str(), buffer) == 1;
}

}  // namespace

std::string DnsServer::text() const {
  return address.find(':') != std::string::npos ? fmt::format("[{}]:{}", address, port)
                                                : fmt::format("{}:{}", address, port);
}

Parsed<DnsServer> parse_dns_server(std::string_view text) {
  DnsServer server;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return ParseError{fmt::format("'{}': no closing ]", text)};
    server.address = std::string(text.substr(1, close - 1));
    const auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return ParseError{fmt::format("'{}': junk after ]", text)};
      port = rest.substr(1);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    const auto colon = text.find(':');
    server.address = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  } else {
    server.address = std::string(text);
  }
  if (!valid_address(server.address)) {
    return ParseError{
        fmt::format("'{}': a DNS server is an IP address (optionally :PORT), not a name", text)};
  }
  if (!port.empty() || text.back() == ':') {
    int value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535)
      return ParseError{fmt::format("'{}': port must be 1-65535", text)};
    server.port = value;
  }
  return server;
}

std::vector<DnsAnswer> query_dns_server(const DnsServer& server,
                                        const std::vector<std::string>& names,
                                        std::chrono::milliseconds timeout) {
  std::vector<DnsAnswer> answers;
  answers.reserve(names.size());
  for (const auto& name : names) answers.push_back({name, {}, {}});
  Channel channel(timeout / 2);
  if (channel.status() != ARES_SUCCESS) {
    for (auto& a : answers) a.error = fmt::format("c-ares: {}", ares_strerror(channel.status()));
    return answers;
  }
  // Only this server: the system's resolv.conf, read by ares_init, is dropped
  // before any query leaves.
  const int set = ares_set_servers_ports_csv(channel.get(), server.text().c_str());
  if (set != ARES_SUCCESS) {
    for (auto& a : answers) a.error = fmt::format("c-ares: {}", ares_strerror(set));
    return answers;
  }
  for (auto& answer : answers)
    ares_query(channel.get(), answer.name.c_str(), ns_c_in, ns_t_a, on_answer, &answer);

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
    const int bits = ares_getsock(channel.get(), sockets, ARES_GETSOCK_MAXNUM);
    std::vector<pollfd> polled;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
      if (events != 0) polled.push_back({sockets[i], events, 0});
    }
    if (polled.empty()) break;  // every query has its answer
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      ares_cancel(channel.get());  // the remaining callbacks run with ARES_ECANCELLED
      break;
    }
    timeval max_wait{};
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now);
    max_wait.tv_sec = static_cast<time_t>(left.count() / 1'000'000);
    max_wait.tv_usec = static_cast<suseconds_t>(left.count() % 1'000'000);
    timeval wait{};
    ares_timeout(channel.get(), &max_wait, &wait);
    const int ms = static_cast<int>(wait.tv_sec * 1000 + wait.tv_usec / 1000) + 1;
    const int ready = poll(polled.data(), polled.size(), ms);
    if (ready <= 0) {
      ares_process_fd(channel.get(), ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts, retries
      continue;
    }
    for (const auto& p : polled) {
      const bool readable = (p.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
      const bool writable = (p.revents & POLLOUT) != 0;
      if (readable || writable) {
        ares_process_fd(channel.get(), readable ? p.fd : ARES_SOCKET_BAD,
                        writable ? p.fd : ARES_SOCKET_BAD);
      }
    }
  }
  for (auto& a : answers) {
    if (a.error.empty() && a.addresses.empty()) a.error = "timeout";
  }
  return answers;
}

std::string format_resolve_output(const std::vector<DnsAnswer>& answers) {
  std::string out;
  for (const auto& a : answers) {
    out += a.name + ":";
    if (!a.error.empty()) {
      out += " error: " + a.error;
    } else {
      for (const auto& address : a.addresses) out += " " + address;
    }
    out += "\n";
  }
  return out;
}

Parsed<std::vector<DnsAnswer>> parse_resolve_output(std::string_view text) {
  std::vector<DnsAnswer> answers;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++line_number;
    if (line.empty()) continue;
    const auto colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos || line.size() > 4096) {
      return ParseError{
          fmt::format("greenlight resolve output line {}: not 'NAME: ...'", line_number)};
    }
    DnsAnswer answer{std::string(line.substr(0, colon)), {}, {}};
    std::string_view rest = line.substr(colon + 1);
    if (rest.rfind(" error: ", 0) == 0) {
      answer.error = std::string(rest.substr(8));
      if (answer.error.empty()) answer.error = "error";
    } else {
      while (!rest.empty()) {
        const auto start = rest.find_first_not_of(' ');
        if (start == std::string_view::npos) break;
        rest = rest.substr(start);
        const auto stop = rest.find(' ');
        std::string address(rest.substr(0, stop));
        if (!valid_address(address)) {
          return ParseError{fmt::format("greenlight resolve output line {}: '{}' is not an address",
                                        line_number, address)};
        }
        answer.addresses.push_back(std::move(address));
        rest = stop == std::string_view::npos ? std::string_view{} : rest.substr(stop);
      }
      if (answer.addresses.empty()) answer.error = "no address";
    }
    answers.push_back(std::move(answer));
  }
  return answers;
}

}  // namespace greenlight::checks
