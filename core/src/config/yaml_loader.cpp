// YAML to config::Value, with includes. yaml-cpp stays in this file.
#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <optional>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "greenlight/core/config_value.h"

namespace greenlight::config {
namespace {

namespace fs = std::filesystem;

Mark mark_of(const YAML::Mark& mark, const std::string& file) {
  return Mark{file, mark.line + 1, mark.column + 1};
}

// What one file may hold once its aliases are expanded: a configuration is
// a few thousand values; an alias expanding into millions ("billion laughs")
// is refused before memory grows.
constexpr std::size_t kMaxValues = 200'000;
constexpr int kMaxDepth = 64;
constexpr std::uintmax_t kMaxFileBytes = 16 * 1024 * 1024;

struct Budget {
  std::size_t values = 0;
  int depth = 0;
  bool exceeded = false;
};

Value convert(const YAML::Node& node, const std::string& file, Diagnostics& diagnostics,
              Budget& budget) {
  Value value;
  if (budget.exceeded) return value;
  if (++budget.values > kMaxValues || budget.depth >= kMaxDepth) {
    budget.exceeded = true;
    diagnostics.error(
        mark_of(node.Mark(), file),
        budget.depth >= kMaxDepth
            ? fmt::format("YAML: nested more than {} levels deep", kMaxDepth)
            : fmt::format("YAML: more than {} values, aliases expanded (a site holds a few "
                          "thousand; split it with include:, or look for an alias repeated "
                          "inside aliases)",
                          kMaxValues));
    return value;
  }
  ++budget.depth;
  struct Leave {
    Budget& b;
    ~Leave() { --b.depth; }
  } leave{budget};
  value.mark = mark_of(node.Mark(), file);
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      value.kind = Value::Kind::kScalar;
      value.scalar = node.Scalar();
      value.quoted = node.Tag() == "!";
      break;
    case YAML::NodeType::Sequence:
      value.kind = Value::Kind::kSequence;
      for (const auto& item : node) {
        if (budget.exceeded) break;
        value.items.push_back(convert(item, file, diagnostics, budget));
      }
      break;
    case YAML::NodeType::Map: {
      value.kind = Value::Kind::kMapping;
      // key -> its index in entries: a mapping of 100,000 keys is read in
      // linear time, not by a search per key.
      std::unordered_map<std::string, std::size_t> seen;
      for (const auto& entry : node) {
        if (budget.exceeded) break;
        Value key = convert(entry.first, file, diagnostics, budget);
        if (!key.is_scalar()) {
          diagnostics.error(key.mark, "mapping keys must be plain names");
          continue;
        }
        if (auto same = seen.find(key.scalar); same != seen.end()) {
          diagnostics.error(key.mark, fmt::format("'{}' is defined twice", key.scalar),
                            fmt::format("first defined at {}",
                                        value.entries[same->second].first.mark.str()));
          continue;
        }
        seen.emplace(key.scalar, value.entries.size());
        value.entries.push_back({std::move(key), convert(entry.second, file, diagnostics, budget)});
      }
      break;
    }
    default:
      value.kind = Value::Kind::kNull;
  }
  return value;
}

// yaml-cpp says "illegal map value" (or worse) for a tab in indentation:
// name the cause when the lines around the error start with one.
bool tab_indented(std::string_view text, int line) {
  int number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    if (std::abs(number - line) <= 1) {
      const std::string_view content = text.substr(start, end == std::string::npos ? end : end - start);
      const auto first = content.find_first_not_of(' ');
      if (first != std::string_view::npos && content[first] == '\t') return true;
    }
    if (end == std::string::npos) break;
    start = end + 1;
    ++number;
  }
  return false;
}

