import Foundation

/// The words of the client's progress sheet, kept together so that a practice can adapt them: the
/// built-in text below is the whole template, `romtrack sheet --print-wording` writes it out, and the
/// config file's `client_sheet_wording: FILE` points at a practice's own version.
///
/// The format is one entry per line, `key: text`; lines starting with `#` and blank lines are skipped.
/// `{name}` in a text is filled in from the client's data (a measure's name, a number of points, a
/// date, a goal). A practice's file may leave keys out (those keep the built-in text) but may not name
/// keys that do not exist, so that a misspelt key is found rather than silently ignored. Every text,
/// the practice's own included, is escaped when it is written into the page, like all data.
///
/// The built-in text is written for a Flesch reading ease of 60 or more (plain English; a test
/// checks it on sheets for several kinds of course), in the second person, and puts the clinician, not
/// the client, in charge of mending the working relationship.
public struct ClientSheetWording: Sendable, Equatable {
  /// Text by key.
  public private(set) var texts: [String: String] {
    didSet { pieces = ClientSheetWording.pieces(texts) }
  }
  /// Each text cut at its `{name}`s once, so that filling one in is a few appends.
  private var pieces: [String: [Piece]]

  enum Piece: Sendable, Equatable {
    case literal(String)
    case value(String)
  }

  /// The built-in template.
  public static let builtInTemplate = """
    # The words of romtrack's client progress sheet (one page per active episode, for the client).
    # One entry per line, "key: text". {name} is filled in from the client's data. Copy this file,
    # change the texts, and name it in the config file: client_sheet_wording: sheet-wording.txt
    # Keys you leave out keep romtrack's text. Everything is shown as plain text: no HTML.

    title: Your progress
    intro: This page shows how things have gone for you since we started. It is yours to keep.
    scores_up_to: Your scores up to {date}.
    measures_heading: How you have been
    lower_is_better: On the {measure}, a lower score means you feel better.
    higher_is_better: On the {measure}, a higher score means you feel better.
    usual_range: Most people who are not looking for help score {range}.
    range_below: below {value}
    range_at_most: {value} or less
    range_above: above {value}
    range_at_least: {value} or more
    usual_range_key: Shaded: where most people score who are not looking for help.
    better_up: better ↑
    better_down: better ↓
    change_better_real: {direction} {amount} since your first score: more than the measure's day-to-day wobble. That is a real change for the better.
    change_worse_real: {direction} {amount} since your first score: more than the measure's day-to-day wobble. Things seem harder now. Let's talk about what has changed.
    change_small: {direction} {amount} since your first score. That is within the measure's day-to-day wobble, so we can't be sure yet that it is a real change.
    change_plain: {direction} {amount} since your first score.
    change_none: The same as your first score.
    direction_up: Up
    direction_down: Down
    amount_one: 1 point
    amount_many: {points} points
    one_score: You have one score so far: {score}. Next time we can see how it moves.
    no_score: There is no score yet.
    missed: Sessions without a score: {count}. That is fine.
    scores_list: Your scores, session by session: {list}.
    session_score: {session}: {score}
    no_score_mark: none
    alliance_heading: How our sessions feel to you
    alliance_line: On the {measure}, you tell me how our sessions feel. A higher score means they suit you better.
    alliance_latest: Last time you gave {score}.
    alliance_dip: Your rating dipped at session {session}. Thank you for telling me.
    dip_mark: dip ▲
    alliance_invite: If something about our sessions isn't working for you, tell me: it changes what we do. It is my job to fix it with you, not yours.
    goals_heading: Your goals
    goals_intro: You rate each goal from 0 to 10: 0 means not met at all, 10 means fully met.
    goal_name: Goal: {goal}
    goal_unnamed: Your goal
    goal_met: You gave this goal 10: you have reached it.
    notes_heading: Notes we write together
    notes_prompt: What stands out to you? What should we do next?
    footer: This page shows only your own scores. Please ask me about anything on it.
    """

  /// The keys of the template, in its order.
  public static let keys: [String] = parseEntries(builtInTemplate).map(\.key)

  /// The built-in wording.
  public static let builtIn = ClientSheetWording(texts: Dictionary(uniqueKeysWithValues: parseEntries(builtInTemplate).map { ($0.key, $0.text) }))

  init(texts: [String: String]) {
    self.texts = texts
    pieces = ClientSheetWording.pieces(texts)
  }

  static func pieces(_ texts: [String: String]) -> [String: [Piece]] {
    texts.mapValues { text in
      var out: [Piece] = []
      var rest = Substring(text)
      while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
        if open > rest.startIndex { out.append(.literal(String(rest[..<open]))) }
        out.append(.value(String(rest[rest.index(after: open)..<close])))
        rest = rest[rest.index(after: close)...]
      }
      if !rest.isEmpty { out.append(.literal(String(rest))) }
      return out
    }
  }

  /// A practice's wording: the built-in text with the file's entries in its place.
  ///
  /// - Throws: `ClientSheetWordingError` naming the file, the line and the problem: an unknown key, a
  ///   line without `key:`, a key given twice.
  public static func parse(_ text: String, source: String) throws -> ClientSheetWording {
    var wording = builtIn
    var seen: [String: Int] = [:]
    let known = Set(keys)
    for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\r", with: "")
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let lineNumber = number + 1
      guard let colon = trimmed.firstIndex(of: ":") else {
        throw ClientSheetWordingError(file: source, line: lineNumber, problem: "expected \"key: text\"")
      }
      let key = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
      guard known.contains(key) else {
        throw ClientSheetWordingError(file: source, line: lineNumber, problem: "unknown key \(key) (the keys: romtrack sheet --print-wording)")
      }
      if let earlier = seen[key] {
        throw ClientSheetWordingError(file: source, line: lineNumber, problem: "\(key) is given twice (first on line \(earlier))")
      }
      seen[key] = lineNumber
      wording.texts[key] = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return wording
  }

  /// The text of `key` with each `{name}` replaced by its value; names without a value stay as written.
  public func text(_ key: String, _ values: KeyValuePairs<String, String> = [:]) -> String {
    var out = ""
    for piece in pieces[key] ?? [] {
      switch piece {
      case .literal(let text): out += text
      case .value(let name): out += values.first { $0.key == name }?.value ?? "{\(name)}"
      }
    }
    return out
  }

  static func parseEntries(_ text: String) -> [(key: String, text: String)] {
    text.split(separator: "\n").compactMap { line in
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard !trimmed.hasPrefix("#"), let colon = trimmed.firstIndex(of: ":") else { return nil }
      return (String(trimmed[..<colon]), trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
  }
}

/// A practice's wording file that cannot be used.
public struct ClientSheetWordingError: Error, CustomStringConvertible, Equatable {
  public var file: String
  public var line: Int?
  public var problem: String

  public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(problem)" }
}
