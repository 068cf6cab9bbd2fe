#include "gluster/cli_xml.h"

namespace greenlight::checks::detail {

std::string child_text(const pugi::xml_node& node, const char* name) {
  return std::string(trim(node.child(name).text().get()));
}

std::optional<std::string> load_cli_output(pugi::xml_document& doc, std::string_view xml,
                                           std::string_view what) {
  if (trim(xml).empty()) return std::string(what) + ": empty output";
  if (trim(xml).front() != '<') {
    // The CLI prints plain text when it cannot talk to glusterd ("Connection
    // failed. Please check if gluster daemon is operational."): say that.
    std::string_view line = trim(xml);
    line = trim(line.substr(0, line.find('\n')));
    return std::string(what) + ": not XML: '" + std::string(line.substr(0, 200)) + "'";
  }
  const pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return std::string(what) + ": malformed XML at byte " + std::to_string(parsed.offset) + ": " +
           parsed.description();
  }
  const pugi::xml_node root = doc.child("cliOutput");
  if (!root) {
    return std::string(what) + ": no <cliOutput> root element (got <" +
           doc.document_element().name() + ">)";
  }
  const std::string op_ret = child_text(root, "opRet");
  const auto ret = to_int(op_ret);
  if (!ret) {
    return std::string(what) + ": <opRet> missing or not a number ('" + op_ret + "')";
  }
  if (*ret != 0) {
    std::string err = child_text(root, "opErrstr");
    if (err.empty()) err = child_text(root, "output");
    return std::string(what) + " failed: " + (err.empty() ? "no error text" : err) + " (opRet " +
           op_ret + ", opErrno " + child_text(root, "opErrno") + ")";
  }
  return std::nullopt;
}

}  // namespace greenlight::checks::detail
