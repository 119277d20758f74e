import PorticoAccess
import Testing

@Suite("API key format")
struct ApiKeyTests {
    @Test("a generated key parses back to itself; its token is recognisable")
    func roundTrip() throws {
        for _ in 0..<100 {
            let key = ApiKey.generate()
            #expect(key.token.hasPrefix("ptc_"))
            #expect(key.token.count == 4 + 10 + 1 + 32 + 6)
            #expect(try #require(ApiKey(token: key.token)) == key)
            let presented = try #require(ApiKey.idAndSecretHash(of: key.token))
            #expect(presented.id == key.id && presented.secretHash == key.secretHash)
        }
        // Stored hashes are SHA-256 (FIPS 180-2's "abc" vector), as those stored before were.
        #expect(ClientCredentials.hash("abc").prefix(4) == [0xBA, 0x78, 0x16, 0xBF])
    }

    @Test("keys are random: no two of 1,000 share an id or a secret")
    func unique() {
        let keys = (0..<1000).map { _ in ApiKey.generate() }
        #expect(Set(keys.map(\.id)).count == 1000)
        #expect(Set(keys.map(\.secret)).count == 1000)
    }

    @Test("any single changed character is caught by the checksum or the shape")
    func typos() throws {
        let token = Array(ApiKey.generate().token)
        for index in token.indices {
            var typo = token
            typo[index] = typo[index] == "x" ? "y" : "x"
            #expect(ApiKey(token: String(typo)) == nil, "typo at \(index) accepted")
            #expect(ApiKey.idAndSecretHash(of: String(typo)) == nil, "typo at \(index) hashed")
        }
        #expect(ApiKey(token: String(token.dropLast())) == nil)
        #expect(ApiKey(token: String(token) + "a") == nil)
        #expect(ApiKey(token: "") == nil)
        #expect(ApiKey(token: "Bearer " + String(token)) == nil)
        #expect(ApiKey.idAndSecretHash(of: String(token.dropLast())) == nil)
        #expect(ApiKey.idAndSecretHash(of: "") == nil)
    }

    @Test("hashes compare in constant time and only equal when equal")
    func comparison() {
        let a = ApiKey.generate().secretHash
        var b = a
        #expect(ApiKey.constantTimeEqual(a, b))
        b[31] ^= 1
        #expect(!ApiKey.constantTimeEqual(a, b))
        #expect(!ApiKey.constantTimeEqual(a, Array(a.prefix(31))))
    }

    @Test("tenant sources parse, and unsafe identifiers are refused")
    func tenantSources() {
        #expect(TenantSource("grants") == .grants)
        #expect(
            TenantSource("table:partner_links:partner_code:acct_id")
                == .productTable(table: "partner_links", partnerColumn: "partner_code", tenantColumn: "acct_id"))
        #expect(TenantSource("table:partner_links:code") == nil)
        #expect(TenantSource("table:x`; DROP:a:b") == nil)
    }
}
