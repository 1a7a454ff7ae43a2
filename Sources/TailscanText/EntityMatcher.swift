/// How tokens are compared with dictionary aliases.
///
/// Text and aliases are split on whitespace (Python `str.split()`); each token loses the
/// punctuation at its edges (the 32 ASCII punctuation characters and Unicode general categories
/// P*), so `Paris,` and `(Paris)` match `Paris` but `Paris's` does not; a token of nothing but
/// punctuation is dropped (so `Rock & Roll` matches `Rock Roll`). Sentence punctuation at the
/// end of a token ends a match there unless an alias has some at that point (`New York. City`
/// is `New York`; `St Louis` still matches `St. Louis`). Unless case-sensitive, tokens
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

  /// `isASCIIPunctuation` for every byte (false for non-ASCII bytes).
  static let asciiPunctuation: [Bool] = (0..<256).map { isASCIIPunctuation(UInt8($0)) }

  /// Whether `scalar` is punctuation that tokens lose at their edges: ASCII punctuation or a
  /// Unicode punctuation category (P*).
  public static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII { return isASCIIPunctuation(UInt8(scalar.value)) }
    switch scalar.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
      .initialPunctuation, .finalPunctuation, .otherPunctuation:
      return true
    default:
      return false
    }
  }

  /// Sentence punctuation (`. ! ? ; :`, `…`, and the CJK full-width forms): a match does not
  /// go on past a token that ends with it unless an alias has it there too, and a token of
  /// nothing but punctuation that holds some ends any match.
  static func isStop(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case ".", "!", "?", ";", ":", "\u{2026}", "\u{3002}", "\u{FF01}", "\u{FF1F}", "\u{FF1B}",
      "\u{FF1A}":
      return true
    default:
      return false
    }
  }
  static let asciiStop: [Bool] = (0..<256).map { b in b < 0x80 && isStop(Unicode.Scalar(UInt8(b))) }

  /// What a whitespace token is to the matcher.
  enum Kind: Equatable {
    /// Nothing but punctuation, none of it sentence punctuation: skipped.
    case skipped
    /// Nothing but punctuation, some of it sentence punctuation: ends any match.
    case stop
    /// A token (normalized into `out`), and whether sentence punctuation was stripped from its
    /// end.
    case word(stops: Bool)
  }

  /// What `token` (valid UTF-8) is; its normalized form in `out`.
  func kind(_ token: Span<UInt8>, into out: inout [UInt8]) -> Kind {
    out.removeAll(keepingCapacity: true)
    let n = token.count
    // Punctuation scalars off the front, then off the back (stepping back over continuation
    // bytes), decoded in place.
    var start = 0
    while start < n {
      let (scalar, length) = WordSplitter.decode(token, start)
      if !Self.isPunctuation(scalar) { break }
      start += length
    }
    if start == n {
      var i = 0
      while i < n {
        let (scalar, length) = WordSplitter.decode(token, i)
        if Self.isStop(scalar) { return .stop }
        i += length
      }
      return .skipped
    }
    var end = n
    var stops = false
    while end > start {
      var last = end - 1
      while token[last] & 0xC0 == 0x80 { last -= 1 }
      let (scalar, _) = WordSplitter.decode(token, last)
      if !Self.isPunctuation(scalar) { break }
      stops = stops || Self.isStop(scalar)
      end = last
    }
    var i = start
    while i < end {
      let (scalar, length) = WordSplitter.decode(token, i)
      if foldsCase {
        CaseFold.append(scalar, to: &out)
      } else {
        for k in i..<(i + length) { out.append(token[k]) }
      }
      i += length
    }
    return .word(stops: stops)
  }

  /// The normalized tokens of an alias and whether each ended with sentence punctuation; nil
  /// if a token of nothing but sentence punctuation makes it impossible to match.
  func aliasTokens(of text: String) -> [(bytes: [UInt8], stops: Bool)]? {
    var result: [(bytes: [UInt8], stops: Bool)] = []
    var out: [UInt8] = []
    var matchable = true
    WhitespaceSplitter.forEachToken(in: text.utf8.span) { token in
      switch kindQuickly(token, into: &out) {
      case .skipped: break
      case .stop: matchable = false
      case .word(let stops): result.append((out, stops))
      }
    }
    return matchable ? result : nil
  }

  /// `kind`, without decoding scalars for ASCII tokens.
  func kindQuickly(_ token: Span<UInt8>, into out: inout [UInt8]) -> Kind {
    var ascii = true
    for i in token.indices where token[i] >= 0x80 { ascii = false }
    guard ascii else { return kind(token, into: &out) }
    out.removeAll(keepingCapacity: true)
    var start = 0
    var end = token.count
    var stops = false
    while start < end && Self.isASCIIPunctuation(token[start]) { start += 1 }
    while end > start && Self.isASCIIPunctuation(token[end - 1]) {
      stops = stops || Self.asciiStop[Int(token[end - 1])]
      end -= 1
    }
    if start == end {
      for i in token.indices where Self.asciiStop[Int(token[i])] { return .stop }
      return .skipped
    }
    for i in start..<end {
      let b = token[i]
      out.append(foldsCase && b &- 0x41 < 26 ? b | 0x20 : b)
    }
    return .word(stops: stops)
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
public final class EntityMatcher: Sendable {
  /// Entity ids in byte order; an entity's index here is its id in the tables.
  public let entityIDs: [String]
  public let aliasCount: Int
  public let normalizer: EntityNormalizer
  /// Normalized alias tokens and their ids.
  private let tokenTable: TokenTable
  /// Trie edges below the root's children (those are node t + 1 for token t).
  private let children: EdgeTable
  /// Nodes 1...rootChildren are the root's children (one per alias token).
  private let rootChildren: Int
  /// Per node: the entities an alias ending there names (`payload << 32 | count << 1`, the
  /// payload being the entity itself when there is one, else a start in `terminalEntities`),
  /// and bit 0 set if longer aliases go on from it. Node t + 1 is the root's child by token t.
  private let nodeInfo: [UInt64]
  private let terminalEntities: [UInt32]

  /// Token id of tokens in no alias.
  public static let unknown = UInt32.max

  /// About how much memory the matcher holds (its tables and entity ids), for memory budgets.
  public var memoryBytes: Int {
    tokenTable.memoryBytes + children.memoryBytes + nodeInfo.capacity * 8
      + terminalEntities.capacity * 4 + entityIDs.reduce(0) { $0 + 32 + $1.utf8.count }
  }

  /// Builds the matcher of `entries` (entity id, aliases); duplicate ids are merged.
  public init(entries: [(id: String, aliases: [String])], foldsCase: Bool) {
    let normalizer = EntityNormalizer(foldsCase: foldsCase)
    // Entity ids in byte order.
    // Keyed by bytes: `String ==` would merge ids that differ only in Unicode normalization.
    var provisional = ByteInterner()
    var names: [String] = []
    var entryName: [Int] = []  // each entry's index in `names`
    entryName.reserveCapacity(entries.count)
    for entry in entries {
      let i = Int(provisional.intern(Array(entry.id.utf8)))
      if i == names.count { names.append(entry.id) }
      entryName.append(i)
    }
    let order = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
    var rank = [UInt32](repeating: 0, count: names.count)
    for (r, i) in order.enumerated() { rank[i] = UInt32(r) }
    entityIDs = order.map { names[$0] }

    var tokenIndex = ByteInterner()
    var tokenList: [[UInt8]] = []
    var edges: [UInt64: UInt32] = [:]  // node << 32 | token → child; node 0 is the root
    edges.reserveCapacity(entries.count * 2)
    var nodes = 1
    var named: [UInt64] = []  // node << 32 | entity, for every alias
    var stopEdges = Set<UInt64>()  // edges some alias takes after sentence punctuation
    for (e, entry) in entries.enumerated() {
      let entity = rank[entryName[e]]
      for alias in entry.aliases {
        guard let tokens = normalizer.aliasTokens(of: alias), !tokens.isEmpty else { continue }
        var node: UInt32 = 0
        var afterStop = false
        for token in tokens {
          let t = tokenIndex.intern(token.bytes)
          if t == tokenList.count { tokenList.append(token.bytes) }
          let edge = UInt64(node) << 32 | UInt64(t)
          if afterStop { stopEdges.insert(edge) }
          afterStop = token.stops
          if let child = edges[edge] {
            node = child
          } else {
            edges[edge] = UInt32(nodes)
            node = UInt32(nodes)
            nodes += 1
          }
        }
        named.append(UInt64(node) << 32 | UInt64(entity))
      }
    }
    named.sort()
    var unique = 0
    for k in named.indices where k == 0 || named[k] != named[k - 1] {
      named[unique] = named[k]
      unique += 1
    }
    named.removeLast(named.count - unique)
    aliasCount = unique
    self.normalizer = normalizer

    // Renumber nodes: the root's child by token t is node t + 1 (whether or not an alias
    // starts with t), so a token's id leads straight to its node; deeper nodes follow.
    let rootNodes = tokenList.count + 1
    rootChildren = tokenList.count
    var renumbered = [Int](repeating: -1, count: nodes)
    renumbered[0] = 0
    var next = rootNodes
    for (edge, child) in edges.sorted(by: { $0.value < $1.value }) {
      if edge >> 32 == 0 {
        renumbered[Int(child)] = Int(edge & 0xFFFF_FFFF) + 1
      } else {
        renumbered[Int(child)] = next
        next += 1
      }
    }
    let nodeCount = next
    var deeper: [UInt64: UInt32] = [:]
    var hasChildren = [Bool](repeating: false, count: nodeCount)
    for (edge, child) in edges where edge >> 32 != 0 {
      let parent = renumbered[Int(edge >> 32)]
      let stop: UInt32 = stopEdges.contains(edge) ? EdgeTable.allowsStop : 0
      deeper[UInt64(parent) << 32 | (edge & 0xFFFF_FFFF)] = UInt32(renumbered[Int(child)]) | stop
      hasChildren[parent] = true
    }
    children = EdgeTable(deeper)
    var info = [UInt64](repeating: 0, count: nodeCount)
    var entities: [UInt32] = []
    var k = 0
    while k < named.count {
      let old = Int(named[k] >> 32)
      var sorted: [UInt32] = []
      while k < named.count && Int(named[k] >> 32) == old {
        sorted.append(UInt32(truncatingIfNeeded: named[k]))
        k += 1
      }
      let node = renumbered[old]
      let payload: UInt64
      if sorted.count == 1 {
        payload = UInt64(sorted[0])
      } else {
        payload = UInt64(entities.count)
        entities += sorted
      }
      info[node] = payload << 32 | UInt64(sorted.count) << 1
    }
    for node in 0..<nodeCount where hasChildren[node] { info[node] |= 1 }
    nodeInfo = info
    terminalEntities = entities
    var flags = [UInt8](repeating: 0, count: tokenList.count)
    for t in 0..<tokenList.count {
      let root = info[t + 1]
      if root >> 1 != 0 { flags[t] |= TokenBatch.startsAlias }
      if root & 1 != 0 { flags[t] |= TokenBatch.goesOn }
    }
    for edge in deeper.keys { flags[Int(edge & 0xFFFF_FFFF)] |= TokenBatch.continuesAlias }
    tokenTable = TokenTable(tokenList, flags: flags)
  }

  /// The entities named at node `info`: one inline, or a range of `terminalEntities`.
  @inline(__always)
  private func forEachEntity(_ info: UInt64, _ body: (UInt32) throws -> Void) rethrows {
    let count = Int(info & 0xFFFF_FFFF) >> 1
    let payload = Int(info >> 32)
    if count == 1 {
      try body(UInt32(payload))
    } else {
      for k in payload..<(payload + count) { try body(terminalEntities[k]) }
    }
  }

  /// MurmurHash3's 64-bit finalizer: every input bit reaches the low bits used as a slot.
  @inline(__always)
  static func finish(_ key: UInt64) -> UInt64 {
    var h = key
    h = (h ^ h >> 33) &* 0xff51_afd7_ed55_8ccd
    h = (h ^ h >> 33) &* 0xc4ce_b9fe_1a85_ec53
    return h ^ h >> 33
  }

  /// Set in a token id from `tokenID` when the token ended with sentence punctuation.
  public static let stopBit: UInt32 = 1 << 31

  /// The child of `node` by the edge `value` (from `children`), or -1 if there is none or if
  /// the token before ended with sentence punctuation where no alias has any.
  @inline(__always)
  static func child(_ value: Int, afterStop: Bool) -> Int {
    if value < 0 || (afterStop && UInt32(value) & EdgeTable.allowsStop == 0) { return -1 }
    return value & 0x7FFF_FFFF
  }

  /// An ASCII token whose normalized form has at most 16 bytes, normalized and packed in one
  /// pass (the fast path of `tokenID` and `prepare`).
  enum QuickToken {
    /// Nothing but punctuation; whether some of it is sentence punctuation.
    case punctuation(stops: Bool)
    /// The normalized bytes as two little-endian words, their count and hash, and whether
    /// sentence punctuation was stripped from the end.
    case word(w0: UInt64, w1: UInt64, length: Int, hash: UInt64, stops: Bool)
  }

  /// `token` on the fast path, or nil if it needs the general one (non-ASCII, or longer).
  @inline(__always)
  func quick(_ token: Span<UInt8>) -> QuickToken? {
    let punctuation = EntityNormalizer.asciiPunctuation
    var start = 0
    var end = token.count
    var stops = false
    while start < end && punctuation[Int(token[start])] { start += 1 }
    while end > start && punctuation[Int(token[end - 1])] {
      stops = stops || EntityNormalizer.asciiStop[Int(token[end - 1])]
      end -= 1
    }
    let n = end - start
    if n > 16 { return nil }
    if n == 0 {
      for i in token.indices where EntityNormalizer.asciiStop[Int(token[i])] {
        return .punctuation(stops: true)
      }
      return .punctuation(stops: false)
    }
    let fold = normalizer.foldsCase
    var any: UInt8 = 0
    var w0: UInt64 = 0
    var w1: UInt64 = 0
    for k in 0..<n {
      var b = token[start + k]
      any |= b
      if fold && b &- 0x41 < 26 { b |= 0x20 }
      if k < 8 { w0 |= UInt64(b) << UInt64(8 * k) } else { w1 |= UInt64(b) << UInt64(8 * (k - 8)) }
    }
    if any >= 0x80 { return nil }
    return .word(w0: w0, w1: w1, length: n, hash: TokenTable.hash(w0, w1, length: n), stops: stops)
  }

  /// What one whitespace token of the text is: the id of an alias token (with `stopBit` set if
  /// it ended with sentence punctuation), `unknown` (in no alias, or nothing but punctuation
  /// holding sentence punctuation), or nil if it is nothing but other punctuation (skipped).
  /// `scratch` is reused storage.
  @inline(__always)
  public func tokenID(_ token: Span<UInt8>, scratch: inout [UInt8]) -> UInt32? {
    let t: UInt32
    let stops: Bool
    switch quick(token) {
    case .punctuation(let stop)?:
      return stop ? Self.unknown : nil
    case .word(let w0, let w1, let length, let hash, let stop)?:
      t = tokenTable.find(hash: hash, w0, w1, length: length)
      stops = stop
    case nil:
      switch normalizer.kind(token, into: &scratch) {
      case .skipped: return nil
      case .stop: return Self.unknown
      case .word(let stop):
        t = tokenTable.find(scratch.span)
        stops = stop
      }
    }
    return t == Self.unknown || !stops ? t : t | Self.stopBit
  }

  /// The whitespace tokens of `text` as `count` matches them: every token's byte range, and
  /// for each token that takes part in matching (not one of nothing but punctuation) its id
  /// (from `tokenID`) and its position among `ranges`. The ids are what `forEachMatch` takes.
  public func matchTokens(of text: [UInt8]) -> (
    ranges: [Range<Int>], ids: [UInt32], positions: [Int]
  ) {
    let ranges = WhitespaceSplitter.tokenRanges(in: text.span)
    var ids: [UInt32] = []
    var positions: [Int] = []
    var scratch: [UInt8] = []
    for (position, range) in ranges.enumerated() {
      if let id = tokenID(text.span.extracting(range), scratch: &scratch) {
        ids.append(id)
        positions.append(position)
      }
    }
    return (ranges, ids, positions)
  }

  /// Adds one whitespace token of a document to `batch`: its id and what it can do in an alias
  /// (nothing if it is only punctuation; runs of tokens in no alias are kept as one, which
  /// matches the same). ASCII tokens of at most 16 bytes are normalized and hashed in one pass.
  @inline(__always)
  public func prepare(_ token: Span<UInt8>, into batch: inout TokenBatch, scratch: inout [UInt8]) {
    let item: UInt64
    let stops: Bool
    switch quick(token) {
    case .punctuation(let stop)?:
      if stop { batch.append(TokenBatch.unknownItem) }
      return
    case .word(let w0, let w1, let n, let h, let stop)?:
      // Most tokens are frequent ones seen moments ago: a small cache in front of the tables.
      let c = 4 * (Int(truncatingIfNeeded: h >> 40) & (TokenBatch.cacheEntries - 1))
      if batch.cache[c] == h | 1 && batch.cache[c + 1] == w0 && batch.cache[c + 2] == w1
        && batch.cache[c + 3] >> 56 == UInt64(n)
      {
        item = batch.cache[c + 3] & ~(0xFF << 56)
      } else {
        item = tokenTable.item(hash: h, w0, w1, length: n)
        batch.cache[c] = h | 1
        batch.cache[c + 1] = w0
        batch.cache[c + 2] = w1
        batch.cache[c + 3] = UInt64(n) << 56 | item
      }
      stops = stop
    case nil:
      switch normalizer.kind(token, into: &scratch) {
      case .skipped:
        return
      case .stop:
        batch.append(TokenBatch.unknownItem)
        return
      case .word(let stop):
        let t = tokenTable.find(scratch.span)
        item = t == Self.unknown ? TokenBatch.unknownItem : UInt64(tokenTable.flags(t)) << 32 | UInt64(t)
        stops = stop
      }
    }
    batch.append(item == TokenBatch.unknownItem || !stops ? item : item | TokenBatch.stopItemBit)
  }

  /// The batch item of a token (as `prepare` would append it), or nil if it is nothing but
  /// punctuation other than sentence punctuation (skipped).
  package func item(_ token: Span<UInt8>, scratch: inout [UInt8]) -> UInt64? {
    tokenID(token, scratch: &scratch).map(item(fromTokenID:))
  }

  /// The batch item of a token id from `tokenID`.
  private func item(fromTokenID t: UInt32) -> UInt64 {
    if t == Self.unknown { return TokenBatch.unknownItem }
    let id = t & ~Self.stopBit
    return UInt64(tokenTable.flags(id)) << 32 | UInt64(id)
      | (t & Self.stopBit != 0 ? TokenBatch.stopItemBit : 0)
  }

  /// Calls `body` with every alias token of at most 16 normalized bytes: its bytes as two
  /// little-endian words (zero-padded), its length, and its batch item (`flags << 32 | id`).
  /// For `AliasTokenIndex`, which looks such tokens up on the counting hot path.
  package func forEachShortToken(_ body: (UInt64, UInt64, Int, UInt64) -> Void) {
    tokenTable.forEachShortToken(body)
  }

  /// Calls `body` with every trie edge from an alias's first token to its second: the two
  /// tokens' ids and the edge's value as `appendMatches` takes it from `TokenBatch.firstEdges`.
  /// For `AliasTokenIndex`, which looks these up on the counting hot path.
  package func forEachFirstEdge(_ body: (UInt32, UInt32, Int32) -> Void) {
    children.forEach { key, value in
      let node = key >> 32
      if node >= 1 && node <= UInt64(rootChildren) {
        body(UInt32(node - 1), UInt32(truncatingIfNeeded: key), Int32(bitPattern: value))
      }
    }
  }

  /// The entities that have `alias` (normalized the same way) as a whole alias.
  public func entities(forAlias alias: String) -> [UInt32] {
    guard let tokens = normalizer.aliasTokens(of: alias) else { return [] }
    var node = -1
    var afterStop = false
    for token in tokens {
      let t = tokenTable.find(token.bytes.span)
      if t == Self.unknown { return [] }
      if node < 0 {
        node = Int(t) + 1
      } else {
        guard nodeInfo[node] & 1 != 0 else { return [] }
        node = Self.child(children[UInt64(node) << 32 | UInt64(t)], afterStop: afterStop)
        if node < 0 { return [] }
      }
      afterStop = token.stops
    }
    guard node >= 0 else { return [] }
    var result: [UInt32] = []
    forEachEntity(nodeInfo[node]) { result.append($0) }
    return result
  }

  /// Calls `body` with each match in `tokens` (ids from `tokenID`): the token range and the
  /// entities named, leftmost first, longest first, not overlapping.
  public func forEachMatch(
    in tokens: [UInt32], _ body: (Range<Int>, [UInt32]) throws -> Void
  ) rethrows {
    // The ids as the counter's items (flags, id, stop bit), one per token.
    let items = tokens.map(item(fromTokenID:))
    try walk(items, edge: { key, _, _ in children[key] }) { range, node in
      var entities: [UInt32] = []
      forEachEntity(nodeInfo[node]) { entities.append($0) }
      try body(range, entities)
    }
  }

  /// Appends the entities of every match in `batch` to `entities` (one per mention).
  public func appendMatches(in batch: inout TokenBatch, to entities: inout [UInt32]) {
    // Every edge from a token's root node to the next token is looked up first, in one pass:
    // the lookups do not depend on each other, so the processor overlaps their cache misses.
    // The walk then finds most edges it takes (an alias's second token) in `firstEdges`.
    // (`AliasTokenIndex.scan` fills them as it goes, with its own lookups.)
    let items = batch.items
    if batch.firstEdges.count != items.count {
      let goesOn = UInt64(TokenBatch.goesOn) << 32
      let continues = UInt64(TokenBatch.continuesAlias) << 32
      batch.firstEdges.removeAll(keepingCapacity: true)
      batch.firstEdges.reserveCapacity(items.count)
      var previous: UInt64 = 0
      for item in items {
        var value = -1
        if previous & goesOn != 0 && item & continues != 0 {
          value = children[(previous & 0xFFFF_FFFF + 1) << 32 | (item & 0xFFFF_FFFF)]
        }
        batch.firstEdges.append(Int32(truncatingIfNeeded: value))
        previous = item
      }
    }
    let firstEdges = batch.firstEdges
    walk(
      items,
      edge: { key, j, fromRoot in
        if fromRoot {
          let value = firstEdges[j]
          return value == -1 ? -1 : Int(UInt32(bitPattern: value))
        }
        // Trie edges seen moments ago: a small cache in front of the edge table.
        let c = 2 * (Int(truncatingIfNeeded: EntityMatcher.finish(key)) & (TokenBatch.cacheEntries - 1))
        if batch.edgeCache[c] == key { return Int(batch.edgeCache[c + 1]) - 1 }
        let value = children[key]
        batch.edgeCache[c] = key
        batch.edgeCache[c + 1] = UInt64(value + 1)
        return value
      }
    ) { _, node in
      forEachEntity(nodeInfo[node]) { entities.append($0) }
    }
  }

  /// Calls `body` with the token range and trie node of each match in `items` (see
  /// `TokenBatch`), leftmost first, longest first, not overlapping; `edge` looks up a trie edge
  /// (`node << 32 | token`) to the token at an index, and is told whether the node is a root
  /// child (the token's previous one's).
  ///
  /// A token's flags say whether it is an alias and whether aliases go on from it, so the trie
  /// node of a first token is read only for a match, and an edge is looked up only when the
  /// next token is in some alias after its first token.
  @inline(__always)
  private func walk(
    _ items: [UInt64], edge: (UInt64, Int, Bool) -> Int, _ body: (Range<Int>, Int) throws -> Void
  ) rethrows {
    let n = items.count
    let starts = UInt64(TokenBatch.startsAlias | TokenBatch.goesOn) << 32
    let goesOn = UInt64(TokenBatch.goesOn) << 32
    let continues = UInt64(TokenBatch.continuesAlias) << 32
    var i = 0
    while i < n {
      let first = items[i]
      if first & starts == 0 {
        i += 1
        continue
      }
      var node = Int(first & 0xFFFF_FFFF) + 1
      var best = first & (UInt64(TokenBatch.startsAlias) << 32) != 0 ? node : -1
      var bestEnd = i + 1
      var goesOnFrom = first & goesOn != 0
      var j = i + 1
      while goesOnFrom && j < n && items[j] & continues != 0 {
        node = Self.child(
          edge(UInt64(node) << 32 | (items[j] & 0xFFFF_FFFF), j, j == i + 1),
          afterStop: items[j - 1] & TokenBatch.stopItemBit != 0)
        if node < 0 { break }
        let info = nodeInfo[node]
        j += 1
        if info >> 1 != 0 {
          best = node
          bestEnd = j
        }
        goesOnFrom = info & 1 != 0
      }
      if best >= 0 {
        try body(i..<bestEnd, best)
        i = bestEnd
      } else {
        i += 1
      }
    }
  }
}

/// Trie edges below the root: open addressing on `node << 32 | token`, behind a bit filter
/// (most lookups are for edges that do not exist, like "the" followed by any word).
struct EdgeTable: Sendable {
  /// Set in an edge's value when some alias takes it after a token that ended with sentence
  /// punctuation (so text may too).
  static let allowsStop: UInt32 = 1 << 31
  /// Per slot, side by side (one cache line holds both): the key (`UInt64.max` for none) and
  /// the value.
  private let slots: [UInt64]
  private let mask: Int
  private let filter: [UInt64]
  private let filterMask: Int

  /// The table's memory.
  var memoryBytes: Int { slots.capacity * 8 + filter.capacity * 8 }

  init(_ edges: [UInt64: UInt32]) {
    var size = 16
    while size < edges.count * 2 { size <<= 1 }
    var slots = [UInt64](repeating: UInt64.max, count: 2 * size)
    var filterBits = 1 << 12
    while filterBits < edges.count * 16 { filterBits <<= 1 }
    var filter = [UInt64](repeating: 0, count: filterBits / 64)
    for (key, value) in edges {
      let h = EntityMatcher.finish(key)
      var i = Int(truncatingIfNeeded: h) & (size - 1)
      while slots[2 * i] != UInt64.max { i = (i + 1) & (size - 1) }
      slots[2 * i] = key
      slots[2 * i + 1] = UInt64(value)
      let bit = Int(truncatingIfNeeded: h >> 24) & (filterBits - 1)
      filter[bit >> 6] |= 1 << UInt64(bit & 63)
    }
    self.slots = slots
    mask = size - 1
    self.filter = filter
    filterMask = filterBits - 1
  }

  /// Calls `body` with every edge's key and value.
  func forEach(_ body: (UInt64, UInt32) -> Void) {
    for i in 0...mask where slots[2 * i] != UInt64.max {
      body(slots[2 * i], UInt32(truncatingIfNeeded: slots[2 * i + 1]))
    }
  }

  /// The edge's value (child node, and `allowsStop`), or -1 if there is no such edge.
  @inline(__always)
  subscript(key: UInt64) -> Int {
    let h = EntityMatcher.finish(key)
    let bit = Int(truncatingIfNeeded: h >> 24) & filterMask
    if filter[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return -1 }
    var i = Int(truncatingIfNeeded: h) & mask
    while true {
      let k = slots[2 * i]
      if k == key { return Int(slots[2 * i + 1]) }
      if k == UInt64.max { return -1 }
      i = (i + 1) & mask
    }
  }
}

/// The tokens of one document as the matcher sees them (see `EntityMatcher.prepare`).
public struct TokenBatch: Sendable {
  /// Per token: `flags << 32 | id`; a run of tokens in no alias is one `unknownItem`.
  @usableFromInline package var items: [UInt64] = []
  /// Recently looked-up tokens (direct-mapped: hash | 1, bytes 0..<8, bytes 8..<16,
  /// `length << 56 | item`), and trie edges (`key`, child + 1).
  var cache = [UInt64](repeating: 0, count: 4 * TokenBatch.cacheEntries)
  var edgeCache = [UInt64](repeating: UInt64.max, count: 2 * TokenBatch.cacheEntries)
  /// Per item, the edge from the previous item's root node to it (see `appendMatches`), -1
  /// for none; empty or partial if not looked up yet.
  package var firstEdges: [Int32] = []
  static let cacheEntries = 4096
  @inlinable package static var unknownItem: UInt64 { 0xFFFF_FFFF }  // `EntityMatcher.unknown`
  /// Set in an item whose token ended with sentence punctuation.
  @inlinable package static var stopItemBit: UInt64 { 1 << 48 }
  /// An alias of one token, or the first token of longer aliases; a later token of one.
  @inlinable package static var startsAlias: UInt8 { 1 }
  @inlinable package static var goesOn: UInt8 { 2 }
  @inlinable package static var continuesAlias: UInt8 { 4 }

  public init() {}

  @inlinable @inline(__always)
  package mutating func append(_ item: UInt64) {
    if item == Self.unknownItem && items.last == Self.unknownItem { return }
    items.append(item)
  }

  public var isEmpty: Bool { items.isEmpty }

  public mutating func removeAll() {
    items.removeAll(keepingCapacity: true)
    firstEdges.removeAll(keepingCapacity: true)
  }
}

/// Normalized alias tokens → ids: open addressing over 32-byte slots holding the hash, the
/// first 16 bytes, and the length, id and flags, so a lookup reads one cache line; a bit filter
/// in front answers most tokens in no alias from a small array.
struct TokenTable: Sendable {
  static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
  static let prime: UInt64 = 0x100_0000_01b3
  /// Per slot: hash | 1 (0 for empty), bytes 0..<8, bytes 8..<16 (little-endian, zero-padded),
  /// `flags << 40 | length << 32 | id`.
  private let slots: [UInt64]
  private let slotMask: Int
  private let filter: [UInt64]
  private let filterMask: Int
  /// Each token's slot, and the bytes of tokens longer than 16 bytes.
  private let slotOf: [Int]
  private let longBytes: [UInt8]
  private let longStarts: [Int]

  /// The table's memory.
  var memoryBytes: Int {
    slots.capacity * 8 + filter.capacity * 8 + slotOf.capacity * 8 + longBytes.capacity
      + longStarts.capacity * 8
  }

  init(_ tokens: [[UInt8]], flags: [UInt8]) {
    var size = 16
    while size < tokens.count * 2 { size <<= 1 }
    var filterBits = 1 << 16
    while filterBits < tokens.count * 16 { filterBits <<= 1 }
    var slots = [UInt64](repeating: 0, count: 4 * size)
    var filter = [UInt64](repeating: 0, count: filterBits / 64)
    var slotOf: [Int] = []
    var longBytes: [UInt8] = []
    var longStarts: [Int] = []
    for (t, token) in tokens.enumerated() {
      let h = Self.hash(token.span)
      var i = Int(truncatingIfNeeded: h) & (size - 1)
      while slots[4 * i] != 0 { i = (i + 1) & (size - 1) }
      let (w0, w1) = Self.words(token.span)
      slots[4 * i] = h | 1
      slots[4 * i + 1] = w0
      slots[4 * i + 2] = w1
      slots[4 * i + 3] = UInt64(flags[t]) << 40 | UInt64(min(token.count, 255)) << 32 | UInt64(t)
      slotOf.append(i)
      let bit = Int(truncatingIfNeeded: h >> 20) & (filterBits - 1)
      filter[bit >> 6] |= 1 << UInt64(bit & 63)
      longStarts.append(longBytes.count)
      if token.count > 16 { longBytes += token }
    }
    longStarts.append(longBytes.count)
    self.slots = slots
    slotMask = size - 1
    self.filter = filter
    filterMask = filterBits - 1
    self.slotOf = slotOf
    self.longBytes = longBytes
    self.longStarts = longStarts
  }

  /// The hash of a normalized token: of its words if it has at most 16 bytes (no loop over
  /// bytes on the hot path), else FNV-1a of its bytes.
  static func hash(_ bytes: Span<UInt8>) -> UInt64 {
    if bytes.count <= 16 {
      let (w0, w1) = words(bytes)
      return hash(w0, w1, length: bytes.count)
    }
    var h = seed
    for i in bytes.indices { h = (h ^ UInt64(bytes[i])) &* prime }
    return EntityMatcher.finish(h)
  }

  /// The hash of a token of at most 16 bytes from its words.
  @inline(__always)
  static func hash(_ w0: UInt64, _ w1: UInt64, length: Int) -> UInt64 {
    EntityMatcher.finish((w0 &* 0x9E37_79B9_7F4A_7C15) ^ ((w1 &+ UInt64(length)) &* 0xC2B2_AE3D_27D4_EB4F))
  }

  /// The first 16 bytes as two little-endian words.
  static func words(_ bytes: Span<UInt8>) -> (UInt64, UInt64) {
    var w0: UInt64 = 0
    var w1: UInt64 = 0
    for k in 0..<min(16, bytes.count) {
      if k < 8 { w0 |= UInt64(bytes[k]) << UInt64(8 * k) } else { w1 |= UInt64(bytes[k]) << UInt64(8 * (k - 8)) }
    }
    return (w0, w1)
  }

  /// See `EntityMatcher.forEachShortToken`.
  func forEachShortToken(_ body: (UInt64, UInt64, Int, UInt64) -> Void) {
    for i in 0..<(slotMask + 1) where slots[4 * i] != 0 {
      let meta = slots[4 * i + 3]
      let length = Int((meta >> 32) & 0xFF)
      if length <= 16 { body(slots[4 * i + 1], slots[4 * i + 2], length, (meta >> 40) << 32 | (meta & 0xFFFF_FFFF)) }
    }
  }

  /// The flags of token `t`.
  func flags(_ t: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: slots[4 * slotOf[Int(t)] + 3] >> 40) }

  /// The id of a token of at most 16 bytes given by its hash and words, or `unknown`.
  @inline(__always)
  func find(hash h: UInt64, _ w0: UInt64, _ w1: UInt64, length: Int) -> UInt32 {
    let found = item(hash: h, w0, w1, length: length)
    return found == TokenBatch.unknownItem ? EntityMatcher.unknown : UInt32(truncatingIfNeeded: found)
  }

  /// `flags << 32 | id` of a token of at most 16 bytes given by its hash and words, or
  /// `TokenBatch.unknownItem`.
  @inline(__always)
  func item(hash h: UInt64, _ w0: UInt64, _ w1: UInt64, length: Int) -> UInt64 {
    let bit = Int(truncatingIfNeeded: h >> 20) & filterMask
    if filter[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return TokenBatch.unknownItem }
    var i = Int(truncatingIfNeeded: h) & slotMask
    while true {
      let stored = slots[4 * i]
      if stored == 0 { return TokenBatch.unknownItem }
      let meta = slots[4 * i + 3]
      if stored == h | 1 && slots[4 * i + 1] == w0 && slots[4 * i + 2] == w1
        && (meta >> 32) & 0xFF == UInt64(length)
      {
        return (meta >> 40) << 32 | (meta & 0xFFFF_FFFF)
      }
      i = (i + 1) & slotMask
    }
  }

  /// The id of normalized token `bytes`, or `unknown`.
  func find(_ bytes: Span<UInt8>) -> UInt32 {
    let h = Self.hash(bytes)
    let (w0, w1) = Self.words(bytes)
    if bytes.count <= 16 { return find(hash: h, w0, w1, length: bytes.count) }
    var i = Int(truncatingIfNeeded: h) & slotMask
    while true {
      let stored = slots[4 * i]
      if stored == 0 { return EntityMatcher.unknown }
      let t = Int(truncatingIfNeeded: slots[4 * i + 3] & 0xFFFF_FFFF)
      if stored == h | 1 && longStarts[t + 1] - longStarts[t] == bytes.count {
        var same = true
        let s = longStarts[t]
        for k in bytes.indices where same { same = longBytes[s + k] == bytes[k] }
        if same { return UInt32(t) }
      }
      i = (i + 1) & slotMask
    }
  }
}

