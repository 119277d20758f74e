import Hummingbird
import Logging
import PorticoAccess
import PorticoMySQL
import PorticoQuota

extension String {
    var trimmingBlanks: String { Substring(self).trimmingBlanks }
}

extension Substring {
    /// Without leading and trailing spaces and tabs, as one new string.
    var trimmingBlanks: String {
        var bytes = utf8[...]
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
        return String(Substring(bytes))
    }
}
