/// Checks that text is one JSON value (RFC 8259), without building it: for JSON kept in TEXT
/// columns, which is passed through when valid and becomes null when not.
enum JSONValidator {
    enum Top { case object, array, any }

    static func isValid(_ text: String, top: Top) -> Bool {
        var bytes = Array(text.utf8)
        var index = 0
        skipSpace(&bytes, &index)
        guard index < bytes.count else { return false }
        switch top {
        case .object where bytes[index] != 0x7B: return false
        case .array where bytes[index] != 0x5B: return false
        default: break
        }
        guard value(&bytes, &index, depth: 0) else { return false }
        skipSpace(&bytes, &index)
        return index == bytes.count
    }

    private static func skipSpace(_ b: inout [UInt8], _ i: inout Int) {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    private static func value(_ b: inout [UInt8], _ i: inout Int, depth: Int) -> Bool {
        guard depth < 64, i < b.count else { return false }
        switch b[i] {
        case 0x7B:  // {
            i += 1
            skipSpace(&b, &i)
            if i < b.count, b[i] == 0x7D {
                i += 1
                return true
            }
            while true {
                skipSpace(&b, &i)
                guard i < b.count, b[i] == 0x22, string(&b, &i) else { return false }
                skipSpace(&b, &i)
                guard i < b.count, b[i] == 0x3A else { return false }
                i += 1
                skipSpace(&b, &i)
                guard value(&b, &i, depth: depth + 1) else { return false }
                skipSpace(&b, &i)
                guard i < b.count else { return false }
                if b[i] == 0x2C {
                    i += 1
                    continue
                }
                if b[i] == 0x7D {
                    i += 1
                    return true
                }
                return false
            }
        case 0x5B:  // [
            i += 1
            skipSpace(&b, &i)
            if i < b.count, b[i] == 0x5D {
                i += 1
                return true
            }
            while true {
                skipSpace(&b, &i)
                guard value(&b, &i, depth: depth + 1) else { return false }
                skipSpace(&b, &i)
                guard i < b.count else { return false }
                if b[i] == 0x2C {
                    i += 1
                    continue
                }
                if b[i] == 0x5D {
                    i += 1
                    return true
                }
                return false
            }
        case 0x22: return string(&b, &i)
        case 0x74: return literal(&b, &i, "true")
        case 0x66: return literal(&b, &i, "false")
        case 0x6E: return literal(&b, &i, "null")
        default: return number(&b, &i)
        }
    }

    private static func literal(_ b: inout [UInt8], _ i: inout Int, _ word: String) -> Bool {
        let w = Array(word.utf8)
        guard i + w.count <= b.count, Array(b[i..<(i + w.count)]) == w else { return false }
        i += w.count
        return true
    }

    private static func string(_ b: inout [UInt8], _ i: inout Int) -> Bool {
        i += 1
        while i < b.count {
            switch b[i] {
            case 0x22:
                i += 1
                return true
            case 0x5C:
                i += 1
                guard i < b.count else { return false }
                if b[i] == 0x75 {
                    guard i + 4 < b.count, b[(i + 1)...(i + 4)].allSatisfy({ isHex($0) }) else { return false }
                    i += 5
                } else {
                    guard [0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74].contains(b[i]) else { return false }
                    i += 1
                }
            case 0x00..<0x20: return false
            default: i += 1
            }
        }
        return false
    }

    private static func isHex(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c) }

    private static func number(_ b: inout [UInt8], _ i: inout Int) -> Bool {
        let start = i
        if i < b.count, b[i] == 0x2D { i += 1 }
        guard i < b.count, (0x30...0x39).contains(b[i]) else { return false }
        if b[i] == 0x30 { i += 1 } else { while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 } }
        if i < b.count, b[i] == 0x2E {
            i += 1
            guard i < b.count, (0x30...0x39).contains(b[i]) else { return false }
            while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
        }
        if i < b.count, b[i] == 0x65 || b[i] == 0x45 {
            i += 1
            if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
            guard i < b.count, (0x30...0x39).contains(b[i]) else { return false }
            while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
        }
        return i > start
    }
}
