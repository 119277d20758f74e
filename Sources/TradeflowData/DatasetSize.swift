/// How much demo data to write.
struct DatasetSize: Sendable {
    var accounts: Int
    var customersPerAccount: Int
    var productsPerAccount: Int
    var orders: Int
    /// Order lines per order: 1...maxLines, averaging about (1 + maxLines) / 2.
    var maxLines: Int
    /// Share of orders with an invoice, in percent.
    var invoicedPercent: Double
    /// Accounts granted to the `bench` partner (the benchmark partner sees many tenants).
    var benchPartnerAccounts: Int

    /// Loads in seconds; what the tests use.
    static let tiny = DatasetSize(
        accounts: 8, customersPerAccount: 15, productsPerAccount: 8, orders: 600,
        maxLines: 5, invoicedPercent: 80, benchPartnerAccounts: 6)
    /// At least 1,000,000 orders, 3,000,000 lines, 800,000 invoices: what the benchmarks use.
    static let bench = DatasetSize(
        accounts: 200, customersPerAccount: 250, productsPerAccount: 100, orders: 1_000_000,
        maxLines: 5, invoicedPercent: 80, benchPartnerAccounts: 60)

    static func named(_ name: String) -> DatasetSize? {
        switch name {
        case "tiny": .tiny
        case "bench": .bench
        default: nil
        }
    }
}
