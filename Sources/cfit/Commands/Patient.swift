import ArgumentParser
import Counter
import Foundation

/// `cfit patient`: patients and their history at the counter.
struct Patient: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Add, find and show patients: prescriptions, fittings (with changes since the last) and garments handed over.",
        subcommands: [Add.self, List.self, Show.self, Contact.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a patient.")
        @Argument(help: "The patient's reference (card or file number).") var reference: String
        @Option(help: ArgumentHelp("The patient's name.", valueName: "NAME")) var name: String
        @Option(help: ArgumentHelp("Birth date, YYYY-MM-DD.", valueName: "DATE")) var born: String?
        @Flag(help: "A different person from the patient recorded with the same name and birth date.")
        var differentPerson = false
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["reference": "REF", "differentPerson": "--different-person"]) {
                let added = try PatientRequest(
                    reference: reference, name: name, born: born, differentPerson: differentPerson ? true : nil
                ).run(
                    on: database.desk(), key: write.key)
                print(
                    json ? try RecordJSON.render("patient", added) : "patient \(added.reference) added: \(added.name)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List patients, or find them by reference or name.")
        @Option(help: ArgumentHelp("Text in the reference or name (any case).", valueName: "TEXT")) var search: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let found = try database.desk().patients(search: search)
                if json {
                    print(try RecordJSON.render(nil, found))
                    return
                }
                var rows = [["patient", "name", "born"]]
                for p in found { rows.append([p.reference, p.name, p.born ?? "-"]) }
                print(found.isEmpty ? "no patients\(search.map { " matching '\($0)'" } ?? "")" : textTable(rows))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "A patient's prescriptions, every recorded fitting with its changes, and every garment handed over.")
        @Argument(help: "The patient's reference.") var reference: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["reference": "REF"]) {
                let history = try database.desk().patient(reference)
                if json {
                    print(try RecordJSON.render("patient", history))
                    return
                }
                print(Self.render(history))
            }
        }

        static func render(_ h: PatientHistory) -> String {
            var out = ["\(h.patient.name) (\(h.patient.reference))\(h.patient.born.map { ", born \($0)" } ?? "")"]
            if let c = h.contact { out.append("contact: \(Contact.words(c))") }
            out.append("")
            out.append("prescriptions:")
            if h.prescriptions.isEmpty { out.append("  none") }
            for r in h.prescriptions {
                out.append(
                    "  \(r.number)  \(r.style.rawValue) \(r.pressureClass)  \(r.quantityDispensed)/\(r.quantityPrescribed) dispensed, \(r.quantityReserved) reserved  \(r.status)\(r.validUntil.map { ", valid until \($0)" } ?? "")"
                )
            }
            out.append("")
            out.append("fittings:")
            if h.fittings.isEmpty { out.append("  none") }
            let time = localTimeFormatter()
            for f in h.fittings { out += FittingCommand.Show.render(f, time: time).map { "  " + $0 } }
            out.append("")
            out.append("garments handed over:")
            if h.dispenses.isEmpty { out.append("  none") }
            for d in h.dispenses {
                out.append(
                    "  \(time.string(from: d.handedOverAt))  \(d.id)  \(d.quantity) × \(d.sku)  lot \(d.lot ?? "-")  rx \(d.prescription)\(d.returned > 0 ? "  (\(d.returned) returned)" : "")"
                )
            }
            return out.joined(separator: "\n")
        }
    }

    struct Contact: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Record how to reach a patient (replacing what was recorded): pharmacy and admin only, as the database grants it."
        )
        @Argument(help: "The patient's reference.") var reference: String
        @Option(help: ArgumentHelp("A phone number.", valueName: "PHONE")) var phone: String?
        @Option(help: ArgumentHelp("An e-mail address.", valueName: "EMAIL")) var email: String?
        @Option(help: ArgumentHelp("A postal address.", valueName: "ADDRESS")) var address: String?
        @Option(help: ArgumentHelp("phone, email or letter (its detail given).", valueName: "HOW")) var preferred:
            String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["patient": "REF"]) {
                let contact = try ContactRequest(phone: phone, email: email, address: address, preferred: preferred)
                    .run(on: database.desk(), patient: reference, key: write.key)
                print(json ? try RecordJSON.render("contact", contact) : "patient \(reference): \(Self.words(contact))")
            }
        }

        /// The details in one line, the preferred way first.
        static func words(_ c: PatientContact) -> String {
            let parts = [("phone", c.phone), ("email", c.email), ("letter", c.address)].compactMap { way, detail in
                detail.map { (way, $0) }
            }.sorted { first, _ in first.0 == c.preferred }
            let text = parts.map { way, detail in
                "\(way == "letter" ? "address" : way) \(detail)\(way == c.preferred ? " (preferred)" : "")"
            }
            return text.isEmpty ? "none recorded" : text.joined(separator: "; ")
        }
    }
}
