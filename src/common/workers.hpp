#pragma once
// Independent units of work spread over the processes of one run (MPI ranks; docs/mpi.md). The
// library names the units; a Workers gives each process its share and brings every result to
// every process, so that what a run computes does not depend on how many processes ran it.
// Without MPI there is one process and every unit runs here.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace scapredict {

/// The processes of a run. Every collective call must be made by all of them, in the same order.
class Workers {
 public:
  virtual ~Workers() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// Every process's `mine`, in rank order (a collective call).
  virtual std::vector<std::string> all_gather(const std::string& mine) const = 0;
  /// Returns when every process has called it.
  virtual void barrier() const = 0;
  /// The process that writes results and prints.
  bool root() const { return rank() == 0; }
};

/// The processes of this run: one (the default) unless set_workers() named others.
const Workers& workers();
/// Sets the processes of this run (the command-line tool under mpirun); nullptr: one process.
void set_workers(std::shared_ptr<const Workers> w);

/// Units 0..n-1 assigned to processes: unit i to owner[i]. Weights (empty: all equal) give the
/// longest units first to the least loaded process (ties to the lower rank), the same assignment
/// on every process.
std::vector<int> assign_units(std::size_t n, int processes, const std::vector<double>& weights);

/// Runs `work(i)` for this process's units and hands every unit's result, in unit order, to
/// `take(i, result)` on every process. Results are exchanged after every `round` units per
/// process (0: once, at the end), which bounds the memory that waiting results hold. A unit that
/// throws does not stop the others' exchange: after the round every process throws an Error with
/// the message of the first failed unit (the same on all), and so does every process when `take`
/// throws on one of them. Called inside a unit, every unit runs in the calling process.
void map_units(const Workers& w, std::size_t n, const std::function<std::string(std::size_t)>& work,
               const std::function<void(std::size_t, std::string&&)>& take,
               const std::vector<double>& weights = {}, std::size_t round = 0);

/// Runs `work` on the first process only; then every process throws the Error it threw (the
/// same message everywhere), or returns. For work whose result lands in files all processes read
/// afterwards (a simulated cohort in a cache).
void on_root(const Workers& w, const std::function<void()>& work);

/// Doubles as bytes and back, bit for bit (a unit's numeric result).
std::string pack_doubles(const std::vector<double>& v);
std::vector<double> unpack_doubles(const std::string& s);

/// A double in a unit's JSON result: JSON has no NaN or infinity, so those travel as null and
/// come back as NaN.
nlohmann::json json_double(double v);
double double_from_json(const nlohmann::json& j);

/// A unit's result as length-prefixed fields: any bytes, numbers bit for bit (NaN included).
class MessageWriter {
 public:
  void u64(std::uint64_t v);
  void f64(double v);
  void str(std::string_view s);
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

/// Reads what a MessageWriter wrote, in the same order; throws Error on a cut message.
class MessageReader {
 public:
  explicit MessageReader(const std::string& s) : s_(s) {}
  std::uint64_t u64();
  double f64();
  std::string str();
  bool done() const { return pos_ == s_.size(); }

 private:
  const std::string& s_;
  std::size_t pos_ = 0;
};

/// True when an MPI launcher started this process (mpirun's OMPI_COMM_WORLD_SIZE, PMIx's
/// PMIX_RANK, PMI's PMI_RANK or PMI_SIZE, as under Slurm's srun), read from the environment
/// without MPI: the lean scapredict hands such runs to scapredict-lab, which starts MPI.
bool launched_by_mpi();

}  // namespace scapredict
