#include "greenlight/runbook/command_template.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "greenlight/core/group_source.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/percent_format.h"

namespace greenlight::runbook {
namespace {

// A small recursive-descent scanner for what stands between "{{" and "}}":
//   IDENT '(' STRING { ',' IDENT '=' STRING } ')'
class CallScanner {
 public:
  CallScanner(std::string_view text, std::size_t pos) : text_(text), pos_(pos) {}

  CommandTemplate::Call scan(std::size_t open) {
    CommandTemplate::Call call;
    call.offset = open;
    skip_space();
    const std::size_t name_at = pos_;
    call.function = identifier("a function name (nodes or fold)");
    if (call.function != "nodes" && call.function != "fold") {
      throw TemplateError(fmt::format("unknown function '{}' (known: nodes, fold)", call.function),
                          name_at);
    }
    expect('(');
    call.set = string_literal("the node set, as a quoted string");
    bool seen_exclude = false;
    bool seen_format = false;
    for (;;) {
      skip_space();
      if (peek() == ')') break;
      expect(',');
      skip_space();
      const std::size_t key_at = pos_;
      std::string key = identifier("an argument name");
      expect('=');
      std::string value = string_literal("a quoted string");
      if (key == "exclude" && !seen_exclude) {
        call.exclude = std::move(value);
        seen_exclude = true;
      } else if (key == "format" && call.function == "nodes" && !seen_format) {
        check_format(value, key_at);
        call.format = std::move(value);
        seen_format = true;
      } else if ((key == "exclude" && seen_exclude) || (key == "format" && seen_format)) {
        throw TemplateError(fmt::format("argument '{}' given twice", key), key_at);
      } else {
        throw TemplateError(
            fmt::format("{}() takes no argument '{}' (it takes: {})", call.function, key,
                        call.function == "nodes" ? "exclude, format" : "exclude"),
            key_at);
      }
    }
    expect(')');
    skip_space();
    if (text_.substr(pos_, 2) != "}}") {
      throw TemplateError("expected '}}' to close the substitution", pos_);
    }
    pos_ += 2;
    return call;
  }

  std::size_t position() const { return pos_; }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  void expect(char c) {
    skip_space();
    if (peek() != c) {
      throw TemplateError(fmt::format("expected '{}'", c), pos_);
    }
    ++pos_;
  }

  std::string identifier(const char* what) {
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    if (pos_ == start) throw TemplateError(fmt::format("expected {}", what), start);
    return std::string(text_.substr(start, pos_ - start));
  }

  std::string string_literal(const char* what) {
    skip_space();
    const char quote = peek();
    if (quote != '"' && quote != '\'') throw TemplateError(fmt::format("expected {}", what), pos_);
    const std::size_t start = pos_++;
    std::string value;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      value += text_[pos_++];
    }
    if (pos_ >= text_.size()) throw TemplateError("unterminated string", start);
    ++pos_;
    return value;
  }

  static void check_format(std::string_view format, std::size_t at) {
    int placeholders = 0;
    for (std::size_t i = 0; i < format.size(); ++i) {
      if (format[i] != '%') continue;
      if (i + 1 < format.size() && format[i + 1] == '%') {
        ++i;
      } else if (i + 1 < format.size() && format[i + 1] == 's') {
        ++placeholders;
        ++i;
      } else {
        throw TemplateError("format may only hold '%s' and '%%'", at);
      }
    }
    if (placeholders != 1) throw TemplateError("format must hold exactly one '%s'", at);
  }

  std::string_view text_;
  std::size_t pos_;
};

std::string apply_format(std::string_view format, std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '%' && i + 1 < format.size()) {
      out += format[i + 1] == 's' ? std::string(name) : std::string(1, format[i + 1]);
      ++i;
    } else {
      out += format[i];
    }
  }
  return out;
}

NodeSet resolve(const CommandTemplate::Call& call, const GroupResolver& groups) {
  try {
    NodeSet set = NodeSet::parse(call.set, &groups);
    if (!call.exclude.empty()) set.difference_update(NodeSet::parse(call.exclude, &groups));
    return set;
  } catch (const NodeSetParseError& error) {
    throw TemplateError(fmt::format("in {}(\"{}\"): {}", call.function, call.set, error.what()),
                        call.offset);
  } catch (const GroupResolutionError& error) {
    throw TemplateError(fmt::format("in {}(\"{}\"): {}", call.function, call.set, error.what()),
                        call.offset);
  }
}

}  // namespace

CommandTemplate CommandTemplate::parse(std::string_view text) {
  // The command reaches sh as a C string: a NUL byte would cut it short, so
  // sh would run less than the plan shows (YAML writes one as "\0").
  if (const auto nul = text.find('\0'); nul != std::string_view::npos)
    throw TemplateError("a NUL byte cannot be part of a shell command", nul);
  CommandTemplate parsed;
  parsed.text_ = std::string(text);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      parsed.pieces_.push_back(Piece{std::string(text.substr(pos)), {}, false});
      break;
    }
    if (open > pos)
      parsed.pieces_.push_back(Piece{std::string(text.substr(pos, open - pos)), {}, false});
    CallScanner scanner(text, open + 2);
    Piece piece;
    piece.is_call = true;
    piece.call = scanner.scan(open);
    parsed.pieces_.push_back(std::move(piece));
    pos = scanner.position();
  }
  return parsed;
}

RenderedCommand CommandTemplate::render(const GroupResolver& groups,
                                        const NodeSet* excluded) const {
  RenderedCommand rendered;
  for (const auto& piece : pieces_) {
    if (!piece.is_call) {
      rendered.text += piece.literal;
      continue;
    }
    const Call& call = piece.call;
    NodeSet set = resolve(call, groups);
    if (excluded != nullptr) set.difference_update(*excluded);
    if (set.empty()) {
      if (!rendered.has_empty_expansion)
        rendered.empty_set = call.exclude.empty() ? call.set : call.set + " -x " + call.exclude;
      rendered.has_empty_expansion = true;
      continue;
    }
    try {
      check_node_ceiling(set.size(), call.set);  // before its names take memory
    } catch (const std::runtime_error& error) {
      throw TemplateError(fmt::format("in {}(\"{}\"): {}", call.function, call.set, error.what()),
                          call.offset);
    }
    const auto names = set.expand();
    for (const auto& name : names) {
      if (const std::string why = why_not_plain(name); !why.empty()) {
        throw TemplateError(fmt::format("{}(\"{}\") holds {}, which is not a plain host or unit "
                                        "name ({}); refusing to put it in a command",
                                        call.function, call.set, python_repr(name), why),
                            call.offset);
      }
    }
    if (call.function == "fold") {
      rendered.text += shell_quote(set.fold());
      continue;
    }
    bool first = true;
    for (const auto& name : names) {
      if (!first) rendered.text += ' ';
      first = false;
      rendered.text += shell_quote(apply_format(call.format, name));
    }
  }
  return rendered;
}

std::vector<std::string> CommandTemplate::node_expressions() const {
  std::vector<std::string> expressions;
  for (const auto& piece : pieces_) {
    if (!piece.is_call) continue;
    expressions.push_back(piece.call.exclude.empty()
                              ? piece.call.set
                              : fmt::format("{} -x {}", piece.call.set, piece.call.exclude));
  }
  return expressions;
}

}  // namespace greenlight::runbook
