import CLibPQ
import Foundation
public import Logging

/// One connection to a PostgreSQL server through libpq.
///
/// A `Connection` may be shared between threads: every call holds the connection's lock for its
/// whole duration (a transaction holds it from `BEGIN` to `COMMIT`), so libpq's `PGconn` is never
/// used by two threads at once. For concurrent work, give each worker its own connection or take
/// them from a ``ConnectionPool``.
///
/// Every value is a bound parameter. Statements are sent unnamed (parsed and run in one round
/// trip, nothing kept on the server between statements), so a connection works through PgBouncer
/// in transaction pooling mode; a long-lived connection that runs the same statements many times
/// may opt into named prepared statements with `preparedStatements: true`.
///
/// Connecting gives up after `connect_timeout` seconds (10 unless the connection string says
/// otherwise), and every transaction gives up waiting for a row lock after ``lockTimeout``.
///
/// ```swift
/// let connection = try Connection("postgresql:///cfit?host=/tmp")
/// let count = try connection.query("SELECT count(*) AS n FROM article WHERE line_id = \(lineID)")[0]
///     .decode(Int.self, "n")
/// ```
public final class Connection: @unchecked Sendable {
    /// Transaction isolation levels.
    public enum Isolation: String, Sendable {
        /// Each statement sees what was committed before it began.
        case readCommitted = "READ COMMITTED"
        /// The transaction sees one snapshot.
        case repeatableRead = "REPEATABLE READ"
        /// As if transactions ran one at a time; may fail with 40001 and must then be retried.
        case serializable = "SERIALIZABLE"
    }

    private let lock = NSRecursiveLock()
    private var handle: OpaquePointer?
    private let preparedStatements: Bool
    private var statements: [StatementKey: String] = [:]
    private var inTransaction = false

    /// Whether a ``transaction(isolation:maxAttempts:_:)`` body is running on this connection: a
    /// statement that fails there cannot be retried alone (the transaction is aborted); the
    /// whole transaction is.
    public var isInTransaction: Bool { inTransaction }
    private var closed = false
    private let notices: NoticeBox
    /// What the connection was opened with, to open it again when it is lost.
    private let conninfo: String
    /// The logger notices and retries are reported to.
    public let logger: Logger

    /// How long a transaction waits for a row lock before giving up with SQLSTATE 55P03, so a
    /// counter never freezes behind another one (`nil` waits as long as it takes).
    public let lockTimeout: Duration?

    /// Connection parameters applied unless the connection string says otherwise.
    /// Connecting gives up after 10 s, and TCP keepalives notice a peer that vanished (after
    /// about a minute idle) instead of waiting forever.
    public static let defaultParameters: [(keyword: String, value: String)] = [
        ("connect_timeout", "10"), ("keepalives", "1"), ("keepalives_idle", "30"), ("keepalives_interval", "10"),
        ("keepalives_count", "3"),
    ]

