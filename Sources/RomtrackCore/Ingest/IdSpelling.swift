/// Ids that look the same to a person but not to romtrack: "Dr Smith" and "dr smith", or "Dr Smith"
/// and "Dr  Smith". They stay different ids (romtrack does not guess which is right); the run says
/// so in a warning line, so the export can be corrected or the ids mapped.
///
/// Checked for clinician and site ids, of which a practice has few; client ids are not (a million
/// of them would cost the ingest time, and a client's id is typed by a system, not by hand).
/// Unicode spellings of one id (NFC and NFD) are one id already (`Merger.composed`).
public enum IdSpelling {
  /// An id folded as people read it: lowercased, without spaces or tabs.
  static func folded(_ id: String) -> String {
    String(id.lowercased().unicodeScalars.filter { $0 != " " && $0 != "\t" && $0 != "\u{A0}" })
  }

  /// One line per group of ids of `kind` (`clinician`, `site`) that differ only in case or spacing.
  public static func warnings(_ ids: [String], kind: String) -> [String] {
    var groups: [String: [String]] = [:]
    var order: [String] = []
    for id in ids where !id.isEmpty {
      let key = folded(id)
      if groups[key] == nil { order.append(key) }
      groups[key, default: []].append(id)
    }
    return order.compactMap { key in
      guard let group = groups[key], group.count > 1 else { return nil }
      let shown = group.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ")
      return "warning: \(kind) ids \(shown)\(group.count > 5 ? " and \(group.count - 5) more" : "") differ only in case or spacing;"
        + " they are counted as different \(kind)s: correct the input if they are one"
    }
  }
}
