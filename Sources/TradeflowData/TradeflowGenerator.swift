/// Writes the Tradeflow demo product's rows as tab-separated files, the same bytes for the same
/// size and seed on every machine.
struct TradeflowGenerator {
    let size: DatasetSize
    let seed: UInt64
    let directory: String

    /// Order dates run from 2016-01-01 for about ten years, in order-number order.
    private static let firstDay = TimeText.days(year: 2016, month: 1, day: 1)
    private static let spanDays = 3_950

    struct Counts: Equatable, CustomStringConvertible {
        var tables: [(String, Int)] = []
        static func == (a: Counts, b: Counts) -> Bool { a.description == b.description }
        var description: String { tables.map { "\($0.0)\t\($0.1)" }.joined(separator: "\n") }
        func rows(_ table: String) -> Int { tables.first { $0.0 == table }?.1 ?? 0 }
    }

    func run() throws -> Counts {
        var counts = Counts()
        var rng = SplitMix64(seed: seed)
        let zones = try writeAccounts(&rng, &counts)
        try writePartnerLinks(&counts)
        try writeCustomers(&rng, &counts)
        try writeProducts(&rng, zones: zones, &counts)
        try writeOrders(&rng, zones: zones, &counts)
        try writeInternal(&rng, &counts)
        return counts
    }

    private func writer(_ table: String) throws -> TSVWriter {
        try TSVWriter(path: "\(directory)/\(table).tsv")
    }

    private func finish(_ table: String, _ writer: TSVWriter, _ counts: inout Counts) throws {
        try writer.close()
        counts.tables.append((table, writer.rows))
    }

    private func writeAccounts(_ rng: inout SplitMix64, _ counts: inout Counts) throws -> [String] {
        let out = try writer("accounts")
        var zones: [String] = []
        for id in 1...size.accounts {
            let base = Vocabulary.accountNames[(id - 1) % Vocabulary.accountNames.count]
            let name = id <= Vocabulary.accountNames.count ? base : "\(base) \(id)"
            let status = rng.chance(85) ? "A" : rng.pick(["S", "C"])
            let zone = id == 1 ? "Europe/Berlin" : rng.pick(Vocabulary.zones)
            zones.append(zone)
            let created = (Self.firstDay - 400 + rng.int(0...380)) * 86_400 + rng.int(0...86_399)
            try out.row(["\(id)", name, rng.pick(["BASIC", "PRO", "ENTERPR"]), status, zone, TimeText.dateTime(created)])
        }
        try finish("accounts", out, &counts)
        return zones
    }

    /// `acme` sees accounts 1–3, `globex` 3–5 (account 3 is shared), `bench` the first N.
    private func writePartnerLinks(_ counts: inout Counts) throws {
        let out = try writer("partner_links")
        let since = TimeText.date(days: Self.firstDay + 30)
        for id in 1...min(3, size.accounts) { try out.row(["acme", "\(id)", since]) }
        for id in 3...min(5, size.accounts) { try out.row(["globex", "\(id)", since]) }
        for id in 1...min(size.benchPartnerAccounts, size.accounts) { try out.row(["bench", "\(id)", since]) }
        try finish("partner_links", out, &counts)
    }

    private func writeCustomers(_ rng: inout SplitMix64, _ counts: inout Counts) throws {
        let out = try writer("customers")
        var id = 0
        for account in 1...size.accounts {
            for n in 1...size.customersPerAccount {
                id += 1
                var company = "\(rng.pick(Vocabulary.companyStems)) \(rng.pick(Vocabulary.companySuffixes))"
                if n % 11 == 0 { company += "   " }  // legacy rows with trailing blanks
                let slug = "c\(id)"
                let email: String? = rng.chance(90) ? "buyer.\(slug)@example.com" : nil
                let phone: String? = rng.chance(70) ? "+49 30 \(rng.int(1_000_000...9_999_999))" : nil
                let country = rng.pick(Vocabulary.countries)
                let vat: String? = rng.chance(60) ? "\(country)\(rng.int(100_000_000...999_999_999))" : nil
                let created = (Self.firstDay + rng.int(0...Self.spanDays)) * 86_400 + rng.int(0...86_399)
                let modified = created + rng.int(0...200) * 86_400
                try out.row([
                    "\(id)", "\(account)", company, email, phone, country, vat, rng.chance(5) ? "1" : "0",
                    TimeText.dateTime(created), TimeText.dateTime(modified),
                ])
            }
        }
        try finish("customers", out, &counts)
    }

