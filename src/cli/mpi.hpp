#pragma once
// MPI for `mpirun -n P parley run|sweep|sobol|calibrate ...` (built with -DPARLEY_MPI=ON): each
// rank computes one shard (sobol, calibrate: a share of the simulations, gathered on every rank)
// and rank 0 writes the file. Without MPI, or outside mpirun, there is one process.
#include "parley/engine/share.hpp"

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
// This rank's share of a study's simulations (sobol, calibrate): its slice of them, each slice
// put in place on every rank, an interruption of any rank seen by all. One process: the whole.
engine::Share share();

}  // namespace parley::cli::mpi
