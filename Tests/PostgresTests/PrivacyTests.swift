import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// The local cluster keeps patient data to its own user: folders, socket and log unreadable by
/// anyone else, and a failing row's contents never written to the log.
@Suite("A private local server", .ownThread)
struct PrivacyTests {
    func mode(_ path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o777
    }

    /// Runs `argv` as the `nobody` system user; its exit status.
    func asNobody(_ argv: [String]) throws -> Int32 {
        try ChildProcess("/usr/sbin/runuser", ["-u", "nobody", "--"] + argv, stdout: .discarded, stderr: .discarded)
            .waitBlocking()
    }

    @Test("data folder, socket folder and log are its user's alone; another user can read none of them")
    func modes() throws {
        let server = try #require(try TestDatabase.localServer())
        #expect(mode(server.dataDirectory) & 0o077 == 0, "pgdata \(String(mode(server.dataDirectory), radix: 8))")
        #expect(mode(server.socketDirectory) & 0o077 == 0, "run \(String(mode(server.socketDirectory), radix: 8))")
        #expect(mode(server.logFile) & 0o077 == 0, "server.log \(String(mode(server.logFile), radix: 8))")
        guard geteuid() == 0 else { return }  // another user needs root to become one
        #expect(try asNobody(["cat", server.logFile]) != 0)
        #expect(try asNobody(["ls", server.dataDirectory]) != 0)
        #expect(try asNobody(["ls", server.socketDirectory]) != 0)
        let psql = try ServerBinaries.locate().path("psql")
        #expect(
            try asNobody([
                psql, "-X", "-h", server.socketDirectory, "-U", server.role, "-d", "postgres", "-c", "select 1",
            ]) != 0)
    }

    @Test("a failing row with patient data is not written to the server's log")
    func failingRowNotLogged() throws {
        let server = try #require(try TestDatabase.localServer())
        let connection = try Connection(try TestDatabase.fresh())
        let secret = "RX-SECRET-\(UUID().uuidString.prefix(6))"
        #expect(throws: PostgresError.self) {
            try connection.execute(
                "INSERT INTO prescription (number, patient_id, prescriber_id, diagnosis, valid_from, valid_until) VALUES (\(secret), 1, 1, 'C50.9', '2030-01-02', '2030-01-01')"
            )
        }
        #expect(throws: PostgresError.self) {
            try connection.execute("INSERT INTO patient (reference, display_name) VALUES (\(secret), ' ')")
        }
        Thread.sleep(forTimeInterval: 0.3)
        let log = try String(contentsOfFile: server.logFile, encoding: .utf8)
        #expect(log.contains("violates"), "the log should still name the constraint")
        #expect(!log.contains(secret))
        #expect(!log.contains("C50.9"))
    }
}
