/// The papers' statistics (DESIGN §6) and the ones beyond them: pure functions over plain values.
public enum Statistics {}
