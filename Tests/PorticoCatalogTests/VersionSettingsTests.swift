import Foundation
import PorticoCatalog
import Testing

/// `_version.yaml`: where a version lives and how its lists are wrapped, with diagnostics at
/// their place, across versions too.
@Suite("Version settings")
struct VersionSettingsTests {
    static func compile(_ settings: String) -> CatalogCompiler.Result {
        CatalogCompiler.compile(
            version: "v1", sources: CorpusTests.sources("base") + [.init(path: "v1/_version.yaml", text: settings)])
    }

    @Test("base_path and envelope are read as declared; without them, /api/<version> and {data, next_cursor}")
    func declared() throws {
        let result = Self.compile("base_path: /partner/2024-01\nenvelope: {items: documents, next: next_cursor}\n")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let catalog = try #require(result.catalogs["v1"])
        let customers = try #require(catalog.resources["customers"])
        #expect(catalog.basePath == "/partner/2024-01" && catalog.hasOwnBasePath)
        #expect(catalog.listPath(customers) == "/partner/2024-01/customers")
        #expect(catalog.envelope(customers).members.map(\.name) == ["items", "next"])
        let plain = try #require(Self.compile("title: T\n").catalogs["v1"])
        #expect(plain.basePath == "/api/v1" && !plain.hasOwnBasePath)
        #expect(plain.envelope(try #require(plain.resources["customers"])) == .standard)
    }

    @Test(
        "a base path that cannot be served is an error at its place",
        arguments: [
            ("base_path: v1", "'base_path' 'v1' must start with /"),
            ("base_path: /v1/", "'base_path' '/v1/' must start with /"),
            ("base_path: /a//b", "'base_path' '/a//b' must start with /"),
            ("base_path: /a/../b", "'base_path' '/a/../b' must start with /"),
            ("base_path: /a%20b", "'base_path' '/a%20b' must start with /"),
            ("base_path: /docs/v1", "'base_path' '/docs/v1' starts with /docs, which Portico serves itself"),
            ("base_path: /oauth", "'base_path' '/oauth' starts with /oauth, which Portico serves itself"),
            ("base_path: [a]", "'base_path' must be a path such as /v1, not a list"),
        ])
    func invalid(_ text: String, _ message: String) throws {
        let result = Self.compile(text + "\n")
        let diagnostic = try #require(result.diagnostics.first, "no diagnostic for \(text)")
        #expect(result.diagnostics.count == 1 && result.catalogs.isEmpty)
        #expect(diagnostic.file == "v1/_version.yaml" && diagnostic.line == 1 && diagnostic.column >= 11)
        #expect(diagnostic.message.hasPrefix(message), "\(diagnostic.message)")
    }

    @Test(
        "an error vocabulary that cannot be rendered is an error at its place, with a hint where one helps",
        arguments: [
            ("errors: {format: xml}", "'errors' format 'xml' is neither problem (RFC 9457) nor json"),
            ("errors: {format: json}", "'format: json' needs 'body'"),
            ("errors: {format: json, body: {error: {code: code}}}", "the error 'body' needs a member with the role 'detail'"),
            ("errors: {format: json, body: {message: detial}}", "error member 'message' has the unknown role 'detial'"),
            ("errors: {format: json, body: {a: {b: {c: {d: detail}}}}}", "error member 'c' nests too deep"),
            ("errors: {format: json, body: {message: detail, tags: {const: [a]}}}", "error member 'tags' needs 'const' with a scalar value"),
            ("errors: {body: {message: detail}}", "'body' is for 'format: json'"),
            ("errors: {kinds: {not-fund: {type: x}}}", "'not-fund' is not a kind of error Portico raises; did you mean 'not-found'?"),
            ("errors: {kinds: {not-found: {typ: x}}}", "unknown key 'typ' in error kind 'not-found'; did you mean 'type'?"),
            ("errors: {type_base: errors.example.com}", "'type_base' 'errors.example.com' must be an absolute URI"),
            ("errors: {realm: 'a\"b'}", "'realm' must be 1 to 64 printable ASCII characters"),
            ("errors: {media_type: text/html}", "'media_type' 'text/html' must be a JSON media type"),
            ("errors: {request_id: maybe}", "'request_id'"),
            ("errors: {formt: json}", "unknown key 'formt' in 'errors'; did you mean 'format'?"),
        ])
    func invalidErrors(_ text: String, _ message: String) throws {
        let result = Self.compile(text + "\n")
        #expect(result.catalogs.isEmpty, "a version whose errors cannot be rendered is not served")
        let diagnostic = try #require(result.diagnostics.first, "no diagnostic for \(text)")
        #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
        #expect(diagnostic.file == "v1/_version.yaml" && diagnostic.line == 1 && diagnostic.column > 8)
        #expect(diagnostic.message.contains(message), "\(diagnostic.message)")
    }

