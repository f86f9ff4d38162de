#pragma once
// What every training run shares: one seed, repetitions, epochs, threads; and the one function
// that derives every other seed from the base seed.
#include <cstdint>

#include <nlohmann/json.hpp>

namespace scapredict {

/// The base seed of protocols, training and audits when none is given.
inline constexpr std::uint64_t kDefaultSeed = 1;

struct RunConfig {
  std::uint64_t seed = kDefaultSeed;  ///< base of every derived seed (derive_seed)
  int repetitions = 10;               ///< the paper's 10 repetitions
  int epochs = 40;                    ///< training epochs (docs/method.md)
  int threads = 0;                    ///< LibTorch intra-op threads; 0: LibTorch's default
  nlohmann::json to_json() const {
    return {{"seed", seed}, {"repetitions", repetitions}, {"epochs", epochs}, {"threads", threads}};
  }
};

/// What a derived seed is for. Each use has its own stream, so adding one never shifts another.
enum class SeedUse {
  kSplits,         ///< patient-disjoint splits of the protocol (and of two-group probes)
  kNormalMinutes,  ///< which random minutes of normal patients are drawn
  kTraining,       ///< weight initialisation and batch order; index = repetition or fold
  kFoldBalance,    ///< which patients a balanced leave-one-patient-out fold leaves out
  kBootstrap,      ///< patient-bootstrap resamples; index = the statistic's number
  kAuditProbe,     ///< the base of an audit probe; index = probe number
  kSimRecord,      ///< a simulated record; index = FNV-1a hash of "db/name"
};

/// The seed for `use` number `index` under `base`. The formulas (docs/architecture.md, "Seeds")
/// are those scapredict has always used, so results stay comparable across versions.
constexpr std::uint64_t derive_seed(std::uint64_t base, SeedUse use, std::uint64_t index = 0) {
  switch (use) {
    case SeedUse::kSplits:
    case SeedUse::kFoldBalance:
      return base;
    case SeedUse::kNormalMinutes:
      return base ^ 0x5eedull;
    case SeedUse::kTraining:
      return base + index * 7919;
    case SeedUse::kBootstrap:
      return base + index;
    case SeedUse::kAuditProbe:
      return index == 2 ? base + 1 : base;
    case SeedUse::kSimRecord:
      return base ^ index;
  }
  return base;
}

}  // namespace scapredict
