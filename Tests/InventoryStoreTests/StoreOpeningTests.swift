import Foundation
import GRDB
import InventoryModel
import InventoryStore
import InventoryTesting
import Storage
import Testing

/// How the store is opened: read-only never creates or writes, a newer store is refused.
@Suite struct StoreOpeningTests {
    func sample(_ store: PantauStore) throws {
        let inv = DeviceInventory(agent: "udp:10.0.0.1:161", polledAt: Date(timeIntervalSince1970: 1000))
        try store.record(PollOutcome(name: "sw1", agent: inv.agent, pd: nil, startedAt: inv.polledAt, duration: 0.1, result: .success(inv)))
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test func readOnlyOnAMissingPathFailsAndCreatesNothing() throws {
        let dir = try Lab.temporaryDirectory("store-open")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/sub/none.sqlite"
        do {
            _ = try PantauStore(path: path, access: .readOnly)
            Issue.record("opened a missing store read-only")
        } catch {
            #expect(error.kind == .unusable)
            #expect(error.description.hasPrefix(path + ": opening the store: no store here"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/sub"))
    }

    @Test func readOnlyReadsAndCannotWrite() throws {
        let dir = try Lab.temporaryDirectory("store-open")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/p.sqlite"
        try sample(PantauStore(path: path))
        let ro = try PantauStore(path: path, access: .readOnly)
        #expect(try ro.devices().map(\.name) == ["sw1"])
        #expect(throws: StoreError.self) { try self.sample(ro) }
        #expect(try PantauStore(path: path, access: .readOnly).devices().count == 1)
    }

    /// A store a newer Pantau wrote (an unknown migration, or a higher user_version) is refused
    /// read-only and read-write, and not one byte of it changes.
    @Test(arguments: ["migration", "user_version"])
    func aStoreFromANewerPantauIsRefused(how: String) throws {
        let dir = try Lab.temporaryDirectory("store-open")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/p.sqlite"
        try sample(PantauStore(path: path))
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            if how == "migration" {
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
            } else {
                try db.execute(sql: "PRAGMA user_version = 99")
            }
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        try queue.close()
        let before = bytes(path)
        for access in [StoreAccess.readWrite, .readOnly] {
            do {
                _ = try PantauStore(path: path, access: access)
                Issue.record("opened a newer store (\(access))")
            } catch {
                #expect(error.kind == .unusable)
                #expect(error.description.contains("written by a newer Pantau"), "\(error)")
                #expect(error.description.contains("this pantau knows schema version \(PantauStore.schemaVersion)"), "\(error)")
                #expect(error.description.hasPrefix(path), "\(error)")
                if how == "migration" { #expect(error.description.contains("v9-from-the-future")) }
            }
        }
        #expect(bytes(path) == before)
    }

    @Test func aWritingOpenRecordsTheSchemaVersion() throws {
        let dir = try Lab.temporaryDirectory("store-open")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/p.sqlite"
        let applied = try PantauStore(path: path).appliedMigrations()
        let version = try DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") }
        // One version per migration (branches each adding one add up).
        #expect(version == PantauStore.schemaVersion && version == applied.count && applied.contains("v5-traffic") && applied.contains("v5-uptime") && applied.contains("v5-findings"))
    }
}
