import Foundation
import PostgresTestSupport
import PropertyBased
import Testing

@testable import Inventory
@testable import Postgres

/// The digest an import records is computed here; it must be PostgreSQL's own `sha256()`.
@Suite("SHA-256 of import files", .ownThread)
struct FileDigestTests {
    @Test("the FIPS 180-4 examples")
    func examples() {
        #expect(FileDigest.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(FileDigest.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            FileDigest.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("random bytes of every length around the block boundaries hash as PostgreSQL hashes them")
    func sameAsServer() async throws {
        let connection = try Connection(try TestDatabase.fresh())
        await propertyCheck(count: 300, input: Gen.int(in: 0...255).array(of: 0...200)) { values in
            let bytes = values.map { UInt8($0) }
            let server = try connection.query("SELECT encode(sha256(\(ByteA(bytes))), 'hex') AS h")[0].decode(
                String.self, "h")
            #expect(FileDigest.hex(bytes) == server, "\(bytes.count) bytes")
        }
    }

    @Test("bytes added block by block, split anywhere, hash as the same bytes added at once")
    func inBlocks() async {
        await propertyCheck(
            count: 300, input: Gen.int(in: 0...255).array(of: 0...300), Gen.int(in: 1...130).array(of: 1...5)
        ) { values, sizes in
            let bytes = values.map { UInt8($0) }
            var hasher = FileDigest()
            var offset = 0
            var turn = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + sizes[turn % sizes.count])
                hasher.update(Array(bytes[offset..<end]))
                offset = end
                turn += 1
            }
            #expect(hasher.finalHex() == FileDigest.hex(bytes), "\(bytes.count) bytes in blocks of \(sizes)")
        }
    }
}
