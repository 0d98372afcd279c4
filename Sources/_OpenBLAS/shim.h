// OpenBLAS's CBLAS interface and LAPACKE, as Debian installs them
// (libopenblas-dev and liblapacke-dev are separate packages, linked separately).
#include <cblas.h>
#include <lapacke.h>
