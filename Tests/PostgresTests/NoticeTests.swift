import Logging
import Postgres
import PostgresTestSupport
import Testing

/// A log handler that keeps what it is given.
struct CapturingHandler: LogHandler {
    let messages: LockedValue<[(Logger.Level, String)]>
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        messages.withLock { $0.append((event.level, event.message.description)) }
    }
}

@Suite("Server notices reach the logger", .ownThread)
struct NoticeTests {
    @Test("RAISE NOTICE and RAISE WARNING are logged through the connection's logger, at debug and warning")
    func notices() throws {
        let messages = LockedValue<[(Logger.Level, String)]>([])
        let logger = Logger(label: "test") { _ in CapturingHandler(messages: messages) }
        let connection = try Connection(TestDatabase.fresh(), logger: logger)
        try connection.executeScript("DO $$ BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful'; END $$")
        let logged = messages.withLock { $0 }
        #expect(logged.contains { $0.0 == .debug && $0.1 == "NOTICE: hello 42" })
        #expect(logged.contains { $0.0 == .warning && $0.1 == "WARNING: careful" })
    }
}
