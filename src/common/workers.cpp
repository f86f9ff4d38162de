#include "common/workers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "common/error.hpp"

namespace scapredict {

namespace {

class OneProcess final : public Workers {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::vector<std::string> all_gather(const std::string& mine) const override { return {mine}; }
  void barrier() const override {}
};

std::shared_ptr<const Workers>& current() {
  static std::shared_ptr<const Workers> w = std::make_shared<OneProcess>();
  return w;
}

// Nonzero while this thread runs a unit: a map_units inside it runs everything here.
thread_local int unit_depth = 0;

struct DepthGuard {
  DepthGuard() { ++unit_depth; }
  ~DepthGuard() { --unit_depth; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
};

// A failure's message, and whether it was an Error (bad input) or something else (a bug).
std::pair<std::string, bool> message_of(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const Error& x) {
    return {x.what(), true};
  } catch (const std::exception& x) {
    return {x.what(), false};
  } catch (...) {
    return {"an unknown error", false};
  }
}

// Throws what a unit threw, as its kind: Error, or std::runtime_error for anything else.
[[noreturn]] void rethrow(const std::pair<std::string, bool>& failure) {
  if (failure.second) throw Error(failure.first);
  throw std::runtime_error(failure.first);
}

}  // namespace

const Workers& workers() {
  return *current();
}

void set_workers(std::shared_ptr<const Workers> w) {
  current() = w ? std::move(w) : std::make_shared<OneProcess>();
}

std::vector<int> assign_units(std::size_t n, int processes, const std::vector<double>& weights) {
  if (processes < 1) throw Error("workers: no processes");
  std::vector<int> owner(n, 0);
  if (weights.empty()) {
    for (std::size_t i = 0; i < n; ++i) owner[i] = static_cast<int>(i % std::size_t(processes));
    return owner;
  }
  if (weights.size() != n) throw Error("workers: one weight per unit needed");
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return weights[a] > weights[b]; });
  std::vector<double> load(static_cast<std::size_t>(processes), 0.0);
  for (auto i : order) {
    const auto p =
        static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    owner[i] = static_cast<int>(p);
    load[p] += weights[i];
  }
  return owner;
}

namespace {

// One map_units call on several processes: the units' results as they arrive, taken in unit
// order; the first failure anyone reported ends it on every process.
class UnitMap {
 public:
  UnitMap(const Workers& w, std::size_t n,
          const std::function<void(std::size_t, std::string&&)>& take)
      : w_(w), n_(n), take_(take) {}

  // Works this process's units of one round into `msg` (result or failure each).
  void work(const std::vector<std::size_t>& units,
            const std::function<std::string(std::size_t)>& work, MessageWriter& msg) const {
    msg.u64(units.size());
    for (const auto unit : units) {
      msg.u64(unit);
      try {
        const DepthGuard guard;
        auto result = work(unit);
        msg.u64(0);
        msg.str(result);
      } catch (...) {
        const auto failure = message_of(std::current_exception());
        msg.u64(failure.second ? 1 : 2);
        msg.str(failure.first);
      }
    }
  }

  // Exchanges this process's part; throws on every process the first failure anyone reported.
  // Every part names the number of units, so processes that disagree on it stop together.
  void exchange(MessageWriter& msg) {
    msg.u64(n_);
    msg.u64(take_error_ ? (take_error_->second ? 1 : 2) : 0);
    msg.str(take_error_ ? take_error_->first : "");
    const auto all = w_.all_gather(msg.take());
    std::optional<std::pair<std::size_t, std::pair<std::string, bool>>> failed_unit;
    std::optional<std::pair<std::string, bool>> failed_take;
    bool disagree = false;
    for (const auto& part : all) {
      MessageReader in(part);
      const auto k = in.u64();
      for (std::uint64_t j = 0; j < k; ++j) {
        const auto unit = in.u64();
        const auto kind = in.u64();  // 0: a result; 1: an Error; 2: another failure
        auto text = in.str();
        if (unit >= n_) throw Error("workers: a unit out of range");
        if (kind == 0)
          waiting_.emplace(unit, std::move(text));
        else if (!failed_unit || unit < failed_unit->first)
          failed_unit = std::make_pair(unit, std::make_pair(std::move(text), kind == 1));
      }
      disagree = disagree || in.u64() != n_;
      const auto te_kind = in.u64();
      auto te = in.str();
      if (te_kind != 0 && !failed_take) failed_take = std::make_pair(std::move(te), te_kind == 1);
    }
    if (disagree)
      throw Error("workers: the processes disagree on the number of units (" + std::to_string(n_) +
                  " here); do all see the same inputs?");
    if (failed_take) rethrow(*failed_take);
    if (failed_unit) rethrow(failed_unit->second);
  }

