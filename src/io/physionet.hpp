#pragma once
// Facts about the PhysioNet databases scapredict reads (../shared/physionet/README.md).
#include <string>
#include <vector>

namespace scapredict::io {

/// The 23 records of the Sudden Cardiac Death Holter Database (30-52), 250 Hz.
const std::vector<std::string>& sddb_record_names();
/// The 18 records of the MIT-BIH Normal Sinus Rhythm Database, 128 Hz.
const std::vector<std::string>& nsrdb_record_names();
inline constexpr double kSddbFsHz = 250.0;
inline constexpr double kNsrdbFsHz = 128.0;

}  // namespace scapredict::io
