import GRDB

extension PantauStore {
    /// Schema for the PD registry, regional profile and diagram submissions.
    static func registerGovernanceMigrations(_ migrator: inout DatabaseMigrator) {
    }
}