  // Takes the results that are next in unit order; a failing `take` is kept for the exchange.
  void take_ready() {
    while (!take_error_) {
      auto it = waiting_.find(next_);
      if (it == waiting_.end()) break;
      try {
        take_(next_, std::move(it->second));
      } catch (...) {
        take_error_ = message_of(std::current_exception());
      }
      waiting_.erase(it);
      ++next_;
    }
  }

  std::size_t taken() const { return next_; }

 private:
  const Workers& w_;
  std::size_t n_;
  const std::function<void(std::size_t, std::string&&)>& take_;
  std::map<std::size_t, std::string> waiting_;  // results not yet taken (a later unit came first)
  std::size_t next_ = 0;                        // the next unit to take
  std::optional<std::pair<std::string, bool>> take_error_;  // this process's `take` failed
};

}  // namespace

void map_units(const Workers& w, std::size_t n, const std::function<std::string(std::size_t)>& work,
               const std::function<void(std::size_t, std::string&&)>& take,
               const std::vector<double>& weights, std::size_t round) {
  if (w.size() == 1 || unit_depth > 0) {
    for (std::size_t i = 0; i < n; ++i) {
      std::string r;
      {
        const DepthGuard guard;
        r = work(i);
      }
      take(i, std::move(r));
    }
    return;
  }
  const auto owner = assign_units(n, w.size(), weights);
  std::vector<std::size_t> mine;
  std::vector<std::size_t> count(static_cast<std::size_t>(w.size()), 0);
  for (std::size_t i = 0; i < n; ++i) {
    ++count[static_cast<std::size_t>(owner[i])];
    if (owner[i] == w.rank()) mine.push_back(i);
  }
  const std::size_t most = *std::max_element(count.begin(), count.end());
  const std::size_t per = round == 0 ? std::max<std::size_t>(most, 1) : round;
  const std::size_t rounds = most == 0 ? 0 : (most + per - 1) / per;
  UnitMap map(w, n, take);
  for (std::size_t r = 0; r < rounds; ++r) {
    const std::size_t lo = std::min(r * per, mine.size()), hi = std::min(lo + per, mine.size());
    MessageWriter msg;
    map.work({mine.begin() + static_cast<std::ptrdiff_t>(lo),
              mine.begin() + static_cast<std::ptrdiff_t>(hi)},
             work, msg);
    map.exchange(msg);
    map.take_ready();
  }
  // The last word: a `take` that failed in the last round.
  MessageWriter last;
  last.u64(0);
  map.exchange(last);
  if (map.taken() != n)
    throw Error("workers: " + std::to_string(n - map.taken()) + " units without a result");
}

void on_root(const Workers& w, const std::function<void()>& work) {
  std::string failure;
  if (w.root()) {
    try {
      work();
    } catch (...) {
      const auto m = message_of(std::current_exception());
      failure = (m.second ? "E" : "X") + m.first;
    }
  }
  if (w.size() > 1) failure = w.all_gather(failure).front();
  if (!failure.empty()) rethrow({failure.substr(1), failure[0] == 'E'});
}

nlohmann::json json_double(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}
double double_from_json(const nlohmann::json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}

void MessageWriter::u64(std::uint64_t v) {
  bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
}
void MessageWriter::f64(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  u64(bits);
}
void MessageWriter::str(std::string_view s) {
  u64(s.size());
  bytes_ += s;
}

std::uint64_t MessageReader::u64() {
  if (s_.size() - pos_ < sizeof(std::uint64_t)) throw Error("workers: a cut message");
  std::uint64_t v;
  std::memcpy(&v, s_.data() + pos_, sizeof v);
  pos_ += sizeof v;
  return v;
}
double MessageReader::f64() {
  const auto bits = u64();
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}
std::string MessageReader::str() {
  const auto n = u64();
  if (n > s_.size() - pos_) throw Error("workers: a cut message");
  std::string out = s_.substr(pos_, n);
  pos_ += n;
  return out;
}

std::string pack_doubles(const std::vector<double>& v) {
  std::string s(v.size() * sizeof(double), '\0');
  if (!v.empty()) std::memcpy(s.data(), v.data(), s.size());
  return s;
}

std::vector<double> unpack_doubles(const std::string& s) {
  if (s.size() % sizeof(double) != 0) throw Error("workers: not a list of doubles");
  std::vector<double> v(s.size() / sizeof(double));
  if (!v.empty()) std::memcpy(v.data(), s.data(), s.size());
  return v;
}

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return true;
  }
  return false;
}

}  // namespace scapredict
