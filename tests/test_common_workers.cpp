// Units spread over processes (common/workers.hpp): the same results, in the same order, however
// many processes share them; a failure anywhere is the same error everywhere. The processes here
// are threads meeting at a barrier, so the logic is tested without MPI (tests/mpi for the real
// one).
#include <gtest/gtest.h>

#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "common/error.hpp"
#include "common/workers.hpp"

namespace scapredict {
namespace {

// n "processes" as threads: all_gather waits for every one of them.
class ThreadWorld {
 public:
  explicit ThreadWorld(int n) : n_(n), slots_(static_cast<std::size_t>(n)) {}
  std::vector<std::string> all_gather(int rank, const std::string& mine) {
    std::unique_lock lock(m_);
    slots_[static_cast<std::size_t>(rank)] = mine;
    if (++arrived_ == n_) {
      result_ = slots_;
      arrived_ = 0;
      ++generation_;
      cv_.notify_all();
    } else {
      const auto g = generation_;
      cv_.wait(lock, [&] { return generation_ != g; });
    }
    return result_;
  }
  int size() const { return n_; }

 private:
  int n_;
  std::mutex m_;
  std::condition_variable cv_;
  int arrived_ = 0;
  long generation_ = 0;
  std::vector<std::string> slots_, result_;
};

class ThreadWorkers final : public Workers {
 public:
  ThreadWorkers(ThreadWorld& world, int rank) : world_(world), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return world_.size(); }
  std::vector<std::string> all_gather(const std::string& mine) const override {
    return world_.all_gather(rank_, mine);
  }
  void barrier() const override { world_.all_gather(rank_, ""); }

