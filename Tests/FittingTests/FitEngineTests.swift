import Fitting
import Testing

@Suite("The fit engine, rule by rule (catalog format §3)")
struct FitEngineTests {
    let line: ProductLine
    init() throws { line = try specLine() }

    func fit(_ leg: LegMeasurements, style: Style = .AD, tolerance: Length = Length(micrometres: 0)) throws -> LineFit {
        try FitEngine.fit(leg, line: line, request: FitRequest(style: style, pressureClass: ral2, tolerance: tolerance))
    }

    @Test("the spec's example leg gets size II regular, with III as the second candidate")
    func specExample() throws {
        let result = try fit(leg([.cB: 22, .cC: 36.5, .cD: 34, .lD: 41]))
        #expect(result.outcome == .standard)
        #expect(result.size == "II")
        #expect(result.length == "regular")
        #expect(result.candidates.map(\.size) == ["II", "III"])
        #expect(result.points.map(\.point) == [.cB, .cC, .cD, .lD])
        #expect(result.points[0].margin == Margin(numerator: 0, denominator: 1))
        #expect(result.reasons.isEmpty)
    }

    @Test("required points are the charted points the style reaches, plus its length point")
    func requiredPoints() throws {
        #expect(line.requiredPoints(for: .AD) == [.cB, .cC, .cD, .lD])
        #expect(line.requiredPoints(for: .AG) == [.cB, .cC, .cD, .cG, .lG])
    }

    @Test("a value on a shared bound fits both sizes")
    func sharedBound() throws {
        // cB 22 is the top of II and the bottom of III; the other points sit inside both.
        let result = try fit(leg([.cB: 22, .cC: 35, .cD: 33, .lD: 40]))
        #expect(Set(result.candidates.map(\.size)) == ["II", "III"])
    }

    @Test("overlapping calves are decided by the largest smallest margin")
    func overlapDecidedByMargin() throws {
        // cB 22 has margin 0 in both II and III, so the tie would go to II: move cB off the bound.
        // cB 21.9 fits only II; take a chart where two sizes share the ankle instead.
        let chart = try decodeCatalog(
            catalogJSON(sizes: [
                #"{"size": "M", "cB": [20, 24], "cC": [30, 38]}"#,
                #"{"size": "L", "cB": [20, 24], "cC": [34, 42]}"#,
            ])
        ).lines[0]
        let calf37 = try leg([.cB: 22, .cC: 37])
        let result = try FitEngine.fit(calf37, line: chart, request: FitRequest(style: .AD, pressureClass: ral2))
        // M: cC margin 1/8 = 0.125; L: cC margin 3/8 = 0.375; both cB margins 0.5 — L wins.
        #expect(result.candidates.map(\.size) == ["L", "M"])
        #expect(result.candidates[0].margin == Margin(numerator: 3, denominator: 8))
    }

    @Test("an exact tie in margin goes to the smaller size")
    func tieGoesToSmallerSize() throws {
        let chart = try decodeCatalog(
            catalogJSON(sizes: [
                #"{"size": "M", "cB": [20, 24], "cC": [30, 38]}"#,
                #"{"size": "L", "cB": [20, 24], "cC": [34, 42]}"#,
            ])
        ).lines[0]
        // cC 36: M margin 2/8, L margin 2/8; cB 22 margin 2/4 in both — an exact tie.
        let result = try FitEngine.fit(
            try leg([.cB: 22, .cC: 36]), line: chart, request: FitRequest(style: .AD, pressureClass: ral2))
        #expect(result.size == "M")
        #expect(result.candidates.map(\.size) == ["M", "L"])
    }

