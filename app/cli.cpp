#include "cli.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <iostream>
#include <limits>

#include "greenlight/core/config_value.h"

namespace greenlight::app {

std::unique_ptr<CLI::App> make_cli(const std::string& name, const std::string& description,
                                   const std::string& examples) {
  auto app = std::make_unique<CLI::App>(description, "greenlight [-c CONFIG] " + name);
  set_examples(*app, examples);
  // An option given twice keeps its last value, as the hand-written parsers
  // did (scripts add an option to a base command line); lists take all.
  app->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app->get_formatter()->column_width(28);
  return app;
}

void set_examples(CLI::App& app, const std::string& examples) {
  app.footer("\nExamples:\n" + examples);
}

namespace {

// The name an option's refusal shows: its long name when it has one.
std::string shown_name(const std::string& names) {
  std::string shown;
  std::size_t from = 0;
  for (;;) {
    const auto comma = names.find(',', from);
    const std::string name = names.substr(from, comma == std::string::npos ? comma : comma - from);
    if (shown.empty() || (name.rfind("--", 0) == 0 && shown.rfind("--", 0) != 0)) shown = name;
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  return shown;
}

[[noreturn]] void refuse_value(const std::string& names, const std::string& text,
                               const std::string& rule) {
  // What the operator typed comes back one line, its control bytes escaped.
  std::string shown;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    shown += u < 0x20 || u == 0x7f ? fmt::format("\\x{:02x}", u) : std::string(1, c);
  }
  throw CLI::ValidationError(fmt::format("{} {}: must be {}", shown_name(names), shown, rule));
}

// The whole number `text` when it is one from `min` to `max` (decimal
// digits, an optional leading '-'; no blanks, no fraction, no exponent).
std::optional<long long> whole_number(const std::string& text, long long min, long long max) {
  long long value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty() || value < min || value > max)
    return std::nullopt;
  return value;
}

std::string whole_rule(long long min, long long max, const std::string& unit) {
  return fmt::format("a whole number{} from {} to {}", unit.empty() ? "" : " of " + unit, min, max);
}

// "1h", "5s", "1m30s", "250ms": as the configuration writes durations.
std::string duration_text(std::chrono::milliseconds duration) {
  long long ms = duration.count();
  std::string out;
  for (const auto& [unit, size] : {std::pair<const char*, long long>{"h", 3'600'000},
                                   {"m", 60'000},
                                   {"s", 1'000},
                                   {"ms", 1}}) {
    if (ms >= size) {
      out += fmt::format("{}{}", ms / size, unit);
      ms %= size;
    }
  }
  return out.empty() ? "0s" : out;
}

}  // namespace

namespace {

// One reader for every whole-number option: the range as long long (a
// size_t bound above it is clamped), the value stored in `target`'s type.
template <typename Number>
CLI::Option* whole_number_option(CLI::App& app, const std::string& names, Number& target,
                                 const std::string& description, Number min, Number max,
                                 const std::string& unit) {
  constexpr auto kTop = static_cast<unsigned long long>(std::numeric_limits<long long>::max());
  const auto low = static_cast<long long>(std::min<unsigned long long>(
      static_cast<unsigned long long>(std::max<Number>(min, 0)), kTop));
  const auto high = static_cast<long long>(
      std::min<unsigned long long>(static_cast<unsigned long long>(max), kTop));
  const long long from = min < 0 ? static_cast<long long>(min) : low;
  return app
      .add_option_function<std::string>(
          names,
          [names, &target, from, high, unit](const std::string& text) {
            const auto value = whole_number(text, from, high);
            if (!value) refuse_value(names, text, whole_rule(from, high, unit));
            target = static_cast<Number>(*value);
          },
          description)
      ->type_name(fmt::format("INT in [{} - {}]", from, high));
}

}  // namespace

CLI::Option* add_whole_number_option(CLI::App& app, const std::string& names, long long& target,
                                     const std::string& description, long long min, long long max,
                                     const std::string& unit) {
  return whole_number_option(app, names, target, description, min, max, unit);
}

CLI::Option* add_whole_number_option(CLI::App& app, const std::string& names, int& target,
                                     const std::string& description, int min, int max,
                                     const std::string& unit) {
  return whole_number_option(app, names, target, description, min, max, unit);
}

CLI::Option* add_whole_number_option(CLI::App& app, const std::string& names,
                                     std::size_t& target, const std::string& description,
                                     std::size_t min, std::size_t max, const std::string& unit) {
  return whole_number_option(app, names, target, description, min, max, unit);
}

CLI::Option* add_seconds_option(CLI::App& app, const std::string& names, double& target,
                                const std::string& description, double min, double max) {
  return app
      .add_option_function<std::string>(
          names,
          [names, &target, min, max](const std::string& text) {
            double value = 0;
            const char* end = text.data() + text.size();
            const auto [ptr, ec] =
                std::from_chars(text.data(), end, value, std::chars_format::fixed);
            bool read = !text.empty() && ec == std::errc() && ptr == end;
            // Or a duration as the configuration writes them ("5s", "500ms";
            // parse_duration refuses what would overflow).
            if (!read) {
              if (const auto duration = config::parse_duration(text)) {
                value = static_cast<double>(duration->count()) / 1000.0;
                read = true;
              }
            }
            if (!read || !std::isfinite(value) || value < min || value > max)
              refuse_value(names, text,
                           fmt::format("a number of seconds from {} to {} (or a duration such as "
                                       "500ms, 5s or 1m30s)",
                                       min, max));
            target = value;
          },
          description)
      ->type_name(fmt::format("SECONDS in [{} - {}]", min, max));
}

CLI::Option* add_duration_option(CLI::App& app, const std::string& names,
                                 std::chrono::milliseconds& target, const std::string& description,
                                 std::chrono::milliseconds min, std::chrono::milliseconds max) {
  const std::string low = duration_text(min), high = duration_text(max);
  return app
      .add_option_function<std::string>(
          names,
          [names, &target, min, max, low, high](const std::string& text) {
            // parse_duration refuses what would overflow (kMaxDuration).
            const auto value = config::parse_duration(text);
            if (!value || *value < min || *value > max)
              refuse_value(names, text,
                           fmt::format("a duration from {} to {} (such as 500ms, 5s or 1m30s)",
                                       low, high));
            target = *value;
          },
          description)
      ->type_name(fmt::format("DURATION in [{} - {}]", low, high));
}

namespace {

// An option no command of `app` knows, or a first word that is not one of
// its subcommands, in the operator's words; nothing when every word is known.
std::optional<std::string> unknown_word(CLI::App& app, const std::vector<std::string>& args) {
  CLI::App* command = &app;
  bool first_word = true;
  for (const auto& word : args) {
    if (word == "--") break;
    if (word.size() > 1 && word[0] == '-' && !(word[1] >= '0' && word[1] <= '9')) {
      const std::string name = word.substr(0, word.find('='));
      const bool is_long = name.rfind("--", 0) == 0;
      if ((is_long || name.size() == 2) && command->get_option_no_throw(name) == nullptr &&
          name != "-h" && name != "--help")
        return "unknown option '" + name + "'";
      continue;
    }
    const auto subcommands = command->get_subcommands(std::function<bool(CLI::App*)>{});
    if (first_word && !subcommands.empty()) {
      CLI::App* sub = nullptr;
      for (CLI::App* candidate : subcommands)
        if (candidate->check_name(word)) sub = candidate;
      if (sub == nullptr) return "unknown subcommand '" + word + "'";
      command = sub;
      continue;
    }
    first_word = false;
  }
  return std::nullopt;
}

}  // namespace

namespace {
std::function<void(const CLI::App&)>* capture = nullptr;
}  // namespace

CliCapture::CliCapture(std::function<void(const CLI::App&)> visit)
    : visit_(std::move(visit)) {
  capture = &visit_;
}

CliCapture::~CliCapture() { capture = nullptr; }

std::optional<int> parse_cli(CLI::App& app, const std::vector<std::string>& args, int usage_exit) {
  if (capture != nullptr) {
    (*capture)(app);
    return 0;
  }
  // CLI11 takes the words last first.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& error) {
    // CLI11 checks required options and subcommands before it complains
    // about words it does not know: name the unknown word first, it is the
    // cause ("exec --bogus" said "-w is required").
    // "greenlight exec: ...", as the commands' own messages begin.
    std::string name = app.get_name();
    if (const auto at = name.find(" [-c CONFIG]"); at != std::string::npos) name.erase(at, 12);
    std::cerr << name << ": " << unknown_word(app, args).value_or(error.what()) << "\n"
              << app.help();
    return usage_exit;
  }
  return std::nullopt;
}

}  // namespace greenlight::app
