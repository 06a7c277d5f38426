#pragma once
// MPI for `mpirun -n P parley run ...` (built with -DPARLEY_MPI=ON): each rank computes one
// shard and rank 0 merges them. Without MPI, or outside mpirun, there is one process.
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

}  // namespace parley::cli::mpi
