import Foundation
import Postgres
import PostgresTestSupport
import Testing

@Suite("Pipelines: several statements in one round trip", .ownThread)
struct PipelineTests {
    @Test("results come back in order with their own columns and types")
    func inOrder() throws {
        let connection = try Connection(try TestDatabase.fresh())
        let results = try connection.pipeline([
            "SELECT \(41) + 1 AS n", "SELECT \("a") || \("b") AS s", "SELECT generate_series(1, \(3)) AS k",
        ])
        #expect(results.count == 3)
        #expect(try results[0][0].decode(Int.self, "n") == 42)
        #expect(try results[1][0].decode(String.self, "s") == "ab")
        #expect(try results[2].map { try $0.decode(Int.self, "k") } == [1, 2, 3])
    }

    @Test("an error stops the pipeline, is thrown with its SQLSTATE, and the connection stays usable")
    func errorThenUsable() throws {
        let connection = try Connection(try TestDatabase.fresh())
        do {
            _ = try connection.pipeline(["SELECT 1 AS a", "SELECT 1 / \(0) AS b", "SELECT 3 AS c"])
            Issue.record("expected division by zero")
        } catch {
            #expect(error.sqlState?.code == "22012")
        }
        #expect(try connection.query("SELECT 7 AS n")[0].decode(Int.self, "n") == 7)
        #expect(try connection.pipeline(["SELECT 1 AS a", "SELECT 2 AS b"]).count == 2)
        _ = try connection.transaction { tx in try tx.execute("SELECT 1") }
    }
}
