import Foundation
import PropertyBased
import Testing

@testable import RomtrackCore

/// A file split between threads must give exactly what one thread gives, wherever the cuts fall,
/// including cuts inside quoted fields that hold line breaks.
@Suite struct ParallelIngestTests {
  /// A file of `clients` clients with some quoted ids holding line breaks, blank lines and rejects.
  static func messyFile(clients: Int, seed: Int) -> String {
    var text = TestFiles.header
    var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
    func next(_ n: Int) -> Int {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return Int(state % UInt64(n))
    }
    for c in 0..<clients {
      let id = next(7) == 0 ? "\"client \(c)\nsecond line, \"\"quoted\"\"\"" : "C\(c)"
      for s in 1...(1 + next(6)) {
        let score = next(20) == 0 ? "NA" : String(next(30))  // 28, 29: out of range
        text += "\(id),E1,T\(c % 5),North,PHQ9,\(s),2026-01-\(String(format: "%02d", s)),\(score),\n"
        if next(15) == 0 { text += "\n" }
      }
    }
    return text
  }

  func read(_ path: String, threads: Int, block: Int) throws -> IngestResult {
    var options = IngestOptions()
    options.threads = threads
    options.parallelThreshold = 1
    options.blockSize = block
    return try CSVIngest(registry: .builtIn, options: options).read(files: [path])
  }

  @Test func threadsGiveTheSameRowsAsOneThread() async throws {
    await propertyCheck(count: 40, input: Gen.int(in: 1...200), Gen.int(in: 2...7), Gen.int(in: 64...4096)) { clients, threads, block in
      let path = TestFiles.write(Self.messyFile(clients: clients, seed: clients * 31 + threads))
      guard let one = try? read(path, threads: 1, block: 1 << 20), let many = try? read(path, threads: threads, block: block) else {
        Issue.record("read failed")
        return
      }
      #expect(many.rows.count == one.rows.count)
      #expect(many.tuples.map(\.0) == one.tuples.map(\.0))
      #expect(Array(many.rows.session) == Array(one.rows.session))
      #expect(Array(many.rows.line) == Array(one.rows.line))
      #expect(many.rows.score.map { $0.isNaN ? -1 : $0 } == one.rows.score.map { $0.isNaN ? -1 : $0 })
      #expect(many.rejects == one.rejects)
      #expect(many.files[0].rowsRead == one.files[0].rowsRead)
      #expect(many.files[0].blankLines == one.files[0].blankLines)
    }
  }

  @Test func longFieldsGrowTheBuffer() throws {
    let long = String(repeating: "y", count: 100_000)
    let path = TestFiles.write("client_id,instrument,session,score\n\(long),PHQ9,1,10\nC2,PHQ9,1,11\n")
    let result = try read(path, threads: 2, block: 256)
    #expect(result.names.clients == [long, "C2"])
    #expect(Array(result.rows.score) == [10, 11])
  }
}
