import Foundation
public import Logging
import PorticoMySQL
import PorticoShape
import Synchronization

/// Logs one JSON object per line to standard output: `time`, `level`, `message`, `label`, then
/// the metadata, flattened to strings. What log shippers (journald, Loki, CloudWatch) expect.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    static let output = Mutex(())

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "{\"time\":"
        line += JSONWriter.quoted(Self.timestamp())
        line += ",\"level\":"
        line += JSONWriter.quoted(event.level.rawValue)
        line += ",\"message\":"
        line += JSONWriter.quoted(event.message.description)
        line += ",\"label\":"
        line += JSONWriter.quoted(label)
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += ","
            line += JSONWriter.quoted(key)
            line += ":"
            line += JSONWriter.quoted(value.description)
        }
        line += "}\n"
        Self.output.withLock { _ in FileHandle.standardOutput.write(Data(line.utf8)) }
    }

    static func timestamp() -> String {
        let now = Date().timeIntervalSince1970
        let seconds = Int(now.rounded(.down))
        let millis = Int((now - Double(seconds)) * 1000)
        let text = MySQLDateTime(epochSeconds: seconds).rfc3339  // 2026-11-29T04:10:00Z
        return String(text.dropLast()) + "." + String(format: "%03d", millis) + "Z"
    }
}
