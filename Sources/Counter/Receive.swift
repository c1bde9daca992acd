import Fitting
public import Postgres

/// Units received into a location — a delivery as typed at the counter, scanned off the box, or
/// sent by another system. Every face builds this one request (the command line from its
/// arguments, the stock page from its form, the API from its JSON body) and the layer reads it:
/// the article's code or scan, the units, the lot and expiry (a scan's own lot and expiry fill
/// them in, and may not disagree with what was typed), the location (this counter's by default).
///
/// ```swift
/// let request = ReceiveRequest(sku: "(01)02000000000459(10)L7(17)281231", quantity: "6")
/// let movement = try request.run(on: connection, location: "shop", key: "delivery-77")
/// movement.lot      // "L7"
/// ```
public struct ReceiveRequest: Sendable, Decodable, Hashable {
    /// The article: a SKU, a GTIN, or a scanned GS1 code.
    public var sku: String
    /// Units received, as typed or as a JSON number.
    public var quantity: NumberText
    /// Where they go; this counter's location when not given.
    public var location: String?
    /// The lot on the box.
    public var lot: String?
    /// The lot's expiry, `YYYY-MM-DD`.
    public var expires: String?
    /// The delivery note or order.
    public var reference: String?
    /// Book an expired lot in as expired stock (never offered) rather than refuse it.
    public var acceptExpired: Bool?

    enum CodingKeys: String, CodingKey {
        case sku, quantity, location, lot, expires, reference
        case acceptExpired = "accept_expired"
    }

    /// A receipt of `quantity` of `sku`.
    public init(
        sku: String, quantity: NumberText, location: String? = nil, lot: String? = nil, expires: String? = nil,
        reference: String? = nil, acceptExpired: Bool? = nil
    ) {
        self.sku = sku
        self.quantity = quantity
        self.location = location
        self.lot = lot
        self.expires = expires
        self.reference = reference
        self.acceptExpired = acceptExpired
    }

    /// The receipt as the inventory books it, every field read and checked here: bad input names
    /// its field (`quantity`, `lot`, `expires`, or `sku` for a scan that does not read).
    public func read(defaultLocation: String, today: CalendarDay = .today()) throws(CounterError) -> Receipt {
        let code = try Input.scannedText(sku, field: "sku")
        let units = try Input.wholeNumber(quantity.text, field: "quantity")
        var lotCode = lot
        var expiry = try expires.map { (text) throws(CounterError) in try Input.day(text, field: "expires") }
        var article = code
        if GS1Scan.looksScanned(code) {
            let scan = try Input.scan(code, field: "sku", referenceYear: today.year)
            article = scan.gtin.gtin14
            if let scanned = scan.lot {
                if let lotCode, lotCode != scanned {
                    throw .badInput("lot", expected: "the scanned lot \(scanned)", found: "'\(lotCode)'")
                }
                lotCode = scanned
            }
            if let day = scan.expiry {
                let scanned = try Input.day(day.description, field: "sku")
                if let expiry, expiry != scanned {
                    throw .badInput("expires", expected: "the scanned expiry \(scanned)", found: "'\(expiry)'")
                }
                expiry = scanned
            }
        }
        let place = try location.map { (text) throws(CounterError) in try Input.text(text, field: "location") }
        return Receipt(
            sku: article, quantity: units, location: place ?? defaultLocation, lot: lotCode, expires: expiry,
            reference: try reference.map { (text) throws(CounterError) in try Input.text(text, field: "reference") },
            acceptExpired: acceptExpired ?? false)
    }

    /// A receipt read and checked: what the inventory books.
    public struct Receipt: Sendable, Hashable {
        /// The article's SKU or GTIN-14.
        public let sku: String
        /// Units received.
        public let quantity: Int
        /// Where they go.
        public let location: String
        /// The lot, typed or scanned.
        public let lot: String?
        /// The lot's expiry, typed or scanned.
        public let expires: CalendarDay?
        /// The delivery note or order.
        public let reference: String?
        /// Whether an expired lot may be booked in as expired stock.
        public let acceptExpired: Bool
    }
}

/// A whole number as a person or a system sent it: the text typed at a prompt or in a form, or a
/// JSON number (a JSON body must send a number, as its document says) — read by
/// ``Input/wholeNumber(_:field:)`` in the layer, so every face words a bad one the same.
public struct NumberText: Sendable, Decodable, Hashable, ExpressibleByStringLiteral {
    /// The number as text.
    public let text: String

    /// A number typed as `text`.
    public init(_ text: String) { self.text = text }

    /// A number typed as the literal.
    public init(stringLiteral value: String) { self.text = value }

    /// A JSON number: a whole one, or written with a fraction that is zero (`2.0`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            text = String(number)
        } else if let number = try? container.decode(Double.self) {
            text = number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
        } else {
            throw DecodingError.typeMismatch(
                NumberText.self,
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "expected a whole number"))
        }
    }
}
