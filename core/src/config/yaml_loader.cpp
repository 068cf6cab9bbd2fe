// YAML to config::Value, with includes. yaml-cpp stays in this file.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "greenlight/core/config_value.h"

namespace greenlight::config {
namespace {

namespace fs = std::filesystem;

Mark mark_of(const YAML::Mark& mark, const std::string& file) {
  return Mark{file, mark.line + 1, mark.column + 1};
}

Value convert(const YAML::Node& node, const std::string& file, Diagnostics& diagnostics) {
  Value value;
  value.mark = mark_of(node.Mark(), file);
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      value.kind = Value::Kind::kScalar;
      value.scalar = node.Scalar();
      value.quoted = node.Tag() == "!";
      break;
    case YAML::NodeType::Sequence:
      value.kind = Value::Kind::kSequence;
      for (const auto& item : node) value.items.push_back(convert(item, file, diagnostics));
      break;
    case YAML::NodeType::Map:
      value.kind = Value::Kind::kMapping;
      for (const auto& entry : node) {
        Value key = convert(entry.first, file, diagnostics);
        if (!key.is_scalar()) {
          diagnostics.error(key.mark, "mapping keys must be plain names");
          continue;
        }
        auto same = std::find_if(value.entries.begin(), value.entries.end(),
                                 [&](const auto& e) { return e.first.scalar == key.scalar; });
        if (same != value.entries.end()) {
          diagnostics.error(key.mark, fmt::format("'{}' is defined twice", key.scalar),
                            fmt::format("first defined at {}", same->first.mark.str()));
          continue;
        }
        value.entries.push_back({std::move(key), convert(entry.second, file, diagnostics)});
      }
      break;
    default:
      value.kind = Value::Kind::kNull;
  }
  return value;
}

Value parse(std::string_view text, const std::string& name, Diagnostics& diagnostics) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return convert(root, name, diagnostics);
  } catch (const YAML::Exception& error) {
    diagnostics.error(mark_of(error.mark, name), fmt::format("YAML syntax: {}", error.msg));
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
    diagnostics.error(
        root.mark, fmt::format("a configuration file must be a mapping, not {}", root.describe()));
    return Value{};
  }
  auto include = std::find_if(root.entries.begin(), root.entries.end(),
                              [](const auto& e) { return e.first.scalar == "include"; });
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
  return load(path, diagnostics, stack, Mark{path.string(), 0, 0});
}

Value load_yaml_text(std::string_view text, const std::string& name, Diagnostics& diagnostics) {
  return parse(text, name, diagnostics);
}

}  // namespace greenlight::config
