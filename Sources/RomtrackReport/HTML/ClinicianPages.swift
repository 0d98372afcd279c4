import Dispatch
import RomtrackCore

/// Writes every clinician's page into `clinicians/`, rendering a batch of pages on all cores and
/// then writing the batch, so memory holds a few pages at a time, not all of them.
public enum ClinicianPages {
  public static func write(_ content: ReportContent, into folder: OutputFolder, batch: Int = 32) throws {
    let clinicians = content.cliniciansInOrder.filter { !content.caseloads[$0].isEmpty || hasEpisodes(content, $0) }
    var start = 0
    while start < clinicians.count {
      let part = Array(clinicians[start..<min(start + batch, clinicians.count)])
      let pages = PageBuffer(count: part.count)
      DispatchQueue.concurrentPerform(iterations: part.count) { i in
        pages.set(i, ClinicianPage.html(content, clinician: part[i]))
      }
      for (i, k) in part.enumerated() {
        try folder.write(SafeFileName.clinicianPage(content.clinicianID(k)), pages.take(i))
      }
      start += batch
    }
  }

  /// A clinician with any episode in the 12 months gets a page, even with no active client now.
  static func hasEpisodes(_ c: ReportContent, _ k: Int) -> Bool {
    c.aggregates.measures(level: .clinician, group: k, window: AggregateTable.trailingYear, slot: 0).episodesActive > 0
  }
}

/// One slot per page, each written by exactly one thread.
private final class PageBuffer: @unchecked Sendable {
  private var pages: [[UInt8]]

  init(count: Int) { pages = Array(repeating: [], count: count) }

  func set(_ i: Int, _ bytes: [UInt8]) {
    pages.withUnsafeMutableBufferPointer { $0[i] = bytes }
  }

  func take(_ i: Int) -> [UInt8] {
    defer { pages[i] = [] }
    return pages[i]
  }
}