    @Test(
        "parameter names that cannot be served are errors at their place",
        arguments: [
            ("parameters: {limit: 'page size'}", "'parameters' gives 'limit' the name 'page size'"),
            ("parameters: {limit: \"limit[]\"}", "'limit[]' repeats once per value, which only the list parameters fields and include do"),
            ("parameters: {limit: size, cursor: size}", "'parameters' gives 'cursor' the name 'size', which 'limit' has already"),
            ("parameters: {limit: cursor}", "'parameters' gives 'limit' the name 'cursor', which 'cursor' keeps; rename 'cursor' too"),
            ("parameters: {limit: format}", "'parameters' gives 'limit' the name 'format', which 'format' has already"),
            ("parameters: {limt: size}", "unknown key 'limt' in 'parameters'; did you mean 'limit'?"),
        ])
    func invalidParameterNames(_ text: String, _ message: String) throws {
        let result = Self.compile(text + "\n")
        #expect(result.catalogs.isEmpty)
        let diagnostic = try #require(result.diagnostics.first, "no diagnostic for \(text)")
        #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
        #expect(diagnostic.file == "v1/_version.yaml" && diagnostic.message.hasPrefix(message), "\(diagnostic.message)")
    }

    @Test("extras and security scheme names read as declared; without them, everything on and api_key, bearer, oauth2")
    func extrasAndSecurity() throws {
        let declared = try #require(
            Self.compile(
                "extras: {formats: [json, csv], conditional: false, usage: false, fields: false}\nsecurity: {BearerAuth: bearer, Key: api_key}\n"
            )
            .catalogs["v1"])
        let extras = declared.settings.extras
        #expect(extras.csv && !extras.ndjson && !extras.conditional && !extras.usage && !extras.sparseFields && extras.formatParameter)
        #expect(declared.settings.security.schemes.map(\.name) == ["BearerAuth", "Key"])
        #expect(declared.settings.security.schemes.map(\.scheme) == [.bearer, .apiKey])
        let jsonOnly = try #require(Self.compile("extras: {formats: json}\n").catalogs["v1"])
        #expect(!jsonOnly.settings.extras.formatParameter)
        let plain = try #require(Self.compile("title: T\n").catalogs["v1"])
        #expect(plain.settings.extras == .standard && plain.settings.extras.formatParameter && plain.settings.extras.sparseFields)
        #expect(plain.settings.security.schemes.map(\.name) == ["api_key", "bearer", "oauth2"])
    }

    @Test(
        "extras and security names that cannot be served are errors at their place, with a hint where one helps",
        arguments: [
            ("extras: {formats: [json, cvs]}", "'extras' lists the format 'cvs'; formats are json, csv and ndjson; did you mean 'csv'?"),
            ("extras: {formats: [csv]}", "'formats' in 'extras' must include json"),
            ("extras: {conditonal: false}", "unknown key 'conditonal' in 'extras'; did you mean 'conditional'?"),
            ("extras: {usage: sometimes}", "'usage' in 'extras'"),
            ("extras: [json]", "'extras' must be a mapping, not a list"),
            (
                "security: {BearerAuth: barer}",
                "'security' gives 'BearerAuth' the scheme 'barer'; one of api_key, bearer, oauth2; did you mean 'bearer'?"
            ),
            ("security: {'Bearer Auth': bearer}", "'security' names a scheme 'Bearer Auth'; a name is 1 to 64 letters, digits and . - _"),
            ("security: {A: bearer, B: bearer}", "'security' names bearer twice: 'A' and 'B'"),
            ("security: {}", "'security' must name at least one scheme"),
            ("security: bearer", "'security' (scheme names to api_key, bearer or oauth2) must be a mapping, not a scalar"),
        ])
    func invalidExtras(_ text: String, _ message: String) throws {
        let result = Self.compile(text + "\n")
        #expect(result.catalogs.isEmpty)
        let diagnostic = try #require(result.diagnostics.first, "no diagnostic for \(text)")
        #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
        #expect(diagnostic.file == "v1/_version.yaml" && diagnostic.line == 1 && diagnostic.column > 8, "\(diagnostic)")
        #expect(diagnostic.message.hasPrefix(message), "\(diagnostic.message)")
    }

    @Test("a filter may not answer to a name the version gives one of Portico's own parameters")
    func filterOnRenamedParameter() throws {
        let result = CatalogCompiler.compile(
            version: "v1",
            sources: CorpusTests.sources("base").filter { !$0.path.hasSuffix("customers.yaml") } + [
                .init(path: "v1/_version.yaml", text: "parameters: {limit: size}\n"),
                .init(
                    path: "v1/customers.yaml",
                    text: """
                        scope: customers:read
                        table: customers
                        key: cust_id
                        tenant: {column: acct_id}
                        id: {column: cust_id, prefix: CUS-, pad: 6}
                        fields:
                          name: {column: company, type: string}
                        filters:
                          size: {field: name, op: eq}
                        """),
            ])
        #expect(
            result.diagnostics.map(\.description) == [
                "v1/customers.yaml:8:1: error: filter 'size' answers to 'size', which _version.yaml's 'parameters' gives to one of Portico's own"
            ])
    }

    @Test("a vocabulary reads as declared; without one, Portico's own")
    func vocabulary() throws {
        let result = Self.compile(
            """
            errors:
              format: json
              media_type: application/vnd.example+json
              realm: example
              body: {error: {type: type, message: detail, code: code, api: {const: 2}}}
              kinds: {not-found: {type: invalid_request_error, code: resource_missing}}
            """)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let errors = try #require(result.catalogs["v1"]).settings.errors
        #expect(errors.format == .json && errors.mediaType == "application/vnd.example+json" && errors.realm == "example")
        #expect(errors.type(of: .notFound) == "invalid_request_error" && errors.code(of: .notFound) == "resource_missing")
        #expect(errors.type(of: .unauthorized) == "unauthorized" && errors.code(of: .unauthorized) == nil, "undeclared kinds keep their names")
        #expect(
            errors.body == [
                .init(
                    "error",
                    .object([
                        .init("type", .role(.type)), .init("message", .role(.detail)), .init("code", .role(.code)),
                        .init("api", .constant(.integer(2))),
                    ]))
            ])
        let standard = try #require(Self.compile("title: T\n").catalogs["v1"]).settings.errors
        #expect(standard == .standard && standard.mediaType == "application/problem+json")
        #expect(standard.type(of: .notFound) == "https://portico.dev/problems/not-found")
        #expect(standard.type(of: .uriTooLong) == "https://portico.dev/problems/query-too-large")
        #expect(standard.type(of: .quotaExceeded) == "https://iana.org/assignments/http-problem-types#quota-exceeded")
    }

    @Test("a version's envelope without a next_cursor member suits only resources paged by object ids")
    func envelopeWithoutCursor() throws {
        let result = Self.compile("envelope: {data: documents, has_more: has_more}\n")
        #expect(result.catalogs.isEmpty)
        #expect(
            result.diagnostics.map(\.description)
                == ["customers", "with_embed"].map {
                    "v1/_version.yaml:1:11: error: the version's 'envelope' has no member with the role 'next_cursor', so '\($0)' could not be paged; "
                        + "add one, or page by object ids ('page: {cursor: object_id}')"
                })
        let paged = CatalogCompiler.compile(
            version: "v1",
            sources: [
                .init(path: "v1/_version.yaml", text: "envelope: {data: documents, has_more: has_more}\n"),
                .init(
                    path: "v1/things.yaml",
                    text: """
                        scope: t:read
                        table: things
                        key: thing_id
                        tenant: none
                        id: {column: thing_id, prefix: th_}
                        fields: {name: {column: name, type: string}}
                        page: {order: desc, cursor: object_id}
                        """),
            ])
        #expect(paged.diagnostics.isEmpty, "\(paged.diagnostics)")
        let things = try #require(paged.catalogs["v1"]?.resources["things"])
        #expect(things.page == PageSize(defaultLimit: 50, maxLimit: 200, descending: true, cursor: .objectID))
    }

    /// A mappings directory with one `_version.yaml` per version (nil: none) beside the base files.
    static func directory(_ versions: [String: String?]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("portico-versions-\(UUID().uuidString)").path
        for (version, settings) in versions {
            try FileManager.default.createDirectory(atPath: "\(root)/\(version)", withIntermediateDirectories: true)
            for source in CorpusTests.sources("base") {
                try source.text.write(toFile: "\(root)/\(version)/\((source.path as NSString).lastPathComponent)", atomically: true, encoding: .utf8)
            }
            if let settings { try settings.write(toFile: "\(root)/\(version)/_version.yaml", atomically: true, encoding: .utf8) }
        }
        return root
    }

    @Test(
        "two versions never share a base path or nest one under the other; the one that declared it is not served",
        arguments: [
            (["v1": nil, "v2": "base_path: /api/v1\n"], "'base_path' '/api/v1' is also v1's base path '/api/v1'"),
            (["v1": nil, "v2": "base_path: /api/v1/new\n"], "'base_path' '/api/v1/new' lies under v1's base path '/api/v1'"),
            (["v1": "base_path: /partner\n", "v2": "base_path: /partner/v2\n"], "'base_path' '/partner/v2' lies under v1's base path '/partner'"),
            (["v1": "base_path: /api\n", "v2": nil], "'base_path' '/api' contains v2's base path '/api/v2'"),
        ] as [([String: String?], String)])
    func conflicts(_ versions: [String: String?], _ message: String) throws {
        let root = try Self.directory(versions)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = CatalogCompiler.compile(directory: root)
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1 && errors.first?.message.hasPrefix(message) == true, "\(errors.map(\.description))")
        let reported = try #require(errors.first)
        #expect(reported.file.hasSuffix("_version.yaml") && reported.line == 1 && reported.column == 12)
        let version = URL(fileURLWithPath: reported.file).deletingLastPathComponent().lastPathComponent
        #expect(result.catalogs[version] == nil && result.catalogs.count == 1, "the conflicting version is not served, the other is")
    }

    @Test("versions with different base paths coexist")
    func coexist() throws {
        let root = try Self.directory(["v1": nil, "v2": "base_path: /v2\n", "v3": "base_path: /partner/2025-01\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = CatalogCompiler.compile(directory: root)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.catalogs.values.map(\.basePath).sorted() == ["/api/v1", "/partner/2025-01", "/v2"])
    }
}
