import _OpenBLAS

/// OpenBLAS on one thread: the caller's.
///
/// romtrack's matrices are small (the growth model's fixed effects and 2 x 2 random effects), and its
/// own work is already spread over the cores, so BLAS threads would only compete with it. OpenBLAS
/// starts its worker threads when the library is loaded, and each spins for about 0.1 s waiting for
/// work before it sleeps: at the start of a report, while the ingest uses both cores (perf at 1M
/// clients: 92 ms of one core in `sched_yield`). Setting one thread and stopping the workers at once
/// gives that core back; later calls run on the calling thread and start no workers.
public enum BLASThreads {
  public static func callerOnly() {
    openblas_set_num_threads(1)
    _ = blas_thread_shutdown_()
  }
}
