#pragma once
// The leave-one-patient-out section of AUDIT.md with its figures.
#include <filesystem>
#include <string>

#include "eval/probes/lopo.hpp"

namespace scapredict::report {

/// A section headed `title`; figures are written to out/<stem>_reliability.png and
/// out/<stem>_horizons.png and linked when gnuplot drew them.
std::string lopo_markdown(const eval::LopoResult& r, const std::filesystem::path& out,
                          const std::string& title, const std::string& stem);

}  // namespace scapredict::report
