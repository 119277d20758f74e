import Foundation

/// Writes rows in the format `LOAD DATA INFILE` reads by default: tab-separated fields,
/// newline-terminated rows, `\N` for NULL, and backslash escapes for tab, newline and backslash.
final class TSVWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private(set) var rows = 0

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw GeneratorError("cannot create \(path)")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        buffer.reserveCapacity(1 << 20)
    }

    /// One row; `nil` fields are written as NULL.
    func row(_ fields: [String?]) throws {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(0x09) }
            guard let field else {
                buffer.append(contentsOf: [0x5C, 0x4E])  // \N
                continue
            }
            Self.escape(field, into: &buffer)
        }
        buffer.append(0x0A)
        rows += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    static func escape(_ field: String, into buffer: inout [UInt8]) {
        for byte in field.utf8 {
            switch byte {
            case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
            case 0x09: buffer.append(contentsOf: [0x5C, 0x74])
            case 0x0A: buffer.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: buffer.append(contentsOf: [0x5C, 0x72])
            default: buffer.append(byte)
            }
        }
    }

    func close() throws {
        try flush()
        try handle.close()
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

struct GeneratorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
