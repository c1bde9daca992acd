import Foundation
public import SyntheticData

extension SyntheticCatalog {
    /// Writes the catalog file and its articles CSV into `directory` as `NAME.json` and
    /// `NAME-articles.csv`, streaming the rows; returns both paths.
    public func write(in directory: String, name: String) throws -> (catalog: String, articles: String) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let catalogPath = "\(directory)/\(name).json"
        let articlesPath = "\(directory)/\(name)-articles.csv"
        try Data(json.utf8).write(to: URL(fileURLWithPath: catalogPath))
        guard FileManager.default.createFile(atPath: articlesPath, contents: nil),
            let handle = FileHandle(forWritingAtPath: articlesPath)
        else { throw CocoaError(.fileWriteUnknown) }
        defer { try? handle.close() }
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        try forEachArticleRow { row in
            buffer += row
            buffer += "\n"
            if buffer.utf8.count >= 1 << 20 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
        return (catalogPath, articlesPath)
    }
}
