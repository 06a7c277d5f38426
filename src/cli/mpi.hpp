#pragma once
// MPI for `mpirun -n P parley run|sweep|sobol ...` (built with -DPARLEY_MPI=ON): each rank
// computes one shard (sobol: a share of the negotiations) and rank 0 merges them. Without MPI,
// or outside mpirun, there is one process.
#include <vector>

namespace parley::cli::mpi {

// Initialises MPI when the program runs under mpirun (and was built with MPI); finalises it.
class Session {
 public:
  Session(int& argc, char**& argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

int size();  // 1 without MPI
int rank();  // 0 without MPI
// The largest `value` over the ranks (every rank calls it).
int max_over_ranks(int value);
// Each element summed over the ranks, in place on every rank (every rank calls it with a
// vector of the same size).
void sum_over_ranks(std::vector<double>& values);

}  // namespace parley::cli::mpi
