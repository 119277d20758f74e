import Foundation
import PorticoContract
import PorticoServer
import PorticoTestSupport
import Testing

/// Every generated document, checked by a validator written elsewhere.
@Suite("OpenAPI documents, independently validated")
struct SpecValidatorTests {
    @Test("openapi-spec-validator (PyPI) accepts every generated document")
    func specValidator() async throws {
        let python = ProcessInfo.processInfo.environment["PORTICO_PYTHON"] ?? "\(TestDatabase.repositoryRoot)/.run/py/bin/python"
        for version in ["v1", "v2"] {
            let path = NSTemporaryDirectory() + "openapi-\(version)-\(UUID().uuidString).json"
            try Contract.document(try #require(TestApp.catalogs.catalogs[version])).jsonText.write(toFile: path, atomically: true, encoding: .utf8)
            let (status, output) = await TestDatabase.run([python, "-m", "openapi_spec_validator", path])
            #expect(status == 0 && output.contains("OK"), "\(version): \(output)")
        }
    }
}
