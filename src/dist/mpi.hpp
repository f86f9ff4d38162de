#pragma once
// The processes of a run launched by mpirun or srun, as scapredict::Workers (docs/mpi.md).
// Built only when MPI is installed; the command-line tool starts a session when a launcher
// started it, and runs as one process otherwise.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/workers.hpp"

namespace scapredict::dist {

/// MPI for one run: MPI_Init_thread (funneled: only the main thread calls MPI) on start, the
/// processes as Workers, and the run's ending agreed between them.
class MpiSession {
 public:
  /// Initialises MPI; throws Error when it cannot.
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  std::shared_ptr<const Workers> workers() const { return workers_; }
  int rank() const;
  int size() const;

  /// How every process ended: each one's error line ("" when it succeeded), in rank order, once
  /// all have called it within `timeout_s`; nullopt when some process did not (it failed alone
  /// while others still work, or it died). Then MPI must not be finalised: see abandon().
  std::optional<std::vector<std::string>> endings(const std::string& mine, double timeout_s);
  /// Finalises MPI (after endings() answered).
  void finalize();

 private:
  std::shared_ptr<const Workers> workers_;
  bool finalized_ = false;
  struct Comms;
  std::unique_ptr<Comms> comms_;
};

}  // namespace scapredict::dist
