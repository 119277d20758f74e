import Hummingbird
import PorticoCatalog
import PorticoValues
import Synchronization

/// What the stages of one request report for its access-log line and metrics: a reference
/// carried in the request context, since contexts travel down the chain by value.
public final class RequestTrace: Sendable {
    private struct State {
        var partner: String?
        var credentialID: String?
        var version: String?
        var resource: String?
        var databaseNanos: Int64 = 0
        var rows = 0
        var refusal: Refusal?
        var errorVocabulary: ErrorVocabulary?
        var upstream: Upstream?
    }

    /// A proxied request's exchange with the upstream, for the access log.
    struct Upstream {
        var target: String
        /// Its status, or `connect_error` / `timeout`.
        var outcome: String
        var nanos: Int64
        var attempts: Int
    }

    /// A request refused with a returned (not thrown) problem, for the metrics.
    struct Refusal {
        var status: Int
        var kind: String
        var violatedPolicies: [String]
    }

    private let state = Mutex(State())

    public init() {}

    func identify(partner: String, credentialID: String?) {
        state.withLock {
            $0.partner = partner
            $0.credentialID = credentialID
        }
    }

    func route(version: String, resource: String) {
        state.withLock {
            $0.version = version
            $0.resource = resource
        }
    }

    func upstream(_ exchange: Upstream) { state.withLock { $0.upstream = exchange } }

    func database(_ duration: Duration, rows: Int) {
        let nanos = duration.nanoseconds
        state.withLock {
            $0.databaseNanos += nanos
            $0.rows += rows
        }
    }

    /// How errors are worded for this request: its version's vocabulary, once the path is known
    /// to belong to a version that declares one (``BasePathResponder``).
    var errorVocabulary: ErrorVocabulary {
        get { state.withLock { $0.errorVocabulary } ?? .standard }
        set { state.withLock { $0.errorVocabulary = newValue } }
    }

    /// The request was answered with `problem` without an error being thrown.
    func refused(_ problem: Problem) {
        let refusal = Refusal(status: problem.status.code, kind: problem.kind.slug, violatedPolicies: problem.violatedPolicies ?? [])
        state.withLock { $0.refusal = refusal }
    }

    var snapshot:
        (
            partner: String?, credentialID: String?, version: String?, resource: String?, databaseNanos: Int64, rows: Int, refusal: Refusal?,
            upstream: Upstream?
        )
    {
        state.withLock { ($0.partner, $0.credentialID, $0.version, $0.resource, $0.databaseNanos, $0.rows, $0.refusal, $0.upstream) }
    }
}
