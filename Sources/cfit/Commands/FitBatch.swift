import ArgumentParser
import Counter
import Dispatch
import Fitting
import Foundation

extension Fit {
    /// `cfit fit --batch FILE.csv`: every leg of a clinic's list, one run; results on stdout, one
    /// line per row (`--json`) or CSV rows per leg and line, each bad row on stderr with its row
    /// and column. Exit 65 when any row failed, after all the others were fitted.
    func runBatch(_ path: String, unit: LengthUnit) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(status: .noInput, message: "--batch: expected a readable CSV file, found '\(path)'")
        }
        let text: String
        do {
            text = try UTF8Text.decode([UInt8](data))
        } catch {
            throw CLIError(status: .badData, message: "--batch \(path): \(error)")
        }
        let lines = try loadLines(catalog.isEmpty ? try database.connect() : nil)
        let batch: BatchFit
        do {
            batch = try BatchFit(csv: text, lines: lines, unit: unit)
        } catch {
            throw CLIError(status: .badData, message: "--batch \(path): \(error)")
        }
        // Rows are fitted and written in chunks on every core; the output keeps the file's order.
        let chunkSize = 2_048
        let chunks = stride(from: 0, to: batch.rows.count, by: chunkSize).map {
            $0..<min($0 + chunkSize, batch.rows.count)
        }
        let outputs = ChunkOutputs(count: chunks.count)
        let json = self.json
        DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
            var out = ""
            var errors: [String] = []
            for row in batch.rows[chunks[index]] {
                switch row.flatMap({ leg in batch.fit(leg).map { (leg, $0) } }) {
                case .success(let (leg, report)):
                    out += json ? Self.jsonLine(leg, report) : Self.csvLines(leg, report)
                case .failure(let error):
                    errors.append("error: \(path): \(error)")
                }
            }
            outputs.set(index, out, errors)
        }
        let stdout = FileHandle.standardOutput
        if !json { stdout.write(Data("id,line,outcome,size,length,reasons\n".utf8)) }
        var failed = 0
        for index in chunks.indices {
            let (out, errors) = outputs.get(index)
            stdout.write(Data(out.utf8))
            for line in errors { writeError(displayLine(line) + "\n") }
            failed += errors.count
        }
        if failed > 0 {
            writeError("\(failed) of \(batch.rows.count) rows could not be fitted; the others were\n")
            throw ExitCode(CLIError.Status.badData.rawValue)
        }
    }

    /// `{"id": …, "results": […]}`: the results are exactly what `cfit fit --json` prints for the leg.
    static func jsonLine(_ leg: BatchFit.Leg, _ report: FitReport) -> String {
        JSONValue.object([("id", .string(leg.id)), ("results", FitJSON.value(report, single: false))]).serialized()
            + "\n"
    }

    /// One CSV row per line: id, line, outcome, size, length, the reasons joined with "; ".
    static func csvLines(_ leg: BatchFit.Leg, _ report: FitReport) -> String {
        var out = ""
        for fit in report.legs[0].fits {
            let fields = [
                leg.id, fit.line.id, fit.outcome.rawValue, fit.size ?? "", fit.length ?? "",
                fit.reasons.map(\.message).joined(separator: "; "),
            ]
            out += fields.map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}

/// Each chunk's output and errors, filled in by the workers.
private final class ChunkOutputs: @unchecked Sendable {
    private var outputs: [(String, [String])]
    private let lock = NSLock()

    init(count: Int) { outputs = Array(repeating: ("", []), count: count) }

    func set(_ index: Int, _ out: String, _ errors: [String]) {
        lock.withLock { outputs[index] = (out, errors) }
    }

    func get(_ index: Int) -> (String, [String]) { lock.withLock { outputs[index] } }
}
