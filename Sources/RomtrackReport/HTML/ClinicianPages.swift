import RomtrackCore

/// Writes every clinician's page into `clinicians/`, on all cores (`ParallelWrites`): each page is
/// rendered and written by the same thread, so memory holds about one page per core.
public enum ClinicianPages {
  public static func write(_ content: ReportContent, into folder: OutputFolder) throws {
    let clinicians = content.cliniciansInOrder.filter {
      !content.caseloads[$0].isEmpty || !content.transferred[$0].isEmpty || hasEpisodes(content, $0)
    }
    guard let first = clinicians.first else { return }
    // The first page makes the folder, before the threads write into it.
    try folder.write(SafeFileName.clinicianPage(content.clinicianID(first)), ClinicianPage.html(content, clinician: first))
    try ParallelWrites.run(
      clinicians.dropFirst().map { k in
        .init(SafeFileName.clinicianPage(content.clinicianID(k))) { ClinicianPage.html(content, clinician: k) }
      }, into: folder)
  }

  /// A clinician with any episode in the 12 months gets a page, even with no active client now.
  static func hasEpisodes(_ c: ReportContent, _ k: Int) -> Bool {
    c.aggregates.measures(level: .clinician, group: k, window: AggregateTable.trailingYear, slot: 0).episodesActive > 0
  }
}
