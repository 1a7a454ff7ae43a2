/// How tokens are compared with dictionary aliases.
///
/// Text and aliases are split on whitespace (Python `str.split()`); each token loses the
/// punctuation at its edges (the 32 ASCII punctuation characters and Unicode general categories
/// P*), so `Paris,` and `(Paris)` match `Paris` but `Paris's` does not; a token of nothing but
/// punctuation is dropped (so `Rock & Roll` matches `Rock Roll`). Unless case-sensitive, tokens
/// are case-folded: Unicode lowercase mapping plus the folds ß/ẞ → ss, ς → σ, ſ → s. No Unicode
/// normalization is applied (text is compared as written, normally NFC).
public struct EntityNormalizer: Sendable {
  public let foldsCase: Bool

  public init(foldsCase: Bool) { self.foldsCase = foldsCase }

  /// Whether ASCII byte `b` is punctuation (Python's `string.punctuation`).
  @inline(__always)
  static func isASCIIPunctuation(_ b: UInt8) -> Bool {
    (b >= 0x21 && b <= 0x2F) || (b >= 0x3A && b <= 0x40) || (b >= 0x5B && b <= 0x60)
      || (b >= 0x7B && b <= 0x7E)
  }

  static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII { return isASCIIPunctuation(UInt8(scalar.value)) }
    switch scalar.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
      .initialPunctuation, .finalPunctuation, .otherPunctuation:
      return true
    default:
      return false
    }
  }

  /// The normalized form of `token` (valid UTF-8) in `out` (replaced); false if nothing is left.
  public func normalize(_ token: Span<UInt8>, into out: inout [UInt8]) -> Bool {
    out.removeAll(keepingCapacity: true)
    var scalars: [Unicode.Scalar] = []
    var bytes: [UInt8] = []
    bytes.reserveCapacity(token.count)
    for i in token.indices { bytes.append(token[i]) }
    for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars { scalars.append(scalar) }
    var start = 0
    var end = scalars.count
    while start < end && Self.isPunctuation(scalars[start]) { start += 1 }
    while end > start && Self.isPunctuation(scalars[end - 1]) { end -= 1 }
    if start == end { return false }
    for scalar in scalars[start..<end] {
      if foldsCase {
        CaseFold.append(scalar, to: &out)
      } else {
        out.append(contentsOf: Array(String(scalar).utf8))
      }
    }
    return true
  }

  /// The normalized tokens of `text` (an alias, or a query).
  public func tokens(of text: String) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var out: [UInt8] = []
    let bytes = Array(text.utf8)
    WhitespaceSplitter.forEachToken(in: bytes.span) { token in
      if normalize(token, into: &out) { result.append(out) }
    }
    return result
  }
}

/// Case folding of one scalar, tabulated for the Basic Multilingual Plane.
enum CaseFold {
  /// Per BMP scalar: 0 if it folds to itself, else `offset << 8 | length` into `pool`.
  static let table: (slots: [UInt32], pool: [UInt8]) = {
    var slots = [UInt32](repeating: 0, count: 0x10000)
    var pool: [UInt8] = [0]
    for value in 0x80..<0x10000 {
      guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
      let folded = fold(scalar)
      if folded.count == 1 && folded.first == scalar { continue }
      let bytes = Array(String(String.UnicodeScalarView(folded)).utf8)
      slots[value] = UInt32(pool.count) << 8 | UInt32(bytes.count)
      pool.append(contentsOf: bytes)
    }
    return (slots, pool)
  }()

  /// Lowercase mapping, plus the case-folding special cases.
  static func fold(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
    switch scalar.value {
    case 0xDF, 0x1E9E: return ["s", "s"]  // ß, ẞ
    case 0x3C2: return ["\u{3C3}"]  // ς → σ
    case 0x17F: return ["s"]  // ſ
    default: break
    }
    if !scalar.properties.changesWhenLowercased { return [scalar] }
    var result: [Unicode.Scalar] = []
    for s in scalar.properties.lowercaseMapping.unicodeScalars {
      result.append(contentsOf: s.value == 0x3C2 ? ["\u{3C3}"] : [s])
    }
    return result
  }

  /// Appends the folded UTF-8 of `scalar` to `out`.
  static func append(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
    let v = scalar.value
    if v < 0x80 {
      let b = UInt8(v)
      out.append(b &- 0x41 < 26 ? b | 0x20 : b)
    } else if v < 0x10000 {
      let slot = table.slots[Int(v)]
      if slot == 0 {
        out.append(contentsOf: String(scalar).utf8)
      } else {
        let offset = Int(slot >> 8)
        out.append(contentsOf: table.pool[offset..<(offset + Int(slot & 0xFF))])
      }
    } else {
      for s in fold(scalar) { out.append(contentsOf: String(s).utf8) }
    }
  }
}

