import Foundation
import PostgresTestSupport
import Testing

@testable import Postgres

/// Hostile arguments: each refused with its status and a first stderr line, stdout empty, and the
/// database exactly as before (every table's rows compared).
@Suite("Hostile arguments change nothing")
struct HostileInputTests {
    static let long = String(repeating: "x", count: 100_000)

    static let cases: [([String], Int32)] = [
        (["stock", "receive", "'; DROP TABLE stock_movement; --", "1"], 64),
        (["stock", "receive", "$1", "1"], 64),
        (["stock", "receive", "NW-CL-AD2-II-R-C-BE", "0"], 64),
        (["stock", "receive", "NW-CL-AD2-II-R-C-BE", "abc"], 64),
        (["stock", "receive", "NW-CL-AD2-II-R-C-BE", "99999999999999999999"], 64),
        (["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1", "--lot", long], 64),
        (["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1", "--lot", "L1", "--expires", "2026-02-30"], 64),
        (["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1", "--location", "shop'; --"], 64),
        (["stock", "count", "NW-CL-AD2-II-R-C-BE", "1", "--lot", "$1"], 64),
        (["reserve", "--rx", "RX\u{2010}1001", "--sku", "NW-CL-AD2-II-R-C-BE"], 64),
        (["reserve", "--rx", "RX-1001", "--sku", long], 64),
        (["dispense", "-1"], 64),
        (["dispense", "999999999999999999999"], 64),
        (
            [
                "rx", "new", "--patient", "P-0001", "--prescriber", "DR-01", "--style", "AD", "--class", "2",
                "--quantity", "1",
                "--number", "RX-1001",
            ], 64
        ),
        (
            [
                "rx", "new", "--patient", "P-0001", "--prescriber", "DR-01", "--style", "ZZ", "--class", "2",
                "--quantity", "1",
            ], 64
        ),
        (["location", "add", "Robert'); DROP TABLE location;--", "--name", "x"], 64),
        (["location", "add", "annex", "--name", long], 64),
        (["patient", "add", "P-9", "--name", "Zoë", "--born", "0001-01-01"], 64),
        (["lot", "recall", "'; DELETE FROM lot; --", "--reason", "x"], 64),
        (["stock", "write-off", "NW-CL-AD2-II-R-C-BE", "1", "--reason", "stolen"], 64),
        (["return", "1", "--reason", "x"], 64),
        (["fit", "--style", "AD", "--class", "2", "--cB", "1e400", "--cC", "36.5", "--cD", "34", "--lD", "41"], 64),
        (["user", "add", "x'; DROP ROLE cfit_admin; --", "--role", "admin"], 64),
    ]

    /// Every table's rows, hashed in a fixed order: equal snapshots mean nothing changed.
    static func snapshot(_ url: String) throws -> [String: String] {
        let connection = try Connection(url)
        defer { connection.close() }
        var hashes: [String: String] = [:]
        for table in try connection.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).map({ try $0.decode(String.self, "tablename") }) {
            hashes[table] = try connection.query(
                PostgresQuery(
                    sql:
                        "SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS h FROM \"\(table)\" t")
            )[0].decode(String.self, "h")
        }
        return hashes
    }

    @Test("each hostile argument is refused and the database is unchanged", arguments: cases.indices)
    func refused(index: Int) throws {
        let (arguments, status) = Self.cases[index]
        let (url, environment) = try CFit.seededDatabase()
        let before = try Self.snapshot(url)
        let result = try CFit.run(arguments, input: "a password\n", environment: environment)
        #expect(result.status == status, "\(arguments.map { String($0.prefix(40)) }): \(result.stderr.prefix(300))")
        #expect(result.stdout.isEmpty)
        #expect(result.firstErrorLine.lowercased().hasPrefix("error"), "\(result.stderr.prefix(300))")
        #expect(try Self.snapshot(url) == before)
    }
}
