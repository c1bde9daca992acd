import Foundation
import PostgresTestSupport
import SyntheticData
import Testing

@testable import Postgres

/// An import is one transaction: a `cfit catalog import` killed with SIGKILL at any point —
/// while it reads the files, while the server hashes them, while rows stream in by COPY, while
/// the lines or the articles are merged — leaves nothing of its file in the database, and the same
/// import run again succeeds.
@Suite("Imports killed part-way", .ownThread)
struct KilledImportTests {
    /// Where the run is killed: after a delay, or once the server is running a statement that
    /// begins with a given text (the import's own phases, seen in `pg_stat_activity`). A statement
    /// that takes a millisecond can begin and end between two looks; for those the test holds a
    /// table lock from another session (`lock`, a `LOCK TABLE` statement) that makes the statement
    /// wait, so it is seen every time, and lets go once the import is killed.
    enum Point: CustomStringConvertible {
        case after(seconds: Double)
        case during(String, lock: String? = nil)

        var description: String {
            switch self {
            case .after(let seconds): "after \((seconds * 100).rounded() / 100) s"
            case .during(let statement, _): "during \(statement)…"
            }
        }
    }

    @Test(
        "a 200 448-article import killed at 10 points — a first import and an update — leaves nothing of its file; run again, it succeeds"
    )
    func killedImports() throws {
        let (url, environment) = try CFit.seededDatabase()
        let directory = NSTemporaryDirectory() + "cfit-killed-import-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = SyntheticCatalog(lines: 116, colors: 8)
        #expect(first.articleCount == 200_448)
        let files = try first.write(in: directory, name: "synthetic")
        let check = try CFit.run(
            ["catalog", "import", files.catalog, files.articles, "--dry-run"], environment: environment)
        #expect(check.status == 0, "the generated files should import: \(check.stderr.prefix(500))")
        let observer = try Connection(url)
        defer { observer.close() }
        // A random point anywhere in the run, from a seeded generator so a failure can be replayed.
        let seed = UInt64(Date().timeIntervalSince1970)
        var generator = SplitMix(seed: seed)
        var killedDuring: [String] = []

        // A first import: the lines are new, so the articles go straight into their table by COPY.
        let firstPoints: [Point] = [
            .after(seconds: 0.05),
            // A read waits only for an exclusive lock; an insert for any lock that refuses writers.
            .during("SELECT EXISTS", lock: "LOCK TABLE article IN ACCESS EXCLUSIVE MODE"),
            .during("INSERT INTO product_line", lock: "LOCK TABLE product_line IN SHARE MODE"),
            .during("COPY "),
            .during("COPY \"article\""),
            .after(seconds: Double.random(in: 0.2...4, using: &generator)),
        ]
        let empty = try HostileInputTests.snapshot(url)
        guard
            try killAt(firstPoints, files, environment, observer, url, before: empty, imported: 200_448, &killedDuring)
        else { return }
        let again = try CFit.run(["catalog", "import", files.catalog, files.articles], environment: environment)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.syntheticArticles(on: observer) == 200_448)

