internal import CPrefetch
internal import TailscanIO
public import TailscanText

/// The alias tokens of an `EntityMatcher` that have at most 16 normalized bytes, for the
/// counting hot path (`scan`): one whole document at a time, its whitespace tokens split,
/// stripped, case-folded and hashed in one pass over the bytes, and looked up a few tokens
/// after their table slot was prefetched, so that lookups overlap instead of waiting on memory
/// one after another.
///
/// Tokens the index does not cover (non-ASCII, control bytes, over 16 bytes once stripped) go
/// through `EntityMatcher.prepare`, so the batch is the same either way (tests compare them).
/// Read-only once built: one index serves every worker.
@safe public final class AliasTokenIndex: @unchecked Sendable {
  public let matcher: EntityMatcher
  /// Four words per slot: the token's bytes 0..<8 and 8..<16 (little-endian, zero-padded),
  /// `length << 56 | item` (0 for an empty slot), unused. Two slots per cache line.
  private let slots: UnsafeMutablePointer<UInt64>
  private let slotBits: Int
  private let slotBytes: Int
  /// The trie edges from an alias's first token to its second: two words per slot, the key
  /// `first << 32 | second` (`UInt64.max` for an empty slot) and the edge's value.
  private let edges: UnsafeMutablePointer<UInt64>
  private let edgeBits: Int
  private let edgeBytes: Int
  /// One bit per bucket of first edges: most pairs of tokens are no edge.
  private let edgeFilter: UnsafeMutablePointer<UInt64>
  private let edgeFilterBits: Int
  private let edgeFilterBytes: Int

  /// The memory of the index.
  public var memoryBytes: Int { slotBytes + edgeBytes + edgeFilterBytes }

  public init(matcher: EntityMatcher) {
    self.matcher = matcher
    var tokens: [(UInt64, UInt64, Int, UInt64)] = []
    matcher.forEachShortToken { tokens.append(($0, $1, $2, $3)) }
    // At most two thirds full: few probes, and 4 MB for the 80k tokens of 100k aliases.
    var slotBits = 4
    while 1 << slotBits < tokens.count + tokens.count / 2 { slotBits += 1 }
    self.slotBits = slotBits
    slotBytes = 32 << slotBits
    guard let slotMemory = unsafe Syscalls.allocateTable(bytes: slotBytes) else {
      fatalError("cannot map \(slotBytes) bytes for the alias token index")
    }
    unsafe slots = unsafe slotMemory.bindMemory(to: UInt64.self, capacity: 4 << slotBits)
    var firstEdges: [(UInt64, Int32)] = []
    matcher.forEachFirstEdge { first, second, value in
      firstEdges.append((UInt64(first) << 32 | UInt64(second), value))
    }
    var edgeBits = 4
    while 1 << edgeBits < 2 * firstEdges.count { edgeBits += 1 }
    self.edgeBits = edgeBits
    edgeBytes = 16 << edgeBits
    guard let edgeMemory = unsafe Syscalls.allocateTable(bytes: edgeBytes) else {
      fatalError("cannot map \(edgeBytes) bytes for the alias token index")
    }
    unsafe edges = unsafe edgeMemory.bindMemory(to: UInt64.self, capacity: 2 << edgeBits)
    for i in 0..<(1 << edgeBits) { unsafe edges[2 * i] = UInt64.max }
    var edgeFilterBits = 12
    while 1 << edgeFilterBits < firstEdges.count * 16 { edgeFilterBits += 1 }
    self.edgeFilterBits = edgeFilterBits
    edgeFilterBytes = (1 << edgeFilterBits) / 8
    guard let edgeFilterMemory = unsafe Syscalls.allocateTable(bytes: edgeFilterBytes) else {
      fatalError("cannot map \(edgeFilterBytes) bytes for the alias token index")
    }
    unsafe edgeFilter = unsafe edgeFilterMemory.bindMemory(to: UInt64.self, capacity: edgeFilterBytes / 8)
    for (key, value) in firstEdges {
      let bit = Self.edgeFilterBit(key, edgeFilterBits)
      unsafe edgeFilter[bit >> 6] |= 1 << UInt64(bit & 63)
      var i = Self.edgeSlot(key, edgeBits)
      while unsafe edges[2 * i] != UInt64.max { i = (i + 1) & ((1 << edgeBits) - 1) }
      unsafe edges[2 * i] = key
      unsafe edges[2 * i + 1] = UInt64(UInt32(bitPattern: value))
    }

    let mask = (1 << slotBits) - 1
    for (w0, w1, length, item) in tokens {
      let h = Self.hash(w0, w1, length)
      var i = Int(truncatingIfNeeded: h >> UInt64(64 - slotBits))
      while unsafe slots[4 * i + 2] != 0 { i = (i + 1) & mask }
      unsafe slots[4 * i] = w0
      unsafe slots[4 * i + 1] = w1
      unsafe slots[4 * i + 2] = UInt64(length) << 56 | item
    }
  }

