#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Processors the scheduler lets this process use.
func sysconfActiveProcessors() -> Int {
  Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}

/// The text of a C `errno` value.
func errnoDescription(_ code: Int32) -> String {
  String(cString: strerror(code))
}
