// OpenBLAS's CBLAS interface and LAPACKE, as Debian installs them
// (libopenblas-dev and liblapacke-dev are separate packages, linked separately).
#include <cblas.h>
#include <lapacke.h>

// Stops OpenBLAS's worker threads (exported by libopenblas, declared in no public header): see
// `BLASThreads.callerOnly()`.
int blas_thread_shutdown_(void);
