#include "greenlight/checks/check_result.h"

namespace greenlight::checks {

std::string_view to_string(Status status) {
  switch (status) {
    case Status::ok:
      return "OK";
    case Status::warning:
      return "WARNING";
    case Status::critical:
      return "CRITICAL";
    case Status::unknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

Status status_from_exit_code(int exit_code) {
  switch (exit_code) {
    case 0:
      return Status::ok;
    case 1:
      return Status::warning;
    case 2:
      return Status::critical;
    default:
      return Status::unknown;
  }
}

int severity(Status status) {
  switch (status) {
    case Status::ok:
      return 0;
    case Status::warning:
      return 1;
    case Status::unknown:
      return 2;
    case Status::critical:
      return 3;
  }
  return 2;
}

Status worst(Status a, Status b) { return severity(b) > severity(a) ? b : a; }

const std::string* CheckResult::fact(std::string_view kind, std::string_view subject) const {
  for (const auto& f : facts) {
    if (f.kind == kind && f.subject == subject) return &f.value;
  }
  return nullptr;
}

std::map<std::string, std::string> CheckResult::facts_of(std::string_view kind) const {
  std::map<std::string, std::string> out;
  for (const auto& f : facts) {
    if (f.kind == kind) out[f.subject] = f.value;
  }
  return out;
}

std::map<std::string, std::vector<std::string>> CheckResult::groups_of(
    std::string_view kind) const {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& f : facts) {
    if (f.kind == kind) out[f.value].push_back(f.subject);
  }
  return out;
}

void CheckResult::add_sample(std::string name,
                             std::vector<std::pair<std::string, std::string>> labels,
                             double value) {
  samples.push_back(Sample{std::move(name), std::move(labels), value});
}

void CheckResult::add_observation(std::string name,
                                  std::vector<std::pair<std::string, std::string>> labels,
                                  double value) {
  observations.push_back(Sample{std::move(name), std::move(labels), value});
}

void CheckResult::add_fact(std::string kind, std::string subject, std::string value) {
  facts.push_back(Fact{std::move(kind), std::move(subject), std::move(value)});
}

CheckResult unknown_result(std::string message) {
  CheckResult r;
  r.status = Status::unknown;
  r.message = std::move(message);
  return r;
}

}  // namespace greenlight::checks
