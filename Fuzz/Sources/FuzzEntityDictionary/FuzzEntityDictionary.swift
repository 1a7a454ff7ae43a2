import FuzzSupport
import TailscanCount

/// Fuzzes the entity-dictionary parser: the input is a dictionary file read with
/// `EntityDictionary.read`, named `.tsv`, `.jsonl` or with no extension (sniffed) by the input's
/// length; then the same bytes as a pair list against the ids read. Throwing is fine; crashing is
/// not.
func fuzzOne(_ bytes: [UInt8]) {
  let size = bytes.count
  let names = ["entities.tsv", "entities.jsonl", "entities"]
  let path = writeScratchFile(names[size % 3], bytes)
  var ids = ["Q1", "Q2", "Paris"]
  do {
    let dictionary = try EntityDictionary.read(path: path)
    precondition(!dictionary.entries.isEmpty, "an empty dictionary was returned")
    for entry in dictionary.entries {
      precondition(!entry.id.isEmpty && !entry.aliases.isEmpty, "an entry without id or alias")
    }
    ids = dictionary.entries.map(\.id).sorted()
    _ = dictionary.tsv()
  } catch {}
  _ = try? EntityDictionary.readPairs(path: path, ids: ids)
}