// What one document of a stream holds: whether anything but a lone null,
// and where its first node is. Documents are read one at a time through
// it: yaml-cpp 0.7's LoadAll was seen to return empty documents without end
// on a malformed stream (fuzz_api_parsers: 2 GB from 318 bytes).
class DocumentProbe : public YAML::EventHandler {
 public:
  bool content = false;
  std::optional<YAML::Mark> first;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { note(mark, false); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { note(mark, true); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    note(mark, true);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    note(mark, true);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    note(mark, true);
  }
  void OnMapEnd() override {}

 private:
  void note(const YAML::Mark& mark, bool is_content) {
    if (!first) first = mark;
    content = content || is_content;
  }
};

// The first node of a second document that holds something, if the
// stream has one (empty documents, a "---" alone, do not count; at most 64
// documents are looked at).
std::optional<YAML::Mark> second_document(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  int documents = 0;
  for (int read = 0; read < 64; ++read) {
    DocumentProbe probe;
    if (!parser.HandleNextDocument(probe)) break;
    if (probe.content && ++documents == 2) return probe.first;
  }
  return std::nullopt;
}

Value parse(std::string_view text, const std::string& name, Diagnostics& diagnostics) {
  try {
    const std::string whole(text);
    if (const auto second = second_document(whole)) {
      diagnostics.error(mark_of(*second, name),
                        "a configuration file holds one YAML document; this is a second one, "
                        "after a '---' line");
      return Value{};
    }
    YAML::Node root = YAML::Load(whole);
    Budget budget;
    Value value = convert(root, name, diagnostics, budget);
    // A tree cut short would give errors of its own about what is missing.
    return budget.exceeded ? Value{} : value;
  } catch (const YAML::Exception& error) {
    std::string why = fmt::format("YAML syntax: {}", error.msg);
    if (tab_indented(text, error.mark.line))
      why += " (tab characters are not allowed for indentation in YAML: indent with spaces)";
    diagnostics.error(mark_of(error.mark, name), why);
    return Value{};
  } catch (const std::bad_alloc&) {
    diagnostics.error(Mark{name, 0, 0}, "YAML: not enough memory to read it");
    return Value{};
  }
}

void merge_top_level(Value& into, Value&& from, Diagnostics& diagnostics) {
  for (auto& moved : from.entries) {
    Value& key = moved.first;
    Value& value = moved.second;
    auto existing = std::find_if(into.entries.begin(), into.entries.end(),
                                 [&](const auto& e) { return e.first.scalar == key.scalar; });
    if (existing == into.entries.end()) {
      into.entries.push_back({std::move(key), std::move(value)});
    } else if (existing->second.is_mapping() && value.is_mapping()) {
      for (auto& entry : value.entries) {
        auto same =
            std::find_if(existing->second.entries.begin(), existing->second.entries.end(),
                         [&](const auto& e) { return e.first.scalar == entry.first.scalar; });
        if (same != existing->second.entries.end()) {
          diagnostics.error(
              entry.first.mark,
              fmt::format("'{}' in '{}' is defined twice", entry.first.scalar, key.scalar),
              fmt::format("first defined at {}", same->first.mark.str()));
          continue;
        }
        existing->second.entries.push_back(std::move(entry));
      }
    } else if (existing->second.is_sequence() && value.is_sequence()) {
      for (auto& item : value.items) existing->second.items.push_back(std::move(item));
    } else {
      diagnostics.error(key.mark, fmt::format("'{}' is defined twice", key.scalar),
                        fmt::format("first defined at {}", existing->first.mark.str()));
    }
  }
}

Value load(const fs::path& path, Diagnostics& diagnostics, std::vector<fs::path>& stack,
           const Mark& from) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(path, ec);
  if (std::find(stack.begin(), stack.end(), canonical) != stack.end()) {
    diagnostics.error(from, fmt::format("include cycle: {} includes itself", path.string()));
    return Value{};
  }
  const auto status = fs::status(path, ec);
  if (!ec && fs::exists(status) && !fs::is_regular_file(status)) {
    diagnostics.error(from, fmt::format("{} is {}, not a configuration file", path.string(),
                                        fs::is_directory(status) ? "a directory" : "not a file"));
    return Value{};
  }
  if (const auto size = fs::file_size(path, ec); !ec && size > kMaxFileBytes) {
    diagnostics.error(from, fmt::format("{} is {} bytes: more than the {} a configuration may be",
                                        path.string(), size, kMaxFileBytes));
    return Value{};
  }
  std::ifstream in(path);
  if (!in) {
    diagnostics.error(from, fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
    return Value{};
  }
  std::stringstream text;
  text << in.rdbuf();
  Value root = parse(text.str(), path.string(), diagnostics);
  if (root.is_null()) return root;
  if (!root.is_mapping()) {
    // Its kind only, never its text: a file of tokens or password hashes
    // given to include: would be shown on the terminal and in logs.
    diagnostics.error(root.mark,
                      fmt::format("a configuration file must be a mapping, not {}",
                                  root.is_scalar() ? "a single value" : root.describe()));
    return Value{};
  }
  auto include = std::find_if(root.entries.begin(), root.entries.end(),
                              [](const auto& e) { return e.first.scalar == "include"; });
  KeyRecording::note("top level", {"include"});
  if (include == root.entries.end()) return root;
  Value includes = std::move(include->second);
  root.entries.erase(include);
  std::vector<Value> files;
  if (includes.is_scalar()) {
    files.push_back(includes);
  } else if (includes.is_sequence()) {
    files = includes.items;
  } else {
    diagnostics.error(includes.mark, "include: expected a file name or a list of file names");
  }
  stack.push_back(canonical);
  for (const auto& file : files) {
    if (!file.is_scalar()) {
      diagnostics.error(file.mark, "include: expected a file name");
      continue;
    }
    fs::path included = file.scalar;
    if (included.is_relative()) included = path.parent_path() / included;
    Value child = load(included, diagnostics, stack, file.mark);
    if (child.is_mapping()) merge_top_level(root, std::move(child), diagnostics);
  }
  stack.pop_back();
  return root;
}

}  // namespace

Value load_yaml_file(const fs::path& path, Diagnostics& diagnostics) {
  std::vector<fs::path> stack;
  const std::size_t errors = diagnostics.errors().size();
  Value root = load(path, diagnostics, stack, Mark{path.string(), 0, 0});
  if (root.is_null() && diagnostics.errors().size() == errors) {
    diagnostics.error(Mark{path.string(), 0, 0},
                      fmt::format("{} is empty: a site configuration is a mapping (site:, hosts:, "
                                  "checks:, ...)",
                                  path.string()));
  }
  return root;
}

Value load_yaml_text(std::string_view text, const std::string& name, Diagnostics& diagnostics) {
  return parse(text, name, diagnostics);
}

}  // namespace greenlight::config
