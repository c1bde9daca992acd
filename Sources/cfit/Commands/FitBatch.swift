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
        let desk = catalog.isEmpty ? try database.desk() : nil
        let lines = try loadLines(desk)
        // The shop's guideline judges each row's ABPI; catalog files alone get the default (NICE's).
        let guideline = try desk?.guideline()
        let batch: BatchFit
        do {
            batch = try BatchFit(
                csv: text, lines: lines, unit: unit, policy: guideline?.arterialPolicy ?? .shopDefault,
                defaultStandard: guideline?.standard)
        } catch {
            throw CLIError(status: .badData, message: "--batch \(path): \(error)")
        }
        // Rows are fitted and written in chunks on every core; the output keeps the file's order.
        let chunkSize = 2_048
        let chunks = stride(from: 0, to: batch.rows.count, by: chunkSize).map {
            $0..<min($0 + chunkSize, batch.rows.count)
        }
        let json = self.json
        let stdout = FileHandle.standardOutput
        if !json { stdout.write(Data("id,line,outcome,size,length,reasons\n".utf8)) }
        var failed = 0
        // A wave of chunks at a time, so the output is written as it is made, never held whole.
        let wave = max(2, ProcessInfo.processInfo.activeProcessorCount * 2)
        for start in stride(from: 0, to: chunks.count, by: wave) {
            let range = start..<min(start + wave, chunks.count)
            let outputs = ChunkOutputs(count: range.count)
            DispatchQueue.concurrentPerform(iterations: range.count) { offset in
                var out: [UInt8] = []
                out.reserveCapacity(chunkSize * (json ? 2_048 : 128))
                var errors: [String] = []
                for row in batch.rows[chunks[range.lowerBound + offset]] {
                    switch row.flatMap({ leg in batch.fit(leg).map { (leg, $0) } }) {
                    case .success(let (leg, report)):
                        if json {
                            Self.writeJSONLine(leg, report, to: &out)
                        } else {
                            Self.writeCSVLines(leg, report, to: &out)
                        }
                    case .failure(let error):
                        errors.append("error: \(path): \(error)")
                    }
                }
                outputs.set(offset, out, errors)
            }
            for offset in range.indices {
                let (out, errors) = outputs.get(offset - range.lowerBound)
                stdout.write(Data(out))
                for line in errors { writeError(displayLine(line) + "\n") }
                failed += errors.count
            }
        }
        if failed > 0 {
            writeError("\(failed) of \(batch.rows.count) rows could not be fitted; the others were\n")
            throw ExitCode(CLIError.Status.badData.rawValue)
        }
    }

    /// `{"id": …, "results": […]}`: the results are exactly what `cfit fit --json` prints for the leg.
    static func writeJSONLine(_ leg: BatchFit.Leg, _ report: FitReport, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"id":"#.utf8)
        JSONValue.write(string: leg.id, into: &out)
        out.append(contentsOf: #","results":"#.utf8)
        FitJSON.write(report, single: false, into: &out)
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "\n"))
    }

    /// One CSV row per line: id, line, outcome, size, length, the reasons joined with "; ".
    static func writeCSVLines(_ leg: BatchFit.Leg, _ report: FitReport, to out: inout [UInt8]) {
        for fit in report.legs[0].fits {
            let fields = [
                leg.id, fit.line.id, fit.outcome.rawValue, fit.size ?? "", fit.length ?? "",
                fit.reasons.map(\.message).joined(separator: "; "),
            ]
            for (index, field) in fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: csvField(field).utf8)
            }
            out.append(UInt8(ascii: "\n"))
        }
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        guard
            text.utf8.contains(where: {
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n")
                    || $0 == UInt8(ascii: "\r")
            })
        else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}

/// Each chunk's output and errors, filled in by the workers.
private final class ChunkOutputs: @unchecked Sendable {
    private var outputs: [([UInt8], [String])]
    private let lock = NSLock()

    init(count: Int) { outputs = Array(repeating: ([], []), count: count) }

    func set(_ index: Int, _ out: [UInt8], _ errors: [String]) {
        lock.withLock { outputs[index] = (out, errors) }
    }

    func get(_ index: Int) -> ([UInt8], [String]) { lock.withLock { outputs[index] } }
}
