import Crypto

/// The SHA-256 of a file's bytes, fed block by block as the file is read, from swift-crypto: an
/// import records each file's digest without holding the whole file (a 200 000-article file is
/// 18 MB) or sending it to the server to hash. Checked against PostgreSQL's own `sha256()` by the
/// tests.
struct FileDigest {
    private var hash = SHA256()

    /// The digest of `bytes` as 64 lowercase hexadecimal digits.
    static func hex(_ bytes: [UInt8]) -> String {
        var digest = FileDigest()
        digest.update(bytes)
        return digest.finalHex()
    }

    /// Adds the next bytes of the file.
    mutating func update(_ bytes: [UInt8]) {
        hash.update(data: bytes)
    }

    /// The digest of everything added, as 64 lowercase hexadecimal digits.
    func finalHex() -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in hash.finalize() {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
