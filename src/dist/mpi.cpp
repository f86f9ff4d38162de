#include "dist/mpi.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <thread>

#include "common/error.hpp"

namespace scapredict::dist {

namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw Error(std::string("MPI: ") + what + " failed");
}

class MpiWorkers final : public Workers {
 public:
  explicit MpiWorkers(MPI_Comm comm) : comm_(comm) {
    check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  std::vector<std::string> all_gather(const std::string& mine) const override {
    // Lengths first (64-bit, so every process sees every length and refuses together what MPI's
    // int counts cannot carry), then the bytes.
    const long long len = static_cast<long long>(mine.size());
    std::vector<long long> lens(static_cast<std::size_t>(size_));
    check(MPI_Allgather(&len, 1, MPI_LONG_LONG, lens.data(), 1, MPI_LONG_LONG, comm_),
          "MPI_Allgather");
    std::vector<int> counts(lens.size()), displs(lens.size());
    long long total = 0;
    for (std::size_t i = 0; i < lens.size(); ++i) {
      displs[i] = static_cast<int>(std::min<long long>(total, std::numeric_limits<int>::max()));
      counts[i] = static_cast<int>(std::min<long long>(lens[i], std::numeric_limits<int>::max()));
      total += lens[i];
    }
    if (total > std::numeric_limits<int>::max())
      throw Error("MPI: one exchange of results would exceed 2 GiB (" + std::to_string(total) +
                  " bytes); use fewer processes or smaller units");
    std::string all(static_cast<std::size_t>(total), '\0');
    check(MPI_Allgatherv(mine.data(), static_cast<int>(len), MPI_BYTE, all.data(), counts.data(),
                         displs.data(), MPI_BYTE, comm_),
          "MPI_Allgatherv");
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < lens.size(); ++i)
      parts.push_back(
          all.substr(static_cast<std::size_t>(displs[i]), static_cast<std::size_t>(counts[i])));
    return parts;
  }
  void barrier() const override { check(MPI_Barrier(comm_), "MPI_Barrier"); }

 private:
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
};

constexpr int kLineBytes = 1024;

}  // namespace

// The work's communicator, and a second one for the ending, so that a process that ends early
// cannot meet another's exchange of results.
struct MpiSession::Comms {
  MPI_Comm work = MPI_COMM_NULL, ending = MPI_COMM_NULL;
};

MpiSession::MpiSession(int* argc, char*** argv) : comms_(std::make_unique<Comms>()) {
  int provided = 0;
  check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  // Only the main thread calls MPI, but other threads exist (LibTorch's, the record reader).
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    throw Error("MPI: this MPI library does not allow threads beside the one that calls it");
  }
  check(MPI_Comm_dup(MPI_COMM_WORLD, &comms_->work), "MPI_Comm_dup");
  check(MPI_Comm_dup(MPI_COMM_WORLD, &comms_->ending), "MPI_Comm_dup");
  workers_ = std::make_shared<MpiWorkers>(comms_->work);
}

MpiSession::~MpiSession() = default;

int MpiSession::rank() const {
  return workers_->rank();
}
int MpiSession::size() const {
  return workers_->size();
}

std::optional<std::vector<std::string>> MpiSession::endings(const std::string& mine,
                                                            double timeout_s) {
  std::vector<char> line(kLineBytes, '\0');
  std::memcpy(line.data(), mine.data(), std::min<std::size_t>(mine.size(), kLineBytes - 1));
  std::vector<char> all(static_cast<std::size_t>(size()) * kLineBytes, '\0');
  MPI_Request req;
  check(MPI_Iallgather(line.data(), kLineBytes, MPI_BYTE, all.data(), kLineBytes, MPI_BYTE,
                       comms_->ending, &req),
        "MPI_Iallgather");
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int done = 0;
  while (true) {
    check(MPI_Test(&req, &done, MPI_STATUS_IGNORE), "MPI_Test");
    if (done) break;
    if (std::chrono::steady_clock::now() > until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::vector<std::string> out;
  for (int r = 0; r < size(); ++r) out.emplace_back(all.data() + r * kLineBytes);
  return out;
}

void MpiSession::finalize() {
  if (finalized_) return;
  finalized_ = true;
  MPI_Comm_free(&comms_->work);
  MPI_Comm_free(&comms_->ending);
  MPI_Finalize();
}

}  // namespace scapredict::dist
