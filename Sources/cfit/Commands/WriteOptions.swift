import ArgumentParser
import Foundation

/// Options every write takes.
struct WriteOptions: ParsableArguments {
    @Option(
        name: .customLong("idempotency-key"),
        help: ArgumentHelp(
            "A key for this write: the same key again returns the first result and posts nothing.", valueName: "K")
    )
    var idempotencyKey: String?

    /// The key given, or a new random one.
    var key: String { idempotencyKey ?? UUID().uuidString.lowercased() }
}
