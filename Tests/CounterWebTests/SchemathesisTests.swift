import Foundation
import HummingbirdTesting
import PostgresTestSupport
import Testing

@testable import CounterWeb

/// The API checked by a tester nobody here wrote: schemathesis (PyPI) reads the OpenAPI document,
/// generates requests from it — valid and invalid, every operation, every method — and checks each
/// answer against the document. It runs against a live `cfit serve` on 127.0.0.1 over a fresh
/// database, as each role at once.
@Suite("cfit serve checked by schemathesis")
struct SchemathesisTests {
    /// The configuration beside the tests: per operation, the rules the schema cannot express.
    static let configuration = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Schemathesis/schemathesis.toml").path

    /// What the run printed and how it ended.
    struct Run: Sendable {
        let status: Int32
        let output: String
    }

    /// Runs `python3 -m schemathesis.cli arguments…` to its end, without holding a thread.
    static func schemathesis(_ arguments: [String]) async throws -> Run {
        // Its cache of crashes and reports goes to a folder of its own, not the package's.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("st-run-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID()).log").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = try ChildProcess(
            "/usr/bin/env", ["python3", "-m", "schemathesis.cli"] + arguments, environment: ["NO_COLOR": "1"],
            stdout: .file(output), stderr: .file(output), directory: folder.path)
        let status = await process.exit()
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return Run(status: status, output: text)
    }

    @Test("every check, every operation: no server error, no answer or refusal that breaks the document")
    func contract() async throws {
        let installed = try await Self.schemathesis(["--version"])
        guard installed.status == 0 else {
            Issue.record("schemathesis is not installed: run .ci/setup (pip install schemathesis)")
            return
        }
        // The sign-in throttle is tested on its own; here invalid credentials, sent again and again
        // on purpose, must each get their 401 rather than a wait.
        let fixture = try WebFixture {
            $0.freeFailuresPerLogin = 1_000_000
            $0.freeFailuresPerAddress = 1_000_000
        }
        let examples = ProcessInfo.processInfo.environment["CFIT_SCHEMATHESIS_EXAMPLES"] ?? "8"
        let seconds = ProcessInfo.processInfo.environment["CFIT_SCHEMATHESIS_SECONDS"] ?? "100"
        let seed = ProcessInfo.processInfo.environment["CFIT_SCHEMATHESIS_SEED"] ?? "20261205"
        // One worker: hypothesis parses lambdas' source with ast.parse, which CPython 3.11 can get
        // wrong from two threads at once ("AST constructor recursion depth mismatch").
        // As every role: an admin may call every operation; a pharmacist and a fitter are
        // refused some (403), which the document lists, so their runs leave out only the check
        // that every schema-valid request succeeds.
        let third = String(max(10, (Int(seconds) ?? 100) * 2 / 5))
        try await fixture.server.application().test(.live) { client in
            let port = try #require(client.port)
            func run(_ login: String, seconds: String, _ extra: [String]) async throws -> Run {
                try await Self.schemathesis(
                    [
                        "--config-file", Self.configuration, "run", "http://127.0.0.1:\(port)/api/v1/openapi.json",
                        "--checks", "all", "-a", "\(login):\(fixture.password)", "--max-examples", examples,
                        "--max-time", seconds, "--workers", "1", "--seed", seed, "--no-color",
                        // Twice in CI one multipart import in the coverage phase had no answer within
                        // schemathesis's default 10 s (not seen elsewhere; under investigation).
                        "--request-timeout", "30",
                    ] + extra)
            }
            let excluded = ["--exclude-checks", "positive_data_acceptance"]
            // One after another: three at once, beside the rest of the suite and the browser test,
            // starved a 2-core machine (an import's dry run timed out at 10 s).
            for (role, login, time, extra) in [
                ("admin", fixture.admin, seconds, [String]()), ("pharmacy", fixture.pharmacist, third, excluded),
                ("fitter", fixture.fitter, third, excluded),
            ] {
                let run = try await run(login, seconds: time, extra)
                let summary = run.output.range(of: "SUMMARY").map { String(run.output[$0.lowerBound...]) } ?? run.output
                #expect(run.status == 0, "schemathesis as \(role) found failures:\n\(run.output.suffix(12_000))")
                print("schemathesis as \(role):\n\(summary)")
            }
        }
    }
}
