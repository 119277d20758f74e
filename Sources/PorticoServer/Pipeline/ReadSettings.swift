import Hummingbird
public import PorticoAccess
public import PorticoQuery

/// What the read API needs besides the database pool.
public struct ReadSettings: Sendable {
    /// The served catalogs; swapped whole on reload, so a request sees one version of them.
    public let catalogStore: CatalogStore
    public var catalogs: CatalogSet { catalogStore.current }
    /// Signs page cursors; share one secret across instances behind a balancer.
    public var cursors: CursorCodec
    /// The development principal, if enabled (never in production): used when a request
    /// carries no credential.
    public var developmentPrincipal: Principal?
    /// Checks API keys; nil when Portico's schema is not configured (development only).
    public var authenticator: Authenticator?
    /// Rate limits and in-flight caps; nil disables limiting (tests of other stages).
    public var limits: Limits?
    /// Longest query string accepted, in bytes.
    public var maxQueryLength = 4096
    /// Rows fetched from the database per batch while streaming an export.
    public var exportBatch = 500

    public init(
        catalogs: CatalogSet, cursors: CursorCodec, developmentPrincipal: Principal?, authenticator: Authenticator? = nil,
        limits: Limits? = nil
    ) {
        self.limits = limits
        catalogStore = CatalogStore(catalogs)
        self.cursors = cursors
        self.developmentPrincipal = developmentPrincipal
        self.authenticator = authenticator
    }
}
