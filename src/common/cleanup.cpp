#include "common/cleanup.hpp"

#include <set>

namespace scapredict {

namespace {

struct Registry {
  std::mutex mu;
  std::multiset<std::filesystem::path> paths;
};

Registry& registry() {
  static Registry* r = new Registry;  // never destroyed: usable until the process ends
  return *r;
}

}  // namespace

void note_unfinished(const std::filesystem::path& path) {
  auto& r = registry();
  const std::lock_guard lock(r.mu);
  r.paths.insert(path);
}

void forget_unfinished(const std::filesystem::path& path) {
  auto& r = registry();
  const std::lock_guard lock(r.mu);
  if (const auto it = r.paths.find(path); it != r.paths.end()) r.paths.erase(it);
}

std::unique_lock<std::mutex> lock_unfinished() {
  return std::unique_lock(registry().mu);
}

int remove_unfinished() {
  auto& r = registry();
  r.mu.lock();  // never unlocked: the process is ending
  int n = 0;
  for (const auto& p : r.paths) {
    std::error_code ec;
    if (std::filesystem::remove_all(p, ec) > 0) ++n;
  }
  r.paths.clear();
  return n;
}

}  // namespace scapredict
