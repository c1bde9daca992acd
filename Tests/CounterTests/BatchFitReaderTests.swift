import Counter
import Fitting
import Foundation
import PostgresTestSupport
import PropertyBased
import Testing

/// The batch reader: every measurement written comes back exactly, empty cells stay unmeasured,
/// and any damage to a list gives located row errors, never a crash.
@Suite("Reading a clinic's list", .ownThread)
struct BatchFitReaderTests {
    static let lines: [ProductLine] = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/spec-catalog.json").path
        let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        return (try? CatalogDecoder().decode(bytes).lines) ?? []
    }()
    static let points: [MeasurementPoint] = [.cB, .cC, .cD, .cG, .lD]

    @Test("values written in tenths, some cells empty, read back exactly")
    func roundTrip() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...3_000).array(of: 5).array(of: 1...20)) { table in
            var csv = "id,style,class," + Self.points.map(\.rawValue).joined(separator: ",") + "\n"
            for (index, values) in table.enumerated() {
                let cells = values.map { $0 % 7 == 0 ? "" : "\($0 / 10 + 1).\($0 % 10)" }
                csv += "row-\(index),AD,2," + cells.joined(separator: ",") + "\n"
            }
            guard let batch = try? BatchFit(csv: csv, lines: Self.lines, unit: .cm) else {
                Issue.record("the header was refused")
                return
            }
            #expect(batch.rows.count == table.count)
            for (values, row) in zip(table, batch.rows) {
                guard case .success(let leg) = row else {
                    Issue.record("row refused: \(row)")
                    continue
                }
                for (point, value) in zip(Self.points, values) {
                    let expected =
                        value % 7 == 0
                        ? nil : Length(micrometres: Int64(value / 10 + 1) * 10_000 + Int64(value % 10) * 1_000)
                    #expect(leg.measurements[point] == expected)
                }
            }
        }
    }

    @Test("a damaged list reads as rows or as located errors, never a crash")
    func damaged() async {
        let good = "id,style,class,line,cB,cC,cD,lD\na,AD,2,,22,36.5,34,41\nb,AD,2,northwind-classic,21,40,34,41\n"
        await propertyCheck(count: 1_000, input: Gen.int(in: 0...1_000_000).array(of: 3...18)) { numbers in
            var bytes = Array(good.utf8)
            for index in stride(from: 0, to: numbers.count - 2, by: 3) where !bytes.isEmpty {
                let at = numbers[index + 1] % bytes.count
                switch numbers[index] % 3 {
                case 0: bytes[at] = UInt8(numbers[index + 2] % 128)
                case 1: bytes.insert(UInt8(numbers[index + 2] % 128), at: at)
                default: bytes.remove(at: at)
                }
            }
            do {
                let batch = try BatchFit(csv: String(decoding: bytes, as: UTF8.self), lines: Self.lines, unit: .cm)
                for case .failure(let error) in batch.rows {
                    #expect(error.row >= 2 && !error.column.isEmpty, "\(error)")
                }
                for case .success(let leg) in batch.rows {
                    if case .failure(let error) = batch.fit(leg) { #expect(!error.column.isEmpty) }
                }
            } catch let error as BatchFit.RowError {
                #expect(error.row >= 1 && !error.column.isEmpty, "\(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}
