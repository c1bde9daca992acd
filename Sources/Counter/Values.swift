public import Fitting
public import Inventory
public import Postgres

// The values the layer's operations return and take, named here so that the faces show and build
// them without importing the storage modules: records are plain `Codable` values read from the
// database (no connection, no query), encoded as the JSON `--json` prints and the API returns.

/// A calendar day, `YYYY-MM-DD`, as prescriptions' validity and lots' expiry are kept.
public typealias CalendarDay = Postgres.CalendarDay
/// An article of the catalog, with its stock.
public typealias ArticleRecord = Inventory.ArticleRecord
/// One balance: an article, a location and a lot, with what is on hand, reserved and available.
public typealias BalanceRecord = Inventory.BalanceRecord
/// One movement of the stock ledger.
public typealias MovementRecord = Inventory.MovementRecord
/// What is below its minimum, with the suggested order.
public typealias LowStock = Inventory.LowStock
/// Units of a lot that expires soon, still on hand.
public typealias ExpiringLot = Inventory.ExpiringLot
/// Why units are written off.
public typealias WriteOffReason = Inventory.WriteOffReason
/// A garment held for a prescription.
public typealias ReservationRecord = Inventory.ReservationRecord
/// A garment handed over.
public typealias DispenseRecord = Inventory.DispenseRecord
/// A garment taken back.
public typealias ReturnRecord = Inventory.ReturnRecord
/// A lot: where its units are, what is held from it, who received it.
public typealias LotRecord = Inventory.LotRecord
/// A lot's state: approved, on hold or recalled.
public typealias LotStatus = Inventory.Lots.Status
/// A patient.
public typealias PatientRecord = Inventory.PatientRecord
/// A prescriber.
public typealias PrescriberRecord = Inventory.PrescriberRecord
/// A patient's prescriptions, fittings and garments handed over.
public typealias PatientHistory = Inventory.PatientHistory
/// A prescription.
public typealias PrescriptionRecord = Inventory.PrescriptionRecord
/// How to reach a patient (pharmacy and admin only).
public typealias PatientContact = Inventory.PatientContact
/// One line of a recall's contact list.
public typealias RecallContact = Inventory.RecallContact
/// Where working a recall stands for one hand-over.
public typealias RecallStatus = Inventory.RecallStatus
/// A line of a location's stocktake sheet.
public typealias StocktakeLine = Inventory.StocktakeLine
/// A count a sheet reports for one line.
public typealias StocktakeCount = Inventory.StocktakeCount
/// What a whole sheet's counts did.
public typealias StocktakeResult = Inventory.StocktakeResult
/// What `cfit expire` did: the prescriptions it marked expired, each with what it released.
public typealias PrescriptionExpiry = Inventory.PrescriptionExpiry
/// A recorded fitting.
public typealias FittingRecord = Inventory.FittingRecord
/// A made-to-measure order sheet drawn from a recorded fitting.
public typealias MadeToMeasureOrder = Inventory.MadeToMeasureOrder
/// A ready-made article of a fit with its stock here and elsewhere.
public typealias ArticleStock = Inventory.ArticleStock
/// Something due: a garment to replace, a prescription running out, a leg to measure again.
public typealias DueItem = Inventory.DueItem
/// A location.
public typealias LocationRecord = Inventory.LocationRecord
/// A member of staff's login and role.
public typealias UserRecord = Inventory.UserRecord
/// What a catalog import did (or would do, in a dry run).
public typealias ImportSummary = Inventory.ImportSummary
/// What `check` found.
public typealias CheckReport = Inventory.CheckReport
/// What a seed loaded.
public typealias SeedSummary = Inventory.Seeding.Summary
/// The shop's clinical guideline: its arterial-safety policy and default standard.
public typealias Guideline = Inventory.Guideline
/// How and when the legs were measured, and the checklist's findings, as recorded.
public typealias FittingConditions = Inventory.FittingConditions
/// Where a prescription stands.
public typealias PrescriptionStatus = Inventory.PrescriptionStatus
/// Where a reservation stands.
public typealias ReservationStatus = Inventory.ReservationStatus
/// Where a lot stands.
public typealias LotState = Inventory.LotState
/// Which leg or legs a prescription is for.
public typealias PrescribedSide = Inventory.PrescribedSide
/// Why units on hand may not be offered today.
public typealias UnusableReason = Inventory.UnusableReason

extension PrescriptionStatus: ClosedWords {}
extension ReservationStatus: ClosedWords {}
extension LotState: ClosedWords {}
extension PrescribedSide: ClosedWords {}
extension UnusableReason: ClosedWords {}
extension WriteOffReason: ClosedWords {}
extension Style: ClosedWords {}
extension Side: ClosedWords {}
extension FitOutcome: ClosedWords {}
extension ArterialPolicy: ClosedWords {}
extension Contraindication: ClosedWords {}
