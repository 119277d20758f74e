/// How a version words its errors: `errors:` in `_version.yaml`.
///
/// ```yaml
/// errors:                       # RFC 9457 with the contract's own types and titles
///   type_base: https://api.example.com/problems/
///   request_id: false           # the body leaves it out (the X-Request-Id header always carries it)
///   realm: example              # WWW-Authenticate: Bearer realm="example"
///   kinds:
///     unauthorized: {type: auth-required, title: Authentication required}
/// ```
///
/// ```yaml
/// errors:                       # a JSON envelope of the contract's own
///   format: json
///   body:
///     error:
///       type: type              # a role: type, title, status, detail, code, parameter, request_id, violated_policies
///       code: code
///       param: parameter        # omitted when no parameter is at fault (as code is when the kind has none)
///       message: detail
///   kinds:
///     invalid-parameter: {type: invalid_request_error, code: parameter_invalid}
/// ```
public struct ErrorVocabulary: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable { case problem, json }

    public enum Role: String, Sendable, Hashable, CaseIterable {
        case type, title, status, detail, code, parameter
        case requestID = "request_id"
        case violatedPolicies = "violated_policies"
    }

    /// One member of a `json` body: a role's value, a constant, or an object of members.
    public indirect enum Member: Sendable, Hashable {
        case role(Role)
        case constant(ListEnvelope.Constant)
        case object([Named])
    }

    public struct Named: Sendable, Hashable {
        public let name: String
        public let member: Member
        public init(_ name: String, _ member: Member) {
            self.name = name
            self.member = member
        }
    }

    /// A kind's words, where the version changes them.
    public struct Wording: Sendable, Hashable {
        public var type: String?
        public var title: String?
        public var code: String?
        public init(type: String? = nil, title: String? = nil, code: String? = nil) {
            self.type = type
            self.title = title
            self.code = code
        }
    }

    public static let porticoTypeBase = "https://portico.dev/problems/"

    public var format: Format = .problem
    /// `type_base`: where `problem` types that are not whole URIs live.
    public var typeBase: String = ErrorVocabulary.porticoTypeBase
    public var kinds: [ErrorKind: Wording] = [:]
    /// Whether a `problem` body carries `request_id` (a `json` body carries it where `body` places the role).
    public var requestIDInBody = true
    /// The `realm` of `WWW-Authenticate` challenges, if the contract names one.
    public var realm: String?
    /// The members of a `json` body.
    public var body: [Named] = []
    /// `media_type`, else `application/problem+json` for `problem` and `application/json` for `json`.
    public var declaredMediaType: String?

    public init() {}

    /// Portico's own: RFC 9457 under `https://portico.dev/problems/`, with the request id.
    public static let standard = ErrorVocabulary()

    public var mediaType: String { declaredMediaType ?? (format == .problem ? "application/problem+json" : "application/json") }

    /// The `type` a kind's body carries: a `problem` type is a URI (the slug under `type_base`
    /// unless it is one already); a `json` type is the declared text, else Portico's slug.
    public func type(of kind: ErrorKind) -> String {
        guard format == .problem else { return kinds[kind]?.type ?? kind.rawValue }
        let slug = kinds[kind]?.type ?? kind.porticoSlug
        return slug.hasPrefix("https://") || slug.hasPrefix("http://") || slug.hasPrefix("urn:") ? slug : typeBase + slug
    }

    public func title(of kind: ErrorKind) -> String { kinds[kind]?.title ?? kind.porticoTitle }
    public func code(of kind: ErrorKind) -> String? { kinds[kind]?.code }

    static let keys = ["format", "media_type", "type_base", "kinds", "request_id", "realm", "body"]

    /// Reads `errors:`, reporting every problem at its place.
    static func parse(_ node: MappingNode, into diagnostics: inout DiagnosticCollector) -> ErrorVocabulary? {
        guard let object = MappingObject(node, what: "'errors'", allowed: keys, into: &diagnostics) else { return nil }
        var vocabulary = ErrorVocabulary()
        let before = diagnostics.diagnostics.count
        if let text = object.optionalString("format", in: "'errors'", &diagnostics) {
            if let format = Format(rawValue: text) {
                vocabulary.format = format
            } else {
                diagnostics.error(
                    "'errors' format '\(text)' is neither problem (RFC 9457) nor json\(Suggestion.hint(for: text, among: ["problem", "json"]))",
                    at: object["format"]!.location)
            }
        }
        if let type = object.optionalString("media_type", in: "'errors'", &diagnostics) {
            if type.wholeMatch(of: /[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(; ?[a-z0-9_-]+=[A-Za-z0-9_.-]+)?/) == nil {
                diagnostics.error("'media_type' '\(type)' is not a media type such as application/json", at: object["media_type"]!.location)
            } else if !type.hasPrefix("application/"), !type.contains("json") {
                diagnostics.error("'media_type' '\(type)' must be a JSON media type (the body is JSON)", at: object["media_type"]!.location)
            } else {
                vocabulary.declaredMediaType = type
            }
        }
        if let base = object.optionalString("type_base", in: "'errors'", &diagnostics) {
            if !(base.hasPrefix("https://") || base.hasPrefix("http://") || base.hasPrefix("urn:")) || base.contains(where: \.isWhitespace) {
                diagnostics.error("'type_base' '\(base)' must be an absolute URI (https://…, or urn:…)", at: object["type_base"]!.location)
            } else {
                vocabulary.typeBase = base
            }
        }
        vocabulary.requestIDInBody = object.optionalBool("request_id", in: "'errors'", &diagnostics) ?? true
        if let realm = object.optionalString("realm", in: "'errors'", &diagnostics) {
            if realm.isEmpty || realm.utf8.count > 64 || realm.contains(where: { $0 == "\"" || $0 == "\\" || !$0.isASCII || $0.asciiValue! < 0x20 }) {
                diagnostics.error("'realm' must be 1 to 64 printable ASCII characters without quotes or backslashes", at: object["realm"]!.location)
            } else {
                vocabulary.realm = realm
            }
        }
        if let kinds = object["kinds"] { vocabulary.kinds = parseKinds(kinds, into: &diagnostics) }
        if let body = object["body"] {
            if vocabulary.format == .json {
                vocabulary.body = parseBody(body, depth: 1, into: &diagnostics) ?? []
            } else {
                diagnostics.error("'body' is for 'format: json'; an RFC 9457 problem has its own members", at: object.keyLocation("body")!)
            }
        } else if vocabulary.format == .json {
            diagnostics.error("'format: json' needs 'body': the members an error carries, such as {message: detail}", at: node.location)
        }
        if vocabulary.format == .json, diagnostics.diagnostics.count == before, !vocabulary.body.isEmpty, !contains(.detail, in: vocabulary.body) {
            diagnostics.error(
                "the error 'body' needs a member with the role 'detail': what the partner can do about the error", at: object["body"]!.location)
        }
        return diagnostics.diagnostics.count == before ? vocabulary : nil
    }

    static func contains(_ role: Role, in members: [Named]) -> Bool {
        members.contains {
            switch $0.member {
            case .role(let found): found == role
            case .object(let inner): contains(role, in: inner)
            case .constant: false
            }
        }
    }

    static func parseKinds(_ node: MappingNode, into diagnostics: inout DiagnosticCollector) -> [ErrorKind: Wording] {
        guard let object = MappingObject(node, what: "'kinds'", allowed: [], into: &diagnostics) else { return [:] }
        var result: [ErrorKind: Wording] = [:]
        for (name, keyLocation, value) in object.pairs {
            guard let kind = ErrorKind(rawValue: name) else {
                diagnostics.error(
                    "'\(name)' is not a kind of error Portico raises\(Suggestion.hint(for: name, among: ErrorKind.allCases.map(\.rawValue)))",
                    at: keyLocation)
                continue
            }
            let what = "error kind '\(name)'"
            guard let spec = MappingObject(value, what: what, allowed: ["type", "title", "code"], into: &diagnostics) else { continue }
            var wording = Wording()
            for key in ["type", "title", "code"] {
                guard let text = spec.optionalString(key, in: what, &diagnostics) else { continue }
                guard !text.isEmpty, text.utf8.count <= 200, !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                    diagnostics.error("\(what): '\(key)' must be 1 to 200 characters on one line", at: spec[key]!.location)
                    continue
                }
                switch key {
                case "type": wording.type = text
                case "title": wording.title = text
                default: wording.code = text
                }
            }
            result[kind] = wording
        }
        return result
    }

    static func parseBody(_ node: MappingNode, depth: Int, into diagnostics: inout DiagnosticCollector) -> [Named]? {
        guard let object = MappingObject(node, what: "the error 'body'", allowed: [], into: &diagnostics) else { return nil }
        var members: [Named] = []
        for (name, keyLocation, value) in object.pairs {
            guard !name.isEmpty, name.utf8.count <= 64, !name.contains("\""), !name.contains("\\") else {
                diagnostics.error("error member name '\(name)' must be 1 to 64 characters without quotes or backslashes", at: keyLocation)
                continue
            }
            if let text = value.scalar {
                guard let role = Role(rawValue: text) else {
                    diagnostics.error(
                        "error member '\(name)' has the unknown role '\(text)' (roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")); "
                            + "or {const: value}, or an object of members)\(Suggestion.hint(for: text, among: Role.allCases.map(\.rawValue)))",
                        at: value.location)
                    continue
                }
                members.append(Named(name, .role(role)))
            } else if let constant = value.constant {
                guard constant.scalar != nil || constant.isNull else {
                    diagnostics.error("error member '\(name)' needs 'const' with a scalar value", at: value.location)
                    continue
                }
                members.append(Named(name, .constant(ListEnvelope.constant(constant))))
            } else if depth < 3, let inner = parseBody(value, depth: depth + 1, into: &diagnostics) {
                members.append(Named(name, .object(inner)))
            } else if depth >= 3 {
                diagnostics.error("error member '\(name)' nests too deep: the body may nest objects two levels", at: value.location)
            }
        }
        return members
    }
}
