import Foundation
import Hummingbird
import Logging
import NIOCore
import PorticoAccess
import PorticoQuota
import PorticoShape

/// `application/x-www-form-urlencoded`, strictly: a repeated or undecodable parameter makes
/// the whole form invalid (RFC 6749 §3.2 forbids repeats).
enum FormBody {
    static func parse(_ text: String) -> [String: String]? {
        var form: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count == 2 ? parts[1] : ""), !name.isEmpty else { return nil }
            guard form[name] == nil else { return nil }
            form[name] = value
        }
        return form
    }

    static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
