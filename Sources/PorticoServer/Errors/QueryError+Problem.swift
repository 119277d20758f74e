import PorticoQuery

extension QueryError {
    /// The partner's mistake in the query string, as the 400 problem of its kind.
    var problem: Problem {
        switch kind {
        case .unknownParameter: Problem(.unknownParameter, detail: detail, parameter: parameter)
        case .invalidParameter: Problem(.invalidParameter, detail: detail, parameter: parameter)
        case .invalidCursor: Problem(.invalidCursor, detail: detail, parameter: parameter)
        case .tooLarge: Problem(.queryTooLarge, detail: detail, parameter: parameter)
        }
    }
}

/// Runs a stage that checks the partner's input; its ``QueryError`` becomes a 400 problem.
func partnerInput<R>(_ body: () throws(QueryError) -> R) throws -> R {
    do {
        return try body()
    } catch {
        throw error.problem
    }
}
