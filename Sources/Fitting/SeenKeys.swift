/// The keys a file has shown so far (SKUs, GTINs), each with the row it was first on, kept in a
/// few bytes per key: an import checks 200 000 rows for duplicates, and a `[String: Int]` of them
/// took about 20 MB where this takes about 5 MB (the keys' bytes one after another, and an
/// open-addressing table of 32-bit entry numbers).
struct SeenKeys: Sendable {
    /// Every key's bytes, one after another.
    private var arena: [UInt8] = []
    /// Where each entry's key starts in `arena`; it ends where the next starts.
    private var starts: [UInt32] = []
    /// The row each entry was first seen on.
    private var rows: [Int32] = []
    /// Entry numbers by hash, `-1` where empty; a power of two long, at most 3/4 full. Empty for
    /// a list that is not looked up.
    private var slots: [Int32]

    /// An empty table; `indexed: false` keeps the keys as a list only (no lookups, no rows), for
    /// a caller that needs them afterwards but leaves duplicates to someone else.
    init(indexed: Bool = true) {
        slots = indexed ? [Int32](repeating: -1, count: 64) : []
    }

    /// Whether keys are looked up (else only listed).
    var isIndexed: Bool { !slots.isEmpty }

    /// How many distinct keys were seen (how many keys, for a list).
    var count: Int { starts.count }

    /// The row `key` was first seen on, if it was seen.
    func row(of key: some Collection<UInt8>) -> Int? {
        guard !slots.isEmpty else { return nil }
        return find(key).entry.map { Int(rows[$0]) }
    }

    /// Records `key` as seen on `row` and returns `nil`, or returns the row it was first seen on.
    mutating func insert(_ key: some Collection<UInt8>, row: Int) -> Int? {
        guard !slots.isEmpty else {
            starts.append(UInt32(arena.count))
            arena.append(contentsOf: key)
            return nil
        }
        let (slot, entry) = find(key)
        if let entry { return Int(rows[entry]) }
        slots[slot] = Int32(rows.count)
        starts.append(UInt32(arena.count))
        arena.append(contentsOf: key)
        rows.append(Int32(clamping: row))
        if rows.count * 4 > slots.count * 3 { grow() }
        return nil
    }

    /// The slot holding `key`'s entry and that entry, or the empty slot where it would go.
    private func find(_ key: some Collection<UInt8>) -> (slot: Int, entry: Int?) {
        var slot = Int(truncatingIfNeeded: Self.hash(key)) & (slots.count - 1)
        while slots[slot] >= 0 {
            let entry = Int(slots[slot])
            if self.key(entry).elementsEqual(key) { return (slot, entry) }
            slot = (slot + 1) & (slots.count - 1)
        }
        return (slot, nil)
    }

    /// Every key, in the order first seen.
    func keys() -> [ArraySlice<UInt8>] {
        (0..<starts.count).map(key)
    }

    /// Every key as text, sorted; made straight from the stored bytes, with no other copy.
    func sortedStrings() -> [String] {
        var strings: [String] = []
        strings.reserveCapacity(starts.count)
        for entry in 0..<starts.count { strings.append(String(decoding: key(entry), as: UTF8.self)) }
        strings.sort()
        return strings
    }

    private func key(_ entry: Int) -> ArraySlice<UInt8> {
        let end = entry + 1 < starts.count ? Int(starts[entry + 1]) : arena.count
        return arena[Int(starts[entry])..<end]
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for entry in 0..<rows.count {
            var slot = Int(truncatingIfNeeded: Self.hash(key(entry))) & (slots.count - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = Int32(entry)
        }
    }

    /// FNV-1a with a final mix, so that the low bits the table uses depend on every byte.
    private static func hash(_ bytes: some Collection<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        return hash
    }
}
