import ArgumentParser
import Counter
import Foundation

/// `cfit patient`: patients and their history at the counter.
struct Patient: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Add, find and show patients: prescriptions, fittings (with changes since the last) and garments handed over.",
        subcommands: [Add.self, List.self, Show.self]
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
}
