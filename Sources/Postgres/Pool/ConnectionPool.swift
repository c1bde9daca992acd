import Foundation
public import Logging

/// A bounded set of connections that many threads or tasks can share.
///
/// `withConnection` lends one connection for the duration of its body; when all are lent, callers
/// wait (in arrival order as far as the system's condition variable allows) until one comes back.
/// Connections are opened lazily, up to `maximum`, and a connection that was lost reconnects on its
/// next use.
///
/// ```swift
/// let pool = ConnectionPool(conninfo: url, maximum: 4)
/// let n = try pool.withConnection { try $0.query("SELECT 1 AS one")[0].decode(Int.self, "one") }
/// ```
public final class ConnectionPool: @unchecked Sendable {
    private let conninfo: String
    /// The most connections open at once.
    public let maximum: Int
    private let logger: Logger
    private let condition = NSCondition()
    private var idle: [Connection] = []
    private var opened = 0
    private var closed = false

    /// A pool of at most `maximum` connections to `conninfo`.
    public init(conninfo: String, maximum: Int, logger: Logger = Logger(label: "cfit.postgres.pool")) {
        precondition(maximum > 0, "a pool needs at least one connection")
        self.conninfo = conninfo
        self.maximum = maximum
        self.logger = logger
    }

    /// Lends a connection to `body` and takes it back afterwards, whatever `body` does.
    public func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try acquire()
        defer { release(connection) }
        return try body(connection)
    }

    /// Lends a connection to `body` from async code, waiting for one off the caller's thread.
    public func withConnection<T: Sendable>(_ body: @Sendable @escaping (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try self.withConnection(body) })
            }
        }
    }

    /// How many connections are open now (lent or idle).
    public var openConnections: Int {
        condition.withLock { opened }
    }

    /// Closes the idle connections and refuses new loans; lent ones close when returned.
    public func shutdown() {
        condition.withLock {
            closed = true
            for connection in idle { connection.close() }
            opened -= idle.count
            idle.removeAll()
            condition.broadcast()
        }
    }

    private func acquire() throws -> Connection {
        condition.lock()
        while true {
            if closed {
                condition.unlock()
                throw PostgresError(.usage, "the connection pool has been shut down")
            }
            if let connection = idle.popLast() {
                condition.unlock()
                return connection
            }
            if opened < maximum {
                opened += 1
                condition.unlock()
                do {
                    return try Connection(conninfo, logger: logger)
                } catch {
                    condition.withLock {
                        opened -= 1
                        condition.signal()
                    }
                    throw error
                }
            }
            condition.wait()
        }
    }

    private func release(_ connection: Connection) {
        condition.withLock {
            if closed {
                connection.close()
                opened -= 1
            } else {
                idle.append(connection)
            }
            condition.signal()
        }
    }
}
