import Dispatch
import Foundation
import RomtrackCore

/// Writes every clinician's page into `clinicians/`, on all cores: each page is rendered and written
/// by the same thread, so memory holds one page per core and no core waits for another's writes.
public enum ClinicianPages {
  public static func write(_ content: ReportContent, into folder: OutputFolder) throws {
    let clinicians = content.cliniciansInOrder.filter { !content.caseloads[$0].isEmpty || hasEpisodes(content, $0) }
    guard let first = clinicians.first else { return }
    // The folder, made once before the threads start.
    try folder.write(SafeFileName.clinicianPage(content.clinicianID(first)), ClinicianPage.html(content, clinician: first))
    let errors = FirstError()
    let shared = SharedFolder(folder)
    DispatchQueue.concurrentPerform(iterations: clinicians.count - 1) { i in
      let k = clinicians[i + 1]
      do {
        try shared.folder.write(SafeFileName.clinicianPage(content.clinicianID(k)), ClinicianPage.html(content, clinician: k))
      } catch {
        errors.record(error)
      }
    }
    if let error = errors.error { throw error }
  }

  /// A clinician with any episode in the 12 months gets a page, even with no active client now.
  static func hasEpisodes(_ c: ReportContent, _ k: Int) -> Bool {
    c.aggregates.measures(level: .clinician, group: k, window: AggregateTable.trailingYear, slot: 0).episodesActive > 0
  }
}

/// The output folder shared by the page-writing threads: each writes its own file.
private final class SharedFolder: @unchecked Sendable {
  let folder: OutputFolder
  init(_ folder: OutputFolder) { self.folder = folder }
}

/// The first error of several threads.
private final class FirstError: @unchecked Sendable {
  private let lock = NSLock()
  private var first: Error?

  func record(_ error: Error) {
    lock.lock()
    if first == nil { first = error }
    lock.unlock()
  }

  var error: Error? {
    lock.lock()
    defer { lock.unlock() }
    return first
  }
}
