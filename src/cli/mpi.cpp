#include "mpi.hpp"

#include <algorithm>
#include <cstdlib>

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
void sum_over_ranks(std::vector<double>& values) {
  if (!g_active) return;
  // MPI counts are ints: in pieces of at most 2^30 elements.
  constexpr std::size_t kPiece = std::size_t{1} << 30;
  for (std::size_t from = 0; from < values.size(); from += kPiece) {
    const auto count = static_cast<int>(std::min(kPiece, values.size() - from));
    MPI_Allreduce(MPI_IN_PLACE, values.data() + from, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  }
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
void sum_over_ranks(std::vector<double>&) {}
#endif

}  // namespace parley::cli::mpi
