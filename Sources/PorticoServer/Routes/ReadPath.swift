import Hummingbird

/// The segments of a read path, `/api/{version}/{resource}[/{id}[/{sub}]]`, as the partner sent
/// them (an id's percent-escapes are decoded later, by ``ResolvedRoute``).
struct ReadPath: Sendable, Equatable {
    var version: Substring?
    var resource: Substring?
    var id: Substring?
    var sub: Substring?

    init(version: Substring? = nil, resource: Substring? = nil, id: Substring? = nil, sub: Substring? = nil) {
        (self.version, self.resource, self.id, self.sub) = (version, resource, id, sub)
    }

    /// The segments the router matched (``ReadPathResponder`` left the request to it).
    init(_ parameters: Parameters) {
        // In one pass: `Parameters.get` hashes its key anew on each call.
        for (key, value) in parameters {
            switch key {
            case "version" where version == nil: version = value
            case "resource" where resource == nil: resource = value
            case "id" where id == nil: id = value
            case "sub" where sub == nil: sub = value
            default: break
            }
        }
    }

    /// The segments of a request target of exactly that shape: `/api/` and two to four segments,
    /// none of them empty, then the end or `?`. Nil for any other target (`/api/v1//orders`, a
    /// trailing `/`, a fragment, an absolute URI), which the router still answers: nil never
    /// changes an answer, it only costs the router's work.
    init?(target: String) {
        let bytes = target.utf8
        guard bytes.starts(with: "/api/".utf8) else { return nil }
        var start = bytes.index(bytes.startIndex, offsetBy: 5)
        var index = start
        var count = 0
        while true {
            let byte = index == bytes.endIndex ? nil : bytes[index]
            if byte == nil || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") {
                guard index > start, count < 4 else { return nil }
                let segment = target[start..<index]
                switch count {
                case 0: version = segment
                case 1: resource = segment
                case 2: id = segment
                default: sub = segment
                }
                count += 1
                if byte != UInt8(ascii: "/") { break }
                start = bytes.index(after: index)
            } else if byte == UInt8(ascii: "#") {
                return nil
            }
            index = bytes.index(after: index)
        }
        guard count >= 2 else { return nil }
    }
}
