import Foundation
import PorticoTestSupport
import Testing

/// The `portico` binary's refusals and exit codes.
@Suite("portico command line")
struct CommandTests {
    @Test("serve refuses the development principal unless PORTICO_ENV=development")
    func developmentPrincipalRefused() async throws {
        let binary = TestDatabase.porticoBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the portico product first: \(binary)")
        for env in ["", "production"] {
            let (status, output) = await TestDatabase.run([binary, "serve", "--dev-partner", "acme", "--dev-tenants", "1,2,3"],
                                                          environment: ["PORTICO_ENV": env])
            #expect(status == 64)
            #expect(output.contains("refused unless PORTICO_ENV=development"))
        }
    }

    @Test("serve refuses to start on mappings that do not validate")
    func brokenMappings() async throws {
        let folder = NSTemporaryDirectory() + "portico-broken-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/v1", withIntermediateDirectories: true)
        try "scope: x:read\ntable: t\n".write(toFile: folder + "/v1/things.yaml", atomically: true, encoding: .utf8)
        let (status, output) = await TestDatabase.run([TestDatabase.porticoBinary, "serve", "--mappings", folder, "--port", "1"],
                                                      environment: ["PORTICO_PRODUCT_DB_USER": "nobody", "PORTICO_PRODUCT_DB_SOCKET": "/nonexistent"])
        #expect(status == 1)
        #expect(output.contains("things.yaml:1:1: error: resource 'things' needs 'key'"))
    }

    @Test("check exits 0 on the demo mappings, 1 on errors, 2 when it cannot run")
    func checkExitCodes() async throws {
        let binary = TestDatabase.porticoBinary
        let (ok, okOutput) = await TestDatabase.run([binary, "check", "--mappings", "\(TestDatabase.repositoryRoot)/mappings"])
        #expect(ok == 0, "\(okOutput)")
        let (missing, _) = await TestDatabase.run([binary, "check", "--mappings", "/nonexistent"])
        #expect(missing == 2)
        let folder = NSTemporaryDirectory() + "portico-check-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/v1", withIntermediateDirectories: true)
        try "scope: x:read\n".write(toFile: folder + "/v1/things.yaml", atomically: true, encoding: .utf8)
        let (errors, output) = await TestDatabase.run([binary, "check", "--mappings", folder])
        #expect(errors == 1)
        #expect(output.contains("error(s)"))
    }

    @Test("ops can define a plan, put a partner on it, and read its usage")
    func planCommands() async throws {
        let binary = TestDatabase.porticoBinary
        let suffix = UInt32.random(in: 0...UInt32.max)
        let steps: [[String]] = [
            ["migrate"], ["plan", "set", "gold-\(suffix)", "--rate-limit", "100", "--rate-burst", "20", "--daily-quota", "5000"],
            ["partner", "add", "cli-\(suffix)"], ["partner", "plan", "cli-\(suffix)", "gold-\(suffix)"],
        ]
        for step in steps {
            let (status, output) = await TestDatabase.run([binary] + step)
            #expect(status == 0, "\(step): \(output)")
        }
        let (status, output) = await TestDatabase.run([binary, "usage", "cli-\(suffix)"])
        #expect(status == 0)
        #expect(output.contains("gold-\(suffix)\t100/60s burst 20") && output.contains("today\t0 of 5000"), "\(output)")
        let (missing, _) = await TestDatabase.run([binary, "partner", "plan", "cli-\(suffix)", "no-such-plan"])
        #expect(missing == 1)
    }
}
