import Counter
import Foundation
import Inventory
import Postgres
import PostgresTestSupport
import Testing

/// The one taxonomy: what a real PostgreSQL server answers, classified once, for every face.
@Suite("Errors classified once: every SQLSTATE a person can act on has its kind", .ownThread)
struct ErrorTaxonomyTests {
    /// The error `body` raised, classified; `nil` (and an issue) when it raised none.
    func classified(
        sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) -> CounterError? {
        do {
            try body()
            Issue.record("expected an error", sourceLocation: sourceLocation)
            return nil
        } catch {
            return CounterError(classifying: error)
        }
    }

    @Test("a row held past the lock timeout is busy with a wait; a read-only transaction is unavailable")
    func busyAndReadOnly() throws {
        let url = try TestDatabase.fresh()
        let holder = try Connection(url)
        let waiter = try Connection(url)
        defer {
            holder.close()
            waiter.close()
        }
        try holder.executeScript("BEGIN; LOCK TABLE location IN ACCESS EXCLUSIVE MODE")
        try waiter.executeScript("SET lock_timeout = '50ms'")
        let busy = classified { _ = try waiter.query("SELECT count(*) FROM location") }
        #expect(busy?.kind == .busy && busy?.retryAfter == CounterError.busyRetrySeconds, "\(busy?.message ?? "")")
        #expect(busy?.message.hasPrefix("busy: another counter holds this record") == true)
        try holder.executeScript("ROLLBACK")
        try waiter.executeScript("RESET lock_timeout")

        let readOnly = classified {
            try waiter.executeScript("BEGIN READ ONLY; CREATE TABLE not_allowed (x int)")
        }
        try? waiter.executeScript("ROLLBACK")
        #expect(readOnly?.kind == .unavailable && readOnly?.retryAfter == CounterError.unavailableRetrySeconds)
        #expect(readOnly?.message.contains("only reads") == true, "\(readOnly?.message ?? "")")
    }

    @Test("a stopped server is unavailable, never internal")
    func stoppedServer() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfit-nobody-\(UUID())").path
        let error = classified { _ = try Connection("postgresql:///cfit?host=\(directory)&connect_timeout=2") }
        #expect(error?.kind == .unavailable && error?.retryAfter != nil, "\(error?.message ?? "")")
    }

    @Test(
        "values the server refuses are bad input, a duplicate a conflict, a value too long for it too large",
        arguments: [
            ("SELECT '\"\\u0000\"'::jsonb", CounterError.Kind.badInput, "text: expected text without NUL"),
            ("SELECT 2147483647::int + 1", .badInput, "quantity: expected a number the database can hold"),
            ("SELECT repeat('x', 1073741824)", .tooLarge, "value: too large for the database"),
            (
                "CREATE TEMP TABLE once (x int PRIMARY KEY); INSERT INTO once VALUES (1); INSERT INTO once VALUES (1)",
                .conflict, "once_pkey: expected a value not stored before"
            ),
        ])
    func refusedValues(sql: String, kind: CounterError.Kind, start: String) throws {
        let connection = try Connection(try TestDatabase.fresh())
        defer { connection.close() }
        let error = classified { try connection.executeScript(sql) }
        #expect(error?.kind == kind, "\(error?.message ?? "")")
        #expect(error?.message.hasPrefix(start) == true, "\(error?.message ?? "")")
    }

    @Test("the same idempotency key with another request is a conflict (CFC01) naming the key")
    func keyConflict() throws {
        let connection = try Connection(try TestDatabase.fresh())
        defer { connection.close() }
        let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Seeds").path
        _ = try Seeding(connection: connection).seed(from: seeds)
        let stock = Stock(connection: connection)
        _ = try stock.receive(
            sku: "NW-CL-AD2-II-R-C-BE", quantity: 2, location: "shop", lot: nil, expires: nil, reference: "t",
            key: "taxonomy-1")
        let error = classified {
            _ = try stock.receive(
                sku: "NW-CL-AD2-II-R-C-BE", quantity: 3, location: "shop", lot: nil, expires: nil, reference: "t",
                key: "taxonomy-1")
        }
        #expect(error?.kind == .conflict && error?.field == "idempotency-key", "\(error?.message ?? "")")
        #expect(
            error?.worded { "--" + $0 }.hasPrefix(
                "--idempotency-key: key 'taxonomy-1' was used for a different request") == true)
    }

    @Test("a serialization failure or deadlock still there after the retries is busy; an unknown error internal")
    func exhaustedRetries() {
        for code in ["40001", "40P01", "57014"] {
            let error = CounterError(
                classifying: PostgresError(.server, "could not serialize", sqlState: SQLState(code)))
            #expect(error.kind == .busy, "\(code)")
        }
        for code in ["08006", "57P01", "57P03", "53300", "3D000"] {
            #expect(
                CounterError(classifying: PostgresError(.server, "gone", sqlState: SQLState(code))).kind == .unavailable
            )
        }
        // libpq's own words about a link that broke mid-statement carry no SQLSTATE: retry, not a bug.
        let noState = CounterError(
            classifying: PostgresError(.server, "server closed the connection unexpectedly", sqlState: nil))
        #expect(noState.kind == .unavailable && noState.retryAfter == CounterError.unavailableRetrySeconds)
        struct Odd: Error {}
        #expect(CounterError(classifying: Odd()).kind == .internal)
    }

    @Test("the database's refusals carry their input as the error's column, never a flag at the start of the words")
    func structuredField() throws {
        let connection = try Connection(try TestDatabase.fresh())
        defer { connection.close() }
        do {
            _ = try connection.query("SELECT cfit_location('attic') AS id")
            Issue.record("expected the unknown location to be refused")
        } catch {
            #expect(error.sqlState?.code == "CFN01" && error.column == "location", "\(error)")
            #expect(error.message.hasPrefix("expected one of"), "\(error.message)")
            let classified = CounterError(classifying: error)
            #expect(classified.kind == .notFound && classified.field == "location")
            #expect(classified.worded { "--" + $0 }.hasPrefix("--location: expected one of"))
        }
        // Every call of cfit_fail in the function files names its field apart (or NULL).
        for script in InventorySchema.functions {
            for line in script.sql.split(separator: "\n") where line.contains("cfit_fail('") {
                #expect(!line.contains("format('--") && !line.contains("', '--"), "\(script.name): \(line)")
            }
        }
    }
}
