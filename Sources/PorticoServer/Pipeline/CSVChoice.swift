import Foundation
import Hummingbird
import PorticoCatalog
import PorticoQuery
import PorticoShape
import PorticoValues

/// How a CSV read is written: the profile (`profile=`, or `profile` in `Accept: text/csv`) and
/// whether the header row is on (`header=present|absent` in `Accept`, RFC 4180 §3).
struct CSVChoice {
    var header: Bool?

    /// Reads the choice into `apiRequest.csvProfile` (for the planner) and the header flag. An
    /// unknown profile or a malformed `header` is a 400; a profile on a JSON or NDJSON answer
    /// has nothing to write and is left out. A profile with columns writes exactly those:
    /// `fields` does not narrow them, and the embeds they show are included.
    static func decide(
        _ request: Request, format: ApiRequest.Format, parser: QueryParser, resource: Resource, into apiRequest: inout ApiRequest
    ) throws -> CSVChoice {
        guard format == .csv else {
            apiRequest.csvProfile = nil
            return CSVChoice()
        }
        let media = Representation.csvParameters(request)
        if apiRequest.csvProfile == nil, let name = media.profile {
            apiRequest.csvProfile = try partnerInput { () throws(QueryError) in try parser.profile(name, parameter: "Accept") }
        }
        if let name = apiRequest.csvProfile, let columns = resource.csv.profile(named: name)?.columns {
            apiRequest.fields = nil
            let embeds = Set(resource.fields.compactMap { field -> String? in if case .embed = field.kind { field.name } else { nil } })
            for column in columns {
                // `customer.name` needs the embed; `customer` alone is an expandable embed's id, shown without it.
                guard case .field(let path) = column.source, case let parts = path.split(separator: "."), parts.count > 1,
                    embeds.contains(String(parts[0]))
                else { continue }
                apiRequest.include.insert(String(parts[0]))
            }
        }
        switch media.header {
        case nil: return CSVChoice()
        case "present": return CSVChoice(header: true)
        case "absent": return CSVChoice(header: false)
        case let other?:
            throw Problem(.invalidParameter, detail: "'header' in Accept is present or absent, not '\(other)'.", parameter: "Accept")
        }
    }

    /// The layout over the planned read; a 400 when the request leaves out a column the profile shows.
    func layout(_ planned: PlannedRead, _ resource: Resource, _ apiRequest: ApiRequest, fieldsName: String) throws -> CSVLayout {
        let profile = apiRequest.csvProfile.flatMap(resource.csv.profile(named:))
        if profile == nil, header == nil { return CSVLayout.standard(planned) }
        switch CSVLayout.make(profile ?? .standard, planned, header: header) {
        case .success(let layout): return layout
        case .failure(let missing):
            throw Problem(
                .invalidParameter,
                detail:
                    "CSV profile '\(missing.profile)' shows '\(missing.field)', which this request leaves out; ask for it in '\(fieldsName)' (or leave '\(fieldsName)' out).",
                parameter: fieldsName)
        }
    }

    /// The media type: the profile's charset, and `header=absent` when there is no header row.
    static func contentType(_ layout: CSVLayout) -> String {
        "text/csv; charset=\(layout.profile.encoding.charset)" + (layout.header ? "" : "; header=absent")
    }

    /// `Content-Disposition` for an export: the resource's (or version's) file name template.
    static func disposition(_ resource: Resource, version: String, profile: String?, format: ApiRequest.Format, now: Date = Date()) -> String {
        let today = MySQLDateTime(epochSeconds: Int(now.timeIntervalSince1970), microsecond: 0).date.description
        let name = (resource.csv.filename ?? .standard).render([
            "resource": resource.name, "version": version, "date": today, "profile": profile ?? CSVProfile.standard.name,
            "format": format.rawValue,
        ])
        return "attachment; filename=\"\(name)\""
    }
}

extension Representation {
    /// The `profile` and `header` parameters of the first `text/csv` range `Accept` admits.
    static func csvParameters(_ request: Request) -> (profile: String?, header: String?) {
        guard let accept = request.headers[.accept] else { return (nil, nil) }
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingBlanks }
            guard parts.first?.lowercased() == "text/csv" else { continue }
            var profile: String?
            var header: String?
            var refused = false
            for parameter in parts.dropFirst() {
                guard let equals = parameter.firstIndex(of: "=") else { continue }
                let name = parameter[..<equals].trimmingBlanks.lowercased()
                var value = parameter[parameter.index(after: equals)...].trimmingBlanks
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
                switch name {
                case "q": refused = Double(value) == 0
                case "profile": profile = value
                case "header": header = value.lowercased()
                default: continue
                }
            }
            if !refused { return (profile, header) }
        }
        return (nil, nil)
    }
}
