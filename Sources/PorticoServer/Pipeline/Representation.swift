import Hummingbird
import HummingbirdCore
import PorticoQuery

/// Which representation a request asks for, decided once for the handler and the limiter alike.
enum Representation {
    /// `format=` wins; else `Accept: application/x-ndjson` or `text/csv`; else JSON.
    /// An unknown `format` counts as JSON here; the parser refuses it with a 400.
    static func format(of request: Request) -> ApiRequest.Format {
        format(of: request, query: request.uri.queryParameters)
    }

    /// As ``format(of:)``, with the query string already parsed.
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

    /// True for a list request that streams every row (`/api/{version}/{resource}` only).
    static func isExport(_ request: Request) -> Bool {
        guard ASCIIText.segmentCount(request.uri.path) == 3 else { return false }
        // With no `format` (not even percent-encoded) in the query string, the Accept header
        // alone decides, and JSON is never an export: most requests need no query parsing.
        let raw = request.uri.query ?? ""
        if !ASCIIText.contains(raw, "format"), !raw.utf8.contains(UInt8(ascii: "%")), acceptFormat(request) == .json {
            return false
        }
        let query = request.uri.queryParameters  // parsed once for both questions
        return ApiRequest.isExport(format: format(of: request, query: query), limitGiven: query.has("limit"))
    }
}
