import HTTPTypes

/// Field names Portico reads or writes on every request, made once: `HTTPField.Name(_:)`
/// validates and lowercases its argument each time it is called.
extension HTTPField.Name {
    static let xAPIKey = HTTPField.Name("X-API-Key")!
    static let xRequestID = HTTPField.Name("X-Request-Id")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let forwarded = HTTPField.Name("Forwarded")!
    static let rateLimitPolicy = HTTPField.Name("RateLimit-Policy")!
    static let rateLimit = HTTPField.Name("RateLimit")!
    static let deprecation = HTTPField.Name("Deprecation")!
    static let sunset = HTTPField.Name("Sunset")!
}

extension HTTPFields {
    /// Sets the one field named `name` to `value`, as `self[name] = value` does. When no such
    /// field exists yet (the usual case on the paths that call this), it is appended: the
    /// subscript's setter searches and rebuilds even then.
    mutating func set(_ name: HTTPField.Name, _ value: String) {
        if contains(name) {
            self[name] = value
        } else {
            append(HTTPField(name: name, value: value))
        }
    }

    /// The value of the field named `name`, as `self[name]` gives it, without building a new
    /// string when there is one such field: the subscript joins the values, one allocation per
    /// lookup for a value longer than 15 bytes (an API key is 54).
    func value(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            // Repeated: joined, as the subscript does.
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }
}
