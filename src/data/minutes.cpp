#include "data/minutes.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "dsp/prepare.hpp"
#include "io/signal.hpp"

namespace scapredict::data {

MinuteStore::MinuteStore(const Cohort& cohort, int max_before)
    : cohort_(cohort), max_before_(max_before) {}

void MinuteStore::count_rejected(const dsp::SegmentQuality& q) {
  if (q.invalid_samples > 0) ++rejected_["invalid samples"];
  if (q.flat) ++rejected_["flat line"];
  if (q.saturated) ++rejected_["saturation"];
}

dsp::Segment MinuteStore::before_onset(int patient, int k) {
  const Patient& p = cohort_.patient(true, patient);
  auto it = scd_cache_.find(patient);
  if (it == scd_cache_.end()) {
    io::Record rec(p.record);
    const double start = std::max(0.0, *p.onset_s - 60.0 * max_before_);
    auto prep = dsp::load_channel(rec, 0, start, *p.onset_s - start);
    PreOnset pre{std::move(prep.samples), prep.bridged, dsp::limits_for(prep)};
    it = scd_cache_.emplace(patient, std::move(pre)).first;
  }
  const auto& pre = it->second;
  const auto anchor = static_cast<std::int64_t>(pre.samples.size());
  if (k < 1 ||
      static_cast<std::int64_t>(k) * static_cast<std::int64_t>(dsp::kMinuteSamples) > anchor) {
    throw DataError(p.id + ": minute " + std::to_string(k) + " before onset is not in the record");
  }
  return dsp::segment_before(pre.samples, anchor, k, dsp::kMinuteSamples, dsp::kAnalysisFsHz,
                             pre.limits, pre.bridged);
}

dsp::Segment MinuteStore::normal_minute(int patient, int index) {
  io::Record rec(cohort_.patient(false, patient).record);
  auto prep = dsp::load_channel(rec, 0, 60.0 * index, 60.0);
  dsp::Segment s;
  s.start = 0;
  s.samples = std::move(prep.samples);
  s.quality = dsp::assess_quality(s.samples, prep.fs_hz, dsp::limits_for(prep), prep.bridged);
  return s;
}

int MinuteStore::random_normal_minute(int p, std::uint64_t& state, const std::vector<int>& avoid,
                                      dsp::Segment* segment) {
  const Patient& pt = cohort_.patient(false, p);
  // Whole minutes with 5 s of context on both sides for the resampler.
  const int n_minutes = static_cast<int>(std::floor((pt.duration_s - 10.0) / 60.0));
  if (n_minutes < 1) throw DataError(pt.id + ": record too short for one minute");
  std::mt19937_64 rng(state);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int m = static_cast<int>(rng() % static_cast<std::uint64_t>(n_minutes));
    if (std::find(avoid.begin(), avoid.end(), m) != avoid.end()) continue;
    auto seg = normal_minute(p, m);
    if (seg.quality.usable()) {
      state = rng();
      if (segment) *segment = std::move(seg);
      return m;
    }
    count_rejected(seg.quality);
  }
  throw DataError(pt.id + ": no usable random minute found in 200 draws");
}

std::string PreparedMinutes::key(const MinuteRef& r) {
  const std::string head = std::string(r.scd ? "s:" : "n:") + std::to_string(r.patient) + ":";
  if (const auto* b = std::get_if<BeforeOnset>(&r.place)) return head + std::to_string(b->k);
  if (const auto* m = std::get_if<MinuteIndex>(&r.place)) return head + std::to_string(m->index);
  throw DataError("a random minute has no key before it is drawn");
}

namespace {

// Reads the minutes of one plan's train or test list into `pm`, drawing random normal minutes.
// Minutes that cannot be used are dropped from `refs`.
class PlanReader {
 public:
  PlanReader(PreparedMinutes& pm, MinuteStore& store, std::mt19937_64& seeder)
      : pm_(pm), store_(store), seeder_(seeder) {}

  void resolve(std::vector<MinuteRef>& refs) {
    std::vector<MinuteRef> kept;
    std::map<int, std::vector<int>> used;  // normal patient -> minutes already drawn
    for (auto ref : refs) {
      std::optional<dsp::Segment> drawn;  // a random normal minute, read (and usable) already
      if (std::holds_alternative<RandomMinute>(ref.place)) {
        std::uint64_t state = seeder_();
        drawn.emplace();
        const int m = store_.random_normal_minute(ref.patient, state, used[ref.patient], &*drawn);
        ref.place = MinuteIndex{m};
        used[ref.patient].push_back(m);
      }
      if (keep(ref, drawn)) kept.push_back(ref);
    }
    refs = std::move(kept);
  }
  int beyond_start = 0;  ///< SCD minutes whose horizon lies before the start of the record

 private:
  // Stores the minute of `ref` (unless stored already); false when it cannot be used.
  bool keep(const MinuteRef& ref, std::optional<dsp::Segment>& drawn) {
    const auto k = PreparedMinutes::key(ref);
    if (pm_.minutes.count(k)) return true;
    dsp::Segment seg;
    try {
      seg = drawn ? std::move(*drawn) : read(ref);
    } catch (const DataError&) {
      if (!ref.scd) throw;
      ++beyond_start;
      return false;
    }
    if (!seg.quality.usable()) {
      store_.count_rejected(seg.quality);
      return false;
    }
    pm_.minutes.emplace(k, std::move(seg.samples));
    return true;
  }
  dsp::Segment read(const MinuteRef& ref) {
    if (const auto* b = std::get_if<BeforeOnset>(&ref.place))
      return store_.before_onset(ref.patient, b->k);
    return store_.normal_minute(ref.patient, std::get<MinuteIndex>(ref.place).index);
  }
  PreparedMinutes& pm_;
  MinuteStore& store_;
  std::mt19937_64& seeder_;
};

}  // namespace

PreparedMinutes read_plans(const Cohort& c, const ProtocolConfig& protocol, const RunConfig& run,
                           std::vector<RepetitionPlan> plans, const ProgressFn& progress) {
  PreparedMinutes pm;
  pm.protocol = protocol;
  pm.run = run;
  pm.plans = std::move(plans);
  const int max_horizon = protocol.horizons.empty() ? 0
                                                    : *std::max_element(protocol.horizons.begin(),
                                                                        protocol.horizons.end());
  MinuteStore store(c, std::max(91, max_horizon + 1));
  std::mt19937_64 seeder(derive_seed(run.seed, SeedUse::kNormalMinutes));
  PlanReader reader(pm, store, seeder);
  const ProgressTracker tracker(progress, "protocol", "repetition", pm.plans.size());
  for (std::size_t r = 0; r < pm.plans.size(); ++r) {
    reader.resolve(pm.plans[r].train);
    reader.resolve(pm.plans[r].test);
    tracker.report(r + 1, "minutes read");
  }
  pm.rejected = store.rejected();
  if (reader.beyond_start > 0) pm.rejected["before the record start"] = reader.beyond_start;
  return pm;
}

PreparedMinutes prepare_protocol(const Cohort& c, const ProtocolConfig& protocol,
                                 const RunConfig& run, const ProgressFn& progress) {
  return read_plans(c, protocol, run, plan_protocol(c, protocol, run), progress);
}

}  // namespace scapredict::data