 private:
  ThreadWorld& world_;
  int rank_;
};

// Runs `body(workers)` on n threads; returns what each returned (or the error it threw).
template <typename Body>
std::vector<std::string> on_threads(int n, Body body) {
  ThreadWorld world(n);
  std::vector<std::string> out(static_cast<std::size_t>(n));
  std::vector<std::thread> threads;
  for (int r = 0; r < n; ++r) {
    threads.emplace_back([&, r] {
      const ThreadWorkers w(world, r);
      try {
        out[static_cast<std::size_t>(r)] = body(w);
      } catch (const Error& e) {
        out[static_cast<std::size_t>(r)] = std::string("Error: ") + e.what();
      } catch (const std::exception& e) {
        out[static_cast<std::size_t>(r)] = std::string("other: ") + e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  return out;
}

// What a unit computes: a value that depends only on its index.
std::string unit_value(std::size_t i) {
  std::mt19937_64 rng(i * 7919 + 1);
  std::vector<double> v(i % 5);
  for (auto& x : v) x = std::uniform_real_distribution<double>(-1, 1)(rng);
  return std::to_string(i) + ":" + pack_doubles(v);
}

TEST(Workers, EveryProcessTakesEveryUnitInOrderWhateverTheSplit) {
  for (std::size_t n : {0u, 1u, 2u, 7u, 30u}) {
    std::string expected;
    map_units(workers(), n, unit_value,
              [&](std::size_t i, std::string&& r) { expected += std::to_string(i) + "=" + r; });
    for (int procs : {1, 2, 3, 5}) {
      for (std::size_t round : {0u, 1u, 3u}) {
        for (bool weighted : {false, true}) {
          std::vector<double> weights;
          if (weighted)
            for (std::size_t i = 0; i < n; ++i) weights.push_back(static_cast<double>(i % 4 + 1));
          const auto got = on_threads(procs, [&](const Workers& w) {
            std::string taken;
            std::size_t ran = 0;
            map_units(
                w, n,
                [&](std::size_t i) {
                  ++ran;
                  return unit_value(i);
                },
                [&](std::size_t i, std::string&& r) { taken += std::to_string(i) + "=" + r; },
                weights, round);
            return taken + "|ran " + std::to_string(ran);
          });
          std::size_t ran_total = 0;
          for (const auto& g : got) {
            const auto bar = g.rfind("|ran ");
            ASSERT_NE(bar, std::string::npos) << g;
            EXPECT_EQ(g.substr(0, bar), expected)
                << n << " units, " << procs << " processes, round " << round;
            ran_total += std::stoul(g.substr(bar + 5));
          }
          EXPECT_EQ(ran_total, n) << "each unit runs once, in one process";
        }
      }
    }
  }
}

TEST(Workers, AFailedUnitIsTheSameErrorEverywhere) {
  const auto got = on_threads(3, [](const Workers& w) {
    map_units(
        w, 9,
        [](std::size_t i) -> std::string {
          if (i == 4 || i == 7) throw Error("unit " + std::to_string(i) + ": failed");
          return unit_value(i);
        },
        [](std::size_t, std::string&&) {}, {}, 1);
    return std::string("no error");
  });
  for (const auto& g : got) EXPECT_EQ(g, "Error: unit 4: failed") << "the first failed unit";
  // Anything else thrown reaches every process as something other than an Error (a bug, not bad
  // input: the tool says "internal error").
  const auto other = on_threads(2, [](const Workers& w) {
    map_units(
        w, 2,
        [](std::size_t i) -> std::string {
          if (i == 1) throw std::runtime_error("bad_alloc or the like");
          return "";
        },
        [](std::size_t, std::string&&) {});
    return std::string("no error");
  });
  for (const auto& g : other) EXPECT_EQ(g, "other: bad_alloc or the like");
}

TEST(Workers, AFailedTakeOnOneProcessStopsThemAll) {
  for (std::size_t round : {0u, 1u}) {
    const auto got = on_threads(2, [&](const Workers& w) {
      map_units(
          w, 6, unit_value,
          [&](std::size_t i, std::string&&) {
            if (w.root() && i == 3) throw Error("out/3.csv: cannot write");
          },
          {}, round);
      return std::string("no error");
    });
    for (const auto& g : got) EXPECT_EQ(g, "Error: out/3.csv: cannot write") << round;
  }
}

TEST(Workers, ProcessesThatDisagreeOnTheUnitsStopTogether) {
  const auto got = on_threads(2, [](const Workers& w) {
    map_units(w, w.root() ? 4 : 5, unit_value, [](std::size_t, std::string&&) {});
    return std::string("no error");
  });
  for (const auto& g : got)
    EXPECT_NE(g.find("Error: workers: the processes disagree"), std::string::npos) << g;
}

TEST(Workers, WorkOnTheRootFailsEverywhere) {
  const auto got = on_threads(3, [](const Workers& w) {
    int ran = 0;
    on_root(w, [&] { ++ran; });
    on_root(w, [&] { throw Error("cache/grid: cannot create"); });
    return std::to_string(ran);
  });
  for (const auto& g : got) EXPECT_EQ(g, "Error: cache/grid: cannot create");
  const auto ok = on_threads(2, [](const Workers& w) {
    int ran = 0;
    on_root(w, [&] { ++ran; });
    return std::to_string(ran);
  });
  EXPECT_EQ(ok, (std::vector<std::string>{"1", "0"}));
  MessageWriter m;
  m.u64(7);
  m.f64(std::numeric_limits<double>::quiet_NaN());
  m.str(std::string("\xff\0raw", 5));
  const auto bytes = m.take();
  MessageReader r(bytes);
  EXPECT_EQ(r.u64(), 7u);
  EXPECT_TRUE(std::isnan(r.f64()));
  EXPECT_EQ(r.str(), std::string("\xff\0raw", 5));
  EXPECT_TRUE(r.done());
  EXPECT_THROW(r.u64(), Error);
  const auto cut = bytes.substr(0, bytes.size() - 2);
  MessageReader rc(cut);
  rc.u64();
  rc.f64();
  EXPECT_THROW(rc.str(), Error);
}

TEST(Workers, AMapInsideAUnitRunsThere) {
  const auto got = on_threads(2, [](const Workers& w) {
    std::string all;
    map_units(
        w, 2,
        [&](std::size_t i) {
          std::string inner;
          // Only this process runs this unit, so its inner units cannot be spread.
          map_units(w, 3, unit_value, [&](std::size_t k, std::string&& r) {
            inner += std::to_string(i * 10 + k) + r.substr(0, 2);
          });
          return inner;
        },
        [&](std::size_t, std::string&& r) { all += r + ";"; });
    return all;
  });
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], got[1]);
  EXPECT_EQ(got[0], "00:11:22:;100:111:122:;");
}

TEST(Workers, LongestUnitsFirstToTheLeastLoaded) {
  // 4 methods x 3 folds: three of 30 trials and one of 1 trial per fold.
  std::vector<double> weights;
  for (int m = 0; m < 4; ++m)
    for (int f = 0; f < 3; ++f) weights.push_back(m == 3 ? 1 : 30);
  const auto owner = assign_units(weights.size(), 2, weights);
  double load[2] = {0, 0};
  for (std::size_t i = 0; i < owner.size(); ++i) load[owner[i]] += weights[i];
  EXPECT_LE(std::abs(load[0] - load[1]), 30.0) << load[0] << " vs " << load[1];
  EXPECT_EQ(assign_units(5, 2, {}), (std::vector<int>{0, 1, 0, 1, 0}));
  EXPECT_THROW(assign_units(3, 0, {}), Error);
  EXPECT_THROW(assign_units(3, 2, {1.0}), Error);
  const std::vector<double> v = {0.1, -0.0, 1e308, std::numeric_limits<double>::denorm_min()};
  EXPECT_EQ(pack_doubles(unpack_doubles(pack_doubles(v))), pack_doubles(v));
  EXPECT_THROW(unpack_doubles("abc"), Error);
}

}  // namespace
}  // namespace scapredict
