import PorticoQuota
import Testing

@testable import PorticoServer

/// Defaults live in ConfigSchema alone: the runtime asks the effective configuration, which
/// falls back to the schema.
@Suite("Configuration defaults")
struct ConfigDefaultsTests {
    @Test("with nothing set, every key with a default reads as the schema's default; a set value wins")
    func schemaDefaults() {
        let empty = EffectiveConfig(values: [:], file: nil)
        for key in ConfigSchema.keys {
            guard let value = key.defaultValue else { continue }
            #expect(empty.text(key.path) == value, "\(key.path)")
            if case .integer = key.kind { #expect(empty.number(key.path) == Int(value), "\(key.path)") }
        }
        let set = EffectiveConfig(values: ["limits.rate_limit": ConfigValue(text: "7", origin: .environment("PORTICO_LIMITS_RATE_LIMIT"))], file: nil)
        #expect(set.number("limits.rate_limit") == 7)
    }

    @Test("the limits come from the configuration alone: the standard settings are the schema's defaults, and a set value reaches its policy")
    func limitDefaults() {
        let standard = LimitSettings.standard
        #expect(standard.partner.limit == 600 && standard.partner.window == 60 && standard.partner.burst == 100)
        #expect(standard.maxInFlight == 16 && standard.exportCost == 10 && standard.trustedProxies.isEmpty)
        #expect(standard.anonymous.limit == 60 && standard.anonymous.burst == 20)
        #expect(standard.tokenRequests.limit == 60 && standard.tokenRequests.burst == 10)
        let set = LimitSettings(
            EffectiveConfig(
                values: [
                    "limits.rate_limit": ConfigValue(text: "7", origin: .environment("PORTICO_LIMITS_RATE_LIMIT")),
                    "limits.anonymous_limit": ConfigValue(text: "2", origin: .environment("PORTICO_LIMITS_ANONYMOUS_LIMIT")),
                    "limits.trusted_proxies": ConfigValue(text: "10.0.0.1, 10.0.0.2", origin: .environment("PORTICO_LIMITS_TRUSTED_PROXIES")),
                ], file: nil))
        #expect(set.partner.limit == 7 && set.partner.burst == 100)
        #expect(set.anonymous.limit == 2 && set.anonymous.burst == 1, "a third of the rate, at least 1")
        #expect(set.trustedProxies == ["10.0.0.1", "10.0.0.2"])
        #expect(standard.with { $0.exportCost = 3 }.exportCost == 3)
    }
}