        // An update of every article: staged by COPY, then merged.
        let update = try SyntheticCatalog(lines: 116, colors: 8, edition: 1).write(in: directory, name: "synthetic-2")
        let loaded = try HostileInputTests.snapshot(url)
        let updatePoints: [Point] = [
            .during("COPY \"article_import\""),
            .during("INSERT INTO article "),
            .after(seconds: Double.random(in: 0.2...6, using: &generator)),
        ]
        guard try killAt(updatePoints, update, environment, observer, url, before: loaded, imported: nil, &killedDuring)
        else { return }
        print("killed imports (seed \(seed)): \(killedDuring.joined(separator: "; "))")
        let updated = try CFit.run(["catalog", "import", update.catalog, update.articles], environment: environment)
        #expect(updated.status == 0, "\(updated.stderr)")
        let renamed = try observer.query("SELECT count(*) AS n FROM article WHERE color LIKE '% 1'")[0].decode(
            Int.self, "n")
        #expect(renamed == 200_448)
        #expect(try CFit.run(["check"], environment: environment).status == 0)
    }

    /// Starts the import of `files` and kills it at each of `points`; after each, the database is
    /// as `before` unless the import had already committed (then all of it, `imported` rows of a
    /// first import). Returns `false` when an import finished before it could be killed.
    func killAt(
        _ points: [Point], _ files: (catalog: String, articles: String), _ environment: [String: String],
        _ observer: Connection, _ url: String, before: [String: String], imported: Int?, _ log: inout [String]
    ) throws -> Bool {
        for point in points {
            var holder: Connection?
            if case .during(_, let lock?) = point {
                holder = try Connection(url)
                try holder?.executeScript("BEGIN; \(lock)")
            }
            defer { holder?.close() }
            let errorPath = NSTemporaryDirectory() + "cfit-killed-import-\(UUID().uuidString.prefix(8)).err"
            defer { try? FileManager.default.removeItem(atPath: errorPath) }
            let process = try ChildProcess(
                CFit.binary, ["catalog", "import", files.catalog, files.articles], environment: environment,
                stdout: .discarded, stderr: .file(errorPath))
            let started = Date()
            var seen: String?
            switch point {
            case .after(let seconds):
                Thread.sleep(forTimeInterval: seconds)
                seen = try Self.running(on: observer)
            case .during(let statement, _):
                while process.isRunning, Date().timeIntervalSince(started) < 600 {
                    if let query = try Self.running(on: observer), query.hasPrefix(statement) {
                        seen = query
                        break
                    }
                    Thread.sleep(forTimeInterval: 0.002)
                }
                #expect(
                    seen != nil,
                    """
                    the import never ran \(statement)… (after \(Int(Date().timeIntervalSince(started))) s, \
                    \(process.isRunning ? "still running" : "exit \(process.status ?? -1)"): \
                    \((try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
                    """)
            }
            let finished = !process.isRunning
            process.send(SIGKILL)
            _ = process.waitBlocking()
            // A backend waiting for a lock notices its client has gone only once it has the lock.
            // (The holder is a backend of this database too: it goes before the count below.)
            try holder?.executeScript("ROLLBACK")
            holder?.close()
            holder = nil
            log.append("\(point): \(seen.map { String($0.prefix(40)) } ?? "(client side)")")
            // The server ends the dead client's transaction once it notices; wait for that.
            for _ in 0..<1_200 where try Self.otherBackends(on: observer) > 0 { Thread.sleep(forTimeInterval: 0.1) }
            #expect(try Self.otherBackends(on: observer) == 0)
            let now = try HostileInputTests.snapshot(url)
            if now != before && (finished || point.isRandom) {
                // Killed after it had committed: all of the file, never part of it.
                if let imported { #expect(try Self.syntheticArticles(on: observer) == imported, "\(point)") }
                return false
            }
            #expect(now == before, "\(point): the killed import left something in the database")
        }
        return true
    }

    /// The statement another session of this database is running, if any.
    static func running(on connection: Connection) throws -> String? {
        let rows = try connection.query(
            """
            SELECT query FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'
              AND backend_type = 'client backend'
            """
        )
        return try rows.count > 0 ? rows[0].decode(String.self, "query") : nil
    }

    static func otherBackends(on connection: Connection) throws -> Int {
        try connection.query(
            """
            SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
            """
        )[0].decode(Int.self, "n")
    }

    static func syntheticArticles(on connection: Connection) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM article WHERE line_id LIKE 'synthetic0-%'")[0].decode(
            Int.self, "n")
    }
}

extension KilledImportTests.Point {
    var isRandom: Bool {
        if case .after(let seconds) = self { return seconds > 0.1 }
        return false
    }
}

/// A small seeded generator (SplitMix64), so a random kill point can be replayed from its seed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
