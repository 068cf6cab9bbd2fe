// Reading ClusterShell's groups.conf (an INI file in Python configparser's
// dialect), its confdir *.conf files and autodir *.yaml files.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "greenlight/core/clustershell_groups.h"

namespace greenlight {
namespace {

namespace fs = std::filesystem;
using Section = std::map<std::string, std::string>;
using Ini = std::vector<std::pair<std::string, Section>>;  // in file order

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

Ini read_ini(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw GroupConfigError(fmt::format("{}: cannot read", path.string()));
  Ini ini;
  std::string line, key;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string content = trim(line);
    if (content.empty() || content[0] == '#' || content[0] == ';') continue;
    if ((line[0] == ' ' || line[0] == '\t') && !key.empty() && !ini.empty()) {
      ini.back().second[key] += "\n" + content;  // continuation line
      continue;
    }
    if (content.front() == '[') {
      if (content.back() != ']') {
        throw GroupConfigError(
            fmt::format("{}:{}: section header without ']'", path.string(), number));
      }
      ini.emplace_back(trim(content.substr(1, content.size() - 2)), Section{});
      key.clear();
      continue;
    }
    const auto sep = content.find_first_of(":=");
    if (sep == std::string::npos || ini.empty()) {
      throw GroupConfigError(
          fmt::format("{}:{}: expected 'key: value' inside a [section]", path.string(), number));
    }
    key = trim(content.substr(0, sep));
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    ini.back().second[key] = trim(content.substr(sep + 1));
  }
  return ini;
}

std::vector<fs::path> split_dirs(const std::string& value, const fs::path& cfgdir) {
  std::vector<fs::path> dirs;
  std::istringstream words(value);
  std::string word;
  while (words >> word) {
    for (const std::string var : {"$CFGDIR", "${CFGDIR}"}) {
      if (auto at = word.find(var); at != std::string::npos)
        word.replace(at, var.size(), cfgdir.string());
    }
    dirs.emplace_back(word);
  }
  return dirs;
}

std::vector<fs::path> files_in(const fs::path& dir, const std::string& extension) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == extension) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void add_upcall_sources(GroupResolver& resolver, const Ini& ini, const fs::path& cfgdir) {
  for (const auto& named : ini) {
    const std::string& names = named.first;
    const Section& section = named.second;
    if (names == "Main") continue;
    std::istringstream split(names);
    std::string name;
    while (std::getline(split, name, ',')) {
      UpcallGroupSource::Upcalls upcalls;
      upcalls.name = trim(name);
      upcalls.cfgdir = cfgdir;
      auto get = [&](const char* key) {
        auto it = section.find(key);
        return it == section.end() ? std::string() : it->second;
      };
      upcalls.map = get("map");
      upcalls.list = get("list");
      upcalls.all = get("all");
      if (auto cache = get("cache_time"); !cache.empty()) {
        upcalls.cache_time = std::chrono::seconds(std::atol(cache.c_str()));
      }
      resolver.add_source(upcalls.name, std::make_shared<UpcallGroupSource>(upcalls));
    }
  }
}

std::string yaml_nodes(const YAML::Node& value) {
  if (value.IsSequence()) {
    std::string joined;
    for (const auto& item : value) {
      if (!joined.empty()) joined += ',';
      joined += item.as<std::string>();
    }
    return joined;
  }
  return value.IsNull() ? std::string() : value.as<std::string>();
}

