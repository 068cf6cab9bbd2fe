// A response body, with its gzip form made on the first request that asks
// for it and shared by the following ones (the /metrics body is shared by
// every scrape until the next rendering).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "greenlight/exporter/compression.h"

namespace greenlight::exporter {

class Body {
 public:
  explicit Body(std::string plain) : plain_(std::move(plain)) {}
  const std::string& plain() const { return plain_; }
  const std::string& gzipped() const {
    std::call_once(once_, [this] {
      gzipped_ = gzip(plain_);
      compressed_.store(true);
    });
    return gzipped_;
  }
  /// True once gzipped() was asked for (by any thread).
  bool compressed() const { return compressed_.load(); }

 private:
  std::string plain_;
  mutable std::once_flag once_;
  mutable std::string gzipped_;
  mutable std::atomic<bool> compressed_{false};
};

inline std::shared_ptr<const Body> text(std::string body) {
  return std::make_shared<const Body>(std::move(body));
}

}  // namespace greenlight::exporter
