import Counter
import Fitting
import Foundation

/// `POST /api/v1/fit`: legs fitted against the database's lines, answered with exactly the JSON
/// `cfit fit --json` prints (each ready-made result with its articles in stock).
enum FitAPI {
    /// Fits the body `{"style", "class", "unit"?, "abpi"?, "legs": {"leg"|"left"|"right": {POINT: value}}}`.
    /// The body is read as written: a measurement is a string as typed (`"36,5"`, `"13 1/2"`) or
    /// a JSON number taken from its text, never through a binary floating point.
    static func fit(_ body: [UInt8], state: WebState, login: String) async throws -> [UInt8] {
        let fit = try FitQuery(json: body)
        return try await state.withDesk(login) { try fit.run(on: $0) }
    }
}
