import Foundation
import PostgresTestSupport
import Testing

@Suite("The README's commands")
struct ReadmeWalkthroughTests {
    /// The `cfit …` commands of the README, in order: those of the first of the two commands (after
    /// its set-up and build steps), then every line of the walkthrough's shell blocks.
    static func commands() throws -> [String] {
        let readme = try String(contentsOfFile: "\(CFit.root)/README.md", encoding: .utf8)
        let blocks = readme.components(separatedBy: "```sh\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        guard let first = blocks.first, let walkthrough = readme.range(of: "## Walkthrough") else { return [] }
        var commands = first.split(separator: "\n").filter { $0.hasPrefix(".ci/setup") }
            .flatMap { $0.components(separatedBy: " && ") }.filter { $0.hasPrefix("cfit ") }
        let after = readme[walkthrough.upperBound...]
        let walkBlocks = after.components(separatedBy: "```sh\n").dropFirst().prefix(3).map {
            $0.components(separatedBy: "```")[0]
        }
        for block in walkBlocks {
            for line in block.split(separator: "\n") where line.hasPrefix("cfit ") {
                // Drop a trailing comment (two or more spaces, then #).
                let text = String(line)
                let command =
                    text.range(of: #" {2,}#"#, options: .regularExpression).map { String(text[..<$0.lowerBound]) }
                    ?? text
                commands.append(command)
            }
        }
        return commands
    }

    @Test("every cfit command of the first command and the walkthrough runs verbatim and succeeds, in order")
    func walkthrough() throws {
        let commands = try Self.commands()
        #expect(commands.count >= 25, "found \(commands.count) commands")
        let binaryFolder = URL(fileURLWithPath: CFit.binary).deletingLastPathComponent().path
        let url = try TestDatabase.fresh()
        for command in commands {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            process.currentDirectoryURL = URL(fileURLWithPath: CFit.root)
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = "\(binaryFolder):\(environment["PATH"] ?? "/usr/bin:/bin")"
            environment["DATABASE_URL"] = url
            environment["CFIT_LOCATION"] = nil
            process.environment = environment
            let errors = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(command): \(message)")
        }
    }
}
