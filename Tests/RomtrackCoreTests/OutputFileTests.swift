import Foundation
import Testing

@testable import RomtrackReport

/// Files written piece by piece must hold exactly the pieces, in order, whether they go through the
/// page cache (small pieces) or straight to the device in aligned blocks (pieces from 1 MiB on).
struct OutputFileTests {
  /// Deterministic bytes, different at every offset of a block, so a piece written twice, dropped or
  /// moved by a block shows up.
  static func piece(_ size: Int, seed: Int) -> [UInt8] {
    var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
    var words = [UInt64](repeating: 0, count: (size + 7) / 8)
    for i in words.indices {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      words[i] = state
    }
    return words.withUnsafeBytes { Array($0.prefix(size)) }
  }

  static let mib = 1 << 20

  /// The first offset where `a` and `b` differ, nil when they are equal: a short message for a test
  /// that compares megabytes.
  static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int? {
    a.indices.first { $0 >= b.count || a[$0] != b[$0] } ?? (a.count == b.count ? nil : a.count)
  }

  @Test(arguments: [
    [10, 20, 30],  // small: buffered throughout
    [mib],  // exactly the threshold, whole blocks
    [mib + 3],  // a partial last block
    [5, mib + 4093, 17, 2 * mib + 1, 4096, 1],  // small first, then direct; pieces across block edges
    [3 * mib + 5, 3 * mib + 7, 4095],  // pieces larger than the aligned buffer
    [2 * mib, 0, 2 * mib],  // an empty piece between
  ])
  func writesExactlyThePieces(sizes: [Int]) throws {
    let folder = try OutputFolder(path: TestOutput.path("pieces"))
    defer { folder.discard() }
    let pieces = sizes.enumerated().map { Self.piece($1, seed: $0 + 1) }
    let file = try folder.create("out.csv")
    for piece in pieces { try file.append(piece) }
    try file.close()
    let written = try [UInt8](Data(contentsOf: folder.staging.appendingPathComponent("out.csv")))
    let expected = pieces.flatMap { $0 }
    #expect(written.count == expected.count)
    #expect(Self.firstDifference(written, expected) == nil)
  }

  @Test func parallelPartsArriveInFileOrder() throws {
    let folder = try OutputFolder(path: TestOutput.path("parallel"))
    defer { folder.discard() }
    let sizes = [7, Self.mib + 11, 3, 2 * Self.mib - 5, 4096, 19, Self.mib]
    try ParallelWrites.run(
      [
        .init("big.csv", parts: sizes.count) { k in Self.piece(sizes[k], seed: k) },
        .init("small.csv") { Array("a,b\n1,2\n".utf8) },
      ], into: folder)
    let big = try [UInt8](Data(contentsOf: folder.staging.appendingPathComponent("big.csv")))
    #expect(Self.firstDifference(big, sizes.indices.flatMap { Self.piece(sizes[$0], seed: $0) }) == nil)
    let small = try String(contentsOf: folder.staging.appendingPathComponent("small.csv"), encoding: .utf8)
    #expect(small == "a,b\n1,2\n")
  }

  /// Fewer parts than threads, down to none (a practice with one clinician has no page after the first).
  @Test(arguments: [0, 1, 2])
  func fewerPartsThanThreads(parts: Int) throws {
    let folder = try OutputFolder(path: TestOutput.path("few"))
    defer { folder.discard() }
    try ParallelWrites.run((0..<parts).map { k in .init("f\(k).txt") { Array("part \(k)\n".utf8) } }, into: folder)
    for k in 0..<parts {
      #expect(try String(contentsOf: folder.staging.appendingPathComponent("f\(k).txt"), encoding: .utf8) == "part \(k)\n")
    }
  }
}

/// Output folders for tests under the temporary directory, unique per test process.
enum TestOutput {
  static func path(_ name: String) -> String {
    FileManager.default.temporaryDirectory
      .appendingPathComponent("romtrack-output-tests-\(getpid())-\(UUID().uuidString)")
      .appendingPathComponent(name).path
  }
}
