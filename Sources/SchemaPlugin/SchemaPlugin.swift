import Foundation
import PackagePlugin

/// Embeds the migrations in `Schema/` and the repeatable function files in `Schema/functions/`
/// into the target as Swift source, so that a `cfit` binary copied anywhere carries its schema
/// with it.
@main
struct SchemaPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let schema = context.package.directoryURL.appending(path: "Schema")
        func sqlFiles(_ folder: URL) throws -> [URL] {
            try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "sql" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        let migrations = try sqlFiles(schema)
        let functions = try sqlFiles(schema.appending(path: "functions"))
        let files = migrations + functions
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedSchema.swift")
        return [
            .buildCommand(
                displayName:
                    "Embedding \(migrations.count) migrations and \(functions.count) function files from Schema/",
                executable: try context.tool(named: "schema-embed").url,
                arguments: [output.path] + migrations.map(\.path) + ["--functions"] + functions.map(\.path),
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