void add_yaml_sources(GroupResolver& resolver, const fs::path& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& error) {
    throw GroupConfigError(fmt::format("{}:{}:{}: {}", file.string(), error.mark.line + 1,
                                       error.mark.column + 1, error.msg));
  }
  if (!root.IsMap())
    throw GroupConfigError(fmt::format("{}: expected a mapping of group sources", file.string()));
  for (const auto& source : root) {
    if (!source.second.IsMap()) {
      throw GroupConfigError(fmt::format("{}:{}: group source \"{}\" must map group names to nodes",
                                         file.string(), source.first.Mark().line + 1,
                                         source.first.as<std::string>()));
    }
    std::map<std::string, std::string, std::less<>> groups;
    std::optional<std::string> all;
    for (const auto& group : source.second) {
      try {
        const std::string name = group.first.as<std::string>();
        groups[name] = yaml_nodes(group.second);
        if (name == "all") all = groups[name];
      } catch (const YAML::Exception& error) {
        throw GroupConfigError(
            fmt::format("{}:{}:{}: group nodes must be a string or a list of strings",
                        file.string(), error.mark.line + 1, error.mark.column + 1));
      }
    }
    resolver.add_source(source.first.as<std::string>(),
                        std::make_shared<StaticGroupSource>(std::move(groups), std::move(all)));
  }
}

}  // namespace

namespace {

// Python's ConfigParser.read() of several files: sections merged, later
// values winning, sections kept in first-seen order.
void merge_into(Ini& merged, const Ini& more) {
  for (const auto& named : more) {
    const std::string& name = named.first;
    const Section& section = named.second;
    auto it =
        std::find_if(merged.begin(), merged.end(), [&](const auto& s) { return s.first == name; });
    if (it == merged.end()) {
      merged.emplace_back(name, section);
    } else {
      for (const auto& [key, value] : section) it->second[key] = value;
    }
  }
}

void load_merged(GroupResolver& resolver, const Ini& ini, const fs::path& cfgdir) {
  Section main;
  for (const auto& [name, section] : ini) {
    if (name == "Main") main = section;
  }
  const std::string confdir_key = main.count("groupsdir") != 0 ? "groupsdir" : "confdir";
  if (auto it = main.find(confdir_key); it != main.end()) {
    for (const auto& dir : split_dirs(it->second, cfgdir)) {
      for (const auto& file : files_in(dir, ".conf"))
        add_upcall_sources(resolver, read_ini(file), dir);
    }
  }
  if (auto it = main.find("autodir"); it != main.end()) {
    for (const auto& dir : split_dirs(it->second, cfgdir)) {
      for (const auto& file : files_in(dir, ".yaml")) add_yaml_sources(resolver, file);
    }
  }
  add_upcall_sources(resolver, ini, cfgdir);
  if (auto it = main.find("default"); it != main.end() && !it->second.empty()) {
    if (!resolver.source(it->second)) {
      throw GroupConfigError(fmt::format("Default group source not found: \"{}\"", it->second));
    }
    resolver.set_default(it->second);
  }
}

}  // namespace

void load_clustershell_groups_file(GroupResolver& resolver, const fs::path& groups_conf) {
  load_merged(resolver, read_ini(groups_conf), groups_conf.parent_path());
}

bool load_clustershell_groups(GroupResolver& resolver) {
  // The places ClusterShell 1.9 reads, in its order; $CLUSTERSHELL_CFGDIR last.
  std::vector<fs::path> candidates{"/etc/clustershell/groups.conf"};
  const char* home = std::getenv("HOME");
  if (home != nullptr) candidates.push_back(fs::path(home) / ".local/etc/clustershell/groups.conf");
  candidates.emplace_back("/usr/etc/clustershell/groups.conf");
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
    candidates.push_back(fs::path(xdg) / "clustershell/groups.conf");
  } else if (home != nullptr) {
    candidates.push_back(fs::path(home) / ".config/clustershell/groups.conf");
  }
  if (const char* dir = std::getenv("CLUSTERSHELL_CFGDIR"); dir != nullptr) {
    candidates.push_back(fs::path(dir) / "groups.conf");
  }
  Ini merged;
  std::optional<fs::path> last;
  std::error_code ec;
  for (const auto& candidate : candidates) {
    if (!fs::is_regular_file(candidate, ec)) continue;
    merge_into(merged, read_ini(candidate));
    last = candidate;
  }
  if (!last) return false;
  load_merged(resolver, merged, last->parent_path());
  return true;
}

}  // namespace greenlight
