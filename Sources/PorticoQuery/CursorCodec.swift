import Crypto
import Foundation
public import PorticoValues

/// Opaque, signed page cursors.
///
/// A cursor holds the last row's order values and a fingerprint of what it belongs to (partner,
/// version, resource, filters, sort, and the resource's keyset as mapped). It is signed with
/// HMAC-SHA256, so a tampered cursor, one from another partner or request, or a stale one (made
/// before the mapping's order changed, or under a rotated secret) is refused with a 400 and can
/// never select other rows.
///
/// Cursors hold no issue time on purpose: the same page is then the same bytes, so list pages
/// keep strong ETags. Like Stripe's `starting_after`, a cursor stays usable while its mapping does.
public struct CursorCodec: Sendable {
    let key: SymmetricKey

    /// - Parameter secret: at least 32 random bytes, shared by every instance behind one balancer.
    public init(secret: [UInt8]) {
        key = SymmetricKey(data: secret)
    }

    /// A fresh random key, for a single process (cursors then do not survive a restart).
    public static func random() -> CursorCodec {
        CursorCodec(secret: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// The canonical text a cursor is bound to: who asks, what, and with which filters and order.
    /// - Parameter keyset: the resource's keyset columns as mapped; a mapping change makes old cursors stale.
    public static func binding(partner: String, version: String, resource: String, keyset: [String], request: ApiRequest) -> String {
        let filters = request.filters.map { "\($0.field)=\($0.op.rawValue):\($0.values.joined(separator: ","))" }.sorted()
        let sort = request.sort.map { "\($0.descending ? "-" : "")\($0.field)" } ?? ""
        let since = request.updatedSince?.rfc3339 ?? ""
        // A sub-collection's cursor is its parent's: it does not page another parent's rows.
        let scope = request.parent.map { "\(resource)@\($0.key)" } ?? resource
        return [partner, version, scope, keyset.joined(separator: ","), filters.joined(separator: "&"), sort, since].joined(separator: "\n")
    }

    /// A signed cursor for the position after a row.
    ///
    /// - Parameters:
    ///   - values: the row's keyset values, in keyset order.
    ///   - binding: the request's canonical form (``binding(partner:version:resource:keyset:request:)``): the cursor works only for it.
    public func encode(_ values: [MySQLValue], binding: String) -> String {
        let payload = "2|\(Self.fingerprint(binding))|" + values.map(Self.encodeValue).joined(separator: "|")
        let mac = HMAC<SHA256>.authenticationCode(for: Array(payload.utf8), using: key)
        return Base64URL.encode(payload.utf8) + "." + Base64URL.encode(Array(mac).prefix(16))
    }

    /// What a cursor carries of its binding: the first 12 bytes of its SHA-256.
    static func fingerprint(_ binding: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(binding.utf8))).prefix(12))
    }

    /// The position a cursor holds, if it was signed here for this very request.
    ///
    /// - Throws: ``QueryError`` (`invalid-cursor`) for a forged, altered or truncated cursor, or one made for another request or partner.
    public func decode(_ token: String, binding: String, parameter: String = "cursor") throws(QueryError) -> [MySQLValue] {
        func invalid(_ detail: String) -> QueryError { QueryError(.invalidCursor, parameter: parameter, detail: detail) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 2048, parts.count == 2, let payloadData = Base64URL.decode(parts[0]),
            let mac = Base64URL.decode(parts[1]), mac.count == 16
        else {
            throw invalid("The cursor is malformed; use next_cursor exactly as returned.")
        }
        let expected = Array(HMAC<SHA256>.authenticationCode(for: payloadData, using: key)).prefix(16)
        // Constant-time comparison of the MAC.
        guard expected.count == mac.count, zip(expected, mac).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0,
            let payload = String(validating: payloadData, as: UTF8.self)
        else {
            throw invalid("The cursor is malformed; use next_cursor exactly as returned.")
        }
        let fields = payload.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 2, fields[0] == "2" else {
            throw invalid("The cursor is malformed or from an older release; start again without it.")
        }
        guard fields[1] == Self.fingerprint(binding) else {
            throw invalid(
                "The cursor belongs to another request, or the resource's order has changed since: keep the filters and sort of the request that returned it, or start again."
            )
        }
        var values: [MySQLValue] = []
        for text in fields.dropFirst(2) {
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
        case .string(let s): "s" + Base64URL.encode(s.utf8)
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
        case "s": return Base64URL.decode(body).flatMap { String(validating: $0, as: UTF8.self) }.map { .string($0) }
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
