import FuzzSupport
import TailscanAnalysis

/// Fuzzes the answer-log parser: the input is an answer log (JSONL), read with `AnswerLog.read`
/// as `tailscan correlate` reads one. The kind (detected, arithmetic, QA) and whether bad lines
/// are skipped vary with the input's length. Throwing is fine; crashing is not.
func fuzzOne(_ bytes: [UInt8]) {
  let size = bytes.count
  let path = writeScratchFile("answers.jsonl", bytes)
  let kinds: [AnswerKind?] = [nil, .arithmetic, .qa]
  do {
    let set = try AnswerLog.read(
      [path], fields: fields, kind: kinds[size % 3], groupBy: ["task", "model", "file"],
      skipBadLines: size % 2 == 0)
    for instance in set.instances {
      precondition(set.groups.indices.contains(instance.group), "instance in a missing group")
    }
  } catch {}
}

private let fields: AnswerFields = {
  do { return try AnswerFields() } catch { fatalError("\(error)") }
}()
