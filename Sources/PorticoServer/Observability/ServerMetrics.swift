import Metrics
public import PorticoAccess
public import PorticoMySQL
import PorticoQuota
public import Prometheus
import Synchronization

/// Portico's metrics, through swift-metrics into a Prometheus registry of their own (not the
/// process-global one, so several servers in one test process do not mix their counts).
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    private let counters = Mutex<[CounterKey: Metrics.Counter]>([:])
    /// Per-request instruments by their labels, so a request costs one lookup and builds no strings.
    private let requestInstruments = Mutex<[RequestLabels: RequestInstruments]>([:])
    /// Per-target instruments of the gateway, so an exchange and each chunk it passes cost one lookup.
    private let upstreamInstruments = Mutex<[UpstreamLabels: UpstreamInstruments]>([:])
    private let lastFlushFailures = Mutex(0)
    let pools: [(name: String, pool: MySQLConnectionPool)]
    let quotas: QuotaStore?
    let fleet: FleetMembership?
    let authenticator: Authenticator?

    public init(
        version: String, pools: [(String, MySQLConnectionPool)], quotas: QuotaStore?, fleet: FleetMembership? = nil,
        authenticator: Authenticator? = nil
    ) {
        self.fleet = fleet
        self.authenticator = authenticator
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .seconds(2.5), .seconds(10),
        ]
        self.factory = factory
        self.pools = pools.map { (name: $0.0, pool: $0.1) }
        self.quotas = quotas
        Metrics.Gauge(label: "portico_build_info", dimensions: [("version", version)], factory: factory).record(1)
    }

    func count(_ name: String, _ dimensions: [(String, String)], by amount: Int = 1) {
        let key = CounterKey(name: name, dimensions: dimensions)
        let counter = counters.withLock { cache in
            if let existing = cache[key] { return existing }
            let made = Metrics.Counter(label: name, dimensions: dimensions, factory: factory)
            cache[key] = made
            return made
        }
        counter.increment(by: amount)
    }

    /// One finished request.
    func request(version: String, resource: String, status: Int, partner: String, totalNanos: Int64, databaseNanos: Int64) {
        let labels = RequestLabels(version: version, resource: resource, status: status, partner: partner)
        let instruments = requestInstruments.withLock { cache in
            if let existing = cache[labels] { return existing }
            let made = RequestInstruments(labels, factory: factory)
            cache[labels] = made
            return made
        }
        instruments.requests.increment()
        instruments.duration.recordNanoseconds(totalNanos)
        if databaseNanos > 0 { instruments.databaseTime.recordNanoseconds(databaseNanos) }
    }

    func limitRejected(policy: String) {
        let quota = policy == "daily" || policy == "monthly"
        count(quota ? "portico_quota_rejections_total" : "portico_rate_limit_rejections_total", [("policy", policy)])
    }

    /// One exchange with an upstream target: its status (or `connect_error`, `timeout`) and the time to its response head.
    func upstream(route: String, target: String, outcome: String, headNanos: Int64) {
        let instruments = upstream(route: route, target: target)
        instruments.requests(outcome).increment()
        instruments.response.recordNanoseconds(headNanos)
    }

    /// A route's target's instruments, looked up once per exchange (its body's chunks count with `passed`).
    func upstream(route: String, target: String) -> UpstreamInstruments {
        let labels = UpstreamLabels(route: route, target: target)
        return upstreamInstruments.withLock { cache in
            if let existing = cache[labels] { return existing }
            let made = UpstreamInstruments(labels, factory: factory)
            cache[labels] = made
            return made
        }
    }

    func upstreamRetry(route: String) { count("portico_upstream_retries_total", [("route", route)]) }

    func upstreamEjected(target: String) { count("portico_upstream_ejections_total", [("target", target)]) }

    func authFailure(kind: String) { count("portico_auth_failures_total", [("kind", kind)]) }

    public func catalogReload(succeeded: Bool) { count("portico_catalog_reloads_total", [("result", succeeded ? "ok" : "failed")]) }

    /// The text exposition, with pool gauges and quota flush failures read at scrape time.
    public func render() -> [UInt8] {
        for (name, pool) in pools {
            let stats = pool.statistics
            for (metric, value) in [
                ("portico_db_pool_connections", stats.open), ("portico_db_pool_in_use", stats.leased),
                ("portico_db_pool_waiters", stats.waiting),
            ] {
                Metrics.Gauge(label: metric, dimensions: [("pool", name)], factory: factory).record(value)
            }
            for (metric, value) in [
                ("portico_db_pool_timeouts", stats.acquireTimeouts), ("portico_db_pool_reconnects", stats.reconnects),
                ("portico_db_statements", stats.statements),
            ] {
                Metrics.Gauge(label: metric + "_total", dimensions: [("pool", name)], factory: factory).record(value)
            }
        }
        if let quotas {
            let failures = quotas.flushFailures
            let delta = lastFlushFailures.withLock { last -> Int in
                defer { last = failures }
                return failures - last
            }
            count("portico_quota_flush_failures_total", [], by: max(0, delta))
        }
        if let fleet {
            // The fleet as this instance last counted it: a balancer's view can be checked against it.
            Metrics.Gauge(label: "portico_fleet_instances", factory: factory).record(fleet.share.instances)
            Metrics.Gauge(label: "portico_fleet_setting_mismatches", factory: factory).record(fleet.mismatches.count)
            Metrics.Gauge(label: "portico_fleet_heartbeat_failures_total", factory: factory).record(fleet.heartbeatFailures)
        }
        if let authenticator {
            // Credentials answered from what Portico's schema last said, because rereading it failed.
            Metrics.Gauge(label: "portico_auth_stale_answers_total", factory: factory).record(authenticator.staleAnswers)
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

/// A counter by its name and labels, hashed as they are: a refused request counts one, and
/// joining them into one string cost more than the count.
struct CounterKey: Hashable {
    let name: String
    let dimensions: [(String, String)]

    static func == (a: CounterKey, b: CounterKey) -> Bool {
        a.name == b.name && a.dimensions.elementsEqual(b.dimensions) { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(dimensions.count)
        for (label, value) in dimensions {
            hasher.combine(label)
            hasher.combine(value)
        }
    }
}

struct RequestLabels: Hashable {
    let version: String
    let resource: String
    let status: Int
    let partner: String
}

/// The three instruments one request updates. Timers are per version and resource only; the
/// factory hands back the same underlying histogram for the same labels.
struct RequestInstruments {
    let requests: Metrics.Counter
    let duration: Metrics.Timer
    let databaseTime: Metrics.Timer

    init(_ labels: RequestLabels, factory: PrometheusMetricsFactory) {
        let route = [("version", labels.version), ("resource", labels.resource)]
        requests = Metrics.Counter(
            label: "portico_http_requests_total",
            dimensions: route + [("status", String(labels.status)), ("partner", labels.partner)], factory: factory)
        duration = Metrics.Timer(label: "portico_http_request_duration_seconds", dimensions: route, factory: factory)
        databaseTime = Metrics.Timer(label: "portico_db_time_seconds", dimensions: route, factory: factory)
    }
}

struct UpstreamLabels: Hashable {
    let route: String
    let target: String
}

/// The instruments of one route's target: the time to the response head, the bytes passed
/// on, and the exchanges by outcome (a handful of statuses, made as they first occur).
final class UpstreamInstruments: Sendable {
    let labels: UpstreamLabels
    let factory: PrometheusMetricsFactory
    let response: Metrics.Timer
    private let bytes: Metrics.Counter
    private let outcomes = Mutex<[String: Metrics.Counter]>([:])

    init(_ labels: UpstreamLabels, factory: PrometheusMetricsFactory) {
        self.labels = labels
        self.factory = factory
        let dimensions = [("route", labels.route), ("target", labels.target)]
        response = Metrics.Timer(label: "portico_upstream_response_seconds", dimensions: dimensions, factory: factory)
        bytes = Metrics.Counter(label: "portico_upstream_bytes_total", dimensions: dimensions, factory: factory)
    }

    /// Bytes of a body passed on to the partner.
    func passed(_ count: Int) { bytes.increment(by: count) }

    func requests(_ outcome: String) -> Metrics.Counter {
        outcomes.withLock { cache in
            if let existing = cache[outcome] { return existing }
            let made = Metrics.Counter(
                label: "portico_upstream_requests_total",
                dimensions: [("route", labels.route), ("target", labels.target), ("status", outcome)], factory: factory)
            cache[outcome] = made
            return made
        }
    }
}
