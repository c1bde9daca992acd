import Foundation

/// A progress bar on stderr (`importing x.json [#####-----] 3/6`), drawn only when stderr is a
/// terminal so that logs and pipes stay clean.
final class Progress {
    private let label: String
    private let enabled = isatty(STDERR_FILENO) == 1
    private var drawn = false

    init(label: String) { self.label = label }

    func update(_ done: Int, _ total: Int) {
        guard enabled, total > 0 else { return }
        let width = 24
        let filled = min(width, done * width / total)
        writeError(
            "\r\(label) [\(String(repeating: "#", count: filled))\(String(repeating: "-", count: width - filled))] \(done)/\(total)"
        )
        drawn = true
    }

    /// Ends the bar's line (once).
    func finish() {
        if drawn { writeError("\n") }
        drawn = false
    }
}
