// Streaming scanner for heal info --xml. A DOM of a million-entry listing
// costs hundreds of MiB (bench/RESULTS.md), so this reads tags one by one and
// keeps only what the verdict needs. It still checks what a truncated or
// garbled output breaks: element nesting, root element, tag syntax.
#include <algorithm>
#include <cstring>

#include "gluster/xml_text.h"
#include "greenlight/checks/gluster_heal.h"
#include "text.h"

namespace greenlight::checks {

namespace {

constexpr std::size_t kHeadBytes = 4096;
constexpr std::size_t kMaxCapture = 4096;
constexpr std::size_t kMaxDepth = 32;

bool name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':';
}
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }
bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_count_element(std::string_view name) {
  return name == "numberOfEntries" || name == "totalNumberOfEntries" ||
         name == "numberOfEntriesInHealPending" || name == "numberOfEntriesInSplitBrain" ||
         name == "numberOfEntriesPossiblyHealing";
}

std::string clean_status(std::string status) {
  // glusterd appends "totalNumberOfEntries0" to a failed brick's summary status.
  const auto junk = status.find("totalNumberOfEntries");
  if (junk != std::string::npos && junk > 0) status.erase(junk);
  return std::string(detail::trim(status));
}

// Stores the text of one child element of <brick>.
void store(BrickHeal& brick, HealListing listing, std::string_view name, std::string value) {
  const auto count = detail::to_uint(value);
  if (name == "name") {
    brick.brick = std::move(value);
  } else if (name == "status") {
    brick.status = clean_status(std::move(value));
  } else if (name == "numberOfEntries") {
    if (listing == HealListing::split_brain) {
      brick.split_brain = count;
    } else {
      brick.pending = count;
      brick.total = count;
    }
  } else if (name == "totalNumberOfEntries") {
    brick.total = count;
  } else if (name == "numberOfEntriesInHealPending") {
    brick.pending = count;
  } else if (name == "numberOfEntriesInSplitBrain") {
    brick.split_brain = count;
  } else if (name == "numberOfEntriesPossiblyHealing") {
    brick.possibly_healing = count;
  }
}

std::string first_line(std::string_view text) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = detail::trim(text.substr(0, nl));
    if (!line.empty() && line.front() != '<') return std::string(line.substr(0, 200));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return {};
}

}  // namespace

std::string_view to_string(HealOutcome outcome) {
  switch (outcome) {
    case HealOutcome::listed:
      return "listed";
    case HealOutcome::volume_stopped:
      return "volume stopped";
    case HealOutcome::volume_missing:
      return "no such volume";
    case HealOutcome::failed:
      return "failed";
  }
  return "failed";
}

std::string BrickHeal::unreadable_reason() const {
  if (status.empty()) return "no status";
  if (status == "Connected") return "Connected, but its entry count is missing or not a number";
  const auto open = status.rfind('(');
  const auto close = status.rfind(')');
  if (status.rfind("Failed to process entries", 0) == 0 && open != std::string::npos &&
      close != std::string::npos && close > open + 1) {
    return status.substr(open + 1, close - open - 1);
  }
  return status;
}

HealInfoParser::HealInfoParser(HealListing listing, std::size_t max_token)
    : listing_(listing), max_token_(std::max<std::size_t>(max_token, 64)) {}

void HealInfoParser::fail(std::string reason) {
  if (!error_) error_ = std::move(reason);
}

void HealInfoParser::feed(std::string_view chunk) {
  if (head_.size() < kHeadBytes) {
    head_.append(chunk.substr(0, kHeadBytes - head_.size()));
  }
  if (error_) return;
  buffer_.append(chunk);
  process();
}

