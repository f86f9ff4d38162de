// Uses the public API only: version, a record's header, a minute's spectrum, the error type.
// Usage: consumer RECORD
#include <scapredict/scapredict.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) return 3;
  std::printf("scapredict %s\n", scapredict::version());
  try {
    const scapredict::RecordInfo info = scapredict::open_record(argv[1]);
    const scapredict::Spectrum s = scapredict::minute_spectrum(argv[1], 0);
    std::printf("record %s: %.0f Hz, %zu signals, %zu bins, quality %s\n", info.name.c_str(),
                info.fs_hz, info.signals.size(), s.magnitude.size(), s.quality.c_str());
    scapredict::Model::load(argv[1]);  // not a model file: must throw scapredict::Error
  } catch (const scapredict::Error& e) {
    std::printf("error: %s\n", e.what());
    return 0;
  }
  return 1;
}
