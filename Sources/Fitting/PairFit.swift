/// The verdict for both legs on one line: one pair, two single garments, or made to measure.
///
/// Legs differ; a shop sells pairs. When both legs fit a common size and length, that is the pair to
/// hand over even if each leg alone would prefer another size. Tights are one garment, so legs that
/// share no size need a made-to-measure pair.
///
/// ```swift
/// let pair = try PairFit(left: leftLeg, right: rightLeg, line: line, request: request)
/// switch pair.verdict {
/// case .pair(let size, let length): print("one pair, \(size) \(length)")
/// case .singles: print("two single garments")
/// case .madeToMeasure(let sides): print("made to measure:", sides)
/// }
/// ```
public struct PairFit: Hashable, Sendable {
    /// What to order for the two legs.
    public enum Verdict: Hashable, Sendable {
        /// One pair of this size and length fits both legs.
        case pair(size: String, length: String)
        /// Each leg fits a ready-made garment, but not the same one: order two single garments.
        case singles(left: FitCandidate, right: FitCandidate)
        /// These legs need made-to-measure garments (for tights: always both).
        case madeToMeasure(sides: [Side])
    }

    /// The left leg's own fit.
    public let left: LineFit
    /// The right leg's own fit.
    public let right: LineFit
    /// What to order.
    public let verdict: Verdict

    /// Fits both legs to `line` and decides what to order.
    public init(left: LegMeasurements, right: LegMeasurements, line: ProductLine, request: FitRequest) throws(FitError)
    {
        self.left = try FitEngine.fit(left, line: line, request: request)
        self.right = try FitEngine.fit(right, line: line, request: request)
        self.verdict = Self.decide(self.left, self.right)
    }

    /// The verdict in one sentence, for tables and notes.
    public var summary: String {
        switch verdict {
        case .pair(let size, let length):
            return "one pair: size \(size), \(length)"
        case .singles(let l, let r):
            return "legs differ: order single garments, left \(l.size) \(l.length), right \(r.size) \(r.length)"
        case .madeToMeasure(let sides):
            if left.style == .AT && sides.count == 2 && left.outcome == .standard && right.outcome == .standard {
                return "made to measure: the legs share no ready-made size, and tights are one garment"
            }
            return "made to measure: " + sides.map { "\($0.rawValue) leg" }.joined(separator: " and ")
        }
    }

    static func decide(_ left: LineFit, _ right: LineFit) -> Verdict {
        let failing = [(Side.left, left), (Side.right, right)].filter { $0.1.outcome == .madeToMeasure }.map(\.0)
        if !failing.isEmpty {
            return .madeToMeasure(sides: left.style == .AT ? [.left, .right] : failing)
        }
        // The common size whose worse leg has the largest margin; the smaller size on a tie.
        var best: (size: String, length: String, margin: Margin)?
        for l in left.candidates {
            guard let r = right.candidates.first(where: { $0.size == l.size && $0.length == l.length }) else {
                continue
            }
            let worse = min(l.margin, r.margin)
            if best == nil || worse > best!.margin { best = (l.size, l.length, worse) }
        }
        if let best { return .pair(size: best.size, length: best.length) }
        if left.style == .AT { return .madeToMeasure(sides: [.left, .right]) }
        return .singles(left: left.candidates[0], right: right.candidates[0])
    }
}