/// Byte strings → dense ids in order of first sight (for building a matcher quickly, and for
/// finding entity ids by their bytes).
package struct ByteInterner {
  /// Per slot: the hash's top 32 bits and id + 1 below (0 for empty), so that probes compare
  /// bytes only on a likely match.
  private var slots = [UInt64](repeating: 0, count: 1 << 12)
  private var hashes: [UInt64] = []
  private var bytes: [UInt8] = []
  private var starts: [Int] = [0]

  package init() {}

  /// The id of `token`, or nil if it was never interned.
  package func find(_ token: [UInt8]) -> UInt32? { find(token.span, hash: TokenTable.hash(token.span)).id }

  /// The id of `token`, or nil if it was never interned.
  package func find(_ token: Span<UInt8>) -> UInt32? { find(token, hash: TokenTable.hash(token)).id }

  /// The id of `token` with hash `h` if it was interned, else the empty slot where it would go.
  private func find(_ token: Span<UInt8>, hash h: UInt64) -> (id: UInt32?, slot: Int) {
    let mask = slots.count - 1
    let tag = h & 0xFFFF_FFFF_0000_0000
    var i = Int(truncatingIfNeeded: h) & mask
    while slots[i] != 0 {
      let slot = slots[i]
      let t = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
      if slot & 0xFFFF_FFFF_0000_0000 == tag && starts[t + 1] - starts[t] == token.count {
        let start = starts[t]
        var k = 0
        while k < token.count && bytes[start + k] == token[k] { k += 1 }
        if k == token.count { return (UInt32(t), i) }
      }
      i = (i + 1) & mask
    }
    return (nil, i)
  }

  /// The id of `token`, a new one (the count so far) if it was not there.
  package mutating func intern(_ token: [UInt8]) -> UInt32 {
    let h = TokenTable.hash(token.span)
    let (found, i) = find(token.span, hash: h)
    if let found { return found }
    let id = hashes.count
    hashes.append(h)
    bytes += token
    starts.append(bytes.count)
    slots[i] = h & 0xFFFF_FFFF_0000_0000 | UInt64(id + 1)
    if hashes.count * 2 > slots.count {
      slots = [UInt64](repeating: 0, count: slots.count * 2)
      let mask = slots.count - 1
      for (t, h) in hashes.enumerated() {
        var j = Int(truncatingIfNeeded: h) & mask
        while slots[j] != 0 { j = (j + 1) & mask }
        slots[j] = h & 0xFFFF_FFFF_0000_0000 | UInt64(t + 1)
      }
    }
    return UInt32(id)
  }
}
