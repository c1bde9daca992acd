import Foundation
import PostgresTestSupport
import Testing

/// What one run of the built `cfit` printed and how it exited.
struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String

    /// The first line of stderr, where every error names its field and value.
    var firstErrorLine: String { String(stderr.split(separator: "\n", omittingEmptySubsequences: true).first ?? "") }
}

/// Runs the `cfit` binary that `swift build` put beside the test bundle (or `CFIT_BINARY`).
enum CFit {
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["CFIT_BINARY"] { return path }
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On some layouts the test binary sits inside a bundle folder.
        for _ in 0..<4
        where !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("cfit").path) {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("cfit").path
    }

    /// The package root, from this file's path.
    static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    static func seed(_ name: String) -> String { "\(root)/Seeds/\(name)" }

    /// Seeds the database `environment` points at with the samples in Seeds/, recording an issue at
    /// the caller when that fails.
    static func seedSamples(_ environment: [String: String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try run(["seed", "--from", "\(root)/Seeds"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
    }

    /// A fresh database with the samples seeded, and the environment that points `cfit` at it from
    /// the shop's counter.
    static func seededDatabase(sourceLocation: SourceLocation = #_sourceLocation) throws
        -> (url: String, environment: [String: String])
    {
        let url = try TestDatabase.fresh()
        let environment = ["DATABASE_URL": url, "CFIT_LOCATION": "shop"]
        try seedSamples(environment, sourceLocation: sourceLocation)
        return (url, environment)
    }

    /// Runs `cfit` with `arguments`, feeding `input` on stdin, to its end.
    ///
    /// Spawned and reaped directly, its output through files (``ChildProcess``): waiting never
    /// needs another of the test run's shared threads, so tests waiting on children cannot wait on
    /// each other.
    static func run(
        _ arguments: [String],
        input: String = "",
        environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RunResult {
        let child = try ChildProcess(binary, arguments, environment: environment, input: input)
        let status = child.waitBlocking()
        return RunResult(status: status, stdout: child.stdout, stderr: child.stderr)
    }

    /// The reference a command printed (`F-…` for a fitting, `R-…` a reservation …), the first one
    /// with `prefix`; `""` when none (so the next command fails saying so).
    static func reference(_ prefix: String, in result: RunResult) -> String {
        let text = result.stdout + result.stderr
        guard let range = text.range(of: "\(prefix)-[0-9A-Z]{7}-[0-9A-Z]{7}", options: .regularExpression) else {
            return ""
        }
        return String(text[range])
    }

    /// Parses stdout as JSON, recording an issue at the caller when it is not.
    static func json(_ result: RunResult, sourceLocation: SourceLocation = #_sourceLocation) -> Any? {
        guard let value = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) else {
            Issue.record(
                "stdout is not JSON: \(result.stdout) stderr: \(result.stderr)", sourceLocation: sourceLocation)
            return nil
        }
        return value
    }
}
