import Hummingbird
import HummingbirdCore
import PorticoCatalog
import PorticoQuery

/// Which representation a request asks for: decided once, by ``ResolvedRoute``, for the
/// handler and the limiter alike.
enum Representation {
    /// The format, whether a list request is an export, and whether `Accept` admits anything
    /// the version serves (when not, the read is a 406). The query string is parsed at most
    /// once, and not at all when it cannot name `format` (most requests).
    ///
    /// `format=` wins; else `Accept` (``acceptFormat(_:extras:)``); else JSON. An unknown
    /// `format` counts as JSON here; the parser refuses it with a 400. A list in NDJSON or CSV
    /// without `limit` is an export; JSON never is.
    static func decide(
        _ request: Request, list: Bool, limitName: String = "limit", extras: SurfaceExtras = .standard
    ) -> (format: ApiRequest.Format, isExport: Bool, acceptable: Bool) {
        let raw = request.uri.query ?? ""
        if !extras.formatParameter || (!ASCIIText.contains(raw, "format") && !raw.utf8.contains(UInt8(ascii: "%"))) {
            guard let format = acceptFormat(request, extras: extras) else { return (.json, false, false) }
            guard list, format != .json else { return (format, false, true) }
            return (format, ApiRequest.isExport(format: format, limitGiven: request.uri.queryParameters.has(Substring(limitName))), true)
        }
        let query = request.uri.queryParameters
        guard let format = format(of: request, query: query, extras: extras) else { return (.json, false, false) }
        return (format, list && ApiRequest.isExport(format: format, limitGiven: query.has(Substring(limitName))), true)
    }

    /// The format, with the query string already parsed; nil when only `Accept` decides and it admits nothing served.
    static func format(of request: Request, query: FlatDictionary<Substring, Substring>, extras: SurfaceExtras = .standard) -> ApiRequest.Format? {
        if extras.formatParameter, let given = query["format"] { return ApiRequest.Format(rawValue: String(given)) ?? .json }
        return acceptFormat(request, extras: extras)
    }

    /// The format `Accept` asks for among those served: NDJSON or CSV when it names one, else
    /// JSON when it admits JSON (`application/json`, `application/*`, `*/*`), else CSV for
    /// `text/*`; nil when it admits none of them (a range with `q=0` admits nothing). No
    /// `Accept`, or an empty one, is JSON.
    static func acceptFormat(_ request: Request, extras: SurfaceExtras = .standard) -> ApiRequest.Format? {
        guard let accept = request.headers[.accept] else { return .json }
        if accept == "application/json" || accept == "*/*" || accept.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .json }
        var (json, csv, ndjson, text) = (false, false, false, false)
        for range in accept.split(separator: ",") {
            var parts = range.split(separator: ";").makeIterator()
            guard let type = parts.next()?.trimmingBlanks.lowercased() else { continue }
            var refused = false
            while let parameter = parts.next() {
                let pair = parameter.trimmingBlanks.lowercased()
                if pair.hasPrefix("q="), let weight = Double(pair.dropFirst(2)), weight == 0 { refused = true }
            }
            if refused { continue }
            switch type {
            case "*/*", "application/*", "application/json": json = true
            case "application/x-ndjson": ndjson = true
            case "text/csv": csv = true
            case "text/*": text = true
            default: continue
            }
        }
        if ndjson, extras.ndjson { return .ndjson }
        if csv, extras.csv { return .csv }
        if json { return .json }
        if text, extras.csv { return .csv }
        return nil
    }

    /// The media types a version answers reads with, for a 406's detail.
    static func served(_ extras: SurfaceExtras) -> String {
        (["application/json"] + (extras.csv ? ["text/csv"] : []) + (extras.ndjson ? ["application/x-ndjson"] : [])).joined(separator: ", ")
    }
}
