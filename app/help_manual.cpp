#include "help_manual.h"

#include <fmt/format.h>

#include <sstream>

namespace greenlight::app {
namespace {

// Text for a roff line: backslashes and minus signs escaped (an option
// copied from the page is typed with ASCII '-'), a leading '.' or '\''
// kept from being read as a request.
std::string roff(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

// Paragraphs: lines as they are (roff fills them), blank lines as .PP.
void paragraphs(std::ostringstream& out, const std::string& text) {
  std::istringstream lines(text);
  bool blank = false;
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos) {
      blank = true;
      continue;
    }
    if (blank) out << ".PP\n";
    blank = false;
    out << roff(line.substr(first)) << "\n";
  }
}

// A synopsis that breaks between options, never inside one.
std::string synopsis(const HelpCommand& described) {
  std::string text = roff(described.synopsis("\x01"));
  for (auto at = text.find('\x01'); at != std::string::npos; at = text.find('\x01', at))
    text.replace(at, 1, "\\ ");
  return text;
}

std::string option_tag(const HelpOption& option) {
  std::string tag;
  for (const auto& name : option.names)
    tag += (tag.empty() ? "" : ", ") + fmt::format("\\fB{}\\fR", roff(name));
  if (!option.value.empty())
    tag += (tag.empty() ? "" : " ") + fmt::format("\\fI{}\\fR", roff(option.value));
  if (option.repeated && option.names.empty()) tag += "...";
  return tag;
}

void options(std::ostringstream& out, const std::vector<HelpOption>& list) {
  std::string section;
  for (const auto& option : list) {
    // A text --help's sections ("Operations:") but its plain "options:".
    if (option.section != section && !option.section.empty() && option.section != "options" &&
        option.section != "Options")
      out << ".PP\n" << fmt::format("\\fI{}:\\fR\n", roff(option.section));
    section = option.section;
    out << ".TP\n" << option_tag(option) << "\n";
    paragraphs(out, option.help.empty() ? std::string(" ") : option.help);
  }
}

void command(std::ostringstream& out, const HelpCommand& described) {
  if (described.subcommands.empty() || !described.options.empty() || !described.operands.empty() ||
      !described.description.empty()) {
    out << ".SS " << roff(described.command_line()) << "\n";
    out << fmt::format(".B {}\n{}\n", roff(described.command_line()), synopsis(described));
    out << ".PP\n";
    paragraphs(out, described.description);
    options(out, described.operands);
    options(out, described.options);
    if (!described.examples.empty()) {
      out << ".PP\nExamples:\n.PP\n.RS 2\n.nf\n";
      for (const auto& example : described.examples) out << roff(example) << "\n";
      out << ".fi\n.RE\n";
    }
  }
  for (const auto& sub : described.subcommands) command(out, sub);
}

}  // namespace

std::string manual_page(const HelpCommand& root, std::string_view version) {
  std::ostringstream out;
  out << ".\\\" greenlight(1), written by `greenlight help --man` from the commands' --help:\n"
         ".\\\" edit app/cmd_*.cpp, never this page.\n";
  out << fmt::format(".TH GREENLIGHT 1 \"\" \"greenlight {}\" \"greenlight manual\"\n",
                     roff(version));
  out << ".nh\n.ad l\n";  // options and node sets stay whole, lines unjustified
  out << ".SH NAME\ngreenlight \\- health gates and runbooks for restarting an HPC management "
         "cluster\n";
  out << ".SH SYNOPSIS\n.B greenlight\n" << synopsis(root) << "\n";
  for (const auto& sub : root.subcommands)
    out << ".br\n" << fmt::format(".B {}\n{}\n", roff(sub.command_line()), synopsis(sub));
  out << ".SH DESCRIPTION\n";
  paragraphs(out, root.description);
  out << ".PP\nEach command below answers \\fB\\-h\\fR and \\fB\\-\\-help\\fR with what this page "
         "says of it; \\fBgreenlight help\\fR \\fICOMMAND\\fR does the same.\n";
  out << ".SH OPTIONS\n";
  options(out, root.options);
  out << ".SH COMMANDS\n";
  for (const auto& sub : root.subcommands) command(out, sub);
  out << R"(.SH ENVIRONMENT
.TP
.B GREENLIGHT_CONFIG
the site configuration when \fB\-c\fR is not given
.TP
.B GREENLIGHT_RUNS_DIR
the directory of the runs when \fB\-\-runs\fR is not given
.TP
.B GREENLIGHT_CONTROL_SOCKET
the control socket of \fBgreenlight serve\fR, instead of the site's
.TP
.B GREENLIGHT_MAX_NODES
the most nodes one step or one \fBgreenlight exec\fR acts on (default 1000000)
.TP
.B IPMI_PASSWORD
the BMC password \fBipmitool \-E\fR reads in power steps and the power check kind;
never given to the notify command, nor to other checks unless their
\fBpass_environment\fR names it
.SH FILES
.TP
.I /etc/greenlight/greenlight.yaml
the site configuration, see \fBgreenlight.yaml\fR(5)
.TP
.I /var/lib/greenlight/runs
the runs, one directory each, with their journals
.TP
.I /run/greenlight/control.sock
the control socket of \fBgreenlight serve\fR
)";
  if (!root.examples.empty()) {
    out << ".SH EXAMPLES\n.RS 2\n.nf\n";
    for (const auto& example : root.examples) out << roff(example) << "\n";
    out << ".fi\n.RE\n";
  }
  out << R"(.SH SEE ALSO
\fBgreenlight.yaml\fR(5), \fBclush\fR(1), \fBnodeset\fR(1), \fBgroups.conf\fR(5),
\fBpromtool\fR(1)
)";
  return out.str();
}

}  // namespace greenlight::app
