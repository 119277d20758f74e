import Foundation
import PorticoMySQL
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
            let (status, output) = await TestDatabase.run(
                [binary, "serve", "--dev-partner", "acme", "--dev-tenants", "1,2,3"],
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
        let (status, output) = await TestDatabase.run(
            [TestDatabase.porticoBinary, "serve", "--mappings", folder, "--port", "1"],
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

    @Test(
        "check --upstream asks the demo's export area: it answers with the right credential; a wrong one, an unset one or a dead host is an error at the route's upstream"
    )
    func checkUpstream() async throws {
        let binary = TestDatabase.porticoBinary
        let mappings = "\(TestDatabase.repositoryRoot)/mappings"
        let url = try #require(ProcessInfo.processInfo.environment["TRADEFLOW_EXPORTS_URL"], "run with `eval \"$(scripts/db env)\"`")
        let (ok, okOutput) = await TestDatabase.run([binary, "check", "--upstream", "--mappings", mappings])
        #expect(ok == 0, "\(okOutput)")
        #expect(okOutput.contains("v1/exports.yaml:") && okOutput.contains("ok: v1/exports → \(url) answered"), "\(okOutput)")
        for (environment, expected) in [
            (["TRADEFLOW_EXPORTS_PASSWORD": "wrong"], "answered 401: it does not accept the route's credential"),
            (["TRADEFLOW_EXPORTS_PASSWORD": ""], "the route's credential cannot be read"),
            (["TRADEFLOW_EXPORTS_URL": "http://127.0.0.1:9"], "→ http://127.0.0.1:9 does not answer"),
        ] {
            let (status, output) = await TestDatabase.run([binary, "check", "--upstream", "--mappings", mappings], environment: environment)
            #expect(status == 1, "\(environment): \(output)")
            #expect(output.contains("v1/exports.yaml:") && output.contains(expected), "\(environment): \(output)")
        }
    }

    @Test("check --database reports the schema drift of every clean file, even when another file of the version has an error")
    func checkDatabaseReportsEverything() async throws {
        let folder = NSTemporaryDirectory() + "portico-check-db-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/v1", withIntermediateDirectories: true)
        let header = "scope: customers:read\ntable: customers\nkey: cust_id\ntenant: {column: acct_id}\nid: {column: cust_id}\n"
        try (header + "joins:\n  account: {table: accounts, onn: {acct_id: acct_id}}\nfields:\n  name: {column: company, type: string}\n")
            .write(toFile: folder + "/v1/broken.yaml", atomically: true, encoding: .utf8)
        try (header + "fields:\n  name: {column: compnay, type: string}\n").write(
            toFile: folder + "/v1/drifted.yaml", atomically: true, encoding: .utf8)
        let (status, output) = await TestDatabase.run([TestDatabase.porticoBinary, "check", "--database", "--mappings", folder])
        #expect(status == 1, "\(output)")
        #expect(output.contains("v1/broken.yaml:7:"), "\(output)")
        #expect(
            output.contains("v1/drifted.yaml:7:3: error: column 'compnay' does not exist in table 'customers'; did you mean 'company'?"), "\(output)")
    }

    @Test("deploy/README.md's path: a user granted ALL on a schema that does not exist yet; portico migrate creates it, twice is a no-op")
    func migrateCreatesTheSchema() async throws {
        let name = "portico_fresh_\(UInt32.random(in: 0...UInt32.max))"
        let password = "pw-\(UUID().uuidString)"
        let admin = try await MySQLConnection.connect(TestDatabase.admin())
        try await admin.execute("CREATE USER '\(name)'@'localhost' IDENTIFIED BY '\(password)'")
        try await admin.execute("GRANT ALL ON `\(name)`.* TO '\(name)'@'localhost'")
        guard case .unixSocket(let socket) = TestDatabase.admin().endpoint else {
            Issue.record("admin is not on a socket")
            return
        }
        let environment = [
            "PORTICO_STATE_DB_USER": name, "PORTICO_STATE_DB_PASSWORD": password, "PORTICO_STATE_DB_PASSWORD_FILE": "",
            "PORTICO_STATE_DB_SOCKET": socket, "PORTICO_STATE_DB_DATABASE": name,
        ]
        let (first, firstOutput) = await TestDatabase.run([TestDatabase.porticoBinary, "migrate"], environment: environment)
        #expect(first == 0 && firstOutput.contains("created schema '\(name)'") && firstOutput.contains("created token-signing key"), "\(firstOutput)")
        let (second, secondOutput) = await TestDatabase.run([TestDatabase.porticoBinary, "migrate"], environment: environment)
        #expect(second == 0 && secondOutput.contains("up to date") && !secondOutput.contains("created"), "\(secondOutput)")
        let tables = try await admin.query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?", [.string(name)]).rows[0][0].int64
        #expect(tables ?? 0 >= 8)
        // A schema the user may not create is a clear error, not a crash or a driver dump.
        let (refused, refusedOutput) = await TestDatabase.run(
            [TestDatabase.porticoBinary, "migrate"],
            environment: environment.merging(["PORTICO_STATE_DB_DATABASE": name + "_other"]) { $1 })
        #expect(refused == 1 && refusedOutput.contains("cannot create schema '\(name)_other'"), "\(refusedOutput)")
        try await admin.execute("DROP DATABASE IF EXISTS `\(name)`")
        try await admin.execute("DROP USER '\(name)'@'localhost'")
        await admin.close()
    }

    @Test("a script's database is stopped however the script ends, unless it is asked to keep it; the demo and the harness both use that")
    func scriptsStopTheirDatabase() async throws {
        let root = TestDatabase.repositoryRoot
        let environment = ["PORTICO_DB_INSTANCE": "exit", "PORTICO_DB_PORT": ""]
        // A script that starts its database and then fails, as the harness might midway.
        let failing = "source \(root)/scripts/lib/common.sh; stop_db_on_exit KEEP_IT; \(root)/scripts/db start >/dev/null 2>&1; false"
        let (status, output) = await TestDatabase.run(["/bin/bash", "-c", failing], environment: environment)
        #expect(status == 1, "the script's own status is kept: \(output)")
        let (after, state) = await TestDatabase.run(["\(root)/scripts/db", "status"], environment: environment)
        #expect(after == 3 && state.contains("stopped"), "still running after the script ended: \(state)")
        // Asked to keep it: still running afterwards.
        let (kept, keptOutput) = await TestDatabase.run(["/bin/bash", "-c", failing], environment: environment.merging(["KEEP_IT": "1"]) { $1 })
        #expect(kept == 1 && keptOutput.contains("leaving MariaDB (exit) running"), "\(keptOutput)")
        #expect(await TestDatabase.run(["\(root)/scripts/db", "status"], environment: environment).0 == 0)
        try await TestDatabase.script(["stop"], instance: "exit")
        // The demo, the harnesses' common start and the harnesses with a database of their own arrange for the stop before starting it…
        for script in ["demo", "lib/bench-setup.sh", "bench-gateway", "bench-callgrind"] {
            let text = try String(contentsOfFile: "\(root)/scripts/\(script)", encoding: .utf8)
            let arranged = try #require(text.range(of: "\nstop_db_on_exit "), "scripts/\(script) does not stop its database")
            let started = try #require(text.range(of: "\nscripts/db up "))
            #expect(arranged.lowerBound < started.lowerBound, "scripts/\(script) starts its database before arranging its stop")
        }
        // …and every harness that uses the bench database starts through it.
        for script in ["bench", "bench-exports", "bench-fleet"] {
            let text = try String(contentsOfFile: "\(root)/scripts/\(script)", encoding: .utf8)
            #expect(text.contains("source \"$PORTICO_ROOT/scripts/lib/bench-setup.sh\""), "scripts/\(script)")
            #expect(!text.contains("\nscripts/db up "), "scripts/\(script) starts a database of its own")
        }
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

    @Test("ops register, list, rotate and revoke OAuth clients, and rotate the signing key")
    func clientCommands() async throws {
        let binary = TestDatabase.porticoBinary
        let partner = "cli-oauth-\(UInt32.random(in: 0...UInt32.max))"
        for step in [["migrate"], ["partner", "add", partner]] {
            let (status, output) = await TestDatabase.run([binary] + step)
            #expect(status == 0, "\(step): \(output)")
        }
        let (added, addOutput) = await TestDatabase.run([binary, "client", "add", partner, "--scopes", "orders:read"])
        #expect(added == 0, "\(addOutput)")
        let clientID = try #require(addOutput.firstMatch(of: /client_id=(pcl_[0-9A-Za-z]{16})/)?.1).description
        let secret = try #require(addOutput.firstMatch(of: /client_secret=(pcs_[0-9A-Za-z]{46})/)?.1).description
        #expect(ClientCredentialsShape.isSecret(secret))
        let (_, listed) = await TestDatabase.run([binary, "client", "list", partner])
        #expect(listed.contains("\(clientID)\t\(partner)\tlive\torders:read") && !listed.contains(secret), "\(listed)")
        let (rotated, rotateOutput) = await TestDatabase.run([binary, "client", "rotate-secret", clientID, "--overlap", "60"])
        #expect(rotated == 0 && rotateOutput.contains("client_secret=pcs_") && !rotateOutput.contains(secret))
        let (_, relisted) = await TestDatabase.run([binary, "client", "list", partner])
        #expect(relisted.contains("live (old secret until "), "\(relisted)")
        let (revoked, _) = await TestDatabase.run([binary, "client", "revoke", clientID])
        #expect(revoked == 0)
        let (again, againOutput) = await TestDatabase.run([binary, "client", "revoke", clientID])
        #expect(again == 1 && againOutput.contains("no live client"))
        let (unknown, _) = await TestDatabase.run([binary, "client", "add", "no-such-partner-x", "--scopes", "orders:read"])
        #expect(unknown == 1)
        let (badScope, _) = await TestDatabase.run([binary, "client", "add", partner, "--scopes", "Orders Read"])
        #expect(badScope == 1)
        let (signing, signingOutput) = await TestDatabase.run([binary, "signing-key", "rotate"])
        #expect(signing == 0 && signingOutput.contains("signing with pk-"), "\(signingOutput)")
    }

    @Test("serve refuses an issuers file with mistakes, naming each at path:line:column")
    func issuersFileDiagnostics() async throws {
        let path = NSTemporaryDirectory() + "issuers-\(UUID().uuidString).yaml"
        try """
        issuers:
          - issuer: https://login.globex.example
            audiance: https://api.tradeflow.example
            jwks_url: ftp://login.globex.example/jwks
            algorithms: [HS256]
            leeway: 600
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let (status, output) = await TestDatabase.run([
            TestDatabase.porticoBinary, "serve", "--port", "1", "--issuers", path,
            "--mappings", "\(TestDatabase.repositoryRoot)/mappings",
        ])
        #expect(status == 1, "\(output)")
        for expected in [
            "\(path):3:5: unknown key 'audiance'", "\(path):2:5: an issuer needs 'audience'", "\(path):4:15: 'jwks_url' must be an http(s) URL",
            "\(path):5:17: algorithm 'HS256' is not accepted", "\(path):6:13: 'leeway' must be a whole number of seconds in 0...60",
            "\(path):2:5: an issuer needs 'partners'",
        ] {
            #expect(output.contains(expected), "missing \(expected) in \(output)")
        }
    }
}

extension CommandTests {
    @Test("config check, print and reference: exit codes, redaction, and the reference in deploy/README.md is current")
    func configCommands() async throws {
        let binary = TestDatabase.porticoBinary
        let example = "\(TestDatabase.repositoryRoot)/deploy/portico.yaml"
        let (ok, okOutput) = await TestDatabase.run([binary, "config", "check", "--config", example])
        #expect(ok == 0, "\(okOutput)")
        let bad = NSTemporaryDirectory() + "bad-\(UUID().uuidString).yaml"
        try "listen:\n  prot: 80\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let (failed, failedOutput) = await TestDatabase.run([binary, "config", "check", "--config", bad])
        #expect(failed == 1 && failedOutput.contains("\(bad):2:3: error: unknown setting 'listen.prot'; did you mean 'port'?"), "\(failedOutput)")
        let (printed, printOutput) = await TestDatabase.run(
            [binary, "config", "print", "--config", example],
            environment: ["PORTICO_STATE_DB_PASSWORD": "do-not-print-me"])
        #expect(printed == 0 && !printOutput.contains("do-not-print-me"))
        #expect(printOutput.contains("state_db.password = <redacted>  # env PORTICO_STATE_DB_PASSWORD"), "\(printOutput)")
        #expect(printOutput.contains("listen.port = 8080  # \(example):8:9"), "\(printOutput)")
        let (_, reference) = await TestDatabase.run([binary, "config", "reference"])
        let readme = try String(contentsOfFile: "\(TestDatabase.repositoryRoot)/deploy/README.md", encoding: .utf8)
        #expect(readme.contains(reference.trimmingCharacters(in: .newlines)), "deploy/README.md's reference is stale: run portico config reference")
    }
}

extension CommandTests {
    @Test("contract check and lock: exit codes, the published-version guard, --allow-breaking")
    func contractCommands() async throws {
        let binary = TestDatabase.porticoBinary
        let folder = NSTemporaryDirectory() + "portico-contract-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: "\(TestDatabase.repositoryRoot)/mappings", toPath: folder + "/mappings")
        let options = ["--mappings", folder + "/mappings", "--lock", folder + "/openapi", "--version", "v2"]
        let (unlocked, unlockedOutput) = await TestDatabase.run([binary, "contract", "check"] + options)
        #expect(unlocked == 1 && unlockedOutput.contains("no lock"), "\(unlockedOutput)")
        #expect(await TestDatabase.run([binary, "contract", "lock"] + options).0 == 0)
        #expect(await TestDatabase.run([binary, "contract", "check"] + options).0 == 0)
        // A compatible change: listed, exit 0.
        let orders = folder + "/mappings/v2/orders.yaml"
        var text = try String(contentsOfFile: orders, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "  notes: {column: notes, type: string, nullable: true}\n",
            with: "  notes: {column: notes, type: string, nullable: true}\n  remarks: {column: notes, type: string, nullable: true}\n")
        try text.write(toFile: orders, atomically: true, encoding: .utf8)
        let (compatible, compatibleOutput) = await TestDatabase.run([binary, "contract", "check"] + options)
        #expect(
            compatible == 0 && compatibleOutput.contains("compatible: $.components.schemas.orders.properties.remarks: new optional field"),
            "\(compatibleOutput)")
        #expect(await TestDatabase.run([binary, "contract", "lock"] + options).0 == 0, "a compatible change locks without --allow-breaking")
        // A breaking change to a published version: check exits 1, lock refuses, --allow-breaking locks.
        text = text.replacingOccurrences(of: "  notes: {column: notes, type: string, nullable: true}\n", with: "")
        try text.write(toFile: orders, atomically: true, encoding: .utf8)
        let (breaking, breakingOutput) = await TestDatabase.run([binary, "contract", "check"] + options)
        #expect(
            breaking == 1 && breakingOutput.contains("breaking: $.components.schemas.orders.properties.notes: removed response field"),
            "\(breakingOutput)")
        let (refused, refusedOutput) = await TestDatabase.run([binary, "contract", "lock"] + options)
        #expect(refused == 1 && refusedOutput.contains("refused: the version is published"), "\(refusedOutput)")
        #expect(await TestDatabase.run([binary, "contract", "lock", "--allow-breaking"] + options).0 == 0)
        #expect(await TestDatabase.run([binary, "contract", "check"] + options).0 == 0)
    }

    @Test("contract check --against and lock --from: an agreed contract, JSON or YAML, compared both ways, adopted once clean")
    func agreedContract() async throws {
        let binary = TestDatabase.porticoBinary
        let folder = NSTemporaryDirectory() + "portico-agreed-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: "\(TestDatabase.repositoryRoot)/mappings", toPath: folder + "/mappings")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let options = ["--mappings", folder + "/mappings", "--lock", folder + "/openapi", "--version", "v2"]
        // The agreed contract: what v2 serves today, as JSON, as another team would hand it over.
        let (printed, json) = await TestDatabase.run([binary, "openapi", "--mappings", folder + "/mappings", "--version", "v2", "--format", "json"])
        #expect(printed == 0)
        try json.write(toFile: folder + "/agreed.json", atomically: true, encoding: .utf8)
        let (clean, cleanOutput) = await TestDatabase.run([binary, "contract", "check", "--against", folder + "/agreed.json"] + options)
        #expect(clean == 0 && cleanOutput.contains("(no difference)"), "\(cleanOutput)")
        // The mappings drift: a field renamed. Both sides are listed, with the mapping's place; check and lock refuse.
        let orders = folder + "/mappings/v2/orders.yaml"
        let text = try String(contentsOfFile: orders, encoding: .utf8)
        try text.replacingOccurrences(of: "  notes: {column: notes", with: "  remarks: {column: notes").write(
            toFile: orders, atomically: true, encoding: .utf8)
        let (drift, driftOutput) = await TestDatabase.run([binary, "contract", "check", "--against", folder + "/agreed.json"] + options)
        #expect(drift == 1, "\(driftOutput)")
        #expect(
            driftOutput.contains("properties.notes: renamed field 'notes' to 'remarks'") && driftOutput.contains("mappings/v2/orders.yaml:"),
            "\(driftOutput)")
        let (refused, refusedOutput) = await TestDatabase.run([binary, "contract", "lock", "--from", folder + "/agreed.json"] + options)
        #expect(refused == 1 && refusedOutput.contains("refused: the mappings do not serve"), "\(refusedOutput)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/openapi/v2.yaml"))
        try text.write(toFile: orders, atomically: true, encoding: .utf8)
        let (adopted, adoptedOutput) = await TestDatabase.run([binary, "contract", "lock", "--from", folder + "/agreed.json"] + options)
        #expect(adopted == 0 && adoptedOutput.contains("serves \(folder)/agreed.json exactly"), "\(adoptedOutput)")
        #expect(await TestDatabase.run([binary, "contract", "check"] + options).0 == 0, "the lock now holds what was agreed")
        // Not a contract at all: a clear error, exit 2.
        try "title: not openapi\n".write(toFile: folder + "/other.yaml", atomically: true, encoding: .utf8)
        let (bad, badOutput) = await TestDatabase.run([binary, "contract", "check", "--against", folder + "/other.yaml"] + options)
        #expect(bad == 2 && badOutput.contains("is not an OpenAPI 3.0 or 3.1 document"), "\(badOutput)")
    }

    @Test("contract check --against on the Fieldwork example: clean, wording counted, listed only with --wording")
    func fieldworkAgreement() async throws {
        let binary = TestDatabase.porticoBinary
        let folder = "\(TestDatabase.repositoryRoot)/Tests/Fieldwork"
        let options = ["contract", "check", "--mappings", folder + "/mappings", "--against", folder + "/contract.yaml"]
        let (status, output) = await TestDatabase.run([binary] + options)
        #expect(status == 0, "\(output)")
        #expect(output.contains("0 missing from the mappings, 0 not in the contract, ") && output.contains("(--wording lists them)"), "\(output)")
        #expect(!output.contains("v1: wording:"))
        let (listed, wording) = await TestDatabase.run([binary] + options + ["--wording"])
        #expect(listed == 0 && wording.contains("v1: wording: $.paths['/fieldwork/2025-01/work-orders'].get.summary: summary changed"), "\(wording)")
    }
}

/// The secret's shape as printed (the library's own check is tested in PorticoAccessTests).
enum ClientCredentialsShape {
    static func isSecret(_ text: String) -> Bool { text.hasPrefix("pcs_") && text.count == 50 }
}
