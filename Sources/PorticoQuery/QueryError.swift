/// A request the partner must fix: answered as a 400 problem naming the parameter.
public struct QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A parameter the resource does not declare.
        case unknownParameter = "unknown-parameter"
        /// A declared parameter with a value that cannot be used.
        case invalidParameter = "invalid-parameter"
        /// A cursor that was tampered with, belongs to another request or partner, or expired.
        case invalidCursor = "invalid-cursor"
        /// Too many filters, values or characters.
        case tooLarge = "query-too-large"
    }

    public let kind: Kind
    public let parameter: String
    public let detail: String

    public init(_ kind: Kind, parameter: String, detail: String) {
        self.kind = kind
        self.parameter = parameter
        self.detail = detail
    }

    public var description: String { "\(parameter): \(detail)" }
}
