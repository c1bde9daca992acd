import Crypto
import Foundation

/// Checks a password against a PostgreSQL SCRAM-SHA-256 verifier (RFC 5802 / RFC 7677, as
/// PostgreSQL stores it: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`), so that
/// `cfit serve` lets no one in without the right password whatever the server's `pg_hba.conf`
/// allows — the embedded default trusts its socket.
///
/// ```swift
/// PasswordCheck.matches(password: "correct horse", verifier: stored)   // true or false
/// ```
public enum PasswordCheck {
    /// A verifier's parts.
    struct Verifier: Sendable {
        let iterations: Int
        let salt: [UInt8]
        let storedKey: [UInt8]
    }

    /// Whether `password` is the one `verifier` was made from. A verifier that is not SCRAM-SHA-256
    /// matches nothing.
    public static func matches(password: String, verifier: String) -> Bool {
        guard let parsed = parse(verifier) else { return false }
        // libpq prepares the password with SASLprep when it can, and uses it as typed when it
        // cannot; either form of what was typed is the person's password.
        for candidate in candidates(password)
        where constantTimeEqual(storedKey(candidate, parsed), parsed.storedKey) {
            return true
        }
        return false
    }

    /// A verifier of a random password, salt and keys, `iterations` deep: checking a password
    /// against it costs what checking a real one costs, and nothing matches it.
    public static func decoyVerifier(iterations: Int) -> String {
        func random(_ count: Int) -> String {
            Data(SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Array($0) })
                .base64EncodedString()
        }
        return "SCRAM-SHA-256$\(iterations):\(random(16))$\(random(32)):\(random(32))"
    }

    /// The iteration count of a SCRAM-SHA-256 verifier; `nil` for anything else.
    public static func iterations(of verifier: String) -> Int? { parse(verifier)?.iterations }

    static func parse(_ verifier: String) -> Verifier? {
        let parts = verifier.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "SCRAM-SHA-256" else { return nil }
        let first = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        let second = parts[2].split(separator: ":", omittingEmptySubsequences: false)
        guard first.count == 2, second.count == 2, let iterations = Int(first[0]),
            (1...10_000_000).contains(iterations),
            let salt = Data(base64Encoded: String(first[1])), let storedKey = Data(base64Encoded: String(second[0])),
            storedKey.count == 32
        else { return nil }
        return Verifier(iterations: iterations, salt: [UInt8](salt), storedKey: [UInt8](storedKey))
    }

    /// StoredKey = H(HMAC(SaltedPassword, "Client Key")), SaltedPassword = PBKDF2-HMAC-SHA-256.
    static func storedKey(_ password: [UInt8], _ verifier: Verifier) -> [UInt8] {
        let key = SymmetricKey(data: password)
        var block = Array(HMAC<SHA256>.authenticationCode(for: verifier.salt + [0, 0, 0, 1], using: key))
        var salted = block
        for _ in 1..<verifier.iterations {
            block = Array(HMAC<SHA256>.authenticationCode(for: block, using: key))
            for index in 0..<salted.count { salted[index] ^= block[index] }
        }
        let clientKey = HMAC<SHA256>.authenticationCode(
            for: Array("Client Key".utf8), using: SymmetricKey(data: salted))
        return Array(SHA256.hash(data: Array(clientKey)))
    }

    /// The password as SASLprep (RFC 4013) would prepare it, then as typed.
    static func candidates(_ password: String) -> [[UInt8]] {
        let typed = Array(password.utf8)
        guard typed.contains(where: { $0 >= 0x80 }) else { return [typed] }
        var mapped = String.UnicodeScalarView()
        for scalar in password.unicodeScalars {
            switch scalar.value {
            // Non-ASCII spaces are a space.
            case 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: mapped.append(" ")
            // "Commonly mapped to nothing".
            case 0xAD, 0x34F, 0x1806, 0x180B...0x180D, 0x200B...0x200D, 0x2060, 0xFE00...0xFE0F, 0xFEFF: continue
            default: mapped.append(scalar)
            }
        }
        let prepared = Array(String(mapped).precomposedStringWithCompatibilityMapping.utf8)
        return prepared == typed ? [typed] : [prepared, typed]
    }

    /// Whether `a` and `b` are equal, in a time that does not depend on where they differ (for
    /// secrets: tokens, keys).
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
