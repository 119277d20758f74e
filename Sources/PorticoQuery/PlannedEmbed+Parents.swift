public import PorticoValues

extension PlannedEmbed {
    /// The distinct, non-null parent join values of a page: the child query's `IN` list.
    public func parentKeys(_ rows: [MySQLRow]) -> [[MySQLValue]] {
        var keys: [[MySQLValue]] = []
        keys.reserveCapacity(rows.count)
        if parentColumns.count == 1 {
            let column = parentColumns[0]
            var seen: Set<MySQLValue> = []
            seen.reserveCapacity(rows.count)
            for row in rows {
                let value = row[column]
                if case .null = value { continue }
                if seen.insert(value).inserted { keys.append([value]) }
            }
            return keys
        }
        var seen: Set<[MySQLValue]> = []
        for row in rows {
            let key = parentColumns.map { row[$0] }
            if key.contains(.null) { continue }
            if seen.insert(key).inserted { keys.append(key) }
        }
        return keys
    }

    /// The statement reading this embed's rows for a page's (or a batch's) parent rows; nil
    /// when none of them has a join value, so no statement is needed.
    public func query(forParents rows: [MySQLRow]) -> SQLQuery? {
        let keys = parentKeys(rows)
        return keys.isEmpty ? nil : SQLRenderer.render(plan(forParents: keys))
    }
}
