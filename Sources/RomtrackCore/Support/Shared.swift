/// Memory written by several threads at once, each to its own elements only (the pattern of every
/// parallel pass here: thread k fills the slots of range k, and nobody reads them until all are done).
struct Shared<Element>: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<Element>
  init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
