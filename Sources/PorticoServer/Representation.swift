import Hummingbird
import PorticoQuery

/// Which representation a request asks for, decided once for the handler and the limiter alike.
enum Representation {
    /// `format=` wins; else `Accept: application/x-ndjson` or `text/csv`; else JSON.
    /// An unknown `format` counts as JSON here; the parser refuses it with a 400.
    static func format(of request: Request) -> ApiRequest.Format {
        if let given = request.uri.queryParameters["format"] { return ApiRequest.Format(rawValue: String(given)) ?? .json }
        guard let accept = request.headers[.accept] else { return .json }
        if ASCIIText.contains(accept, "application/x-ndjson") { return .ndjson }
        if ASCIIText.contains(accept, "text/csv") { return .csv }
        return .json
    }

    /// True for a list request that streams every row (`/api/{version}/{resource}` only).
    static func isExport(_ request: Request) -> Bool {
        ASCIIText.segmentCount(request.uri.path) == 3
            && ApiRequest.isExport(format: format(of: request), limitGiven: request.uri.queryParameters.has("limit"))
    }
}
