#if canImport(Glibc)
  import Glibc
#endif

/// Puts the large arrays of a run on 2 MiB pages.
///
/// A report over a million clients allocates a few GiB in Swift arrays (the per-series results, the
/// aggregate cells, the output buffers). With the kernel's transparent huge pages in `madvise` mode
/// (Debian's default) those arrays come in 4 KiB pages, and faulting and zeroing them one by one cost
/// about a tenth of the report's CPU time. glibc can advise huge pages for the memory it maps, but only
/// when told at start-up through `GLIBC_TUNABLES=glibc.malloc.hugetlb=1`; so when the setting is
/// absent, the process sets it and executes itself again, once, with the same arguments. Nothing
/// else changes. `ROMTRACK_SMALL_PAGES=1` (or any `glibc.malloc.hugetlb` value already set) skips it.
enum HugePages {
  static let tunable = "glibc.malloc.hugetlb=1"

  static func restartWithHugePagesIfUseful() {
    #if os(Linux)
      let current = getenv("GLIBC_TUNABLES").map { String(cString: $0) }
      guard current?.contains("glibc.malloc.hugetlb") != true, getenv("ROMTRACK_SMALL_PAGES") == nil,
        kernelAdvisesHugePages
      else { return }
      setenv("GLIBC_TUNABLES", current.map { "\($0):\(tunable)" } ?? tunable, 1)
      execv("/proc/self/exe", CommandLine.unsafeArgv)
      // Not reached unless the exec failed; run on with small pages.
      unsetenv("GLIBC_TUNABLES")
      if let current { setenv("GLIBC_TUNABLES", current, 1) }
    #endif
  }

  /// Transparent huge pages are given on request only (`[madvise]`); with `[always]` they are given
  /// anyway and with `[never]` not at all, so restarting would not change anything.
  private static var kernelAdvisesHugePages: Bool {
    guard let file = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r") else { return false }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 128)
    guard fgets(&line, Int32(line.count), file) != nil else { return false }
    let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return text.contains("[madvise]")
  }
}
