import Fitting
import Foundation

/// Loads catalog files named on the command line, refusing any broken one as a whole.
enum CatalogFiles {
    /// Every line of every file, in file order; line ids must be unique across the files.
    static func load(_ paths: [String]) throws -> [ProductLine] {
        var lines: [ProductLine] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIError(status: .noInput, message: "--catalog: expected a readable file, found \(quoted(path))")
            }
            let catalog: Catalog
            do {
                catalog = try CatalogDecoder().decode([UInt8](data))
            } catch {
                throw CLIError(
                    status: .badData,
                    message: "catalog \(path): \(error.issues[0])",
                    details: error.issues.dropFirst().map(\.description)
                )
            }
            for line in catalog.lines {
                if lines.contains(where: { $0.id == line.id }) {
                    throw CLIError(
                        status: .badData,
                        message:
                            "catalog \(path): line \"\(line.id)\", key \"id\": expected an id not used by another catalog, found it twice"
                    )
                }
                lines.append(line)
            }
        }
        return lines
    }
}