void HealInfoParser::process() {
  const std::size_t n = buffer_.size();
  std::size_t pos = 0;
  while (!error_ && pos < n) {
    if (buffer_[pos] != '<') {
      const auto lt = buffer_.find('<', pos);
      const std::size_t end = lt == std::string::npos ? n : lt;
      text(std::string_view(buffer_).substr(pos, end - pos));
      pos = end;
      continue;
    }
    // Find the end of the markup starting at pos; wait for more input when
    // it is not complete yet.
    std::size_t end = std::string::npos;
    const std::string_view rest = std::string_view(buffer_).substr(pos);
    if (rest.size() < 2) break;
    if (rest[1] == '!') {
      if (rest.size() < 9) break;  // could still be "<!--" or "<![CDATA["
      const char* close = rest.substr(0, 4) == "<!--"        ? "-->"
                          : rest.substr(0, 9) == "<![CDATA[" ? "]]>"
                                                             : ">";
      const auto at = rest.find(close, 2);
      if (at != std::string_view::npos) end = pos + at + std::strlen(close);
    } else if (rest[1] == '?') {
      const auto at = rest.find("?>", 2);
      if (at != std::string_view::npos) end = pos + at + 2;
    } else {
      char quote = 0;
      for (std::size_t i = 1; i < rest.size(); ++i) {
        const char c = rest[i];
        if (quote) {
          if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '>') {
          end = pos + i + 1;
          break;
        } else if (c == '<') {
          fail("'<' inside a tag at byte " + std::to_string(consumed_ + pos + i));
          break;
        }
      }
    }
    if (error_) break;
    if (end == std::string::npos) {
      if (rest.size() > max_token_) {
        fail("a tag longer than " + std::to_string(max_token_) + " bytes at byte " +
             std::to_string(consumed_ + pos));
      }
      break;
    }
    if (!markup(pos, end)) break;
    pos = end;
  }
  consumed_ += pos;
  buffer_.erase(0, pos);
}

bool HealInfoParser::markup(std::size_t lt, std::size_t end) {
  const std::string_view token = std::string_view(buffer_).substr(lt, end - lt);
  const std::string at = " at byte " + std::to_string(consumed_ + lt);
  if (token.substr(0, 9) == "<![CDATA[") {
    text(token.substr(9, token.size() - 12));
    return true;
  }
  if (token[1] == '!' || token[1] == '?') return true;  // prolog, comments, doctype
  const bool closing = token[1] == '/';
  std::string_view inner = token.substr(closing ? 2 : 1, token.size() - (closing ? 3 : 2));
  const bool self_closing = !closing && !inner.empty() && inner.back() == '/';
  if (self_closing) inner.remove_suffix(1);
  std::size_t len = 0;
  while (len < inner.size() && name_char(inner[len])) ++len;
  const std::string_view name = inner.substr(0, len);
  if (name.empty() || !name_start(name.front()) || (len < inner.size() && !blank(inner[len]))) {
    fail("malformed tag '" + std::string(token.substr(0, 40)) + "'" + at);
    return false;
  }
  if (closing) {
    if (!detail::trim(inner.substr(len)).empty()) {
      fail("malformed end tag '" + std::string(token.substr(0, 40)) + "'" + at);
      return false;
    }
    end_element(name);
  } else {
    start_element(name, self_closing);
  }
  if (error_) *error_ += at;
  return !error_;
}

void HealInfoParser::start_element(std::string_view name, bool self_closing) {
  if (root_closed_) {
    fail("element <" + std::string(name) + "> after the end of <cliOutput>");
    return;
  }
  if (stack_.empty()) {
    if (name != "cliOutput") {
      fail("root element is <" + std::string(name) + ">, expected <cliOutput>");
      return;
    }
    root_seen_ = true;
  }
  if (stack_.size() >= kMaxDepth) {
    fail("elements nested deeper than " + std::to_string(kMaxDepth));
    return;
  }
  const std::size_t depth = stack_.size();
  if (depth == 1 && (name == "opRet" || name == "opErrstr")) {
    capturing_ = true;
  } else if (depth == 1 && name == "healInfo") {
    heal_info_seen_ = true;
  } else if (depth == 3 && name == "brick" && stack_[1] == "healInfo" && stack_[2] == "bricks") {
    brick_.emplace();
    brick_fields_.clear();
  } else if (depth == 4 && brick_) {
    if (name == "file") {
      ++brick_->listed_entries;
    } else if (name == "name" || name == "status" || is_count_element(name)) {
      // glfs-heal.c writes each once: a second one (a status after
      // another, a count after a count) leaves the brick's state unknown,
      // never the last one's word.
      if (std::find(brick_fields_.begin(), brick_fields_.end(), name) != brick_fields_.end()) {
        fail("<" + std::string(name) + "> given twice for one brick");
        return;
      }
      brick_fields_.emplace_back(name);
      capturing_ = true;
    }
  }
  if (capturing_) captured_.clear();
  stack_.emplace_back(name);
  if (self_closing) end_element(name);
}

