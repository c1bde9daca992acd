public import Fitting
public import Foundation
public import Inventory

/// How and when the legs were measured and what the contraindication checklist found, read the
/// same on every face (issue 20; compression.md §5), with the warnings they call for.
///
/// ```swift
/// let conditions = try MeasurementConditions(
///     measuredAt: "15:10", posture: "standing", pointsMarked: "yes", afterBandages: nil, legsRaised: "no",
///     footLength: nil, contraindications: "neuropathy", unit: .cm)
/// conditions.warnings   // ["measured at 15:10, after midday, without the legs raised first: …", "neuropathy …"]
/// ```
public struct MeasurementConditions: Sendable, Hashable {
    /// What is recorded with the fitting.
    public var recorded: FittingConditions
    /// The hour and minute the legs were measured, when known.
    public var timeOfDay: (hour: Int, minute: Int)? {
        guard let measuredAt = recorded.measuredAt else { return nil }
        let parts = Calendar.current.dateComponents([.hour, .minute], from: measuredAt)
        return (parts.hour ?? 0, parts.minute ?? 0)
    }

    /// Nothing said.
    public static let none = MeasurementConditions(recorded: FittingConditions())

    /// Conditions already read.
    public init(recorded: FittingConditions) {
        self.recorded = recorded
    }

    /// The postures a fitter records.
    public static let postures = ["standing", "seated", "lying", "mixed"]

