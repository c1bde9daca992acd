import Foundation
import Postgres

/// The shape of a value as JSON: what the layer's records look like when a face sends them, read
/// from the records' own `Decodable` conformances — so the API's document describes each answer
/// from the type that makes it, and cannot drift from it.
///
/// ```swift
/// ValueShape.of(ReservationRecord.self)   // .object([id: integer, prescription: string, …])
/// ```
public indirect enum ValueShape: Sendable, Hashable {
    /// Text; with a format (`date`, `date-time`) when it has one.
    case string(format: String?)
    /// A whole number.
    case integer
    /// A number.
    case number
    /// `true` or `false`.
    case boolean
    /// One of a closed set of words.
    case words([String])
    /// A list of values of one shape.
    case array(ValueShape)
    /// An object with these members.
    case object([Member])
    /// An object whose members are named by the data (a map), each of one shape.
    case map(ValueShape)
    /// A value of the shape, or `null`.
    case nullable(ValueShape)
    /// Anything (a shape the recorder could not see).
    case any

    /// One member of an object.
    public struct Member: Sendable, Hashable {
        /// Its name.
        public let name: String
        /// Its shape.
        public let shape: ValueShape
        /// Whether it is always there (an optional member is left out when it has no value).
        public let required: Bool

        /// A member `name` of `shape`.
        public init(name: String, shape: ValueShape, required: Bool) {
            self.name = name
            self.shape = shape
            self.required = required
        }
    }

    /// The shape of one `type`, as its `Decodable` conformance reads it.
    public static func record<T: Decodable>(_ type: T.Type) -> ValueShape { of(type) }

    /// The shape of a list of `type`.
    public static func list<T: Decodable>(_ type: T.Type) -> ValueShape { .array(of(type)) }

    /// The shape of `type`'s JSON, as its `Decodable` conformance reads it.
    public static func of<T: Decodable>(_ type: T.Type) -> ValueShape {
        let recorder = ShapeRecorder()
        do {
            _ = try recorder.shape(of: T.self)
        } catch {
            return .any
        }
        return recorder.result ?? .any
    }
}

/// A closed set a record carries: its words, and one of them to stand for the set while a shape
/// is read.
public protocol ClosedWords {
    /// Every word, as stored and sent.
    static var words: [String] { get }
    /// A value of the set.
    static var sample: Self { get }
}

extension ClosedWords where Self: CaseIterable & RawRepresentable, Self.RawValue == String {
    /// Every case's raw value.
    public static var words: [String] { allCases.map(\.rawValue) }
    /// The first case.
    public static var sample: Self { allCases.first! }
}

/// A decoder that decodes nothing real: it answers every request with a stand-in value and
/// writes down what was asked for, which is the shape of the type being decoded.
final class ShapeRecorder: @unchecked Sendable {
    var result: ValueShape?

    /// Decodes `type` and returns a stand-in value, recording its shape in `result`.
    func shape<T: Decodable>(of type: T.Type) throws -> T {
        let (value, shape) = try Self.decode(type)
        result = shape
        return value
    }

    /// A stand-in of `type` and its shape.
    static func decode<T: Decodable>(_ type: T.Type) throws -> (T, ValueShape) {
        if type == Date.self { return (Date(timeIntervalSince1970: 0) as! T, .string(format: "date-time")) }
        if type == CalendarDay.self { return (try CalendarDay(parsing: "2000-01-01") as! T, .string(format: "date")) }
        if let closed = type as? any ClosedWords.Type {
            return (closed.sample as! T, .words(closed.words))
        }
        let decoder = RecordingDecoder()
        let value = try T(from: decoder)
        return (value, decoder.node.shape)
    }
}

/// What one decoder was asked for.
final class ShapeNode: @unchecked Sendable {
    var shape: ValueShape = .any
    /// Members asked whether they are null first: optional ones (`decodeIfPresent` asks so).
    var optional: Set<String> = []
}

struct RecordingDecoder: Decoder {
    let node = ShapeNode()
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        node.shape = .object([])
        return KeyedDecodingContainer(KeyedRecorder<Key>(node: node))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { UnkeyedRecorder(node: node) }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleRecorder(node: node) }
}

