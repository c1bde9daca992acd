import Foundation
import PostgresTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `cfit serve` as a process: it answers, refuses a bad address, and stops gracefully on SIGTERM.
@Suite("cfit serve, the command")
struct ServeCommandTests {
    /// A free port on 127.0.0.1 (bound, read, released).
    static func freePort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func get(_ url: String) -> Int? {
        let done = DispatchSemaphore(value: 0)
        let status = LockedValue<Int?>(nil)
        URLSession.shared.dataTask(with: URL(string: url)!) { _, response, _ in
            status.withLock { $0 = (response as? HTTPURLResponse)?.statusCode }
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 5)
        return status.withLock { $0 }
    }

    @Test("it serves /healthz, and SIGTERM stops it gracefully with exit status 0")
    func gracefulStop() throws {
        let url = try TestDatabase.fresh()
        let port = Self.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CFit.binary)
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)"]
        process.environment = ProcessInfo.processInfo.environment.merging(["DATABASE_URL": url]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var status: Int?
        for _ in 0..<300 where status == nil {  // up to 30 s on a busy machine
            Thread.sleep(forTimeInterval: 0.1)
            status = Self.get("http://127.0.0.1:\(port)/healthz")
        }
        #expect(status == 200)
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning, "still running 10 s after SIGTERM")
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    @Test("plain HTTP on the network is refused with one line naming --listen; a bad address too")
    func refusals() throws {
        let url = try TestDatabase.fresh()
        let open = try CFit.run(["serve", "--listen", "192.0.2.10:8099"], environment: ["DATABASE_URL": url])
        #expect(
            open.status == 64 && open.stderr.hasPrefix("error: --listen: expected a loopback address"), "\(open.stderr)"
        )
        let bad = try CFit.run(["serve", "--listen", "nowhere"], environment: ["DATABASE_URL": url])
        #expect(bad.status == 64 && bad.stderr.hasPrefix("error: --listen: expected ADDRESS:PORT"), "\(bad.stderr)")
    }
}
