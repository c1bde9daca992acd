import Fitting
import PropertyBased
import Testing

@Suite("Scanned GS1 codes")
struct GS1ScanTests {
    static let gs = "\u{1D}"

    @Test(
        "bracketed, raw with GS, with symbology prefixes, and a plain GTIN all give the same article",
        arguments: [
            "(01)04012345678901(10)L2027A(17)270630",
            "]d2010401234567890110L2027A\u{1D}17270630",
            "]C1010401234567890117270630" + "10L2027A",
            "]Q3010401234567890110L2027A\u{1D}17270630",
            "010401234567890110L2027A\u{1D}17270630",
        ])
    func forms(code: String) throws {
        let scan = try GS1Scan(code, referenceYear: 2026)
        #expect(scan.gtin.gtin14 == "04012345678901")
        #expect(scan.lot == "L2027A")
        #expect(scan.expiry?.description == "2027-06-30")
    }

    @Test(
        "a plain GTIN of 8, 12, 13 or 14 digits is a scan without lot or expiry",
        arguments: [
            "04012345678901", "4012345678901", "00000000000017",
        ])
    func plain(code: String) throws {
        let scan = try GS1Scan(code, referenceYear: 2026)
        #expect(scan.lot == nil && scan.expiry == nil)
        #expect(scan.gtin.gtin14.hasSuffix(code))
    }

    @Test("day 00 is the month's last day, and two-digit years fall within 49 back and 50 ahead")
    func dates() throws {
        #expect(try GS1Scan("(01)04012345678901(17)280200", referenceYear: 2026).expiry?.description == "2028-02-29")
        #expect(try GS1Scan("(01)04012345678901(17)270400", referenceYear: 2026).expiry?.description == "2027-04-30")
        #expect(try GS1Scan("(01)04012345678901(17)760101", referenceYear: 2026).expiry?.description == "2076-01-01")
        #expect(try GS1Scan("(01)04012345678901(17)770101", referenceYear: 2026).expiry?.description == "1977-01-01")
    }

    @Test(
        "errors name the position: a bad check digit, an unknown AI, a short field, a bad month",
        arguments: [
            ("(01)04012345678902(10)L1", 17, "check digit 1"),
            ("(01)04012345678901(99)X", 19, "known Application Identifier, found '99'"),
            ("0104012345678901991234", 16, "known Application Identifier, found '99'"),
            ("01040123456", 2, "expected 14 characters of GTIN"),
            ("(01)04012345678901(17)271301", 24, "month 01–12"),
            ("(10)L1(17)270630", 0, "expected a GTIN (AI 01)"),
            ("(01)0401234567890", 4, "expected 14 digits of GTIN"),
        ])
    func problems(code: String, position: Int, text: String) {
        do {
            _ = try GS1Scan(code, referenceYear: 2026)
            Issue.record("expected \(code) to be refused")
        } catch {
            #expect(error.position == position, "\(error)")
            #expect(error.message.contains(text), "\(error)")
        }
    }

    @Test("any GTIN, lot and expiry reads the same bracketed, raw with a prefix, and raw as scanners send it")
    func roundTrip() async {
        let digits = Gen.int(in: 0...9).array(of: 13)
        let lots = Gen.int(in: 0...35).array(of: 1...20)
        await propertyCheck(input: digits, lots, Gen.int(in: 0...99), Gen.int(in: 1...12), Gen.int(in: 0...28)) {
            body, lotDigits, yy, month, day in
            let gtin = body.map(String.init).joined() + String(GTIN.checkDigit(for: body))
            let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            let lot = String(lotDigits.map { alphabet[$0] })
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            let date = two(yy) + two(month) + two(day)
            let bracketed = try GS1Scan("(01)\(gtin)(10)\(lot)(17)\(date)", referenceYear: 2026)
            let raw = try GS1Scan("]d201\(gtin)10\(lot)\(Self.gs)17\(date)", referenceYear: 2026)
            #expect(bracketed == raw)
            let unprefixed = "01\(gtin)17\(date)10\(lot)"
            #expect(GS1Scan.looksScanned(unprefixed), "\(unprefixed)")
            #expect(bracketed == (try GS1Scan(unprefixed, referenceYear: 2026)))
            #expect(bracketed.gtin.digits == gtin && bracketed.lot == lot)
            #expect(bracketed.expiry?.month == month)
        }
    }

    @Test("random bytes never crash the reader: a scan is read or refused with a position inside it")
    func fuzz() async {
        let alphabet = Array("0123456789()]dCQ1\u{1D}AZ- ")
        await propertyCheck(input: Gen.int(in: 0...(alphabet.count - 1)).array(of: 0...40)) { picks in
            let text = String(picks.map { alphabet[$0] })
            do {
                _ = try GS1Scan(text, referenceYear: 2026)
            } catch let problem as GS1Scan.Problem {
                #expect(problem.position >= 0 && problem.position <= text.count)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("a raw element string as scanners send it by default (no prefix, no brackets) is taken for a scan")
    func rawWithoutPrefix() throws {
        let text = "01020000000004591729073110LIV-A"
        #expect(GS1Scan.looksScanned(text))
        let scan = try GS1Scan(text, referenceYear: 2026)
        #expect(scan.gtin.gtin14 == "02000000000459" && scan.lot == "LIV-A" && scan.expiry?.description == "2029-07-31")
        // A wrong check digit is still a scan, refused by the scan's own reader at its position.
        #expect(GS1Scan.looksScanned("01020000000004581729073110LIV-A"))
        #expect(throws: GS1Scan.Problem.self) { try GS1Scan("01020000000004581729073110LIV-A", referenceYear: 2026) }
        // A SKU, or sixteen digits followed by no field the reader knows, is not a scan.
        #expect(!GS1Scan.looksScanned("NW-CL-AD2-II-R-C-BE"))
        #expect(!GS1Scan.looksScanned("0102000000000459X"))
        #expect(!GS1Scan.looksScanned("0102000000000459-AB"))
    }
}
