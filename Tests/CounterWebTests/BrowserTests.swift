import Foundation
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import Testing

@testable import CounterWeb

/// The counter flow in headless Chromium, driven through WebDriver by Tests/Browser/counter_flow.py
/// (Selenium): a fitter and a pharmacist sign in, fit, reserve, hand over and scan a box in. CI
/// installs Chromium, its driver and Selenium (.ci/setup) and always runs it; elsewhere it runs
/// when they are installed. `CFIT_SCREENSHOTS=DIR` keeps the screenshots (the README's come from it).
@Suite("cfit serve in a browser")
struct BrowserTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Browser/counter_flow.py").path

    static var toolsInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
            && (try? run("/usr/bin/env", ["python3", "-c", "import selenium"]).status) == 0
    }

    /// Runs a program to its end; its output goes to a file, never a pipe a browser it starts could hold.
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let log = NSTemporaryDirectory() + "cfit-browser-\(UUID().uuidString.prefix(8)).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = try ChildProcess(program, arguments, stdout: .file(log), stderr: .file(log))
        let status = process.waitBlocking()
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    @Test(
        "a fitter, a pharmacist and an admin in headless Chromium: fit, reserve, hand over, scan in, recall, a new patient and prescription, what is due, the admin desk",
        .enabled(if: ProcessInfo.processInfo.environment["CI"] != nil || BrowserTests.toolsInstalled))
    func counterFlow() async throws {
        let fixture = try WebFixture()
        let admin = try Connection(fixture.url)
        let gtin = try admin.query("SELECT gtin14 FROM article WHERE sku = 'NW-CL-AD2-I-R-C-BE'")[0].decode(
            String.self, "gtin14")
        admin.close()
        let shots =
            ProcessInfo.processInfo.environment["CFIT_SCREENSHOTS"]
            ?? NSTemporaryDirectory() + "cfit-screens-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
        let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Seeds/northwind.json").path
        try await fixture.server.application().test(.live) { client in
            let port = try #require(client.port)
            let arguments = [
                "python3", Self.script, "http://127.0.0.1:\(port)", fixture.fitter, fixture.pharmacist,
                fixture.admin, fixture.password, gtin, shots, catalog,
            ]
            // The browser waits on this server: run it off the test's own threads.
            let result = try await withCheckedThrowingContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(with: Result { try Self.run("/usr/bin/env", arguments) })
                }
            }
            #expect(result.status == 0, "\(result.output)")
        }
        #expect(FileManager.default.fileExists(atPath: "\(shots)/fit.png"))
        #expect(FileManager.default.fileExists(atPath: "\(shots)/stock.png"))
        for page in [
            "stocktake-sheet", "stocktake-posted", "patient-contact", "recall-contacts-empty", "reserve-confirm",
        ] {
            #expect(FileManager.default.fileExists(atPath: "\(shots)/\(page).png"), "\(page)")
        }
        for outcome in ["made-to-measure", "both-legs", "refused", "no-line"] {
            #expect(FileManager.default.fileExists(atPath: "\(shots)/fit-\(outcome).png"), "\(outcome)")
        }
    }
}