    private func currency(forZone zone: String) -> String {
        switch zone {
        case "America/New_York": "USD"
        case "Asia/Tokyo": "JPY"
        case "Europe/London": "GBP"
        default: "EUR"
        }
    }

    private func writeProducts(_ rng: inout SplitMix64, zones: [String], _ counts: inout Counts) throws {
        let out = try writer("products")
        var id = 0
        for account in 1...size.accounts {
            for n in 1...size.productsPerAccount {
                id += 1
                let title = "\(rng.pick(Vocabulary.adjectives)) \(rng.pick(Vocabulary.nouns))"
                let descr: String? = rng.chance(70) ? "\(title).\nPacked by the dozen.\tSee catalogue p. \(n)." : nil
                let attrs: String?
                if id % 15 == 0 {
                    attrs = "{color: \(rng.pick(Vocabulary.colors)), size"  // invalid JSON kept by the old import tool
                } else if rng.chance(10) {
                    attrs = nil
                } else {
                    attrs = "{\"color\":\"\(rng.pick(Vocabulary.colors))\",\"pack\":\(rng.int(1...48))}"
                }
                let weight: String? = rng.chance(80) ? "\(rng.int(10...25_000))" : nil
                let updated = (Self.firstDay + rng.int(0...Self.spanDays)) * 86_400 + rng.int(0...86_399)
                try out.row([
                    "\(id)", "\(account)", "SKU-\(account)-\(n)", title, descr, "\(rng.int(99...250_000))",
                    currency(forZone: zones[account - 1]), rng.chance(90) ? "Y" : "N", attrs, weight, TimeText.dateTime(updated),
                ])
            }
        }
        try finish("products", out, &counts)
    }

    private func status(_ rng: inout SplitMix64) -> Int {
        let roll = rng.int(0...999)
        switch roll {
        case 0..<30: return 0
        case 30..<130: return 1
        case 130..<280: return 2
        case 280..<830: return 3
        case 830..<910: return 4
        case 910..<995: return 9
        default: return 5  // undocumented code found in a few legacy rows
        }
    }

