import ArgumentParser
import Counter
import Foundation

/// `cfit lot`: lots, holds and recalls.
struct Lot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a lot (where its units are, who received it), hold, release or recall it.",
        subcommands: [Show.self, Expiring.self, Hold.self, Release.self, Recall.self, Contacts.self, Contact.self]
    )

    struct Contacts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "A recall's contact list: who received the lot, when, how to reach them, how far staff got (pharmacy and admin)."
        )
        @Argument(help: "The lot code.") var code: String
        @Option(help: ArgumentHelp("The article, when several have this lot code.", valueName: "SKU")) var sku: String?
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Print CSV (RFC 4180), for a spreadsheet or a mail merge.") var csv = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["lot": "CODE"]) {
                let contacts = try database.desk().recallContacts(lot: code, sku: sku)
                if json {
                    print(try RecordJSON.render(nil, contacts))
                    return
                }
                if csv {
                    FileHandle.standardOutput.write(Data(RecallContactCSV.render(contacts).utf8))
                    return
                }
                guard !contacts.isEmpty else {
                    print("lot \(code): handed over to nobody")
                    return
                }
                let time = localTimeFormatter()
                var rows = [["status", "patient", "how to reach", "received", "note"]]
                for c in contacts {
                    rows.append([
                        c.status.rawValue, "\(c.patientName) (\(c.patient))",
                        c.contact.map(Patient.Contact.words) ?? "none recorded",
                        "\(c.quantity) × \(c.sku) \(time.string(from: c.handedOverAt)) (\(c.dispense))\(c.returned > 0 ? ", \(c.returned) returned" : "")",
                        c.note ?? "",
                    ])
                }
                let open = contacts.filter { $0.status == .toContact }.count
                print(textTable(rows))
                print("\(open) of \(contacts.count) still to contact")
            }
        }
    }

    struct Contact: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record how far a recall's contact got for one hand-over: to-contact, contacted or returned.")
        @Argument(help: "The lot code.") var code: String
        @Argument(help: "The hand-over's reference (D-…), or its number with --rx.") var dispense: String
        @OptionGroup var check: PrescriptionCheck
        @Option(help: ArgumentHelp("to-contact, contacted or returned.", valueName: "STATUS")) var status: String
        @Option(help: ArgumentHelp("What happened, in a few words.", valueName: "TEXT")) var note: String?
        @Option(help: ArgumentHelp("The article, when several have this lot code.", valueName: "SKU")) var sku: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["lot": "CODE", "dispense": "DISPENSE", "prescription": "--rx"]) {
                let line = try RecallStatusRequest(status: status, note: note).run(
                    on: database.desk(), lot: code, sku: sku, dispense: dispense, rx: check.rx, key: write.key)
                print(
                    json
                        ? try RecordJSON.render("contact", line)
                        : "lot \(code), \(line.dispense) (\(line.patientName), \(line.patient)): \(line.status)\(line.note.map { " — \($0)" } ?? "")"
                )
            }
        }
    }

    struct Expiring: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lots on hand expiring within N days (expired ones first), to sell first, move or write off.")
        @Option(help: ArgumentHelp("Days ahead, 0 to 3650 (default 90).", valueName: "N")) var within: String?
        @Option(help: ArgumentHelp("Only this location.", valueName: "L")) var location: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["within": "--within"]) {
                let lots = try database.desk().expiringLots(within: within, location: location)
                if json {
                    print(try RecordJSON.render(nil, lots))
                    return
                }
                var rows = [["expires", "days", "sku", "lot", "location", "on hand", "reserved"]]
                for lot in lots {
                    rows.append([
                        "\(lot.expiresOn)", lot.daysLeft < 0 ? "expired" : String(lot.daysLeft), lot.sku, lot.lot,
                        lot.location, String(lot.onHand), String(lot.reserved),
                    ])
                }
                print(lots.isEmpty ? "no lot on hand expires within \(within ?? "90") days" : textTable(rows))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Where a lot's units are, what is reserved from it, every dispense from it, and its holds.")
        @Argument(help: "The lot code.") var code: String
        @Option(help: ArgumentHelp("The article, when several have a lot of that code.", valueName: "SKU")) var sku:
            String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["lot": "LOT", "code": "LOT"]) {
                let lot = try database.desk().lot(code, sku: sku)
                print(json ? try RecordJSON.render("lot", lot) : render(lot))
            }
        }
    }

    struct Hold: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a lot on hold: its units are not offered until released.")
        @OptionGroup var change: LotChange

        func run() throws { try change.apply("on-hold", verb: "on hold") }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release a held lot: its units may be offered again.")
        @OptionGroup var change: LotChange

        func run() throws { try change.apply("approved", verb: "released") }
    }

    struct Recall: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Recall a lot for good: its units are never offered again; lists the reservations it blocks and the patients to contact."
        )
        @OptionGroup var change: LotChange

        func run() throws { try change.apply("recalled", verb: "recalled") }
    }
}

/// What hold, release and recall take.
struct LotChange: ParsableArguments {
    @Argument(help: "The lot code.") var code: String
    @Option(help: ArgumentHelp("The article, when several have a lot of that code.", valueName: "SKU")) var sku: String?
    @Option(help: ArgumentHelp("Why (e.g. the manufacturer's notice).", valueName: "TEXT")) var reason: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var write: WriteOptions
    @OptionGroup var database: DatabaseOptions

    func apply(_ status: String, verb: String) throws {
        try reportingErrors(arguments: ["lot": "LOT", "code": "LOT"]) {
            let lot = try LotStatusRequest(status: status, reason: reason, sku: sku).run(
                on: database.desk(), code: code, key: write.key)
            print(json ? try RecordJSON.render("lot", lot) : "lot \(lot.code) of \(lot.sku) \(verb)\n" + render(lot))
            if !json, status == "recalled", !lot.dispenses.isEmpty {
                print("work through its contact list: cfit lot contacts \(lot.code) (--csv for a spreadsheet)")
            }
        }
    }
}

/// A lot in words: its units, the reservations it blocks, the patients who received it.
private func render(_ lot: LotRecord) -> String {
    var out = ["lot \(lot.code) of \(lot.sku), expires \(lot.expiresOn ?? "-"), \(lot.status)"]
    out.append("units:")
    if lot.stock.isEmpty { out.append("  none on hand") }
    for s in lot.stock {
        out.append(
            "  \(s.location): \(s.onHand) on hand, \(s.reserved) reserved\(s.returned ? " (returned, awaiting inspection)" : "")"
        )
    }
    if !lot.reservations.isEmpty {
        out.append("reservations holding its units (release them: cfit release ID):")
        for r in lot.reservations {
            out.append("  reservation \(r.id): rx \(r.prescription), patient \(r.patient), at \(r.location)")
        }
    }
    out.append("handed over (patients to contact in a recall):")
    if lot.dispenses.isEmpty { out.append("  none") }
    for d in lot.dispenses {
        out.append(
            "  \(d.handedOverAt.prefix(10))  \(d.patientName) (\(d.patient))  rx \(d.prescription)  \(d.quantity)\(d.returned > 0 ? ", \(d.returned) returned" : "")"
        )
    }
    for e in lot.events { out.append("  \(e.at.prefix(10)) \(e.status) by \(e.actor): \(e.reason)") }
    return out.joined(separator: "\n")
}
