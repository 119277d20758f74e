import Hummingbird
import PorticoMySQL

extension MySQLError {
    /// The partner's answer to a database failure, with no driver text: 503 (with
    /// `Retry-After`) while the database is unreachable or saturated, 503 `query-timeout` for a
    /// statement over its time limit, 500 otherwise. The log gets the details.
    var problem: Problem {
        switch kind {
        case .connect, .connectionLost, .poolExhausted, .poolClosed:
            Problem.unavailable("The service is temporarily unable to reach its data; retry shortly.", retryAfter: 2)
        case .statementTimeout:
            Problem(.queryTimeout, detail: "The request took too long; narrow it with filters or a smaller limit.", headers: [.retryAfter: "5"])
        default:
            Problem.internalError
        }
    }
}
