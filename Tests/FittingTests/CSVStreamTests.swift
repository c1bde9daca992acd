import PropertyBased
import Testing

@testable import Fitting

/// A file read in blocks must give exactly the rows, lines and errors of the same file read whole,
/// wherever the blocks happen to split it (inside a quoted field, between CR and LF, inside a
/// multi-byte character, inside the byte-order mark).
@Suite("CSV read in blocks")
struct CSVStreamTests {
    /// The rows of `bytes` read through a stream whose blocks are `sizes` long in turn.
    static func streamed(_ bytes: [UInt8], sizes: [Int]) -> Result<[CSVReader.Row], CSVReader.Stream.Failure> {
        var offset = 0
        var turn = 0
        var stream = CSVReader.Stream {
            guard offset < bytes.count else { return nil }
            let size = max(1, sizes.isEmpty ? bytes.count : sizes[turn % sizes.count])
            turn += 1
            let block = Array(bytes[offset..<min(bytes.count, offset + size)])
            offset += block.count
            return block
        }
        var rows: [CSVReader.Row] = []
        do throws(CSVReader.Stream.Failure) {
            while let row = try stream.next() { rows.append(row) }
        } catch {
            return .failure(error)
        }
        return .success(rows)
    }

    static let piece = Gen.element(of: [
        "a", "b", ",", "\"", "\"\"", "\n", "\r\n", "\r", " ", "é", "€", "1", "\u{FEFF}", "x,\"y\nz\"",
    ]).map { $0! }

    @Test("any text, split anywhere, gives the rows (or the error) of the whole text")
    func sameAsWhole() async {
        await propertyCheck(count: 500, input: Self.piece.array(of: 0...30), Gen.int(in: 1...9).array(of: 1...4)) {
            pieces, sizes in
            let text = pieces.joined()
            let whole = Result { () throws(CSVReader.SyntaxError) in try CSVReader.rows(text) }
            let streamed = Self.streamed(Array(text.utf8), sizes: sizes)
            switch (whole, streamed) {
            case (.success(let expected), .success(let rows)):
                #expect(rows == expected, "\(text.debugDescription) in blocks of \(sizes)")
            case (.failure(let expected), .failure(.syntax(let error))):
                #expect(error == expected, "\(text.debugDescription) in blocks of \(sizes)")
            default:
                Issue.record("\(text.debugDescription) in blocks of \(sizes): \(whole) whole, \(streamed) streamed")
            }
        }
    }

    @Test("a byte-order mark split across blocks is still skipped")
    func byteOrderMark() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("sku,gtin\nA,1\n".utf8)
        for size in 1...4 {
            let rows = try? Self.streamed(bytes, sizes: [size]).get()
            #expect(rows?.map(\.fields) == [["sku", "gtin"], ["A", "1"]], "blocks of \(size)")
        }
    }

    @Test("a byte that is not UTF-8 is named by its offset in the file, whatever the blocks")
    func invalidByte() async {
        await propertyCheck(input: Self.piece.array(of: 0...20), Gen.int(in: 1...9), Gen.int(in: 0...100)) {
            pieces, size, at in
            var bytes = Array(pieces.joined().utf8)
            guard (try? CSVReader.rows(pieces.joined())) != nil else { return }
            let position = bytes.isEmpty ? 0 : at % (bytes.count + 1)
            bytes.insert(0xE9, at: position)  // Latin-1 é
            let expected = UTF8Text.firstInvalidOffset(in: bytes)!
            switch Self.streamed(bytes, sizes: [size]) {
            case .failure(.encoding(let invalid)):
                #expect(invalid.offset == expected && invalid.byte == bytes[expected])
            case .failure(.syntax):
                // 0xE9 cannot make a syntax error by itself; an error must come from the text around it.
                #expect(Bool(false), "\(bytes) gave a syntax error")
            default:
                Issue.record("\(bytes) in blocks of \(size): the invalid byte was not found")
            }
        }
    }
}
