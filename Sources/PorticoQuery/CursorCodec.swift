import Crypto
import Foundation
public import PorticoValues

/// Opaque, signed page cursors.
///
/// A cursor holds the last row's order values, the time it was issued, and a fingerprint of
/// what it belongs to (partner, version, resource, filters, sort). It is signed with HMAC-SHA256,
/// so a tampered cursor, one from another partner or request, or an expired one is refused
/// with a 400, and can never select other rows.
public struct CursorCodec: Sendable {
    let key: SymmetricKey
    /// How long a cursor stays valid, in seconds.
    public let lifetime: Int

    /// - Parameter secret: at least 32 random bytes, shared by every instance behind one balancer.
    public init(secret: [UInt8], lifetime: Int = 24 * 3600) {
        key = SymmetricKey(data: secret)
        self.lifetime = lifetime
    }

    /// A fresh random key, for a single process (cursors then do not survive a restart).
    public static func random(lifetime: Int = 24 * 3600) -> CursorCodec {
        CursorCodec(secret: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }, lifetime: lifetime)
    }

    /// The canonical text a cursor is bound to: who asks, what, and with which filters and order.
    public static func binding(partner: String, version: String, resource: String, request: ApiRequest) -> String {
        let filters = request.filters.map { "\($0.field)=\($0.op.rawValue):\($0.values.joined(separator: ","))" }.sorted()
        let sort = request.sort.map { "\($0.descending ? "-" : "")\($0.field)" } ?? ""
        let since = request.updatedSince?.rfc3339 ?? ""
        return [partner, version, resource, filters.joined(separator: "&"), sort, since].joined(separator: "\n")
    }

    public func encode(_ values: [MySQLValue], binding: String, now: Int) -> String {
        let fingerprint = Data(SHA256.hash(data: Data(binding.utf8))).prefix(12).base64URL
        let payload = "1|\(fingerprint)|\(now)|" + values.map(Self.encodeValue).joined(separator: "|")
        let mac = Data(HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key)).prefix(16)
        return Data(payload.utf8).base64URL + "." + mac.base64URL
    }

    public func decode(_ token: String, binding: String, now: Int) throws(QueryError) -> [MySQLValue] {
        func invalid(_ detail: String) -> QueryError { QueryError(.invalidCursor, parameter: "cursor", detail: detail) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 2048, parts.count == 2, let payloadData = Data(base64URL: String(parts[0])),
              let mac = Data(base64URL: String(parts[1])), mac.count == 16 else {
            throw invalid("The cursor is malformed; use next_cursor exactly as returned.")
        }
        let expected = Data(HMAC<SHA256>.authenticationCode(for: payloadData, using: key)).prefix(16)
        // Constant-time comparison of the MAC.
        guard expected.count == mac.count, zip(expected, mac).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0,
              let payload = String(data: payloadData, encoding: .utf8) else {
            throw invalid("The cursor is malformed; use next_cursor exactly as returned.")
        }
        let fields = payload.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 3, fields[0] == "1", let issued = Int(fields[2]) else {
            throw invalid("The cursor is malformed; use next_cursor exactly as returned.")
        }
        let fingerprint = Data(SHA256.hash(data: Data(binding.utf8))).prefix(12).base64URL
        guard fields[1] == fingerprint else {
            throw invalid("The cursor belongs to another request: keep the filters and sort of the request that returned it.")
        }
        guard now - issued <= lifetime, issued <= now + 60 else {
            throw invalid("The cursor has expired; start again without it.")
        }
        var values: [MySQLValue] = []
        for text in fields.dropFirst(3) {
            guard let value = Self.decodeValue(text) else { throw invalid("The cursor is malformed; use next_cursor exactly as returned.") }
            values.append(value)
        }
        return values
    }

    static func encodeValue(_ value: MySQLValue) -> String {
        switch value {
        case .int(let v): "i\(v)"
        case .uint(let v): "u\(v)"
        case .decimal(let s): "m\(s)"
        case .string(let s): "s" + Data(s.utf8).base64URL
        case .date(let d): "d\(d.year)-\(d.month)-\(d.day)"
        case .datetime(let t): "t\(t.epochSeconds).\(t.microsecond)"
        case .double(let d): "f\(d.bitPattern)"
        case .null: "n"
        default: "n"
        }
    }

    static func decodeValue(_ text: String) -> MySQLValue? {
        guard let tag = text.first else { return nil }
        let body = String(text.dropFirst())
        switch tag {
        case "i": return Int64(body).map { .int($0) }
        case "u": return UInt64(body).map { .uint($0) }
        case "m": return body.wholeMatch(of: /-?[0-9]+(\.[0-9]+)?/) != nil ? .decimal(body) : nil
        case "s": return Data(base64URL: body).flatMap { String(data: $0, encoding: .utf8) }.map { .string($0) }
        case "d":
            let p = body.split(separator: "-").compactMap { Int($0) }
            return p.count == 3 ? .date(MySQLDate(year: p[0], month: p[1], day: p[2])) : nil
        case "t":
            let p = body.split(separator: ".").compactMap { Int($0) }
            return p.count == 2 && (0..<1_000_000).contains(p[1]) ? .datetime(MySQLDateTime(epochSeconds: p[0], microsecond: p[1])) : nil
        case "f": return UInt64(body).map { .double(Double(bitPattern: $0)) }
        case "n": return body.isEmpty ? .null : nil
        default: return nil
        }
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init?(base64URL text: String) {
        guard text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
