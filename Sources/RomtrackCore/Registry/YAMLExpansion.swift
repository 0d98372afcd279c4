// A guard against YAML alias bombs in config files, run before the file is composed into nodes.
//
// An alias (`*a`) stands for a copy of the node anchored as `&a`, so a few hundred bytes of nested
// aliases stand for billions of values. Yams shares the copies, but it checks every mapping for
// duplicate keys by hashing them, and a key that is such an alias is hashed value by value: a 500-byte
// file kept `Yams.compose` busy for minutes. The events of libyaml (the parser under Yams) give each
// node's expanded size in one pass over the file, so the file can be refused before it is composed.

import CYaml

enum YAMLExpansion {
  /// More values than any config file needs: the full example of docs/instruments.md has about 100.
  static let limit = 100_000

  /// Where a document's values, counted with every alias expanded, first pass `limit`: the 1-based
  /// line of the node that passed it; `nil` while they stay within it. Text that libyaml cannot
  /// parse also gives `nil`: composing it then reports the syntax error with its line.
  static func lineBeyondLimit(_ text: String) -> Int? {
    var bytes = Array(text.utf8)
    return bytes.withUnsafeMutableBufferPointer { buffer -> Int? in
      var parser = yaml_parser_t()
      guard yaml_parser_initialize(&parser) == 1 else { return nil }
      defer { yaml_parser_delete(&parser) }
      yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
      yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)

      // Expanded size of each anchor, and of each collection still open (itself plus its values).
      var anchors: [String: Int] = [:]
      var open: [(anchor: String?, size: Int)] = []
      var total = 0
      var exceeded = false
      /// Adds a finished node to the collection that holds it (or to the document's total).
      func add(_ size: Int) {
        if open.isEmpty {
          total = min(total + size, limit + 1)
          exceeded = exceeded || total > limit
        } else {
          open[open.count - 1].size = min(open[open.count - 1].size + size, limit + 1)
          exceeded = exceeded || open[open.count - 1].size > limit
        }
      }
      func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        anchor.map { String(cString: $0) }
      }
      while true {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
        defer { yaml_event_delete(&event) }
        let line = Int(event.start_mark.line) + 1
        switch event.type {
        case YAML_STREAM_END_EVENT:
          return nil
        case YAML_SCALAR_EVENT:
          if let anchor = name(event.data.scalar.anchor) { anchors[anchor] = 1 }
          add(1)
        case YAML_ALIAS_EVENT:
          add(name(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1)
        case YAML_SEQUENCE_START_EVENT:
          open.append((name(event.data.sequence_start.anchor), 1))
        case YAML_MAPPING_START_EVENT:
          open.append((name(event.data.mapping_start.anchor), 1))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
          guard let closed = open.popLast() else { return nil }
          if let anchor = closed.anchor { anchors[anchor] = closed.size }
          add(closed.size)
        default:
          continue
        }
        if exceeded { return line }
      }
    }
  }
}