    private func writeOrders(_ rng: inout SplitMix64, zones: [String], _ counts: inout Counts) throws {
        let orders = try writer("orders")
        let lines = try writer("order_lines")
        let invoices = try writer("invoices")
        var invoiceSeq: [Int: Int] = [:]
        var invoiceID = 0
        let spanSeconds = Self.spanDays * 86_400
        for orderNo in 1...size.orders {
            let account = 1 + Int(rng.next() % UInt64(size.accounts))
            let customer = (account - 1) * size.customersPerAccount + rng.int(1...size.customersPerAccount)
            let placed = Self.firstDay * 86_400 + Int(Double(spanSeconds) * Double(orderNo) / Double(size.orders)) + rng.int(0...3_600)
            let code = status(&rng)
            var total = 0
            for lineNo in 1...rng.int(1...size.maxLines) {
                let product = (account - 1) * size.productsPerAccount + rng.int(1...size.productsPerAccount)
                let fractional = rng.chance(15)
                let qtyMilli = fractional ? rng.int(1...20) * 250 : rng.int(1...24) * 1000
                let unit = rng.int(99...25_000)
                let discount: Int? = rng.chance(30) ? rng.pick([500, 1000, 1250, 2000]) : nil
                total += qtyMilli * unit * (10_000 - (discount ?? 0)) / 10_000_000
                try lines.row([
                    "\(orderNo)", "\(lineNo)", "\(product)", "\(qtyMilli / 1000).\(TimeText.pad(qtyMilli % 1000, 3))", "\(unit)",
                    discount.map { "\($0 / 100).\(TimeText.pad($0 % 100, 2))" },
                ])
            }
            let shippedAt: Int? = (code == 3 || code == 9) && !rng.chance(1) ? placed + rng.int(1...5) * 86_400 + rng.int(0...36_000) : nil
            let recent = rng.chance(3)
            let updatedSeconds =
                recent ? (Self.firstDay + Self.spanDays) * 86_400 + rng.int(0...2_000_000) : placed + rng.int(0...30) * 86_400 + 3_600
            let updated = TimeText.dateTime(updatedSeconds, millis: rng.int(0...999))
            // The same draws as ever; the order number picks one of two texts per draw, so the
            // notes hold a comma and quotes, the CSV delimiter, line breaks and non-Latin-1 text.
            let notes: String? = rng.chance(12) ? Vocabulary.notes[(rng.chance(50) ? 0 : 1) + (orderNo % 2) * 2] : nil
            try orders.row([
                "\(orderNo)", "\(account)", "\(customer)", "\(code)", TimeText.dateTime(placed),
                shippedAt.map { TimeText.dateTime($0) } ?? "0000-00-00 00:00:00", "\(total)",
                currency(forZone: zones[account - 1]), rng.chance(95) ? rng.pick(Vocabulary.countries) : nil, notes, updated,
            ])
            let invoiced = [2, 3, 9].contains(code) || (code == 1 && rng.chance(60)) || (code == 5 && rng.chance(50))
            if invoiced {
                invoiceID += 1
                let issuedDay = placed / 86_400 + rng.int(0...2)
                let year = TimeText.year(issuedDay * 86_400)
                let seq = (invoiceSeq[year] ?? 0) + 1
                invoiceSeq[year] = seq
                let paid = code == 2 || code == 3 || (code == 9 && rng.chance(50))
                let paidAt: String? = paid && rng.chance(97) ? TimeText.dateTime((issuedDay + rng.int(0...40)) * 86_400 + rng.int(0...86_399)) : nil
                try invoices.row([
                    "\(invoiceID)", "INV-\(year)-\(TimeText.pad(seq, 6))", "\(orderNo)", TimeText.date(days: issuedDay),
                    TimeText.date(days: issuedDay + 30), "\(total)", paid ? "1" : "0", paidAt,
                ])
            }
        }
        try finish("orders", orders, &counts)
        try finish("order_lines", lines, &counts)
        try finish("invoices", invoices, &counts)
    }

    private func writeInternal(_ rng: inout SplitMix64, _ counts: inout Counts) throws {
        let users = try writer("users")
        let audit = try writer("audit_log")
        var userID = 0
        var logID = 0
        for account in 1...size.accounts {
            for n in 1...3 {
                userID += 1
                let hash =
                    "$2y$10$" + String((0..<53).map { _ in rng.pick(Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")) })
                let token: String? = n == 1 ? String((0..<40).map { _ in rng.pick(Array("0123456789abcdef")) }) : nil
                let lastLogin = rng.chance(20) ? "0000-00-00 00:00:00" : TimeText.dateTime((Self.firstDay + rng.int(0...Self.spanDays)) * 86_400)
                try users.row(["\(userID)", "\(account)", "user\(userID)", "user\(userID)@merchant\(account).example", hash, token, lastLogin])
                for action in ["login", "export_csv"] {
                    logID += 1
                    try audit.row([
                        "\(logID)", "\(account)", "\(userID)", action, "{\"ip\":\"10.0.\(account % 250).\(n)\"}",
                        TimeText.dateTime((Self.firstDay + rng.int(0...Self.spanDays)) * 86_400),
                    ])
                }
            }
        }
        try finish("users", users, &counts)
        try finish("audit_log", audit, &counts)
    }

}