/// Finds dictionary entities in token sequences: longest match first, leftmost, not
/// overlapping, at token boundaries, with tokens normalized by `EntityNormalizer`.
///
/// Aliases are paths in a trie over normalized tokens, so the cost per corpus token is one hash
/// lookup whatever the size of the dictionary (most tokens are in no alias and stop there).
/// An alias shared by several entities matches all of them.
public struct EntityMatcher: Sendable {
  /// Entity ids in byte order; an entity's index here is its id in the tables.
  public let entityIDs: [String]
  public let aliasCount: Int
  public let normalizer: EntityNormalizer
  /// Normalized alias tokens: bytes back to back, starts (one more than tokens), hashes.
  private let tokenBytes: [UInt8]
  private let tokenStarts: [Int]
  /// Open-addressing index of token ids + 1 by hash.
  private let tokenSlots: [UInt32]
  private let tokenHashes: [UInt64]
  private let tokenMask: Int
  /// Trie: the node after each alias token from the root (-1 if none), and deeper edges.
  private let rootChild: [Int32]
  private let children: [UInt64: UInt32]
  /// The entities an alias ending at a node names: `terminal[node]..<terminal[node + 1]`.
  private let terminal: [Int]
  private let terminalEntities: [UInt32]

  /// Token id of tokens in no alias.
  public static let unknown = UInt32.max

  /// Builds the matcher of `entries` (entity id, aliases); duplicate ids are merged.
  public init(entries: [(id: String, aliases: [String])], foldsCase: Bool) {
    let normalizer = EntityNormalizer(foldsCase: foldsCase)
    // Entity ids in byte order.
    var provisional: [String: Int] = [:]
    var names: [String] = []
    for entry in entries where provisional[entry.id] == nil {
      provisional[entry.id] = names.count
      names.append(entry.id)
    }
    let order = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
    var rank = [UInt32](repeating: 0, count: names.count)
    for (r, i) in order.enumerated() { rank[i] = UInt32(r) }
    entityIDs = order.map { names[$0] }

    var tokenIndex: [[UInt8]: UInt32] = [:]
    var tokenList: [[UInt8]] = []
    var edges: [UInt64: UInt32] = [:]  // node << 32 | token → child; node 0 is the root
    var nodes = 1
    var named: [Int: [UInt32]] = [:]  // node → entities
    var aliases = 0
    for entry in entries {
      let entity = rank[provisional[entry.id]!]
      for alias in entry.aliases {
        let tokens = normalizer.tokens(of: alias)
        if tokens.isEmpty { continue }
        var node: UInt32 = 0
        for token in tokens {
          let t: UInt32
          if let known = tokenIndex[token] {
            t = known
          } else {
            t = UInt32(tokenList.count)
            tokenIndex[token] = t
            tokenList.append(token)
          }
          let edge = UInt64(node) << 32 | UInt64(t)
          if let child = edges[edge] {
            node = child
          } else {
            edges[edge] = UInt32(nodes)
            node = UInt32(nodes)
            nodes += 1
          }
        }
        if !(named[Int(node)]?.contains(entity) ?? false) {
          named[Int(node), default: []].append(entity)
          aliases += 1
        }
      }
    }
    aliasCount = aliases
    self.normalizer = normalizer

    var bytes: [UInt8] = []
    var starts: [Int] = [0]
    var hashes: [UInt64] = []
    var size = 16
    while size < tokenList.count * 2 { size <<= 1 }
    var slots = [UInt32](repeating: 0, count: size)
    for (t, token) in tokenList.enumerated() {
      bytes.append(contentsOf: token)
      starts.append(bytes.count)
      let h = Self.hash(token.span)
      hashes.append(h)
      var i = Int(truncatingIfNeeded: h) & (size - 1)
      while slots[i] != 0 { i = (i + 1) & (size - 1) }
      slots[i] = UInt32(t + 1)
    }
    tokenBytes = bytes
    tokenStarts = starts
    tokenHashes = hashes
    tokenSlots = slots
    tokenMask = size - 1

    var root = [Int32](repeating: -1, count: tokenList.count)
    var deeper: [UInt64: UInt32] = [:]
    for (edge, child) in edges {
      if edge >> 32 == 0 {
        root[Int(edge & 0xFFFF_FFFF)] = Int32(child)
      } else {
        deeper[edge] = child
      }
    }
    rootChild = root
    children = deeper
    var terminal = [Int](repeating: 0, count: nodes + 1)
    var entities: [UInt32] = []
    for node in 0..<nodes {
      terminal[node] = entities.count
      if let list = named[node] { entities.append(contentsOf: list.sorted()) }
    }
    terminal[nodes] = entities.count
    self.terminal = terminal
    terminalEntities = entities
  }