  deinit {
    unsafe Syscalls.freeTable(UnsafeMutableRawPointer(slots), bytes: slotBytes)
    unsafe Syscalls.freeTable(UnsafeMutableRawPointer(edges), bytes: edgeBytes)
    unsafe Syscalls.freeTable(UnsafeMutableRawPointer(edgeFilter), bytes: edgeFilterBytes)
  }

  @inline(__always)
  static func edgeFilterBit(_ key: UInt64, _ bits: Int) -> Int {
    Int(truncatingIfNeeded: (key &* 0xC2B2_AE3D_27D4_EB4F) >> UInt64(64 - bits))
  }

  @inline(__always)
  static func edgeSlot(_ key: UInt64, _ bits: Int) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
  }

  /// The hash of a token's words (slots take its top bits).
  @inline(__always)
  static func hash(_ w0: UInt64, _ w1: UInt64, _ length: Int) -> UInt64 {
    let h = (w0 &* 0x9E37_79B9_7F4A_7C15) ^ ((w1 ^ UInt64(length)) &* 0xC2B2_AE3D_27D4_EB4F)
    return h ^ (h >> 29)
  }

  // ASCII punctuation (Python's `string.punctuation`) and sentence punctuation, as bit masks
  // over bytes 0..<64 and 64..<128 (see `EntityNormalizer`).
  private static let punctuationLow: UInt64 =
    (0xFFFF << 32 & ~(1 << 32)) | (0x3F << 58)  // 0x21...0x2F, 0x3A...0x3F
  private static let punctuationHigh: UInt64 =
    1 | (0x3F << 27) | (0xF << 59)  // 0x40, 0x5B...0x60, 0x7B...0x7E
  private static let stopLow: UInt64 =
    1 << 0x21 | 1 << 0x2E | 1 << 0x3A | 1 << 0x3B | 1 << 0x3F  // ! . : ; ?

  /// Whether printable ASCII byte `b` (0x21...0x7F) is punctuation.
  @inline(__always)
  private static func isPunctuation(_ b: UInt8) -> Bool {
    b < 64 ? punctuationLow >> UInt64(b) & 1 != 0 : punctuationHigh >> UInt64(b & 63) & 1 != 0
  }

  @inline(__always)
  private static func isStop(_ b: UInt8) -> Bool { b < 64 && stopLow >> UInt64(b) & 1 != 0 }


  /// Adds the whitespace tokens of `text` (one document, valid UTF-8) to `batch`, as
  /// `EntityMatcher.prepare` would one by one, and fills `batch.firstEdges`; returns how many
  /// whitespace tokens it has.
  public func scan(_ text: Span<UInt8>, into batch: inout TokenBatch, scratch: inout [UInt8]) -> Int {
    batch.firstEdges.removeAll(keepingCapacity: true)
    var pipeline = unsafe Pipeline(
      slots: slots, slotMask: (1 << slotBits) - 1, edges: edges, edgeBits: edgeBits,
      edgeFilter: edgeFilter, edgeFilterBits: edgeFilterBits)
    let n = text.count
    let folds = matcher.normalizer.foldsCase
    let slotShift = UInt64(64 - slotBits)
    var tokens = 0
    var i = 0
    while i < n {
      let first = text[i]
      guard first &- 0x21 < 0x5F else {
        let space = WhitespaceSplitter.spaceLength(text, at: i)
        if space > 0 {
          i += space
          continue
        }
        let start = i
        i = Self.endOfToken(text, from: i + 1)
        tokens += 1
        pipeline.general(text.extracting(start..<i), matcher: matcher, into: &batch, scratch: &scratch)
        continue
      }
      // A token of printable ASCII, unless other bytes follow before whitespace.
      let start = i
      i += 1
      while true {
        if i + 8 <= n {
          // The first byte below 0x21 or from 0x80 (a borrow only runs on past the first).
          let w = unsafe text.bytes.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self)
          let ends = ((w &- 0x2121_2121_2121_2121) | w) & 0x8080_8080_8080_8080
          if ends != 0 {
            i += ends.trailingZeroBitCount >> 3
            break
          }
          i += 8
        } else {
          while i < n && text[i] &- 0x21 < 0x5F { i += 1 }
          break
        }
      }
      tokens += 1
      if i < n && WhitespaceSplitter.spaceLength(text, at: i) == 0 {
        i = Self.endOfToken(text, from: i)
        pipeline.general(text.extracting(start..<i), matcher: matcher, into: &batch, scratch: &scratch)
        continue
      }
      // Punctuation off both edges; a token of nothing but punctuation is skipped, or ends
      // any match if some of it is sentence punctuation.
      var s = start
      var e = i
      while s < e && Self.isPunctuation(text[s]) { s += 1 }
      if s == e {
        var stops = false
        for k in start..<i where Self.isStop(text[k]) { stops = true }
        if stops { pipeline.unknown(into: &batch) }
        continue
      }
      var stops: UInt64 = 0
      while Self.isPunctuation(text[e - 1]) {
        if Self.isStop(text[e - 1]) { stops = 1 << 8 }
        e -= 1
      }
      let length = e - s
      if length > 16 {
        pipeline.general(text.extracting(start..<i), matcher: matcher, into: &batch, scratch: &scratch)
        continue
      }
      var w0: UInt64
      var w1: UInt64 = 0
      if s + 16 <= n {
        w0 = unsafe text.bytes.unsafeLoadUnaligned(fromByteOffset: s, as: UInt64.self)
        if length > 8 { w1 = unsafe text.bytes.unsafeLoadUnaligned(fromByteOffset: s + 8, as: UInt64.self) }
      } else {
        w0 = 0
        for k in 0..<length {
          if k < 8 { w0 |= UInt64(text[s + k]) << UInt64(8 * k) } else { w1 |= UInt64(text[s + k]) << UInt64(8 * (k - 8)) }
        }
      }
      if length < 8 { w0 &= (1 << UInt64(8 * length)) - 1 }
      if length < 16 && length > 8 { w1 &= (1 << UInt64(8 * (length - 8))) - 1 }
      if folds {
        let fromA: UInt64 = 0x3F3F_3F3F_3F3F_3F3F  // + b: top bit set if b >= 0x41
        let pastZ: UInt64 = 0x2525_2525_2525_2525  // + b: top bit set if b >= 0x5B
        let tops: UInt64 = 0x8080_8080_8080_8080
        // Bytes 0x41...0x5A gain 0x20 (all bytes are below 0x80, so no carries).
        w0 |= ((w0 &+ fromA) & ~(w0 &+ pastZ) & tops) >> 2
        w1 |= ((w1 &+ fromA) & ~(w1 &+ pastZ) & tops) >> 2
      }
      // The slot is fetched while later tokens are read.
      let slot = Int(truncatingIfNeeded: Self.hash(w0, w1, length) >> slotShift)
      unsafe tailscan_prefetch(slots + 4 * slot)
      pipeline.push(w0, w1, stops | UInt64(length), slot, into: &batch)
    }
    pipeline.finish(into: &batch)
    return tokens
  }

  /// The end of the token that goes on at `i` (past bytes other than whitespace).
  private static func endOfToken(_ text: Span<UInt8>, from i: Int) -> Int {
    var i = i
    while i < text.count && WhitespaceSplitter.spaceLength(text, at: i) == 0 { i += 1 }
    return i
  }

  /// How many lookups are in flight between a slot's prefetch and its use.
  static let lookahead = 16

  /// The lookups of one `scan`: tokens wait in a ring for their slot, then their items are
  /// appended; each item that may be an alias's second token waits in a second ring for its
  /// edge from the item before.
  @safe struct Pipeline {
    let slots: UnsafeMutablePointer<UInt64>
    let slotMask: Int
    let edges: UnsafeMutablePointer<UInt64>
    let edgeBits: Int
    var edgeMask: Int { (1 << edgeBits) - 1 }
    let edgeFilter: UnsafeMutablePointer<UInt64>
    let edgeFilterBits: Int
    /// Tokens waiting, in order: w0, w1, `stops << 8 | length` (0 for a token known to be in
    /// no alias, `resolved` for one whose item is known), and the slot (or the item).
    var ring = InlineArray<64, UInt64>(repeating: 0)
    var head = 0
    var pending = 0
    /// Edges waiting: the index of the second item in the batch, the key, the slot.
    var edgeRing = InlineArray<48, UInt64>(repeating: 0)
    var edgeHead = 0
    var edgePending = 0

    @inline(__always)
    mutating func push(_ w0: UInt64, _ w1: UInt64, _ meta: UInt64, _ slot: Int, into batch: inout TokenBatch) {
      if pending == AliasTokenIndex.lookahead { resolve(into: &batch) }
      let k = (head + pending) & (AliasTokenIndex.lookahead - 1)
      ring[4 * k] = w0
      ring[4 * k + 1] = w1
      ring[4 * k + 2] = meta
      ring[4 * k + 3] = UInt64(slot)
      pending += 1
    }

    /// A token in no alias (or that ends any match).
    @inline(__always)
    mutating func unknown(into batch: inout TokenBatch) { known(TokenBatch.unknownItem, into: &batch) }

    /// A token whose item is known already, in its place (after the lookups waiting).
    @inline(__always)
    mutating func known(_ item: UInt64, into batch: inout TokenBatch) {
      if pending == 0 {
        batch.append(item)
        appended(into: &batch)
      } else {
        push(0, 0, Self.resolved, Int(truncatingIfNeeded: item), into: &batch)
      }
    }

    /// A token the index does not cover, looked up by the matcher now, in its place.
    mutating func general(
      _ token: Span<UInt8>, matcher: EntityMatcher, into batch: inout TokenBatch,
      scratch: inout [UInt8]
    ) {
      if let item = matcher.item(token, scratch: &scratch) { known(item, into: &batch) }
    }

    /// Set in a waiting token's `meta` when its slot word holds its item instead.
    static let resolved: UInt64 = 1 << 9

    mutating func finish(into batch: inout TokenBatch) {
      while pending > 0 { resolve(into: &batch) }
      while edgePending > 0 { resolveEdge(into: &batch) }
    }

    /// Looks up the oldest token waiting and appends its item.
    @inline(__always)
    mutating func resolve(into batch: inout TokenBatch) {
      let k = head
      head = (head + 1) & (AliasTokenIndex.lookahead - 1)
      pending -= 1
      let meta = ring[4 * k + 2]
      var item = TokenBatch.unknownItem
      if meta & Self.resolved != 0 {
        item = ring[4 * k + 3]
      } else if meta != 0 {
        let w0 = ring[4 * k]
        let w1 = ring[4 * k + 1]
        let length = meta & 0xFF
        var i = Int(truncatingIfNeeded: ring[4 * k + 3])
        while true {
          let stored = unsafe slots[4 * i + 2]
          if stored == 0 { break }
          if unsafe slots[4 * i] == w0 && slots[4 * i + 1] == w1 && stored >> 56 == length {
            item = stored & 0x00FF_FFFF_FFFF_FFFF
            if meta & 0x100 != 0 { item |= TokenBatch.stopItemBit }
            break
          }
          i = (i + 1) & slotMask
        }
      }
      batch.append(item)
      appended(into: &batch)
    }

    /// Gives the items appended since the last call their `firstEdges` entries, sending those
    /// that may be trie edges to be looked up a few items later.
    @inline(__always)
    mutating func appended(into batch: inout TokenBatch) {
      let goesOn = UInt64(TokenBatch.goesOn) << 32
      let continues = UInt64(TokenBatch.continuesAlias) << 32
      while batch.firstEdges.count < batch.items.count {
        let j = batch.firstEdges.count
        batch.firstEdges.append(-1)
        guard j > 0 else { continue }
        let previous = batch.items[j - 1]
        let item = batch.items[j]
        guard previous & goesOn != 0 && item & continues != 0 else { continue }
        let key = (previous & 0xFFFF_FFFF) << 32 | item & 0xFFFF_FFFF
        let bit = AliasTokenIndex.edgeFilterBit(key, edgeFilterBits)
        guard unsafe edgeFilter[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { continue }
        let slot = AliasTokenIndex.edgeSlot(key, edgeBits)
        unsafe tailscan_prefetch(edges + 2 * slot)
        if edgePending == AliasTokenIndex.lookahead { resolveEdge(into: &batch) }
        let k = (edgeHead + edgePending) & (AliasTokenIndex.lookahead - 1)
        edgeRing[3 * k] = UInt64(j)
        edgeRing[3 * k + 1] = key
        edgeRing[3 * k + 2] = UInt64(slot)
        edgePending += 1
      }
    }

    /// Looks up the oldest edge waiting.
    @inline(__always)
    mutating func resolveEdge(into batch: inout TokenBatch) {
      let k = edgeHead
      edgeHead = (edgeHead + 1) & (AliasTokenIndex.lookahead - 1)
      edgePending -= 1
      let key = edgeRing[3 * k + 1]
      var i = Int(truncatingIfNeeded: edgeRing[3 * k + 2])
      var value: Int32 = -1
      while true {
        let stored = unsafe edges[2 * i]
        if stored == key {
          value = Int32(truncatingIfNeeded: unsafe edges[2 * i + 1])
          break
        }
        if stored == UInt64.max { break }
        i = (i + 1) & edgeMask
      }
      batch.firstEdges[Int(truncatingIfNeeded: edgeRing[3 * k])] = value
    }
  }
}
