import Foundation
import Hummingbird
import PorticoAccess
import PorticoCatalog
import PorticoValues

/// What the gateway sends upstream for one partner request, decided before any connection is
/// opened: every parameter checked, the tenant checked against the partner's grants, the
/// upstream path and query built from checked values only. Pure, so it is unit-tested alone.
struct ProxyPreparation: Sendable {
    /// The upstream path and query, already encoded (`/exports/17/2026-12-01.csv?since=…`).
    let pathAndQuery: String

    /// - Parameters:
    ///   - match: the route and the path's raw parameter values.
    ///   - query: the partner's query parameters, decoded, in order.
    ///   - principal: the authenticated partner.
    /// - Throws: ``Problem``: 404 for a parameter that cannot name anything (or a tenant the
    ///   partner is not granted, alike), 400 for a query parameter that is unknown, repeated or malformed.
    init(_ match: ProxyMatch, query: [(String, String)], principal: Principal, notFound: Problem) throws(Problem) {
        let route = match.route
        var values: [String: String] = [:]
        for parameter in route.parameters {
            guard let raw = match.values[parameter.name], let value = Self.decodedSegment(raw), Self.accepts(parameter, value) else {
                throw notFound
            }
            values[parameter.name] = value
        }
        var forwarded: [(String, String)] = []
        var seen: Set<String> = []
        for (name, value) in query {
            guard let parameter = route.query.first(where: { $0.name == name }) else {
                let known = route.query.map(\.name)
                throw Problem(
                    .unknownParameter,
                    detail: known.isEmpty
                        ? "Unknown query parameter '\(name)'. This route takes none."
                        : "Unknown query parameter '\(name)'. Parameters: \(known.joined(separator: ", ")).", parameter: name)
            }
            guard seen.insert(name).inserted else {
                throw Problem(.invalidParameter, detail: "'\(name)' may be given once.", parameter: name)
            }
            guard Self.accepts(parameter, value) else {
                throw Problem(.invalidParameter, detail: "'\(name)' is not \(Self.describe(parameter)).", parameter: name)
            }
            forwarded.append((name, value))
        }
        for parameter in route.query where parameter.required && !seen.contains(parameter.name) {
            throw Problem(.invalidParameter, detail: "'\(parameter.name)' is required.", parameter: parameter.name)
        }
        switch route.tenant {
        case .pathParameter(let name):
            guard let value = values[name], Self.granted(value, principal) else { throw notFound }
        case .queryParameter(let name):
            guard let value = forwarded.first(where: { $0.0 == name })?.1, Self.granted(value, principal) else { throw notFound }
        case .injected(let name):
            guard principal.tenants.count == 1, let only = principal.tenants.first, let text = Self.text(only) else {
                throw Problem(
                    .insufficientScope,
                    detail: "This route serves one account's data, and this credential is granted \(principal.tenants.count) accounts.")
            }
            forwarded.append((name, text))
        case .none:
            break
        }
        var path = ""
        for segment in route.upstream.path {
            switch segment {
            case .constant(let text): path += "/" + text
            case .parameter(let name): path += "/" + Self.encode(values[name] ?? "")
            }
        }
        if !forwarded.isEmpty { path += "?" + forwarded.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&") }
        pathAndQuery = path
    }

    /// A path segment decoded once; nil when it cannot name one upstream segment (empty, `.`,
    /// `..`, a `/` or `\`, a control character, or a malformed escape).
    static func decodedSegment(_ raw: String) -> String? {
        guard let value = raw.utf8.contains(UInt8(ascii: "%")) ? raw.removingPercentEncoding : raw else { return nil }
        guard !value.isEmpty, value != ".", value != "..",
            !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") })
        else { return nil }
        return value
    }

    static func accepts(_ parameter: ProxyRoute.Parameter, _ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= parameter.maxLength else { return false }
        switch parameter.kind {
        case .integer:
            return value.utf8.count <= 18 && value.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && (value == "0" || !value.hasPrefix("0"))
        case .date:
            return MySQLDate(iso: value) != nil
        case .text(let pattern):
            guard let pattern else { return !value.utf8.contains { $0 < 0x20 || $0 == 0x7F } }
            return PatternCache.shared.matches(pattern, value)
        }
    }

    static func describe(_ parameter: ProxyRoute.Parameter) -> String {
        switch parameter.kind {
        case .integer: "a whole number"
        case .date: "a date (YYYY-MM-DD)"
        case .text(let pattern?): "text matching \(pattern), at most \(parameter.maxLength) bytes"
        case .text(nil): "text of at most \(parameter.maxLength) bytes"
        }
    }

    static func granted(_ value: String, _ principal: Principal) -> Bool {
        guard let id = UInt64(value) else { return false }
        return principal.tenants.contains { tenant in
            switch tenant {
            case .uint(let granted): granted == id
            case .int(let granted): granted >= 0 && UInt64(granted) == id
            case .string(let granted): granted == value
            default: false
            }
        }
    }

    static func text(_ tenant: MySQLValue) -> String? {
        switch tenant {
        case .uint(let id): String(id)
        case .int(let id): String(id)
        case .string(let text): text
        default: nil
        }
    }

    /// `text` as an upstream path segment or query value: RFC 3986's unreserved characters as
    /// they are, every other byte percent-encoded, `/` and `%` included.
    static func encode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
