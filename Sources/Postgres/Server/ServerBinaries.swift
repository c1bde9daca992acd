import Foundation

/// Where the PostgreSQL server programs (`initdb`, `pg_ctl`, `postgres`) are on this machine.
///
/// Looked for, in order: `pg_config --bindir`, the newest `/usr/lib/postgresql/*/bin` (Debian's
/// layout), then `PATH`.
public struct ServerBinaries: Sendable, Hashable {
    /// The folder holding `initdb` and `pg_ctl`.
    public let directory: String

    /// The path of the program `name` in ``directory``.
    public func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// Finds the server programs or throws an error saying what to install.
    public static func locate() throws(PostgresError) -> ServerBinaries {
        var candidates: [String] = []
        if let pgConfig = Subprocess.find("pg_config"),
            let output = try? Subprocess.run(pgConfig, ["--bindir"]), output.status == 0
        {
            candidates.append(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let debian = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: debian)) ?? []
        candidates += versions.compactMap { Int($0) }.sorted(by: >).map { "\(debian)/\($0)/bin" }
        if let initdb = Subprocess.find("initdb") {
            candidates.append(URL(fileURLWithPath: initdb).resolvingSymlinksInPath().deletingLastPathComponent().path)
        }
        for directory in candidates
        where ["initdb", "pg_ctl", "postgres"].allSatisfy({
            FileManager.default.isExecutableFile(atPath: "\(directory)/\($0)")
        }) {
            return ServerBinaries(directory: directory)
        }
        throw PostgresError(
            .connection,
            "the PostgreSQL server programs (initdb, pg_ctl) are not installed: run `apt-get install postgresql`, or use a running server by its URL"
        )
    }
}
