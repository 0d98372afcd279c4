/// A small pull scanner for the XML of a workbook (sheets, shared strings, styles, workbook): start
/// tags with their attributes, end tags and text, with the five named entities and numeric character
/// references decoded. Namespace prefixes are dropped (`x:c` is `c`). Not a general XML parser: no
/// DTDs, and CDATA sections are read as text.
struct XMLScanner {
  enum Event: Equatable {
    case start(name: String, attributes: [String: String], selfClosing: Bool)
    case end(name: String)
    case text(String)
  }

  private let bytes: [UInt8]
  private var position = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  /// The next event, or nil at the end.
  mutating func next() -> Event? {
    while position < bytes.count {
      if bytes[position] != UInt8(ascii: "<") {
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: "<") { position += 1 }
        return .text(XMLScanner.decode(bytes[start..<position]))
      }
      if starts(with: "<?") { skip(past: "?>"); continue }
      if starts(with: "<!--") { skip(past: "-->"); continue }
      if starts(with: "<![CDATA[") {
        let start = position + 9
        skip(past: "]]>")
        return .text(String(decoding: bytes[start..<max(start, position - 3)], as: UTF8.self))
      }
      if starts(with: "<!") { skip(past: ">"); continue }
      position += 1
      let closing = position < bytes.count && bytes[position] == UInt8(ascii: "/")
      if closing { position += 1 }
      let name = readName()
      if closing {
        skip(past: ">")
        return .end(name: name)
      }
      var attributes: [String: String] = [:]
      while position < bytes.count {
        skipSpaces()
        guard position < bytes.count else { break }
        if bytes[position] == UInt8(ascii: ">") {
          position += 1
          return .start(name: name, attributes: attributes, selfClosing: false)
        }
        if bytes[position] == UInt8(ascii: "/") {
          skip(past: ">")
          return .start(name: name, attributes: attributes, selfClosing: true)
        }
        let key = readName()
        skipSpaces()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else {
          if key.isEmpty { position += 1 }
          continue
        }
        position += 1
        skipSpaces()
        guard position < bytes.count else { break }
        let quote = bytes[position]
        position += 1
        let start = position
        while position < bytes.count, bytes[position] != quote { position += 1 }
        attributes[key] = XMLScanner.decode(bytes[start..<min(position, bytes.count)])
        position += 1
      }
      return .start(name: name, attributes: attributes, selfClosing: false)
    }
    return nil
  }

  private func starts(with text: String) -> Bool {
    let t = Array(text.utf8)
    return position + t.count <= bytes.count && bytes[position..<(position + t.count)].elementsEqual(t)
  }

  private mutating func skip(past text: String) {
    let t = Array(text.utf8)
    while position < bytes.count {
      if starts(with: text) {
        position += t.count
        return
      }
      position += 1
    }
  }

  private mutating func skipSpaces() {
    while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
  }

  /// A tag or attribute name without its namespace prefix.
  private mutating func readName() -> String {
    let start = position
    while position < bytes.count {
      let b = bytes[position]
      if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: ">") || b == UInt8(ascii: "/") || b == UInt8(ascii: "=") { break }
      position += 1
    }
    let name = String(decoding: bytes[start..<position], as: UTF8.self)
    if let colon = name.lastIndex(of: ":"), !name.hasPrefix("xmlns") { return String(name[name.index(after: colon)...]) }
    return name
  }

  /// Text with `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and `&#N;` / `&#xN;` decoded.
  static func decode(_ slice: ArraySlice<UInt8>) -> String {
    guard slice.contains(UInt8(ascii: "&")) else { return String(decoding: slice, as: UTF8.self) }
    var out: [UInt8] = []
    var i = slice.startIndex
    while i < slice.endIndex {
      if slice[i] == UInt8(ascii: "&"), let semicolon = slice[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) {
        let entity = String(decoding: slice[(i + 1)..<semicolon], as: UTF8.self)
        var scalar: Unicode.Scalar?
        switch entity {
        case "lt": scalar = "<"
        case "gt": scalar = ">"
        case "amp": scalar = "&"
        case "quot": scalar = "\""
        case "apos": scalar = "'"
        default:
          if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
            scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
          } else if entity.hasPrefix("#") {
            scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
          }
        }
        if let scalar {
          out.append(contentsOf: Array(String(Character(scalar)).utf8))
          i = semicolon + 1
          continue
        }
      }
      out.append(slice[i])
      i += 1
    }
    return String(decoding: out, as: UTF8.self)
  }
}