    /// Connects using any libpq connection string or URI (`host=… dbname=…`,
    /// `postgresql://user@host/db?sslmode=require`, several hosts with `target_session_attrs`);
    /// PG* variables and ~/.pgpass apply as in psql.
    ///
    /// Throws a ``PostgresError`` of kind `.connection` whose message never contains a password.
    public init(
        _ conninfo: String,
        preparedStatements: Bool = false,
        lockTimeout: Duration? = .seconds(5),
        logger: Logger = Logger(label: "cfit.postgres")
    ) throws(PostgresError) {
        self.logger = logger
        self.preparedStatements = preparedStatements
        self.lockTimeout = lockTimeout
        notices = NoticeBox(logger: logger)
        self.conninfo = conninfo
        handle = try Self.open(conninfo, notices: notices)
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Closes the connection for good: later calls throw a `.connection` error saying so.
    public func close() {
        lock.withLock {
            if let handle { PQfinish(handle) }
            handle = nil
            closed = true
            statements.removeAll()
        }
    }

    /// The server's version number (e.g. 150018).
    public var serverVersion: Int {
        lock.withLock { handle.map { Int(PQserverVersion($0)) } ?? 0 }
    }

    private static func open(_ conninfo: String, notices: NoticeBox) throws(PostgresError) -> OpaquePointer {
        // The defaults come before the expanded connection string, so the string overrides them.
        let defaults = defaultParameters.map { ($0.keyword, $0.value) }
        guard let hosts = Self.perHost(conninfo), hosts.count > 1 else {
            switch attempt(defaults + [("dbname", conninfo)], expand: true, conninfo: conninfo, notices: notices) {
            case .success(let connection): return connection
            case .failure(let failure):
                throw PostgresError(.connection, "could not connect to the database: \(failure.reason)")
            }
        }
        // libpq's non-blocking connect cannot give up on one host and go on to the next: a host
        // that accepts the connection and never answers (a frozen machine) would hold the whole
        // attempt until connect_timeout and end it. So each host gets an attempt of its own, in
        // order, each bounded by connect_timeout and each checking target_session_attrs.
        // prefer-standby is two passes, as in libpq: the standbys first, then any server.
        let passes =
            hosts[0].contains { $0 == ("target_session_attrs", "prefer-standby") }
            ? ["standby", "any"].map { attrs in
                hosts.map { $0.map { $0.0 == "target_session_attrs" ? ($0.0, attrs) : $0 } }
            } : [hosts]
        var reasons: [String] = []
        for parameters in passes.joined() {
            switch attempt(defaults + parameters, expand: false, conninfo: conninfo, notices: notices) {
            case .success(let connection): return connection
            case .failure(let failure): reasons.append(failure.reason)
            }
        }
        throw PostgresError(.connection, "could not connect to the database: \(reasons.joined(separator: "; "))")
    }

    /// The parameters of `conninfo` once per host it names, in its order (host, hostaddr and port
    /// each that host's; a single port or hostaddr serves them all); `nil` when libpq cannot parse
    /// it (the attempt then says why).
    static func perHost(_ conninfo: String) -> [[(String, String)]]? {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            if let error { PQfreemem(error) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var given: [(String, String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { given.append((String(cString: keyword), String(cString: value))) }
            option += 1
        }
        func list(_ keyword: String) -> [String] {
            guard let value = given.first(where: { $0.0 == keyword })?.1 else { return [] }
            return value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let hosts = list("host")
        let addresses = list("hostaddr")
        let ports = list("port")
        let count = max(hosts.count, addresses.count)
        guard count > 1 else { return [[]] }
        let rest = given.filter { !["host", "hostaddr", "port"].contains($0.0) }
        return (0..<count).map { index in
            var parameters = rest
            func pick(_ values: [String]) -> String? {
                values.count == 1 ? values[0] : index < values.count ? values[index] : nil
            }
            if let host = pick(hosts), !host.isEmpty { parameters.append(("host", host)) }
            if let address = pick(addresses), !address.isEmpty { parameters.append(("hostaddr", address)) }
            if let port = pick(ports), !port.isEmpty { parameters.append(("port", port)) }
            return parameters
        }
    }

    /// One connection attempt with `parameters`, waited for without blocking so the notice
    /// receiver is in place before the server says anything; the connection, or why not.
    private static func attempt(
        _ parameters: [(String, String)], expand: Bool, conninfo: String, notices: NoticeBox
    ) -> Result<OpaquePointer, Failure> {
        let started = withCStrings(parameters.map(\.0)) { keywordPointers in
            withCStrings(parameters.map(\.1)) { valuePointers in
                PQconnectStartParams(keywordPointers, valuePointers, expand ? 1 : 0)
            }
        }
        guard let connection = started else { return .failure(Failure("could not allocate a libpq connection")) }
        PQsetNoticeReceiver(connection, noticeReceiver, Unmanaged.passUnretained(notices).toOpaque())
        func fail(_ reason: String? = nil) -> Result<OpaquePointer, Failure> {
            // libpq may quote the string it could not parse, password and all: scrub it.
            let message = ConnectionString.redacting(reason ?? Self.trimmed(PQerrorMessage(connection)), from: conninfo)
            // libpq returns a connection object even on failure; it must be freed.
            PQfinish(connection)
            return .failure(Failure(message))
        }
        guard PQstatus(connection) != CONNECTION_BAD else { return fail() }
        // connect_timeout applies to each host in turn, as libpq's own blocking connect does it.
        let timeout = Self.connectTimeout(connection)
        var host = PQhost(connection).map { String(cString: $0) }
        var deadline = timeout.map { Date().addingTimeInterval($0) }
        var state = PGRES_POLLING_WRITING
        while state != PGRES_POLLING_OK {
            guard state != PGRES_POLLING_FAILED else { return fail() }
            var descriptor = pollfd(
                fd: PQsocket(connection), events: Int16(state == PGRES_POLLING_READING ? POLLIN : POLLOUT), revents: 0)
            let wait = deadline.map { Int32(max(0, $0.timeIntervalSinceNow * 1000)) } ?? -1
            let ready = poll(&descriptor, 1, wait)
            if ready == 0 {
                return fail("timeout expired after \(Int(timeout ?? 0)) s\(host.map { " (host \($0))" } ?? "")")
            }
            if ready < 0 && errno != EINTR {
                return fail("cannot wait for the server: \(String(cString: strerror(errno)))")
            }
            state = PQconnectPoll(connection)
            let now = PQhost(connection).map { String(cString: $0) }
            if now != host {
                host = now
                deadline = timeout.map { Date().addingTimeInterval($0) }
            }
        }
        return .success(connection)
    }

    /// Why one connection attempt failed, already scrubbed of passwords.
    private struct Failure: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The connect_timeout in force for `connection`, in seconds (libpq's rule: at least 2;
    /// none when 0 or unset).
    private static func connectTimeout(_ connection: OpaquePointer) -> TimeInterval? {
        guard let options = PQconninfo(connection) else { return nil }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "connect_timeout", let value = option.pointee.val,
                let seconds = Int(String(cString: value)), seconds > 0
            {
                return TimeInterval(max(2, seconds))
            }
            option += 1
        }
        return nil
    }

    /// The live handle, reconnecting first if the connection was closed or had been lost.
    ///
    /// Inside a transaction a lost connection is never reset: the transaction is gone, and a body
    /// that caught the error must not go on outside one, so every later statement of the body
    /// fails too, and the transaction throws.
    private func liveHandle() throws(PostgresError) -> OpaquePointer {
        if let handle, PQstatus(handle) == CONNECTION_OK { return handle }
        if closed { throw PostgresError(.connection, "the connection is closed") }
        if inTransaction {
            throw PostgresError(
                .connectionLost, "the database connection was lost inside a transaction; nothing of it was committed")
        }
        if let lost = handle {
            logger.info("the database connection was lost; reconnecting")
            PQfinish(lost)
            handle = nil
            statements.removeAll()
        }
        // Through the hosts in order, as the first connect did (after a failover the first host
        // may be the frozen old primary); a reconnect that fails is tried again next time.
        do {
            let fresh = try Self.open(conninfo, notices: notices)
            handle = fresh
            return fresh
        } catch {
            throw PostgresError(
                .connection,
                "could not reconnect to the database: \(error.message.replacingOccurrences(of: "could not connect to the database: ", with: ""))"
            )
        }
    }

    // MARK: Queries

    /// Runs one statement with its bound parameters and returns its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) throws(PostgresError) -> QueryResult {
        try locked { () throws(PostgresError) -> QueryResult in
            let handle = try liveHandle()
            let result: OpaquePointer?
            if preparedStatements {
                let name = try prepare(query, on: handle)
                result = try withParameters(query.binds) { values, lengths, formats in
                    PQexecPrepared(handle, name, Int32(query.binds.count), values, lengths, formats, 1)
                }
            } else {
                let types = query.binds.map(\.type)
                result = try withParameters(query.binds) { values, lengths, formats in
                    types.withUnsafeBufferPointer { types in
                        PQexecParams(
                            handle, query.sql, Int32(query.binds.count), types.baseAddress, values, lengths, formats, 1)
                    }
                }
            }
            return try check(result, on: handle, expecting: [PGRES_TUPLES_OK, PGRES_COMMAND_OK])
        }
    }

    /// Runs several statements in one round trip (libpq's pipeline mode) and returns their rows in
    /// order — for reads that need a few independent queries, over a link where each round trip
    /// costs 20–50 ms. They run in one implicit transaction; the first error is thrown. Keep
    /// batches small (a few statements): results are read only after everything is sent.
    public func pipeline(_ queries: [PostgresQuery]) throws(PostgresError) -> [QueryResult] {
        guard queries.count > 1 else {
            return try queries.map { (query) throws(PostgresError) in try self.query(query) }
        }
        return try locked { () throws(PostgresError) -> [QueryResult] in
            let handle = try liveHandle()
            guard PQenterPipelineMode(handle) == 1 else { throw connectionError(on: handle) }
            defer { PQexitPipelineMode(handle) }
            for query in queries {
                let types = query.binds.map(\.type)
                let sent = try withParameters(query.binds) { values, lengths, formats -> OpaquePointer? in
                    let status = types.withUnsafeBufferPointer { types in
                        PQsendQueryParams(
                            handle, query.sql, Int32(query.binds.count), types.baseAddress, values, lengths, formats, 1)
                    }
                    return status == 1 ? handle : nil
                }
                guard sent != nil else {
                    drainPipeline(handle)
                    throw connectionError(on: handle)
                }
            }
            guard PQpipelineSync(handle) == 1 else {
                drainPipeline(handle)
                throw connectionError(on: handle)
            }
            var results: [QueryResult] = []
            var failure: PostgresError?
            for _ in queries {
                // Each statement's result, then a NULL that ends it.
                guard let result = PQgetResult(handle) else { break }
                let status = PQresultStatus(result)
                if status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK {
                    results.append(QueryResult(taking: result))
                } else {
                    if failure == nil {
                        failure =
                            status == PGRES_FATAL_ERROR
                            ? Self.serverError(result) : PostgresError(.usage, "a pipelined statement did not run")
                    }
                    PQclear(result)
                }
                while let extra = PQgetResult(handle) { PQclear(extra) }
            }
            drainPipeline(handle)
            // A connection lost mid-pipeline comes back as a failed statement too (libpq's "server
            // closed the connection unexpectedly", no SQLSTATE): the loss is what happened.
            if PQstatus(handle) != CONNECTION_OK {
                throw PostgresError(
                    .connectionLost,
                    "the database connection was lost during the operation: \(Self.trimmed(PQerrorMessage(handle)))")
            }
            if let failure { throw failure }
            return results
        }
    }

    /// Reads what is left of a pipeline up to and including its sync point.
    private func drainPipeline(_ handle: OpaquePointer) {
        while PQstatus(handle) == CONNECTION_OK, let result = PQgetResult(handle) {
            let done = PQresultStatus(result) == PGRES_PIPELINE_SYNC
            PQclear(result)
            if done { return }
        }
    }

    /// Runs one statement and returns how many rows it touched.
    @discardableResult
    public func execute(_ query: PostgresQuery) throws(PostgresError) -> Int {
        try self.query(query).affectedRows
    }

    /// Runs a script of one or more statements with no parameters (a migration file, `SET …`).
    ///
    /// Only for fixed SQL written by this project: there is no way to bind values here.
    public func executeScript(_ sql: String) throws(PostgresError) {
        try locked { () throws(PostgresError) in
            let handle = try liveHandle()
            _ = try check(
                PQexec(handle, sql), on: handle, expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY])
        }
    }

    /// The SCRAM-SHA-256 verifier of `password` for `user`, computed here by libpq (as psql's
    /// `\password` does), so a new login's password never travels to the server or its logs.
    public func encryptPassword(_ password: String, user: String) throws(PostgresError) -> String {
        try locked { () throws(PostgresError) -> String in
            let handle = try liveHandle()
            guard let encrypted = PQencryptPasswordConn(handle, password, user, "scram-sha-256") else {
                throw PostgresError(.usage, "could not hash the password: \(Self.trimmed(PQerrorMessage(handle)))")
            }
            defer { PQfreemem(encrypted) }
            return String(cString: encrypted)
        }
    }

    // MARK: Transactions

    /// Runs `body` in one transaction: commits when it returns, rolls back when it throws, and runs
    /// the whole body again (up to `maxAttempts` times, with jittered backoff) when the server
    /// reports a serialization failure (40001) or a deadlock (40P01). A lock wait longer than
    /// ``lockTimeout`` ends it with SQLSTATE 55P03, not retried: another session holds the row.
    ///
    /// The body must be safe to run twice: give every externally triggered write an idempotency key.
    /// A connection lost mid-way is never retried: whether the commit happened is unknown.
    public func transaction<T>(
        isolation: Isolation = .readCommitted,
        maxAttempts: Int = 6,
        _ body: (Connection) throws -> T
    ) throws -> T {
        try lock.withLock {
            precondition(!inTransaction, "transactions do not nest")
            var attempt = 1
            while true {
                do {
                    // One round trip: the transaction and its lock timeout (which ends with it).
                    var begin = "BEGIN ISOLATION LEVEL \(isolation.rawValue)"
                    if let lockTimeout {
                        let parts = lockTimeout.components
                        let milliseconds = max(1, parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000)
                        begin += "; SET LOCAL lock_timeout = \(milliseconds)"
                    }
                    try executeScript(begin)
                    inTransaction = true
                    defer { inTransaction = false }
                    let value: T
                    do {
                        value = try body(self)
                    } catch {
                        rollbackQuietly()
                        throw error
                    }
                    do {
                        try executeScript("COMMIT")
                    } catch {
                        rollbackQuietly()
                        throw error
                    }
                    return value
                } catch let error as PostgresError where error.isTransient && attempt < maxAttempts {
                    let delay = Self.backoff(attempt: attempt)
                    logger.debug("retrying a transaction after \(error) (attempt \(attempt + 1) in \(delay) s)")
                    Thread.sleep(forTimeInterval: delay)
                    attempt += 1
                }
            }
        }
    }

    /// Full jitter: a random wait up to 5 ms × 2^attempt, at most 0.5 s — between retries of a
    /// transaction, or of a statement that is a transaction of its own.
    public static func backoff(attempt: Int) -> Double {
        let cap = min(0.5, 0.005 * pow(2, Double(attempt)))
        return Double.random(in: 0...cap)
    }

    private func rollbackQuietly() {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return }
        if let result = PQexec(handle, "ROLLBACK") { PQclear(result) }
    }

    // MARK: COPY

    /// Loads rows into `table` with `COPY … FROM STDIN` (text format), streaming them in chunks so
    /// memory stays flat however many rows there are. Each row is one text value per column, `nil`
    /// for NULL; tabs, newlines, backslashes and any Unicode are escaped as COPY requires.
    ///
    /// Returns the number of rows loaded. If `rows` throws, the COPY is aborted and nothing is loaded.
    @discardableResult
    public func copy<Rows: Sequence>(into table: String, columns: [String], rows: Rows) throws -> Int
    where Rows.Element == [String?] {
        try lock.withLock {
            let handle = try liveHandle()
            let target = try
                "\(identifier(table, on: handle)) (\(columns.map { try identifier($0, on: handle) }.joined(separator: ", ")))"
            guard let start = PQexec(handle, "COPY \(target) FROM STDIN") else {
                throw connectionError(on: handle)
            }
            guard PQresultStatus(start) == PGRES_COPY_IN else {
                _ = try check(start, on: handle, expecting: [PGRES_COPY_IN])
                throw PostgresError(.usage, "COPY did not start")
            }
            PQclear(start)
            var encoder = CopyEncoder(columns: columns.count)
            var count = 0
            do {
                for row in rows {
                    try encoder.append(row)
                    count += 1
                    if encoder.buffer.count >= 1 << 16 {
                        try send(encoder.buffer, on: handle)
                        encoder.buffer.removeAll(keepingCapacity: true)
                    }
                }
                if !encoder.buffer.isEmpty { try send(encoder.buffer, on: handle) }
            } catch {
                PQputCopyEnd(handle, "aborted by the client: \(error)")
                drain(handle)
                throw error
            }
            guard PQputCopyEnd(handle, nil) == 1 else { throw connectionError(on: handle) }
            // The COPY's own outcome (constraint violations, bad values) arrives as the next result.
            var failure: PostgresError?
            while let result = PQgetResult(handle) {
                if PQresultStatus(result) != PGRES_COMMAND_OK, failure == nil {
                    failure = Self.serverError(result)
                }
                PQclear(result)
            }
            if let failure { throw failure }
            return count
        }
    }

    private func send(_ bytes: [UInt8], on handle: OpaquePointer) throws(PostgresError) {
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        guard status == 1 else { throw connectionError(on: handle) }
    }

    private func drain(_ handle: OpaquePointer) {
        while let result = PQgetResult(handle) { PQclear(result) }
    }

    /// Quotes an identifier (table or column name) with libpq's own escaping.
    private func identifier(_ name: String, on handle: OpaquePointer) throws(PostgresError) -> String {
        // A schema-qualified name is quoted part by part.
        try name.split(separator: ".", omittingEmptySubsequences: false).map { (part) throws(PostgresError) -> String in
            let text = String(part)
            guard let escaped = PQescapeIdentifier(handle, text, text.utf8.count) else {
                throw PostgresError(
                    .usage, "cannot quote the identifier \(text): \(Self.trimmed(PQerrorMessage(handle)))")
            }
            defer { PQfreemem(escaped) }
            return String(cString: escaped)
        }.joined(separator: ".")
    }

    // MARK: Internals

    private func locked<T>(_ body: () throws(PostgresError) -> T) throws(PostgresError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private struct StatementKey: Hashable {
        let sql: String
        let types: [PostgresTypeOID]
    }

    /// The name of the prepared statement for `query`, preparing it on first use.
    private func prepare(_ query: PostgresQuery, on handle: OpaquePointer) throws(PostgresError) -> String {
        let key = StatementKey(sql: query.sql, types: query.binds.map(\.type))
        if let name = statements[key] { return name }
        let name = "cfit_\(statements.count + 1)"
        let result = key.types.withUnsafeBufferPointer { types in
            PQprepare(handle, name, query.sql, Int32(types.count), types.baseAddress)
        }
        _ = try check(result, on: handle, expecting: [PGRES_COMMAND_OK])
        statements[key] = name
        return name
    }

    private func withParameters(
        _ binds: [PostgresBind],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> OpaquePointer?
    ) throws(PostgresError) -> OpaquePointer? {
        let lengths = binds.map { Int32($0.bytes?.count ?? 0) }
        let formats = [Int32](repeating: 1, count: binds.count)
        // One buffer holds every value; the pointers into it live as long as the call.
        var storage: [UInt8] = []
        var offsets: [Int?] = []
        for bind in binds {
            if let bytes = bind.bytes {
                offsets.append(storage.count)
                storage += bytes
            } else {
                offsets.append(nil)
            }
        }
        if storage.isEmpty { storage.append(0) }
        return storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            let values: [UnsafePointer<CChar>?] = offsets.map { $0.map { base + $0 } }
            return values.withUnsafeBufferPointer { valuePointers in
                lengths.withUnsafeBufferPointer { lengthPointers in
                    formats.withUnsafeBufferPointer { formatPointers in
                        body(valuePointers.baseAddress, lengthPointers.baseAddress, formatPointers.baseAddress)
                    }
                }
            }
        }
    }

    /// Takes ownership of `result`, returning it when its status is expected and throwing the
    /// server's error (read before the result is cleared) otherwise.
    private func check(_ result: OpaquePointer?, on handle: OpaquePointer, expecting: [ExecStatusType])
        throws(PostgresError)
        -> QueryResult
    {
        guard let result else { throw connectionError(on: handle) }
        let owned = QueryResult(taking: result)
        let status = PQresultStatus(result)
        if expecting.contains(status) { return owned }
        if PQstatus(handle) != CONNECTION_OK {
            throw PostgresError(
                .connectionLost,
                "the database connection was lost during the operation: \(Self.trimmed(PQerrorMessage(handle)))")
        }
        throw Self.serverError(result)
    }

    private func connectionError(on handle: OpaquePointer) -> PostgresError {
        if PQstatus(handle) != CONNECTION_OK {
            return PostgresError(
                .connectionLost,
                "the database connection was lost during the operation: \(Self.trimmed(PQerrorMessage(handle)))")
        }
        return PostgresError(.server, Self.trimmed(PQerrorMessage(handle)))
    }

    static func serverError(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let pointer = PQresultErrorField(result, code) else { return nil }
            return String(cString: pointer)
        }
        let message = field(CFIT_PG_DIAG_MESSAGE_PRIMARY) ?? trimmed(PQresultErrorMessage(result))
        return PostgresError(
            .server,
            message,
            sqlState: field(CFIT_PG_DIAG_SQLSTATE).map(SQLState.init),
            detail: field(CFIT_PG_DIAG_MESSAGE_DETAIL),
            hint: field(CFIT_PG_DIAG_MESSAGE_HINT),
            constraint: field(CFIT_PG_DIAG_CONSTRAINT_NAME),
            table: field(CFIT_PG_DIAG_TABLE_NAME),
            column: field(CFIT_PG_DIAG_COLUMN_NAME)
        )
    }

    static func trimmed(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "unknown error" }
        return String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "\n", with: "; ")
    }
}

/// Routes the server's notices (RAISE NOTICE, warnings) to a logger; passed to libpq through the
/// receiver's context pointer and kept alive by the connection that owns it.
final class NoticeBox: @unchecked Sendable {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
}

private func noticeReceiver(_ context: UnsafeMutableRawPointer?, _ result: OpaquePointer?) {
    guard let context, let result else { return }
    let box = Unmanaged<NoticeBox>.fromOpaque(context).takeUnretainedValue()
    let severity = PQresultErrorField(result, CFIT_PG_DIAG_SEVERITY).map { String(cString: $0) } ?? "NOTICE"
    let message = PQresultErrorField(result, CFIT_PG_DIAG_MESSAGE_PRIMARY).map { String(cString: $0) } ?? ""
    let level: Logger.Level = severity == "WARNING" ? .warning : .debug
    box.logger.log(level: level, "\(severity): \(LogText.escaped(message, limit: 1_000))")
}

/// Calls `body` with a NULL-terminated array of C strings that live as long as the call.
private func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
    let copies = strings.map { strdup($0) }
    defer {
        for copy in copies { free(copy) }
    }
    let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
