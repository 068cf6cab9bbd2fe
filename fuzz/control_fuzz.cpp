// libFuzzer target: the control socket's protocol (control/protocol.h).
// Every input is decoded as a request line and as an event line; a line
// that decodes must encode to a line that decodes to the same encoding
// (nothing is lost or invented between greenlight runbook and serve), and
// a malformed one must be a ProtocolError, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "greenlight/control/protocol.h"

using namespace greenlight::control;
using greenlight::fuzz::fail;

namespace {

template <typename Decode, typename Encode>
void round_trip(std::string_view line, Decode decode, Encode encode) {
  std::string first;
  try {
    first = encode(decode(line));
  } catch (const ProtocolError&) {
    return;
  }
  if (first.empty() || first.back() != '\n') fail("an encoded line without its newline", first);
  const std::string_view body(first.data(), first.size() - 1);
  if (body.find('\n') != std::string_view::npos) fail("an encoded line holds a newline", first);
  if (body.size() > kMaxLine) return;  // the reader would stop there
  std::string second;
  try {
    second = encode(decode(body));
  } catch (const ProtocolError& error) {
    fail("an encoded line does not decode", first + error.what());
  }
  if (second != first) fail("encode(decode(line)) is not stable", first + second);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  round_trip(line, [](std::string_view l) { return decode_request(l); },
             [](const Request& r) { return encode(r); });
  round_trip(line, [](std::string_view l) { return decode_event(l); },
             [](const Event& e) { return encode(e); });
  return 0;
}
