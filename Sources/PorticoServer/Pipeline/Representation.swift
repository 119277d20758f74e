import Hummingbird
import HummingbirdCore
import PorticoQuery

/// Which representation a request asks for: decided once, by ``ResolvedRoute``, for the
/// handler and the limiter alike.
enum Representation {
    /// The format and whether a list request is an export, parsing the query string at most
    /// once, and not at all when it cannot name `format` (most requests).
    ///
    /// `format=` wins; else `Accept: application/x-ndjson` or `text/csv`; else JSON. An unknown
    /// `format` counts as JSON here; the parser refuses it with a 400. A list in NDJSON or CSV
    /// without `limit` is an export; JSON never is.
    static func decide(_ request: Request, list: Bool, limitName: String = "limit") -> (format: ApiRequest.Format, isExport: Bool) {
        let raw = request.uri.query ?? ""
        if !ASCIIText.contains(raw, "format"), !raw.utf8.contains(UInt8(ascii: "%")) {
            let format = acceptFormat(request)
            guard list, format != .json else { return (format, false) }
            return (format, ApiRequest.isExport(format: format, limitGiven: request.uri.queryParameters.has(Substring(limitName))))
        }
        let query = request.uri.queryParameters
        let format = format(of: request, query: query)
        return (format, list && ApiRequest.isExport(format: format, limitGiven: query.has(Substring(limitName))))
    }

    /// The format, with the query string already parsed.
    static func format(of request: Request, query: FlatDictionary<Substring, Substring>) -> ApiRequest.Format {
        if let given = query["format"] { return ApiRequest.Format(rawValue: String(given)) ?? .json }
        return acceptFormat(request)
    }

    /// The format `Accept` asks for (JSON when it names neither NDJSON nor CSV).
    static func acceptFormat(_ request: Request) -> ApiRequest.Format {
        guard let accept = request.headers[.accept] else { return .json }
        if ASCIIText.contains(accept, "application/x-ndjson") { return .ndjson }
        if ASCIIText.contains(accept, "text/csv") { return .csv }
        return .json
    }
}