    @Test(
        "the tolerance never widens the ankle: cB 17.7 against size I's 18–20 stays made-to-measure with a 0.5 tolerance; only an ankle tolerance admits it, marked to confirm (issue 20; compression.md §4)"
    )
    func toleranceLeavesTheAnkle() throws {
        let ankleJustUnder = try leg([.cB: 17.7, .cC: 30, .cD: 28, .lD: 41])
        let widened = try fit(ankleJustUnder, tolerance: Length.parse("0.5", unit: .cm))
        #expect(widened.outcome == .madeToMeasure)
        #expect(widened.reasons.map(\.message) == ["cB 17.7 cm is 0.3 cm below size I 18–20 cm"])
        let request = FitRequest(
            style: .AD, pressureClass: ral2, ankleTolerance: try Length.parse("0.5", unit: .cm))
        let ankle = try FitEngine.fit(ankleJustUnder, line: line, request: request)
        #expect(ankle.outcome == .standard && ankle.size == "I")
        #expect(ankle.needsConfirmation)
        #expect(ankle.candidates.map(\.onlyByTolerance) == [true])
        #expect(
            ankle.toleranceNotes == [
                "cB 17.7 cm is 0.3 cm below size I 18–20 cm: it fits only by the ankle tolerance, and the ankle is where the class's pressure is defined (too small over-compresses, too large under-treats); confirm before ordering"
            ])
    }

    @Test("tolerance widens every size range but the ankle's on both sides, and marks what it admits")
    func tolerance() throws {
        let calfJustOver = try leg([.cB: 21, .cC: 38.4, .cD: 34, .lD: 41])
        #expect(try fit(calfJustOver).outcome == .madeToMeasure)
        let widened = try fit(calfJustOver, tolerance: Length.parse("0.5", unit: .cm))
        #expect(widened.outcome == .standard)
        #expect(widened.size == "II")
        #expect(widened.points[1].margin! < Margin(numerator: 0, denominator: 1))
        #expect(widened.needsConfirmation)
        #expect(
            widened.toleranceNotes == [
                "cC 38.4 cm is 0.4 cm above size II 30–38 cm: it fits only by the tolerance; confirm before ordering"
            ])
        #expect(
            try fit(leg([.cB: 22, .cC: 36.5, .cD: 34, .lD: 41]), tolerance: Length.parse("0.5", unit: .cm))
                .toleranceNotes.isEmpty)
    }

    @Test("tolerance leaves length ranges as the format says; a length tolerance widens them apart")
    func lengthTolerance() throws {
        let legJustLong = try leg([.cB: 22, .cC: 36.5, .cD: 34, .lD: 44.5])
        #expect(try fit(legJustLong).outcome == .madeToMeasure)
        #expect(try fit(legJustLong, tolerance: Length.parse("1", unit: .cm)).outcome == .madeToMeasure)
        let request = FitRequest(
            style: .AD, pressureClass: ral2, lengthTolerance: try Length.parse("0.5", unit: .cm))
        let widened = try FitEngine.fit(legJustLong, line: line, request: request)
        #expect(widened.outcome == .standard && widened.length == "regular")
        #expect(widened.points.last?.inside == true)
        let tooLong = try FitEngine.fit(
            leg([.cB: 22, .cC: 36.5, .cD: 34, .lD: 44.6]), line: line, request: request)
        #expect(tooLong.outcome == .madeToMeasure)
        #expect(tooLong.reasons.map(\.point) == [.lD])
    }

    @Test("a required point that was not measured is an input error naming it")
    func missingPoint() throws {
        #expect(throws: FitError.missingPoint(.cD, line: "northwind-classic", style: .AD)) {
            try fit(leg([.cB: 22, .cC: 36.5, .lD: 41]))
        }
        #expect(throws: FitError.missingPoint(.lD, line: "northwind-classic", style: .AD)) {
            try fit(leg([.cB: 22, .cC: 36.5, .cD: 34]))
        }
    }

    @Test("a point the style does not reach is not required")
    func unreachedPointNotRequired() throws {
        // cG is charted but AD does not reach it.
        #expect(try fit(leg([.cB: 22, .cC: 36.5, .cD: 34, .lD: 41])).outcome == .standard)
    }

    @Test("a leg outside every size is made-to-measure against the right nearest size")
    func madeToMeasureNearestSize() throws {
        // cB 21 is only in II; the calf 40 is above II (30–38) but inside III: II is still nearest,
        // because the nearest size is chosen among the sizes whose cB range holds cB.
        let result = try fit(leg([.cB: 21, .cC: 40, .cD: 34, .lD: 41]))
        #expect(result.outcome == .madeToMeasure)
        #expect(result.size == nil && result.length == nil && result.candidates.isEmpty)
        #expect(result.reasons.count == 1)
        let reason = try #require(result.reasons.first)
        #expect(reason.point == .cC)
        #expect(reason.size == "II")
        #expect(reason.range == (try MeasureRange.centimetres(30, 38)))
        #expect(reason.message == "cC 40 cm is 2 cm above size II 30–38 cm")
    }

    @Test("an ankle below every size is compared with the size whose cB range is closest")
    func ankleBelowEverySize() throws {
        let result = try fit(leg([.cB: 16, .cC: 29, .cD: 27, .lD: 41]))
        #expect(result.outcome == .madeToMeasure)
        #expect(result.reasons.map(\.size) == ["I"])
        #expect(result.reasons.map(\.point) == [.cB])
    }

    @Test("among sizes holding cB, the nearest has the fewest points out of range, the earlier on a tie")
    func nearestByFewestOutOfRange() throws {
        // cB 22 is held by II and III. cC 42 and cD 37.5: II misses both, III misses only cC.
        let result = try fit(leg([.cB: 22, .cC: 42, .cD: 37.5, .lD: 41]))
        #expect(result.comparedSize == "III")
        #expect(result.reasons.map(\.point) == [.cC])
    }

    @Test("a length in no variant is made-to-measure naming the nearest length variant")
    func lengthInNoVariant() throws {
        let result = try fit(leg([.cB: 21, .cC: 34, .cD: 32, .lD: 47]))
        #expect(result.outcome == .madeToMeasure)
        #expect(result.reasons.count == 1)
        let reason = try #require(result.reasons.first)
        #expect(reason.point == .lD)
        #expect(reason.length == "regular")
        #expect(reason.size == nil)
        #expect(reason.message.contains("3 cm above the nearest length, regular, 38–44 cm"))
    }

    @Test("overlapping length variants are chosen by margin, the earlier on a tie")
    func lengthVariantByMargin() throws {
        // lD 38 is the top of short (32–38) and the bottom of regular (38–44): both margins 0 → short.
        #expect(try fit(leg([.cB: 21, .cC: 34, .cD: 32, .lD: 38])).length == "short")
        let chart = try decodeCatalog(
            catalogJSON(
                sizes: [#"{"size": "M", "cB": [20, 24], "cC": [30, 38]}"#],
                lengths: [
                    #"{"style": "AD", "name": "short", "lD": [30, 40]}"#,
                    #"{"style": "AD", "name": "long", "lD": [36, 46]}"#,
                ]
            )
        ).lines[0]
        // lD 39: short margin 1/10, long margin 3/10 → long.
        let result = try FitEngine.fit(
            try leg([.cB: 22, .cC: 34, .lD: 39]), line: chart, request: FitRequest(style: .AD, pressureClass: ral2))
        #expect(result.length == "long")
    }

    @Test("a style without length variants has one length, standard, and needs no length point")
    func standardLength() throws {
        let chart = try decodeCatalog(catalogJSON(sizes: [#"{"size": "M", "cB": [20, 24], "cC": [30, 38]}"#])).lines[0]
        #expect(chart.requiredPoints(for: .AD) == [.cB, .cC])
        let result = try FitEngine.fit(
            try leg([.cB: 22, .cC: 34]), line: chart, request: FitRequest(style: .AD, pressureClass: ral2))
        #expect(result.length == "standard")
    }

    @Test("inches against a centimetre chart compare exactly")
    func inchesAgainstCentimetres() throws {
        // 8.66 in = 219.964 mm, just inside II's cB (20–22 cm) and below III; 22 cm exactly is 8.661417… in.
        var inches = try leg([.cC: 36.5, .cD: 34, .lD: 41])
        inches[.cB] = try Length.parse("8.66", unit: .inch)
        #expect(try fit(inches).candidates.map(\.size) == ["II"])
        // 8.67 in = 220.218 mm is above II and inside III only.
        inches[.cB] = try Length.parse("8.67", unit: .inch)
        #expect(try fit(inches).candidates.map(\.size) == ["III"])
    }

    @Test("centimetres against an inch chart compare exactly, bounds included")
    func centimetresAgainstInches() throws {
        let chart = try decodeCatalog(
            catalogJSON(
                unit: "in",
                sizes: [
                    #"{"size": "A", "cB": [7, 8], "cC": [10, 14]}"#, #"{"size": "B", "cB": [8, 9], "cC": [12, 15.5]}"#,
                ])
        ).lines[0]
        let request = FitRequest(style: .AD, pressureClass: ral2)
        // 20.32 cm is exactly 8 in: on the shared bound of A and B.
        let onBound = try FitEngine.fit(try leg([.cB: 20.32, .cC: 33]), line: chart, request: request)
        #expect(Set(onBound.candidates.map(\.size)) == ["A", "B"])
        // 20.33 cm is 8.0039 in: B only.
        let above = try FitEngine.fit(try leg([.cB: 20.33, .cC: 33]), line: chart, request: request)
        #expect(above.candidates.map(\.size) == ["B"])
    }

    @Test("a line that does not offer the style or class is refused")
    func notOffered() throws {
        let ral3 = PressureStandard.RAL.pressureClass("3")!
        let ral4 = PressureStandard.RAL.pressureClass("4")!
        #expect(throws: FitError.notOffered(line: "northwind-classic", style: .AT, pressureClass: ral3)) {
            try FitEngine.fit(try leg([.cB: 22]), line: line, request: FitRequest(style: .AT, pressureClass: ral3))
        }
        #expect(throws: FitError.self) {
            try FitEngine.fit(try leg([.cB: 22]), line: line, request: FitRequest(style: .AD, pressureClass: ral4))
        }
    }
}
