import Foundation
import Postgres
import PostgresTestSupport
import Testing

@Suite("Errors carry the server's SQLSTATE and fields; transactions retry what may succeed", .ownThread)
struct ErrorTests {
    let url: String
    let connection: Connection

    init() throws {
        url = try TestDatabase.fresh()
        connection = try Connection(url)
        try connection.executeScript(
            """
            CREATE TABLE account (id int PRIMARY KEY, name text UNIQUE, balance int NOT NULL CONSTRAINT balance_not_negative CHECK (balance >= 0));
            INSERT INTO account VALUES (1, 'a', 10), (2, 'b', 10);
            """
        )
    }

    @Test("a unique violation is 23505 with its constraint")
    func uniqueViolation() throws {
        do {
            try connection.execute("INSERT INTO account VALUES (\(3), \("a"), \(0))")
            Issue.record("expected a unique violation")
        } catch {
            #expect(error.sqlState == .uniqueViolation)
            #expect(error.constraint == "account_name_key")
            #expect(error.table == "account")
            #expect(error.kind == .server)
            #expect(error.description.hasSuffix("(SQLSTATE 23505)"))
        }
    }

    @Test("a check violation is 23514 with its constraint")
    func checkViolation() throws {
        do {
            try connection.execute("UPDATE account SET balance = balance - \(11) WHERE id = \(1)")
            Issue.record("expected a check violation")
        } catch {
            #expect(error.sqlState == .checkViolation)
            #expect(error.constraint == "balance_not_negative")
        }
    }

    @Test("a failed transaction rolls back everything it did")
    func rollback() throws {
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try connection.transaction { tx in
                try tx.execute("UPDATE account SET balance = 0 WHERE id = \(1)")
                throw Stop()
            }
        }
        #expect(try connection.query("SELECT balance FROM account WHERE id = 1")[0].decode(Int.self, "balance") == 10)
    }

    @Test("a serialization failure surfaces as 40001 without retry")
    func serializationFailureSurfaces() throws {
        let other = try Connection(url)
        do {
            try connection.transaction(isolation: .serializable, maxAttempts: 1) { tx in
                _ = try tx.query("SELECT sum(balance) FROM account")
                try other.execute("UPDATE account SET balance = balance + 1 WHERE id = \(2)")
                try tx.execute("UPDATE account SET balance = balance + 1 WHERE id = \(2)")
            }
            Issue.record("expected a serialization failure")
        } catch let error as PostgresError {
            #expect(error.sqlState == .serializationFailure)
            #expect(error.isTransient)
        }
    }

    @Test("a conflicting serializable pair succeeds when the loser is retried")
    func serializableRetry() throws {
        let other = try Connection(url)
        let attempts = Counter()
        try connection.transaction(isolation: .serializable) { tx in
            let attempt = attempts.next()
            let total = try tx.query("SELECT sum(balance)::int8 AS total FROM account")[0].decode(Int.self, "total")
            if attempt == 1 {
                // Write skew: a concurrent serializable transaction reads what we will write and
                // writes what we read, and commits first; we must lose once.
                try other.transaction(isolation: .serializable) { concurrent in
                    _ = try concurrent.query("SELECT sum(balance) FROM account")
                    try concurrent.execute("UPDATE account SET balance = balance + 5 WHERE id = \(1)")
                }
            }
            try tx.execute("UPDATE account SET balance = \(total) WHERE id = \(2)")
        }
        #expect(attempts.next() == 3, "the body ran exactly twice")
        // The retry saw the other transaction's +5: 15 + 10.
        #expect(try connection.query("SELECT balance FROM account WHERE id = 2")[0].decode(Int.self, "balance") == 25)
    }

    @Test("a deadlock is broken and the losing transaction is retried to success")
    func deadlockRetry() throws {
        let first = try Connection(url)
        let second = try Connection(url)
        let firstHolds = DispatchSemaphore(value: 0)
        let secondHolds = DispatchSemaphore(value: 0)
        let firstAttempts = Counter()
        let secondAttempts = Counter()
        try runConcurrently(2) { worker in
            let (mine, theirs, attempts, held, other) =
                worker == 0
                ? (first, 1, firstAttempts, firstHolds, secondHolds)
                : (second, 2, secondAttempts, secondHolds, firstHolds)
            try mine.transaction { tx in
                if attempts.next() == 1 {
                    try tx.execute("UPDATE account SET balance = balance + 1 WHERE id = \(theirs)")
                    held.signal()
                    other.wait()
                }
                try tx.execute("UPDATE account SET balance = balance + 1 WHERE id = \(3 - theirs)")
            }
        }
        #expect(firstAttempts.next() + secondAttempts.next() == 5, "exactly one of the two ran twice")
        let total = try connection.query("SELECT sum(balance)::int8 AS t FROM account")[0].decode(Int.self, "t")
        // The winner added 2; the retried loser skipped its first step and added 1.
        #expect(total == 23)
    }
}
