#include "mpi.hpp"

#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <vector>

#ifdef PARLEY_MPI
#include <mpi.h>
#endif

namespace parley::cli::mpi {

#ifdef PARLEY_MPI
namespace {
bool g_active = false;

// Started by mpirun (Open MPI, MPICH/PMI): only then is MPI initialised, so that a plain
// `parley` never waits on an MPI runtime.
bool under_mpirun() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(name)) return true;
  }
  return false;
}
}  // namespace

Session::Session(int& argc, char**& argv) {
  if (!under_mpirun()) return;
  MPI_Init(&argc, &argv);
  g_active = true;
}
Session::~Session() {
  if (g_active) MPI_Finalize();
}
int size() {
  int n = 1;
  if (g_active) MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}
int rank() {
  int r = 0;
  if (g_active) MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
int max_over_ranks(int value) {
  if (!g_active) return value;
  int out = value;
  MPI_Allreduce(&value, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return out;
}
engine::Share share() {
  engine::Share s;
  if (!g_active || size() <= 1) return s;
  s.part = static_cast<std::size_t>(rank());
  s.parts = static_cast<std::size_t>(size());
  s.gather = [parts = s.parts](std::vector<double>& values, std::size_t width) {
    // Every rank's slice from where it lies on that rank, unchanged (no arithmetic).
    const std::size_t items = values.size() / width;
    std::vector<int> counts(parts), offsets(parts);
    for (std::size_t r = 0; r < parts; ++r) {
      const auto [first, last] = engine::Share{r, parts, {}, {}}.range(items);
      if (last * width > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw std::runtime_error("more values than MPI can gather at once");
      counts[r] = static_cast<int>((last - first) * width);
      offsets[r] = static_cast<int>(first * width);
    }
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, values.data(), counts.data(), offsets.data(),
                   MPI_DOUBLE, MPI_COMM_WORLD);
  };
  s.any = [](bool flag) { return max_over_ranks(flag ? 1 : 0) != 0; };
  return s;
}
#else
Session::Session(int&, char**&) {}
Session::~Session() = default;
int size() {
  return 1;
}
int rank() {
  return 0;
}
int max_over_ranks(int value) {
  return value;
}
engine::Share share() {
  return {};
}
#endif

}  // namespace parley::cli::mpi
