/// Reads bytes that must be UTF-8 text (catalog and articles files), naming the byte offset of
/// the first byte that is not — a file saved as Windows-1252 or Latin-1 is refused, never read
/// with replacement characters (`beige �`).
///
/// ```swift
/// let text = try UTF8Text.decode(bytes)          // throws at the first invalid byte
/// UTF8Text.firstInvalidOffset(in: [0x62, 0xE9])  // 1
/// ```
public enum UTF8Text {
    /// Where a file stops being UTF-8.
    public struct InvalidByte: Error, Sendable, Hashable, CustomStringConvertible {
        /// The offset of the first byte that does not belong to valid UTF-8, from 0.
        public let offset: Int
        /// That byte.
        public let byte: UInt8

        /// "byte 0xE9 at byte offset 1234 (save the file as UTF-8)".
        public var found: String {
            let hex = String(byte, radix: 16, uppercase: true)
            return "byte 0x\(hex.count == 1 ? "0" : "")\(hex) at byte offset \(offset) (save the file as UTF-8)"
        }

        /// "expected UTF-8 text, found byte 0xE9 at byte offset 1234 (…)".
        public var description: String { "expected UTF-8 text, found \(found)" }
    }

    /// The text of `bytes` (a leading byte-order mark dropped), or the first invalid byte.
    public static func decode(_ bytes: [UInt8]) throws(InvalidByte) -> String {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if let offset = firstInvalidOffset(in: bytes, from: start) {
            throw InvalidByte(offset: offset, byte: bytes[offset])
        }
        return String(decoding: bytes[start...], as: UTF8.self)
    }

    /// The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong
    /// forms, no surrogates, nothing above U+10FFFF), or `nil` when all of it is.
    public static func firstInvalidOffset(in bytes: [UInt8], from start: Int = 0) -> Int? {
        bytes.withUnsafeBufferPointer { firstInvalidOffset(in: UnsafeBufferPointer(rebasing: $0[start...])) }
            .map { $0 + start }
    }

    /// The offset, within `bytes`, of the first byte that is not part of well-formed UTF-8, or
    /// `nil` when all of it is.
    public static func firstInvalidOffset(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            // The length of the sequence and the allowed range of its second byte.
            let length: Int
            var second: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                second = 0xA0...0xBF
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                second = 0x80...0x9F
            case 0xF0:
                length = 4
                second = 0x90...0xBF
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                second = 0x80...0x8F
            default: return i
            }
            for k in 1..<length {
                guard i + k < bytes.count else { return i }
                let allowed = k == 1 ? second : 0x80...0xBF
                guard allowed.contains(bytes[i + k]) else { return i }
            }
            i += length
        }
        return nil
    }
}
