import Foundation
import PostgresTestSupport
import Testing

@testable import Postgres

/// cfit against a server other sessions share: bounded waits, nothing kept between transactions.
@Suite("cfit on a shared server")
struct SharedServerCommandTests {
    @Test("a write waiting on a row another counter holds gives up after 5 s with exit status 75")
    func busyRow() throws {
        let url = try TestDatabase.fresh()
        let environment = ["DATABASE_URL": url, "CFIT_LOCATION": "shop"]
        #expect(try CFit.run(["seed", "--from", "\(CFit.root)/Seeds"], environment: environment).status == 0)
        let holder = try Connection(url)
        try holder.executeScript(
            "BEGIN; SELECT * FROM stock_balance WHERE sku = 'NW-CL-AD2-II-R-C-BE' AND lot_id IS NULL FOR UPDATE")
        let start = Date()
        let result = try CFit.run(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1"], environment: environment)
        let waited = Date().timeIntervalSince(start)
        #expect(result.status == 75, "\(result.stderr)")
        #expect(result.firstErrorLine.hasPrefix("error: busy: another counter holds this record; try again"))
        #expect(waited >= 4.5 && waited < 9, "waited \(waited) s")
        try holder.executeScript("ROLLBACK")
        #expect(try CFit.run(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1"], environment: environment).status == 0)
    }
}