  /// FNV-1a, folded.
  @inline(__always)
  static func hash(_ bytes: Span<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in bytes.indices { h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01b3 }
    return h ^ h >> 31
  }

  /// Distinct normalized tokens in aliases.
  public var tokenCount: Int { tokenStarts.count - 1 }

  /// The id of normalized token `bytes`, or `unknown`.
  @inline(__always)
  func lookup(_ bytes: Span<UInt8>, hash h: UInt64) -> UInt32 {
    var i = Int(truncatingIfNeeded: h) & tokenMask
    while true {
      let slot = tokenSlots[i]
      if slot == 0 { return Self.unknown }
      let t = Int(slot - 1)
      if tokenHashes[t] == h {
        let start = tokenStarts[t]
        if tokenStarts[t + 1] - start == bytes.count {
          var same = true
          for k in bytes.indices where same { same = tokenBytes[start + k] == bytes[k] }
          if same { return UInt32(t) }
        }
      }
      i = (i + 1) & tokenMask
    }
  }

  /// What one whitespace token of the text is: `unknown`, the id of an alias token, or nil if
  /// it is nothing but punctuation (and so is skipped). `scratch` is reused storage.
  @inline(__always)
  public func tokenID(_ token: Span<UInt8>, scratch: inout [UInt8]) -> UInt32? {
    // Fast path: ASCII, normalized on the fly.
    var start = 0
    var end = token.count
    var ascii = true
    for i in token.indices where token[i] >= 0x80 {
      ascii = false
      break
    }
    if ascii {
      while start < end && EntityNormalizer.isASCIIPunctuation(token[start]) { start += 1 }
      while end > start && EntityNormalizer.isASCIIPunctuation(token[end - 1]) { end -= 1 }
      if start == end { return nil }
      let fold = normalizer.foldsCase
      var h: UInt64 = 0xcbf2_9ce4_8422_2325
      for i in start..<end {
        let b = token[i]
        h = (h ^ UInt64(fold && b &- 0x41 < 26 ? b | 0x20 : b)) &* 0x100_0000_01b3
      }
      h ^= h >> 31
      var i = Int(truncatingIfNeeded: h) & tokenMask
      let n = end - start
      while true {
        let slot = tokenSlots[i]
        if slot == 0 { return Self.unknown }
        let t = Int(slot - 1)
        if tokenHashes[t] == h {
          let s = tokenStarts[t]
          if tokenStarts[t + 1] - s == n {
            var same = true
            for k in 0..<n where same {
              let b = token[start + k]
              same = tokenBytes[s + k] == (fold && b &- 0x41 < 26 ? b | 0x20 : b)
            }
            if same { return UInt32(t) }
          }
        }
        i = (i + 1) & tokenMask
      }
    }
    guard normalizer.normalize(token, into: &scratch) else { return nil }
    let span = scratch.span
    return lookup(span, hash: Self.hash(span))
  }

  /// The entities that have `alias` (normalized the same way) as a whole alias.
  public func entities(forAlias alias: String) -> [UInt32] {
    var node = -1
    for token in normalizer.tokens(of: alias) {
      let t = lookup(token.span, hash: Self.hash(token.span))
      if t == Self.unknown { return [] }
      if node < 0 {
        node = Int(rootChild[Int(t)])
        if node < 0 { return [] }
      } else {
        guard let child = children[UInt64(node) << 32 | UInt64(t)] else { return [] }
        node = Int(child)
      }
    }
    return node < 0 ? [] : Array(terminalEntities[terminal[node]..<terminal[node + 1]])
  }

  /// Calls `body` with each match in `tokens` (ids from `tokenID`): the token range and the
  /// entities named, leftmost first, longest first, not overlapping.
  public func forEachMatch(
    in tokens: [UInt32], _ body: (Range<Int>, ArraySlice<UInt32>) throws -> Void
  ) rethrows {
    let n = tokens.count
    var i = 0
    while i < n {
      let first = tokens[i]
      guard first != Self.unknown, rootChild[Int(first)] >= 0 else {
        i += 1
        continue
      }
      var node = Int(rootChild[Int(first)])
      var best = terminal[node] < terminal[node + 1] ? node : -1
      var bestEnd = i + 1
      var j = i + 1
      while j < n, tokens[j] != Self.unknown,
        let child = children[UInt64(node) << 32 | UInt64(tokens[j])]
      {
        node = Int(child)
        j += 1
        if terminal[node] < terminal[node + 1] {
          best = node
          bestEnd = j
        }
      }
      if best >= 0 {
        try body(i..<bestEnd, terminalEntities[terminal[best]..<terminal[best + 1]])
        i = bestEnd
      } else {
        i += 1
      }
    }
  }
}
