/// A standard that defines compression classes by the pressure at the ankle (point cB).
///
/// A class is never a bare number: "class 2" is 23–32 mmHg under RAL and 18–24 mmHg under BS, and
/// the standards test pressure differently, so comparisons across standards are only approximate.
///
/// ```swift
/// PressureStandard.RAL.classes.map(\.label)   // ["1", "2", "3", "4"]
/// PressureStandard(parsing: "afnor")          // .AFNOR
/// ```
public enum PressureStandard: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    /// RAL-GZ 387/1 (Germany, 2008); gaps between classes.
    case RAL
    /// BS 6612 / UK Drug Tariff.
    case BS
    /// AFNOR NF G30-102 (France).
    case AFNOR
    /// CEN ENV 12718, the withdrawn European pre-standard.
    case ENV
    /// The US convention with no formal standard: the label is the range itself.
    case US

    /// Reads a standard's name, ignoring case (`ral`, `RAL`).
    public init?(parsing text: some StringProtocol) {
        guard let standard = PressureStandard(rawValue: text.uppercased()) else { return nil }
        self = standard
    }

    /// The classes of this standard, lowest pressure first.
    public var classes: [PressureClass] {
        switch self {
        case .RAL:
            [
                PressureClass(self, "1", from: 180, to: 210),
                PressureClass(self, "2", from: 230, to: 320),
                PressureClass(self, "3", from: 340, to: 460),
                PressureClass(self, "4", from: 490, to: nil),
            ]
        case .BS:
            [
                PressureClass(self, "1", from: 140, to: 170),
                PressureClass(self, "2", from: 180, to: 240),
                PressureClass(self, "3", from: 250, to: 350),
            ]
        case .AFNOR:
            [
                PressureClass(self, "1", from: 100, to: 150),
                PressureClass(self, "2", from: 151, to: 200),
                PressureClass(self, "3", from: 201, to: 360),
                PressureClass(self, "4", from: 360, to: nil, lowerExclusive: true),
            ]
        case .ENV:
            [
                PressureClass(self, "A", from: 100, to: 140),
                PressureClass(self, "I", from: 150, to: 210),
                PressureClass(self, "II", from: 230, to: 320),
                PressureClass(self, "III", from: 340, to: 460),
                PressureClass(self, "IV", from: 490, to: nil, lowerExclusive: true),
            ]
        case .US:
            [
                PressureClass(self, "8-15", from: 80, to: 150),
                PressureClass(self, "15-20", from: 150, to: 200),
                PressureClass(self, "20-30", from: 200, to: 300),
                PressureClass(self, "30-40", from: 300, to: 400),
                PressureClass(self, "40-50", from: 400, to: 500),
            ]
        }
    }

    /// The class with `label` in this standard, if there is one (`"ii"` finds ENV's `"II"`).
    public func pressureClass(_ label: some StringProtocol) -> PressureClass? {
        let wanted = label.uppercased()
        return classes.first { $0.label.uppercased() == wanted }
    }

    /// The standard's full name.
    public var description: String {
        switch self {
        case .RAL: "RAL-GZ 387/1"
        case .BS: "BS 6612"
        case .AFNOR: "AFNOR NF G30-102"
        case .ENV: "CEN ENV 12718"
        case .US: "US"
        }
    }
}
