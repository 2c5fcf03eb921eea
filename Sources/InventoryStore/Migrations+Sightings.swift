import GRDB

extension PantauStore {
    /// Schema for packet sightings (hosts, neighbour announcements, DHCP servers, traffic).
    static func registerSightingMigrations(_ migrator: inout DatabaseMigrator) {
    }
}
