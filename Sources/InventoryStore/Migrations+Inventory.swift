import GRDB

extension PantauStore {
    /// Schema for SNMP device inventory and its history.
    static func registerInventoryMigrations(_ migrator: inout DatabaseMigrator) {
    }
}
