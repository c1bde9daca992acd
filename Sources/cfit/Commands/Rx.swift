import ArgumentParser
import Counter
import Fitting
import Foundation

/// `cfit rx`: prescriptions.
struct Rx: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record, list, show and cancel prescriptions.",
        subcommands: [New.self, List.self, Show.self, Cancel.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a prescription (one style and class, a quantity of garments).")
        @Option(help: ArgumentHelp("The prescription's number (default: RX-n).", valueName: "N")) var number: String?
        @Option(help: ArgumentHelp("The patient's reference.", valueName: "REF")) var patient: String
        @Option(
            name: .customLong("patient-name"),
            help: ArgumentHelp("The patient's name: adds a new patient.", valueName: "NAME"))
        var patientName: String?
        @Option(help: ArgumentHelp("The prescriber's reference.", valueName: "REF")) var prescriber: String
        @Option(
            name: .customLong("prescriber-name"),
            help: ArgumentHelp("The prescriber's name: adds a new prescriber.", valueName: "NAME"))
        var prescriberName: String?
        @Option(help: ArgumentHelp("AD, AF, AG or AT.", valueName: "S")) var style: String
        @Option(
            name: .customLong("class"),
            help: ArgumentHelp(
                "STANDARD:LABEL (RAL:2, BS:2, US:20-30), or a label read in the shop's standard (cfit guideline).",
                valueName: "C"))
        var pressureClass: String
        @Option(help: ArgumentHelp("Garments (a pair is 2).", valueName: "N")) var quantity: String
        @Option(help: ArgumentHelp("left, right or both (default).", valueName: "SIDE")) var side: String?
        @Option(
            name: .customLong("valid-until"),
            help: ArgumentHelp("The last day it may be dispensed.", valueName: "DATE"))
        var validUntil: String?
        @Option(help: ArgumentHelp("ICD-10 code, e.g. I87.2.", valueName: "CODE")) var diagnosis: String?
        @Flag(
            name: .customLong("arterial-assessed"),
            help:
                "The prescriber assessed arterial status (ABPI or equivalent). Without it, a garment above 20 mmHg is reserved only once a fitting records each leg's ABPI."
        )
        var arterialAssessed = false
        @Flag(
            name: .customLong("washing-set"),
            help: "A second set for washing is covered: two garments per leg, one to wear, one to wash.")
        var washingSet = false
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let record = try PrescriptionRequest(
                    number: number, patient: patient, patientName: patientName, prescriber: prescriber,
                    prescriberName: prescriberName, style: style, pressureClass: pressureClass,
                    quantity: NumberText(quantity), side: side, validUntil: validUntil, diagnosis: diagnosis,
                    arterialAssessed: arterialAssessed, washingSet: washingSet
                ).run(on: database.desk(), key: write.key)
                print(
                    json
                        ? try RecordJSON.render("rx", record)
                        : "rx \(record.number): \(record.quantityPrescribed) × \(record.style.rawValue) \(record.pressureClass) for \(record.patientName) (\(record.patient)), \(record.status)"
                )
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List prescriptions, newest first.")
        @Option(help: ArgumentHelp("Only this status (active, completed, revoked…).", valueName: "S")) var status:
            String?
        @Option(help: ArgumentHelp("Only this patient.", valueName: "REF")) var patient: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let records = try database.desk().prescriptions(status: status, patient: patient)
                if json {
                    print(try RecordJSON.render(nil, records))
                    return
                }
                var rows = [["rx", "patient", "style", "class", "prescribed", "reserved", "dispensed", "status"]]
                for r in records {
                    rows.append([
                        r.number, "\(r.patientName) (\(r.patient))", r.style.rawValue, r.pressureClass,
                        String(r.quantityPrescribed), String(r.quantityReserved), String(r.quantityDispensed),
                        r.status.rawValue,
                    ])
                }
                print(records.isEmpty ? "no prescriptions" : textTable(rows))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one prescription.")
        @Argument(help: "The prescription's number.") var rx: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["rx": "RX", "number": "RX"]) {
                let desk = try database.desk()
                guard !json else {
                    print(try RecordJSON.render("rx", try desk.prescription(rx)))
                    return
                }
                // The references `dispense`, `release` and `return` need, with the record.
                let here = try desk.prescriptionAtCounter(rx)
                let r = here.prescription
                var lines = [
                    "rx \(r.number) (\(r.status)) for \(r.patientName) (\(r.patient)), prescribed by \(r.prescriber)",
                    "\(r.style.rawValue) \(r.pressureClass), \(r.side): \(r.quantityPrescribed) prescribed, \(r.quantityReserved) reserved, \(r.quantityDispensed) dispensed\(r.diagnosis.map { ", diagnosis \($0)" } ?? "")\(r.validUntil.map { ", valid until \($0)" } ?? "")",
                ]
                if let why = r.statusReason {
                    lines.append(r.status == .revoked ? "cancelled: \(why)" : "expired: \(why)")
                }
                if r.washingSet { lines.append("a second set for washing is covered (one to wear, one to wash)") }
                lines.append(
                    "arterial status: \(r.arterialAssessed ? "assessed by the prescriber" : "not assessed by the prescriber (each leg's ABPI is recorded at a fitting before a garment above 20 mmHg is reserved)")"
                )
                for held in here.reservations {
                    lines.append(
                        "reserved \(held.id): \(held.sku) at \(held.location)\(held.lot.map { ", lot \($0)" } ?? "") (cfit dispense \(held.id))\(held.confirmedReason.map { "; confirmed against the last fitting: \($0)" } ?? "")"
                    )
                }
                for given in here.handedOver {
                    lines.append(
                        "handed over \(given.id): \(given.quantity) × \(given.sku)\(given.lot.map { ", lot \($0)" } ?? "") on \(ISO8601DateFormatter.string(from: given.handedOverAt, timeZone: .current, formatOptions: [.withFullDate]))\(given.returned > 0 ? ", \(given.returned) returned" : "")"
                    )
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a prescription, saying why, and release its reservations (listed).")
        @Argument(help: "The prescription's number.") var rx: String
        @Option(help: ArgumentHelp("Why it is cancelled (kept with it).", valueName: "REASON")) var reason: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["rx": "RX", "number": "RX"]) {
                let r = try database.desk().cancel(prescription: rx, reason: reason, key: write.key)
                if json {
                    print(try RecordJSON.render("rx", r))
                    return
                }
                let released = r.released ?? []
                var lines = ["rx \(r.number): \(r.status) (\(r.statusReason ?? reason))"]
                lines.append(
                    released.isEmpty
                        ? "released nothing: no unit was reserved"
                        : "released \(released.count) reservation\(released.count == 1 ? "" : "s"):")
                for held in released {
                    lines.append(
                        "  \(held.id): \(held.sku) at \(held.location)\(held.lot.map { " (lot \($0))" } ?? "") back in stock"
                    )
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }
}
