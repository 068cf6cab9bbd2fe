// Parser of `gluster volume heal VOL info [summary|split-brain] --xml`.
//
// The full listing can hold millions of <file> entries, so the parser is
// incremental: feed() it the output as it arrives, in chunks of any size,
// then finish() with the command's exit status. It keeps only the bricks and
// their counts, never the entries, and holds at most one markup token (capped)
// plus a small head of the output for error messages.
//
// Rules (GlusterFS 10.3, see LAB-NOTES.md):
// - exit status 251: the volume is stopped; 254: no such volume; any other
//   non-zero status: the command failed. These are outcomes, not parse errors.
// - A brick whose <status> is not "Connected", or whose counts are absent or
//   "-", is unreadable: its counts are nullopt (unknown), never 0, and it is
//   never dropped.
// - `info summary` with a brick down prints the status as "Failed to process
//   entries completely. (REASON)totalNumberOfEntries0" and no counts: the
//   trailing "totalNumberOfEntries0" is glusterd's formatting bug and is cut.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/checks/parsed.h"
#include "greenlight/core/runner.h"

namespace greenlight::checks {

/// Which heal info command produced the output.
enum class HealListing {
  entries,      ///< `heal VOL info`: <numberOfEntries> = entries needing heal
  summary,      ///< `heal VOL info summary`: total / pending / split-brain / healing
  split_brain,  ///< `heal VOL info split-brain`: <numberOfEntries> = split-brain entries
};

enum class HealOutcome {
  listed,          ///< the command listed the bricks
  volume_stopped,  ///< exit status 251
  volume_missing,  ///< exit status 254
  failed,          ///< any other failure: see HealInfo::error
};
std::string_view to_string(HealOutcome outcome);

struct BrickHeal {
  std::string brick;   ///< "host:/path"
  std::string status;  ///< <status>, cleaned of glusterd's trailing garbage
  bool readable = false;
  std::optional<std::uint64_t> total;
  std::optional<std::uint64_t> pending;
  std::optional<std::uint64_t> split_brain;
  std::optional<std::uint64_t> possibly_healing;
  /// <file> elements listed under the brick (full listing only).
  std::uint64_t listed_entries = 0;

  /// Why the brick is unreadable, in a few words: the parenthesised reason of
  /// a "Failed to process entries" status, else the status itself.
  std::string unreadable_reason() const;
};

struct HealInfo {
  HealListing listing = HealListing::entries;
  HealOutcome outcome = HealOutcome::listed;
  /// For outcomes other than listed: glusterd's message (<opErrstr> or the
  /// first line of the text output).
  std::string error;
  std::vector<BrickHeal> bricks;
};

/// Incremental parser. Not thread-safe; one instance per command run.
class HealInfoParser {
 public:
  /// `max_token` caps one markup token (tag, comment) in bytes; a longer one
  /// is a ParseError rather than unbounded buffering.
  explicit HealInfoParser(HealListing listing, std::size_t max_token = 64 * 1024);

  /// Feeds the next chunk of output. After an error further input is ignored.
  void feed(std::string_view chunk);

  /// End of output. `exit_status` is the command's exit status.
  Parsed<HealInfo> finish(int exit_status);

 private:
  void process();
  bool markup(std::size_t lt, std::size_t end);
  void start_element(std::string_view name, bool self_closing);
  void end_element(std::string_view name);
  void text(std::string_view chars);
  void fail(std::string reason);

  HealListing listing_;
  std::size_t max_token_;
  std::string buffer_;          // unconsumed bytes (at most one partial token)
  std::uint64_t consumed_ = 0;  // bytes consumed before buffer_[0]
  std::string head_;            // first bytes of output, for error texts
  std::vector<std::string> stack_;
  bool root_seen_ = false;
  bool root_closed_ = false;
  bool capturing_ = false;
  std::string captured_;
  std::optional<BrickHeal> brick_;
  std::vector<std::string> brick_fields_;  // the fields the current brick gave
  std::vector<BrickHeal> bricks_;
  std::string op_ret_;
  std::string op_errstr_;
  bool heal_info_seen_ = false;
  std::optional<std::string> error_;
};

/// A heal listing read as the command prints it: the OutputSink a heal
/// check gives run_check for each `heal VOL info` command, so that a listing
/// of millions of entries is parsed in bounded memory (one token, the
/// bricks' counts). Written by the thread that reads the output (see
/// OutputSink::write); finish() on the thread `done` runs on, once.
class HealListingReader : public OutputSink {
 public:
  explicit HealListingReader(HealListing listing) : parser_(listing) {}
  void write(std::string_view bytes) override {
    parser_.feed(bytes);
    bytes_ += bytes.size();
  }
  /// The listing, as parse_gluster_heal_info would read the whole output.
  Parsed<HealInfo> finish(int exit_status) { return parser_.finish(exit_status); }
  /// Bytes read so far.
  std::uint64_t bytes() const { return bytes_; }

 private:
  HealInfoParser parser_;
  std::uint64_t bytes_ = 0;
};

/// Whole-output convenience over HealInfoParser.
Parsed<HealInfo> parse_gluster_heal_info(std::string_view output, int exit_status,
                                         HealListing listing);

}  // namespace greenlight::checks
