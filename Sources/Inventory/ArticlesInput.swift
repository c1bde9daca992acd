import Foundation
import Synchronization

/// An articles CSV for ``Catalogs/importCatalog(json:fileName:articlesInput:dryRun:progress:)``:
/// a file on disk, read in blocks while its rows are checked and sent to the database, so a
/// 200 000-article file is never held in memory whole; or bytes already in memory.
///
/// ```swift
/// let input = ArticlesInput.file(path: "Seeds/northwind-articles.csv")
/// try catalogs.importCatalog(json: catalogBytes, fileName: "northwind.json", articlesInput: input)
/// ```
public struct ArticlesInput: Sendable {
    /// The file's name, as imports record it and messages name it.
    public let name: String
    /// Opens the input for one pass: each call returns a reader of its blocks from the start
    /// (`nil` at the end), so an import can read it again.
    let open: @Sendable () throws -> @Sendable () throws -> [UInt8]?

    /// The file at `path`, read 256 KiB at a time; named by its last path component unless
    /// `name` is given.
    public static func file(path: String, name: String? = nil) -> ArticlesInput {
        ArticlesInput(name: name ?? URL(fileURLWithPath: path).lastPathComponent) {
            let descriptor = Foundation.open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw InventoryError(
                    .unreadable, field: nil,
                    text: "articles \(path): expected a readable file, found \(String(cString: strerror(errno)))"
                )
            }
            let file = BlockReader(descriptor: descriptor, path: path)
            return { try file.next() }
        }
    }

    /// Bytes already in memory, named `name`.
    public static func bytes(_ bytes: [UInt8], name: String) -> ArticlesInput {
        ArticlesInput(name: name) {
            let once = Once(bytes)
            return { once.take() }
        }
    }
}

/// Bytes handed out once, then `nil`.
private final class Once: Sendable {
    private let bytes: Mutex<[UInt8]?>

    init(_ bytes: [UInt8]) { self.bytes = Mutex(bytes) }

    func take() -> [UInt8]? {
        bytes.withLock { bytes in
            defer { bytes = nil }
            return bytes
        }
    }
}

/// A file descriptor read in blocks, closed at the end or when dropped.
private final class BlockReader: Sendable {
    private let descriptor: Mutex<Int32>
    private let path: String
    private static let blockSize = 256 * 1024

    init(descriptor: Int32, path: String) {
        self.descriptor = Mutex(descriptor)
        self.path = path
    }

    func next() throws -> [UInt8]? {
        try descriptor.withLock { descriptor -> [UInt8]? in
            guard descriptor >= 0 else { return nil }
            var block = [UInt8](repeating: 0, count: Self.blockSize)
            while true {
                let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 { return Array(block[0..<count]) }
                if count < 0, errno == EINTR { continue }
                let failure = count < 0 ? String(cString: strerror(errno)) : nil
                close(descriptor)
                descriptor = -1
                if let failure {
                    throw InventoryError(
                        .unreadable, field: nil, text: "articles \(path): expected a readable file, found \(failure)")
                }
                return nil
            }
        }
    }

    deinit {
        descriptor.withLock { if $0 >= 0 { close($0) } }
    }
}
