public import PorticoCatalog
import PorticoContract
import PorticoQuery
import Synchronization

/// The catalogs being served, swapped atomically by a reload.
public final class CatalogStore: Sendable {
    private let state: Mutex<CatalogSet>

    public init(_ catalogs: CatalogSet) { state = Mutex(catalogs) }

    public var current: CatalogSet { state.withLock { $0 } }

    public func replace(with catalogs: CatalogSet) { state.withLock { $0 = catalogs } }
}
