/// How wide the figures' text is, from the committed width table (`Scripts/font-metrics`).
///
/// The figures name Helvetica, Arial, Liberation Sans and DejaVu Sans; the table holds the
/// wider of Liberation Sans's and DejaVu Sans's widths, so laying text out with it never leaves
/// too little room, whichever of them renders.
enum FontMetrics {
  /// The width of a character not in the table, in thousandths of an em: wide enough for
  /// most scripts; East Asian ideographs and the like take a full em.
  private static func width(of scalar: Unicode.Scalar) -> Double {
    if let width = table[scalar.value] { return Double(width) }
    switch scalar.value {
    case 0x0300...0x036F, 0x200B...0x200F: return 0  // combining marks, zero-width spaces
    case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
      0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1FAFF, 0x20000...0x3FFFD:
      return 1000
    default: return 720
    }
  }

  /// The width of `text` set in `size`-point type, in points.
  static func width(_ text: String, size: Double) -> Double {
    var total = 0.0
    for scalar in text.unicodeScalars { total += width(of: scalar) }
    return total * size / 1000
  }

  /// `text` broken at spaces into lines no wider than `width` points (a word wider than that
  /// stays whole on its own line).
  static func wrap(_ text: String, size: Double, width: Double) -> [String] {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
      let candidate = line.isEmpty ? String(word) : line + " " + word
      if line.isEmpty || Self.width(candidate, size: size) <= width {
        line = candidate
      } else {
        lines.append(line)
        line = String(word)
      }
    }
    if !line.isEmpty || lines.isEmpty { lines.append(line) }
    return lines
  }
}
