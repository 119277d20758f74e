import PorticoMySQL
import PorticoTestSupport
import PorticoValues
import Testing

/// Pure tests: no database.
@Suite("Values, errors and configuration")
struct ValueTests {
    @Test func dateValidity() {
        #expect(MySQLDate(year: 2024, month: 2, day: 29).isValidCalendarDate)
        #expect(!MySQLDate(year: 2023, month: 2, day: 29).isValidCalendarDate)
        #expect(!MySQLDate(year: 2019, month: 0, day: 0).isValidCalendarDate)
        #expect(!MySQLDate(year: 0, month: 1, day: 1).isValidCalendarDate)
    }

    @Test func descriptions() {
        #expect(MySQLTime(isNegative: true, hours: 838, minutes: 59, seconds: 59).description == "-838:59:59")
        #expect(MySQLTime(hours: 100, minutes: 0, seconds: 0, microseconds: 500_000).description == "100:00:00.500000")
        #expect(MySQLTime(isNegative: true, hours: 1, minutes: 0, seconds: 0).totalMicroseconds == -3_600_000_000)
        #expect(
            MySQLDateTime(year: 7, month: 1, day: 2, hour: 3, minute: 4, second: 5, microsecond: 6).description
                == "0007-01-02 03:04:05.000006")
    }

    @Test("RFC 3339 text: zero-padded fields, the fraction without trailing zeros, and back again")
    func rfc3339() {
        let cases: [(MySQLDateTime, String)] = [
            (MySQLDateTime(year: 2024, month: 7, day: 1, hour: 12), "2024-07-01T12:00:00Z"),
            (MySQLDateTime(year: 7, month: 1, day: 2, hour: 3, minute: 4, second: 5), "0007-01-02T03:04:05Z"),
            (MySQLDateTime(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59, microsecond: 999_999), "9999-12-31T23:59:59.999999Z"),
            (MySQLDateTime(year: 2024, month: 3, day: 4, hour: 5, minute: 6, second: 7, microsecond: 250_000), "2024-03-04T05:06:07.25Z"),
            (MySQLDateTime(year: 2024, month: 3, day: 4, hour: 5, minute: 6, second: 7, microsecond: 1), "2024-03-04T05:06:07.000001Z"),
            (MySQLDateTime(year: 2024, month: 3, day: 4, hour: 5, minute: 6, second: 7, microsecond: 100_000), "2024-03-04T05:06:07.1Z"),
            (MySQLDateTime(year: 2024, month: 3, day: 4, hour: 5, minute: 6, second: 7, microsecond: 10), "2024-03-04T05:06:07.00001Z"),
        ]
        for (value, text) in cases {
            #expect(value.rfc3339 == text)
            #expect(MySQLDateTime(rfc3339: text) == value)
        }
        // Every second of a day and a spread of days round-trip.
        for seconds in stride(from: -86_400 * 400, through: 86_400 * 20_000, by: 86_400 * 7 + 3_661) {
            let value = MySQLDateTime(epochSeconds: seconds, microsecond: abs(seconds) % 1_000_000)
            #expect(MySQLDateTime(rfc3339: value.rfc3339) == value, "\(value)")
        }
    }

    @Test func integerAccess() {
        #expect(MySQLValue.uint(UInt64.max).int64 == nil)
        #expect(MySQLValue.uint(5).int64 == 5)
        #expect(MySQLValue.string("5").int64 == nil)
    }

    @Test func configurationFromEnvironment() throws {
        let config = try MySQLConfiguration.fromEnvironment(
            prefix: "X",
            [
                "X_HOST": "db.internal", "X_PORT": "3307", "X_USER": "reader", "X_PASSWORD": "hunter2", "X_DATABASE": "shop",
            ])
        #expect(config.endpoint == .tcp(host: "db.internal", port: 3307))
        #expect(config.password?.value == "hunter2")
        #expect("\(config)" == "mysql://reader@db.internal:3307/shop")
        #expect("\(config.password!)" == "<redacted>")
    }

    @Test(
        "malformed settings name the variable",
        arguments: [
            (["X_USER": "u", "X_PORT": "70000"], "X_PORT"),
            (["X_PORT": "3306"], "X_USER"),
            (["X_USER": "u", "X_TLS": "maybe"], "X_TLS"),
            (["X_USER": "u", "X_TLS": "verify-ca"], "X_TLS_CA"),
            (["X_USER": "u", "X_PASSWORD_FILE": "/nonexistent/pw"], "/nonexistent/pw"),
        ])
    func badConfiguration(_ environment: [String: String], _ named: String) {
        #expect {
            _ = try MySQLConfiguration.fromEnvironment(prefix: "X", environment)
        } throws: { error in
            "\(error)".contains(named)
        }
    }

    @Test func errorClassification() {
        let lost = MySQLError(kind: .connectionLost, code: 2013, sqlState: "HY000", serverMessage: "Lost connection")
        #expect(lost.isConnectionBroken)
        let execution = MySQLError(kind: .execute, code: 1062, sqlState: "23000", serverMessage: "Duplicate entry 'x@y'")
        #expect(!execution.isConnectionBroken)
        #expect(execution.description == "MySQL execute error 1062 (SQLSTATE 23000)")
    }
}
