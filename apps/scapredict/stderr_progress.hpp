#pragma once
// Renders the library's progress events on stderr, with elapsed time and ETA.
#include "common/progress.hpp"

namespace scapredict::cli {

/// Prints each event as one line: "task: unit done/total (detail), elapsed s, ETA s", or
/// "task: detail" for a stage.
ProgressFn stderr_progress();

}  // namespace scapredict::cli
