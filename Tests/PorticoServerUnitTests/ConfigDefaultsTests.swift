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
}
