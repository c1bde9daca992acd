import Foundation
import Postgres
import PostgresTestSupport
import Testing

@Suite("A connection keeps its promises", .ownThread)
struct LostConnectionTests {
    @Test("close is final: later calls throw a connection error")
    func closeIsFinal() throws {
        let connection = try Connection(try TestDatabase.fresh())
        connection.close()
        do {
            _ = try connection.query("SELECT 1")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .connection)
            #expect(error.message.contains("closed"))
        }
    }

    @Test(
        "a connection lost inside a transaction fails the rest of the body and the transaction; afterwards it reconnects"
    )
    func lostInsideTransaction() throws {
        let url = try TestDatabase.fresh()
        let connection = try Connection(url)
        try connection.executeScript("CREATE TABLE t (n int)")
        let killer = try Connection(url)
        let pid = try connection.query("SELECT pg_backend_pid() AS p")[0].decode(Int32.self, "p")
        var afterLoss: PostgresError?
        do {
            try connection.transaction { tx in
                try tx.execute("INSERT INTO t VALUES (1)")
                try killer.execute("SELECT pg_terminate_backend(\(pid))")
                Thread.sleep(forTimeInterval: 0.2)
                do {
                    try tx.execute("INSERT INTO t VALUES (2)")
                } catch {
                    // A body that swallows the loss must not carry on outside a transaction.
                    do { try tx.execute("INSERT INTO t VALUES (3)") } catch let lost as PostgresError {
                        afterLoss = lost
                    }
                    throw error
                }
            }
            Issue.record("expected the transaction to fail")
        } catch let error as PostgresError {
            #expect(error.kind == .connectionLost || error.kind == .connection, "\(error)")
        }
        #expect(afterLoss?.kind == .connectionLost)
        #expect(afterLoss?.message.contains("inside a transaction") == true)
        // Outside the transaction the connection comes back, and nothing of it was kept.
        #expect(try connection.query("SELECT count(*) AS n FROM t")[0].decode(Int.self, "n") == 0)
    }
}
