import Foundation
import PostgresTestSupport
import Testing

@Suite("The README's commands", .ownThread)
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
        try Self.runInOrder(commands, on: try TestDatabase.fresh())
    }

    /// Runs each shell line from the package root with the built `cfit` first on the PATH and
    /// `DATABASE_URL` set to `url`, expecting each to succeed.
    static func runInOrder(_ commands: [String], on url: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let binaryFolder = URL(fileURLWithPath: CFit.binary).deletingLastPathComponent().path
        for command in commands {
            let process = try ChildProcess(
                "/bin/sh", ["-c", command],
                environment: [
                    "PATH": "\(binaryFolder):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")",
                    "DATABASE_URL": url,
                ], unset: ["CFIT_LOCATION"], stdout: .discarded, directory: CFit.root)
            let status = process.waitBlocking()
            let message = process.stderr
            #expect(status == 0, "\(command): \(message)", sourceLocation: sourceLocation)
        }
    }

    /// The commands of "Setting up a real shop" (docs/shop-and-chain.md, linked from the README), in order.
    static func shopCommands() throws -> [String] {
        let readme = try String(contentsOfFile: "\(CFit.root)/docs/shop-and-chain.md", encoding: .utf8)
        guard let section = readme.range(of: "## Setting up a real shop") else { return [] }
        let block =
            readme[section.upperBound...].components(separatedBy: "```sh\n").dropFirst().first?
            .components(separatedBy: "```")[0] ?? ""
        return block.split(separator: "\n").map(String.init).filter { $0.hasPrefix("cfit ") || $0.hasPrefix("printf ") }
            .map {
                text in
                text.range(of: #" {2,}#"#, options: .regularExpression).map { String(text[..<$0.lowerBound]) } ?? text
            }
    }

    @Test("setting up a real shop on an empty database runs verbatim, with no samples")
    func realShop() throws {
        let commands = try Self.shopCommands()
        #expect(commands.count >= 20, "found \(commands.count) commands")
        let url = try TestDatabase.fresh()
        // Logins are cluster-wide: let this run's names be its own.
        let suffix = "\(getpid())"
        try Self.runInOrder(
            commands.map { $0.replacingOccurrences(of: " --role ", with: "\(suffix) --role ") }, on: url)
        let check = try CFit.run(["lot", "show", "L2611A", "--json"], environment: ["DATABASE_URL": url])
        let lot = (CFit.json(check) as? [String: Any])?["lot"] as? [String: Any]
        #expect(lot?["status"] as? String == "recalled")
        #expect((lot?["dispenses"] as? [[String: Any]])?.first?["patient"] as? String == "P-2001")
    }
}
