import ArgumentParser
import Counter
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `cfit user`: staff logins and their roles.
struct User: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add, list, disable staff logins and set their role (fitter, pharmacy, admin). Admins only.",
        discussion: """
            Each member of staff connects as themselves (their login in --database-url or PGUSER, the password \
            from ~/.pgpass or PGPASSFILE), and PostgreSQL enforces what their role may do: a fitter reads and \
            records fittings; pharmacy also receives, counts, moves, reserves, dispenses and takes back; admin \
            also imports catalogs, sets locations and minimums, and manages users.
            """,
        subcommands: [Add.self, Password.self, List.self, Disable.self, Role.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add a login. The password is asked for on the terminal (not echoed), or read from standard input; never from the command line."
        )
        @Argument(help: "The login name (lowercase letters, digits, _ . -).") var name: String
        @Option(help: ArgumentHelp("fitter, pharmacy or admin.", valueName: "ROLE")) var role: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["name": "NAME"]) {
                let password = try readPassword(for: name)
                let user = try database.desk().addUser(name, role: role, password: password)
                print(json ? try RecordJSON.render("user", user) : "user \(user.name) added as \(user.role ?? role)")
            }
        }
    }

    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Set a login's password (an admin's, or your own). Asked for on the terminal (not echoed), or read from standard input."
        )
        @Argument(help: "The login.") var name: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["name": "NAME"]) {
                let password = try readPassword(for: name)
                let user = try database.desk().setPassword(name, password: password)
                print(json ? try RecordJSON.render("user", user) : "password set for \(user.name)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List staff logins and their roles.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let users = try database.desk().users()
                if json {
                    print(try RecordJSON.render(nil, users))
                    return
                }
                var rows = [["user", "role", "login"]]
                for user in users { rows.append([user.name, user.role ?? "-", user.canLogin ? "yes" : "disabled"]) }
                print(users.isEmpty ? "no staff logins yet: cfit user add NAME --role ROLE" : textTable(rows))
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop a login from connecting (its records keep its name).")
        @Argument(help: "The login name.") var name: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["name": "NAME"]) {
                let user = try database.desk().disableUser(name)
                print(json ? try RecordJSON.render("user", user) : "user \(user.name) disabled")
            }
        }
    }

    struct Role: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a login another role.")
        @Argument(help: "The login name.") var name: String
        @Argument(help: "fitter, pharmacy or admin.") var role: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["name": "NAME", "role": "ROLE"]) {
                let user = try database.desk().setRole(name, role: role)
                print(json ? try RecordJSON.render("user", user) : "user \(user.name) is now \(user.role ?? role)")
            }
        }
    }
}

/// A new password: asked twice on the terminal with echo off, or the first line of standard input
/// when it is not a terminal. Never printed, never logged.
func readPassword(for name: String) throws -> String {
    guard isatty(STDIN_FILENO) == 1 else {
        guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
            throw CLIError.badInput(
                "password", expected: "a password on the first line of standard input", found: "none")
        }
        return line
    }
    let first = try readHidden("password for \(name): ")
    let second = try readHidden("again: ")
    guard first == second else {
        throw CLIError.badInput("password", expected: "the same password twice", found: "two different ones")
    }
    guard !first.isEmpty else { throw CLIError.badInput("password", expected: "a password", found: "an empty one") }
    return first
}

/// Reads a line from the terminal with echo switched off, prompting on stderr.
private func readHidden(_ prompt: String) throws -> String {
    writeError(prompt)
    var saved = termios()
    tcgetattr(STDIN_FILENO, &saved)
    var quiet = saved
    quiet.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
    defer {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
        writeError("\n")
    }
    return Swift.readLine(strippingNewline: true) ?? ""
}