    /// Reads each condition as typed, each named by its field (blank or absent: not said).
    /// `measuredAt` is a time of day today (`09:30`), in the counter's time zone; when not said
    /// and `recording`, it is `now`. `contraindications` is a list of codes separated by commas.
    public init(
        measuredAt: String?, posture: String?, pointsMarked: String?, afterBandages: String?, legsRaised: String?,
        footLength: String?, contraindications: String?, unit: LengthUnit, recording: Bool = false,
        now: Date = Date()
    ) throws(CounterError) {
        func given(_ text: String?) -> String? {
            guard let text, Input.hasContent(text) else { return nil }
            return text.trimmingWhitespace()
        }
        func yesNo(_ text: String?, _ field: String) throws(CounterError) -> Bool? {
            guard let typed = given(text) else { return nil }
            switch typed.lowercased() {
            case "yes", "true": return true
            case "no", "false": return false
            default: throw .badInput(field, expected: "yes or no", typed: typed)
            }
        }
        var recorded = FittingConditions()
        if let typed = given(measuredAt) {
            let parts = typed.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2, let hour = Int(parts[0]),
                let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute),
                let at = Calendar.current.date(bySettingHour: hour, minute: minute, second: 0, of: now)
            else {
                throw .badInput("measured_at", expected: "a time of day today such as 09:30", typed: typed)
            }
            recorded.measuredAt = at
        } else if recording {
            recorded.measuredAt = now
        }
        if let typed = given(posture) {
            guard Self.postures.contains(typed) else {
                throw .badInput("posture", expected: "standing, seated, lying or mixed", typed: typed)
            }
            recorded.posture = typed
        }
        recorded.pointsMarked = try yesNo(pointsMarked, "points_marked")
        recorded.afterBandages = try yesNo(afterBandages, "after_bandages")
        recorded.legsRaised = try yesNo(legsRaised, "legs_raised")
        if let typed = given(footLength) {
            let length: Length
            do {
                length = try Length.parseTape(typed, unit: unit)
            } catch {
                throw .badInput(
                    "foot_length", expected: "a length in \(unit.rawValue) (heel to longest toe)", typed: typed)
            }
            guard length.micrometres >= 100_000, length.micrometres <= 400_000 else {
                throw .badInput(
                    "foot_length", expected: "a foot's length, 10 to 40 cm (heel to longest toe)", typed: typed)
            }
            recorded.footLength = length
        }
        var found: [Contraindication] = []
        for code in (given(contraindications) ?? "").split(separator: ",") {
            let typed = code.trimmingWhitespace()
            guard !typed.isEmpty else { continue }
            guard let known = Contraindication(rawValue: typed) else {
                throw .badInput(
                    "contraindications",
                    expected: "codes among \(Contraindication.allCases.map(\.rawValue).joined(separator: ", "))",
                    typed: typed)
            }
            if !found.contains(known) { found.append(known) }
        }
        recorded.contraindications = found
        self.recorded = recorded
    }

    /// `09:05`.
    static func clock(_ hour: Int, _ minute: Int) -> String {
        (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    /// Refuses an absolute contraindication, naming it and the source: the first thing checked.
    public func check() throws(CounterError) {
        let absolute = recorded.contraindications.filter(\.isAbsolute)
        guard !absolute.isEmpty else { return }
        throw .refused(
            "contraindications",
            "\(absolute.map(\.words).joined(separator: " and ")) is an absolute contraindication to compression: do not compress; refer (\(Contraindication.source))"
        )
    }

    /// What the person fitting should know: a relative contraindication asks for a specialist's
    /// confirmation; a leg measured after midday without being raised first is probably swollen;
    /// unmarked points measure less reproducibly.
    public var warnings: [String] {
        var warnings: [String] = []
        for found in recorded.contraindications where !found.isAbsolute {
            warnings.append(
                "\(found.words) is a relative contraindication: compress only with a specialist's confirmation, recorded with the fitting (\(Contraindication.source))"
            )
        }
        if let (hour, minute) = timeOfDay, hour >= 12, recorded.legsRaised != true, recorded.afterBandages != true {
            warnings.append(
                "measured at \(Self.clock(hour, minute)), after midday, without the legs raised first: a leg swells during the day, which gives a larger size and too little pressure; measure in the morning, right after bandages come off, or after 15 minutes with the legs raised"
            )
        }
        if recorded.pointsMarked == false {
            warnings.append(
                "the points were not marked on the skin: ankle measurements by two people agree within 0.6 cm about two times in three unmarked, 96 % of the time marked"
            )
        }
        return warnings
    }
}

extension FittingRecord {
    /// What a recorded fitting says of safety, in a few lines every face shows the same: each leg's
    /// ABPI and the policy that judged it, how and when the legs were measured, the checklist's
    /// findings, and who confirmed compression.
    public var safetyLines: [String] {
        var lines: [String] = []
        let indices = [("left", abpiLeft), ("right", abpiRight)].compactMap { side, index -> String? in
            let measured = [("ankle", pressures["ankle_\(side)"]), ("toe", pressures["toe_\(side)"])].compactMap {
                name, value in value.map { "\(name) \($0) mmHg" }
            }
            guard index != nil || !measured.isEmpty else { return nil }
            return "\(side) ABPI \(index ?? "not measured")"
                + (measured.isEmpty ? "" : " (\(measured.joined(separator: ", ")))")
        }
        lines.append(
            indices.isEmpty
                ? "arterial: no ABPI recorded"
                : "arterial: \(indices.joined(separator: ", "))\(arterialPolicy.map { " (policy \($0.rawValue))" } ?? "")"
        )
        var how: [String] = []
        if let measuredAt {
            let parts = Calendar.current.dateComponents([.hour, .minute], from: measuredAt)
            how.append("at " + MeasurementConditions.clock(parts.hour ?? 0, parts.minute ?? 0))
        }
        if let posture { how.append(posture) }
        if let pointsMarked { how.append(pointsMarked ? "points marked" : "points not marked") }
        if let afterBandages { how.append(afterBandages ? "bandages just off" : "not after bandages") }
        if let legsRaised { how.append(legsRaised ? "legs raised first" : "legs not raised first") }
        if let footLength { how.append("foot length \(footLength) \(unit)") }
        lines.append("measured: " + (how.isEmpty ? "conditions not recorded" : how.joined(separator: ", ")))
        lines.append(
            "contraindications: "
                + (contraindications.isEmpty
                    ? "none found" : contraindications.map { "\($0.words) (relative)" }.joined(separator: ", ")))
        if let confirmedBy { lines.append("compression confirmed by \(confirmedBy)") }
        return lines
    }
}
