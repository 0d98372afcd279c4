/// The Flesch reading ease of a text, used to hold the client's progress sheet to plain English:
///
///     RE = 206.835 - 1.015 x (words / sentences) - 84.6 x (syllables / words)
///
/// (Flesch, R. (1948). A new readability yardstick. Journal of Applied Psychology, 32(3), 221-233.)
/// 60-70 is "plain English", read easily by 13- to 15-year-olds; higher is easier. A text without words
/// has no reading ease (`nil`).
///
/// Words are runs of letters (with inner apostrophes and hyphens) or of digits. Syllables are
/// estimated the usual way for English, by counting groups of vowels (a, e, i, o, u, y), less a silent
/// final `e` (but not `-le` after a consonant, as in "little"), at least one a word; a number counts
/// one syllable per digit, which errs towards harder ("27" is two, "twenty-seven" four, "10" two), and a
/// decimal point between digits does not end a sentence.
/// Sentences end at `.`, `!` and `?` (not at a colon, so a list of scores is one long sentence), and
/// at the end of each block of a page (a heading, a paragraph, a list item), since a heading is read
/// as a unit of its own.
import Foundation

enum ReadingEase {
  struct Counts: Equatable {
    var words = 0
    var sentences = 0
    var syllables = 0
  }

  /// The reading ease of `text`, or `nil` when it has no words.
  static func score(_ text: String) -> Double? {
    let c = counts(text)
    guard c.words > 0 else { return nil }
    return 206.835 - 1.015 * Double(c.words) / Double(max(c.sentences, 1)) - 84.6 * Double(c.syllables) / Double(c.words)
  }

  /// Words, sentences and syllables of `text`.
  static func counts(_ text: String) -> Counts {
    var c = Counts()
    var word: [Character] = []
    var wordsInSentence = 0
    func endWord() {
      guard !word.isEmpty else { return }
      while let last = word.last, last == "'" || last == "-" { word.removeLast() }
      if !word.isEmpty {
        c.words += 1
        wordsInSentence += 1
        c.syllables += syllables(String(word))
      }
      word.removeAll()
    }
    func endSentence() {
      endWord()
      if wordsInSentence > 0 { c.sentences += 1 }
      wordsInSentence = 0
    }
    let characters = Array(text)
    for (i, ch) in characters.enumerated() {
      if ch == ".", word.last?.isNumber == true, i + 1 < characters.count, characters[i + 1].isNumber {
        word.append(ch)  // a decimal point: 12.5 is one word
      } else if ch.isLetter || ch.isNumber {
        // A run of digits and a run of letters are separate words ("10am" is two).
        if let last = word.last, last.isNumber != ch.isNumber, last != "'", last != "-", last != "." { endWord() }
        word.append(ch)
      } else if (ch == "'" || ch == "’" || ch == "-"), !word.isEmpty {
        word.append(ch == "’" ? "'" : ch)
      } else if ".!?\n".contains(ch) {
        endSentence()
      } else {
        endWord()
      }
    }
    endSentence()
    return c
  }

  /// The estimated syllables of one word (see the type's comment).
  static func syllables(_ word: String) -> Int {
    let lower = Array(word.lowercased())
    if lower.allSatisfy({ $0.isNumber || $0 == "." }) { return lower.filter(\.isNumber).count }
    // Each part of a hyphenated word counts on its own ("day-to-day" is three).
    if lower.contains("-") {
      return lower.split(separator: "-").reduce(0) { $0 + syllables(String($1)) }
    }
    let letters = lower.filter { $0.isLetter }
    let vowels: Set<Character> = ["a", "e", "i", "o", "u", "y"]
    var groups = 0
    var previousVowel = false
    for ch in letters {
      let vowel = vowels.contains(ch)
      if vowel && !previousVowel { groups += 1 }
      previousVowel = vowel
    }
    let n = letters.count
    if n > 2, letters[n - 1] == "e", !vowels.contains(letters[n - 2]) {
      let consonantLE = letters[n - 2] == "l" && !vowels.contains(letters[n - 3])
      if !consonantLE { groups -= 1 }
    }
    // "-es" and "-ed" after most consonants add no syllable ("takes", "rated" does).
    if n > 3, letters[n - 1] == "s" || letters[n - 1] == "d", letters[n - 2] == "e",
      !vowels.contains(letters[n - 3]), !"tdscxzgh".contains(letters[n - 3])
    {
      groups -= 1
    }
    return max(groups, 1)
  }

  /// The words a reader sees on a page: the text of its `<body>` without markup, without pictures
  /// (`<svg>`, whose labels repeat the text beside them) and without style; each block element
  /// (headings, paragraphs, list items, table cells, captions) ends a sentence. Entities are decoded.
  static func visibleText(ofPage html: String) -> String {
    var out = ""
    var rest = Substring(html)
    if let body = rest.range(of: "<body>") { rest = rest[body.upperBound...] }
    var skipping: String?  // inside <svg> or <style>: the closing tag that ends it
    while let open = rest.firstIndex(of: "<") {
      if skipping == nil { out += decode(rest[..<open]) }
      guard let close = rest[open...].firstIndex(of: ">") else { break }
      let tag = rest[rest.index(after: open)..<close].lowercased()
      let name = String(tag.prefix { $0.isLetter || $0 == "/" || $0.isNumber })
      if let end = skipping {
        if name == end { skipping = nil }
      } else if name == "svg" || name == "style" || name == "title" {
        skipping = "/" + name
      } else if ["/h1", "/h2", "/h3", "/p", "/li", "/td", "/th", "/figcaption", "/dt", "/dd", "br", "/div"].contains(name) {
        out += "\n"
      } else {
        out += " "
      }
      rest = rest[rest.index(after: close)...]
    }
    if skipping == nil { out += decode(rest) }
    return out
  }

  static func decode(_ text: Substring) -> String {
    guard text.contains("&") else { return String(text) }
    return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
      .replacingOccurrences(of: "&amp;", with: "&")
  }
}