/// A stand-in for each primitive, and its shape.
private func primitive<T>(_ type: T.Type) -> (Any, ValueShape)? {
    switch type {
    case is String.Type: ("", .string(format: nil))
    case is Bool.Type: (false, .boolean)
    case is Double.Type: (0.0, .number)
    case is Float.Type: (Float(0), .number)
    case is Int.Type: (0, .integer)
    case is Int64.Type: (Int64(0), .integer)
    case is Int32.Type: (Int32(0), .integer)
    case is Int16.Type: (Int16(0), .integer)
    case is Int8.Type: (Int8(0), .integer)
    case is UInt.Type: (UInt(0), .integer)
    case is UInt64.Type: (UInt64(0), .integer)
    case is UInt32.Type: (UInt32(0), .integer)
    default: nil
    }
}

struct KeyedRecorder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: ShapeNode
    var codingPath: [any CodingKey] = []

    /// Asking for every key means the object is a map: its members are named by the data. One
    /// stand-in key is given, so that the shape of its values is read too.
    var allKeys: [Key] {
        node.shape = .map(.any)
        return Key(stringValue: "key").map { [$0] } ?? []
    }

    func contains(_ key: Key) -> Bool { true }

    func decodeNil(forKey key: Key) throws -> Bool {
        node.optional.insert(key.stringValue)
        return false
    }

    private func record(_ key: Key, _ shape: ValueShape, required: Bool) {
        let required = required && !node.optional.contains(key.stringValue)
        if case .map = node.shape {
            node.shape = .map(shape)
            return
        }
        guard case .object(var members) = node.shape else { return }
        members.removeAll { $0.name == key.stringValue }
        members.append(ValueShape.Member(name: key.stringValue, shape: shape, required: required))
        node.shape = .object(members)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        if let (value, shape) = primitive(type) {
            record(key, shape, required: true)
            return value as! T
        }
        let (value, shape) = try ShapeRecorder.decode(type)
        record(key, shape, required: true)
        return value
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        let value = try decode(type, forKey: key)
        if case .object(var members) = node.shape, let index = members.firstIndex(where: { $0.name == key.stringValue })
        {
            members[index] = ValueShape.Member(name: key.stringValue, shape: members[index].shape, required: false)
            node.shape = .object(members)
        }
        return value
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let nested = ShapeNode()
        nested.shape = .object([])
        record(key, .object([]), required: true)
        return KeyedDecodingContainer(KeyedRecorder<NestedKey>(node: nested))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        record(key, .array(.any), required: true)
        return UnkeyedRecorder(node: ShapeNode())
    }

    func superDecoder() throws -> any Decoder { RecordingDecoder() }

    func superDecoder(forKey key: Key) throws -> any Decoder { RecordingDecoder() }
}

/// A list: one element is read (its shape is the list's), then the list ends.
struct UnkeyedRecorder: UnkeyedDecodingContainer {
    let node: ShapeNode
    var codingPath: [any CodingKey] = []
    var count: Int? { 1 }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex >= 1 }

    init(node: ShapeNode) {
        self.node = node
        node.shape = .array(.any)
    }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        currentIndex += 1
        if let (value, shape) = primitive(type) {
            node.shape = .array(shape)
            return value as! T
        }
        let (value, shape) = try ShapeRecorder.decode(type)
        node.shape = .array(shape)
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        currentIndex += 1
        return KeyedDecodingContainer(KeyedRecorder<NestedKey>(node: ShapeNode()))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        currentIndex += 1
        return UnkeyedRecorder(node: ShapeNode())
    }

    mutating func superDecoder() throws -> any Decoder { RecordingDecoder() }
}

struct SingleRecorder: SingleValueDecodingContainer {
    let node: ShapeNode
    var codingPath: [any CodingKey] = []

    func decodeNil() -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let (value, shape) = primitive(type) {
            node.shape = shape
            return value as! T
        }
        let (value, shape) = try ShapeRecorder.decode(type)
        node.shape = shape
        return value
    }
}
