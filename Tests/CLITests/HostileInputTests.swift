import Foundation
import PostgresTestSupport
import Testing

@testable import Postgres

/// Hostile arguments: each refused with its status and a first stderr line, stdout empty, and the
/// database exactly as before (every table's rows compared).
@Suite("Hostile arguments change nothing", .ownThread)
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
                "rx", "new", "--arterial-assessed", "--patient", "P-0001", "--prescriber", "DR-01", "--style", "AD",
                "--class", "2",
                "--quantity", "1",
                "--number", "RX-1001",
            ], 64
        ),
        (
            [
                "rx", "new", "--arterial-assessed", "--patient", "P-0001", "--prescriber", "DR-01", "--style", "ZZ",
                "--class", "2",
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

    /// Hostile values for a slot that takes a code, a number or a day.
    static let values: [(name: String, value: String)] = [
        ("empty", ""), ("negative", "-1"), ("zero", "0"), ("non-numeric", "abc"),
        ("100 kB", String(repeating: "7", count: 100_000)),
        ("unusual Unicode", "R\u{202E}X\u{200B}-1001\u{FE0F}"), ("SQL-shaped", "'; DROP TABLE stock_movement; --"),
        ("a placeholder", "$1"), ("an unknown code", "NOPE-404"), ("an impossible date", "2026-02-30"),
    ]

    /// Every command's slots that take a code, a number or a day, with `{}` where the value
    /// goes, and the values a slot legitimately accepts (skipped).
    static let slots: [(arguments: [String], accepts: Set<String>)] = [
        (["stock", "receive", "{}", "1"], []),
        (["stock", "receive", "NW-CL-AD2-II-R-C-BE", "{}"], []),
        (["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1", "--lot", "L1", "--expires", "{}"], []),
        (["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1", "--location", "{}"], []),
        (["stock", "count", "{}", "1"], []),
        (["stock", "count", "NW-CL-AD2-II-R-C-BE", "{}"], ["zero"]),
        (["stock", "transfer", "NW-CL-AD2-II-R-C-BE", "{}", "--from", "store", "--to", "shop"], []),
        (["stock", "transfer", "NW-CL-AD2-II-R-C-BE", "1", "--from", "store", "--to", "{}"], []),
        (["stock", "write-off", "NW-CL-AD2-II-R-C-BE", "{}", "--reason", "damaged"], []),
        (["stock", "write-off", "NW-CL-AD2-II-R-C-BE", "1", "--reason", "{}"], []),
        (["stock", "minimum", "NW-CL-AD2-II-R-C-BE", "{}"], ["zero"]),
        (["stock", "show", "{}"], []),
        (["stock", "history", "{}"], []),
        (["article", "show", "{}"], []),
        (["reserve", "--rx", "{}", "--sku", "NW-CL-AD2-II-R-C-BE"], []),
        (["reserve", "--rx", "RX-1001", "--sku", "{}"], []),
        (["dispense", "{}"], []),
        (["release", "{}"], []),
        (["return", "{}", "--reason", "too tight"], []),
        (
            [
                "rx", "new", "--arterial-assessed", "--patient", "P-0001", "--prescriber", "DR-01", "--style", "AD",
                "--class", "2",
                "--quantity", "{}",
            ], []
        ),
        (
            [
                "rx", "new", "--arterial-assessed", "--patient", "P-0001", "--prescriber", "DR-01", "--style", "AD",
                "--class", "{}",
                "--quantity", "1",
            ], []
        ),
        (
            [
                "rx", "new", "--arterial-assessed", "--patient", "P-0001", "--prescriber", "DR-01", "--style", "AD",
                "--class", "2",
                "--quantity", "1", "--valid-until", "{}",
            ], []
        ),
        (["rx", "show", "{}"], []),
        (["rx", "cancel", "{}", "--reason", "changed"], []),
        (["lot", "show", "{}"], []),
        (["lot", "hold", "{}", "--reason", "notice"], []),
        (["fitting", "show", "{}"], []),
        (["fitting", "order", "{}"], []),
        (["location", "disable", "{}"], []),
        (["patient", "show", "{}"], []),
        (["patient", "add", "P-9", "--name", "Ada", "--born", "{}"], []),
        (["due", "--within", "{}"], ["zero"]),
        (["user", "role", "{}", "admin"], []),
        (["user", "disable", "{}"], []),
        (["fit", "--style", "AD", "--class", "2", "--cB", "{}", "--cC", "36.5", "--cD", "34", "--lD", "41"], []),
        (["fit", "--style", "{}", "--class", "2", "--cB", "22", "--cC", "36.5", "--cD", "34", "--lD", "41"], []),
    ]

    @Test("every command's code, number and day slots refuse every hostile value, and the database is unchanged")
    func everySlot() throws {
        let (url, environment) = try CFit.seededDatabase()
        let before = try Self.snapshot(url)
        var tried = 0
        var failures: [String] = []
        for slot in Self.slots {
            for (name, value) in Self.values where !slot.accepts.contains(name) {
                let arguments = slot.arguments.map { $0 == "{}" ? value : $0 }
                let result = try CFit.run(arguments, input: "", environment: environment)
                tried += 1
                let shown = slot.arguments.joined(separator: " ").replacing("{}", with: "<\(name)>")
                if !(result.status == 64 || result.status == 1) || !result.stdout.isEmpty
                    || !result.firstErrorLine.lowercased().hasPrefix("error")
                    || result.firstErrorLine.count > 400
                {
                    failures.append("\(shown): exit \(result.status), \(result.firstErrorLine.prefix(200))")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(try Self.snapshot(url) == before, "a refused command changed the database")
        print("hostile arguments: \(tried) tried across \(Self.slots.count) slots, all refused, database unchanged")
    }

    @Test("NUL and escape sequences (which no argument can carry, but stdin can) are shown escaped and asked again")
    func controlCharactersAtThePrompt() throws {
        let result = try CFit.run(
            ["fit", "--catalog", CFit.seed("northwind.json"), "--interactive"],
            input: "\u{0}\n\u{1B}[31m\n\nAD\n2\n\n22\n36.5\n34\n41")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("found '\\u{0}' — try again"))
        #expect(result.stderr.contains("found '\\u{1B}[31m' — try again"))
        #expect(!result.stderr.contains("\u{1B}") && !result.stderr.contains("\u{0}"))
        #expect(result.stdout.contains("standard"))
    }
}