void HealInfoParser::text(std::string_view chars) {
  if (stack_.empty()) {
    if (!detail::trim(chars).empty()) {
      fail(std::string(root_seen_ ? "text after </cliOutput>" : "text before <cliOutput>") + ": '" +
           std::string(detail::trim(chars).substr(0, 40)) + "'");
    }
    return;
  }
  if (capturing_ && captured_.size() < kMaxCapture) {
    captured_.append(chars.substr(0, kMaxCapture - captured_.size()));
  }
}

void HealInfoParser::end_element(std::string_view name) {
  if (stack_.empty() || stack_.back() != name) {
    fail("</" + std::string(name) + "> does not close " +
         (stack_.empty() ? std::string("any element") : "<" + stack_.back() + ">"));
    return;
  }
  const std::size_t depth = stack_.size() - 1;
  if (capturing_) {
    capturing_ = false;
    std::string value = detail::decode_xml_text(detail::trim(captured_));
    if (depth == 1) {
      (name == "opRet" ? op_ret_ : op_errstr_) = std::move(value);
    } else if (brick_) {
      store(*brick_, listing_, name, std::move(value));
    }
  } else if (depth == 3 && name == "brick" && brick_) {
    BrickHeal b = std::move(*brick_);
    brick_.reset();
    if (b.brick.empty()) {
      fail("brick #" + std::to_string(bricks_.size() + 1) + " has no <name>");
      return;
    }
    // A listing that shows more <file> entries than its count is trusted
    // for the larger number: a gate must not open on an undercount.
    if (b.listed_entries > 0) {
      auto& count = listing_ == HealListing::split_brain ? b.split_brain : b.pending;
      if (listing_ != HealListing::summary && count && *count < b.listed_entries) {
        count = b.listed_entries;
        if (listing_ == HealListing::entries) b.total = count;
      }
    }
    // Every split-brain entry is also listed by the full heal info, so a
    // brick with nothing to heal has no split-brain either.
    if (listing_ == HealListing::entries && b.pending == 0u) b.split_brain = 0;
    const bool counted = listing_ == HealListing::entries       ? b.pending.has_value()
                         : listing_ == HealListing::split_brain ? b.split_brain.has_value()
                                                                : b.pending && b.split_brain;
    b.readable = b.status == "Connected" && counted;
    if (!b.readable) {
      // Never report a number for a brick that could not be read.
      b.total.reset();
      b.pending.reset();
      b.split_brain.reset();
      b.possibly_healing.reset();
    }
    bricks_.push_back(std::move(b));
  }
  stack_.pop_back();
  if (stack_.empty()) root_closed_ = true;
}

Parsed<HealInfo> HealInfoParser::finish(int exit_status) {
  HealInfo info;
  info.listing = listing_;
  if (exit_status != 0) {
    info.outcome = exit_status == 251   ? HealOutcome::volume_stopped
                   : exit_status == 254 ? HealOutcome::volume_missing
                                        : HealOutcome::failed;
    info.error = !op_errstr_.empty() ? op_errstr_ : first_line(head_);
    if (info.error.empty()) info.error = "exit status " + std::to_string(exit_status);
    return info;
  }
  const std::string what = "gluster heal info: ";
  if (error_) return ParseError{what + *error_};
  if (!root_seen_) {
    return ParseError{what + (detail::trim(head_).empty() && buffer_.empty()
                                  ? "empty output"
                                  : "no <cliOutput> element in the output")};
  }
  if (!root_closed_ || !detail::trim(buffer_).empty()) {
    return ParseError{what + "output truncated: <" + stack_.back() + "> not closed after " +
                      std::to_string(consumed_ + buffer_.size()) + " bytes"};
  }
  const auto ret = detail::to_int(op_ret_);
  if (!ret) return ParseError{what + "<opRet> missing or not a number"};
  if (*ret != 0) {
    info.outcome = HealOutcome::failed;
    info.error = op_errstr_.empty() ? "opRet " + op_ret_ : op_errstr_;
    return info;
  }
  if (!heal_info_seen_) return ParseError{what + "no <healInfo> element"};
  info.bricks = std::move(bricks_);
  return info;
}

Parsed<HealInfo> parse_gluster_heal_info(std::string_view output, int exit_status,
                                         HealListing listing) {
  HealInfoParser parser(listing);
  parser.feed(output);
  return parser.finish(exit_status);
}

}  // namespace greenlight::checks
