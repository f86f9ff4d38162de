#include "common/workers.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
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

// A message between processes: length-prefixed fields.
class Writer {
 public:
  void u64(std::uint64_t v) { bytes_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void str(const std::string& s) {
    u64(s.size());
    bytes_ += s;
  }
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class Reader {
 public:
  explicit Reader(const std::string& s) : s_(s) {}
  std::uint64_t u64() {
    if (s_.size() - pos_ < sizeof(std::uint64_t)) throw Error("workers: a cut message");
    std::uint64_t v;
    std::memcpy(&v, s_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string str() {
    const auto n = u64();
    if (n > s_.size() - pos_) throw Error("workers: a cut message");
    std::string out = s_.substr(pos_, n);
    pos_ += n;
    return out;
  }

 private:
  const std::string& s_;
  std::size_t pos_ = 0;
};

std::string message_of(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "an unknown error";
  }
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

  std::map<std::size_t, std::string> waiting;  // results not yet taken (a later unit came first)
  std::size_t next = 0;                        // the next unit to take
  std::optional<std::string> take_error;       // this process's `take` failed: said next exchange
  // Exchanges this process's part; throws on every process the first failure anyone reported.
  auto exchange = [&](Writer& msg) {
    msg.str(take_error.value_or(""));
    msg.u64(take_error ? 1 : 0);
    const auto all = w.all_gather(msg.take());
    std::optional<std::pair<std::size_t, std::string>> failed_unit;
    std::optional<std::string> failed_take;
    for (const auto& part : all) {
      Reader in(part);
      const auto k = in.u64();
      for (std::uint64_t j = 0; j < k; ++j) {
        const auto unit = in.u64();
        const bool ok = in.u64() != 0;
        auto text = in.str();
        if (unit >= n) throw Error("workers: a unit out of range");
        if (ok)
          waiting.emplace(unit, std::move(text));
        else if (!failed_unit || unit < failed_unit->first)
          failed_unit = std::make_pair(unit, std::move(text));
      }
      auto te = in.str();
      if (in.u64() != 0 && !failed_take) failed_take = std::move(te);
    }
    if (failed_take) throw Error(*failed_take);
    if (failed_unit) throw Error(failed_unit->second);
  };
  for (std::size_t r = 0; r < rounds; ++r) {
    Writer msg;
    const std::size_t lo = std::min(r * per, mine.size()), hi = std::min(lo + per, mine.size());
    msg.u64(hi - lo);
    for (std::size_t j = lo; j < hi; ++j) {
      const auto unit = mine[j];
      msg.u64(unit);
      try {
        const DepthGuard guard;
        auto result = work(unit);
        msg.u64(1);
        msg.str(result);
      } catch (...) {
        msg.u64(0);
        msg.str(message_of(std::current_exception()));
      }
    }
    exchange(msg);
    while (!take_error) {
      auto it = waiting.find(next);
      if (it == waiting.end()) break;
      try {
        take(next, std::move(it->second));
      } catch (...) {
        take_error = message_of(std::current_exception());
      }
      waiting.erase(it);
      ++next;
    }
  }
  // The last word: a `take` that failed in the last round.
  Writer last;
  last.u64(0);
  exchange(last);
  if (next != n) throw Error("workers: " + std::to_string(n - next) + " units without a result");
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

}  // namespace scapredict
