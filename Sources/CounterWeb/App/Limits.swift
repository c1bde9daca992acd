/// What `cfit serve` takes from one client, and for how long it waits for them: every limit a
/// hostile or broken client could otherwise push past, declared in one place, each with its
/// `cfit serve` option (docs/web-and-api.md lists them).
///
/// ```swift
/// var limits = Limits()
/// limits.importBytes = 16 << 20     // catalogs up to 16 MiB
/// limits.headerSeconds = 5          // a request's headers within 5 s of asking
/// ```
public struct Limits: Sendable, Equatable {
    /// The most a JSON body or a page's form may hold (`--max-body`, default 1 MiB): 413 beyond.
    public var body = 1 << 20
    /// The most a catalog upload may hold (`--max-import`, default 64 MiB): 413 beyond.
    public var importBytes = 64 << 20
    /// Catalog uploads read at once (`--max-imports`, default 2): 429 beyond.
    public var imports = 2
    /// Seconds a client has to send a request's headers, from connecting or from the last answer
    /// on a kept-alive connection (`--header-timeout`, default 10).
    public var headerSeconds = 10
    /// Seconds a kept-alive connection may sit idle between requests (`--idle-timeout`, default 60).
    public var idleSeconds = 60
    /// The slowest a body may arrive, in bytes a second, after the first `bodyGraceSeconds`
    /// (`--min-body-rate`, default 1024): slower, the connection is closed.
    public var minimumBodyRate = 1_024
    /// Seconds a body may take before ``minimumBodyRate`` applies (default 10).
    public var bodyGraceSeconds = 10
    /// Connections open at once from one address (`--max-connections-per-address`, default
    /// 128: a shop behind one NAT address has many counters, each browser opens several).
    public var connectionsPerAddress = 128
    /// Connections open at once in all (`--max-connections`, default 768: under the usual limit
    /// of 1024 open files, leaving room for database connections and logs); beyond it new
    /// connections wait in the kernel's queue.
    public var connections = 768

    /// The defaults above.
    public init() {}

    /// Why these limits cannot be served, naming the option: `nil` when each is in its range.
    public func problem() -> String? {
        let checks: [(String, Int, ClosedRange<Int>)] = [
            ("--max-body", body, 1_024...(1 << 30)), ("--max-import", importBytes, 1_024...(1 << 32)),
            ("--max-imports", imports, 1...64), ("--header-timeout", headerSeconds, 1...3_600),
            ("--idle-timeout", idleSeconds, 1...86_400), ("--min-body-rate", minimumBodyRate, 0...(1 << 30)),
            ("--max-connections", connections, 1...1_000_000),
            ("--max-connections-per-address", connectionsPerAddress, 1...1_000_000),
        ]
        for (option, value, range) in checks where !range.contains(value) {
            return "\(option): expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(value)"
        }
        return nil
    }
}
