/// The parts of a store that change seldom, each with a counter that every commit changing it
/// raises: a front end that reads everything again every few seconds (the dashboard) reads again
/// only the areas whose counter moved. The collector daemon's own, frequent data (status polls,
/// counter polls) is not among them: there each reader checks the rows it shows (a device's
/// last poll, a series' last interval), which says which rows moved as well.
public enum StoreArea: String, CaseIterable, Sendable, Hashable {
    /// Devices and their inventory polls (`device`, `poll_run`, `inventory_change`).
    case inventory
    /// Findings, their acknowledgements and suppressions.
    case findings
    /// The PD registry, the regional profile, diagram submissions, change reports and duties.
    case governance
    /// What packet sampling saw: hosts, their addresses and names, and traffic by talker.
    case sightings
}

public protocol AreaChangeReading: Sendable {
    /// Each area's counter: raised (kept in the same transaction, by triggers in the store, so
    /// by any process and any Pantau writing it) by every commit that inserts, updates or
    /// deletes a row of the area's tables. Equal counters from two calls mean the area did not
    /// change between them; read them before the area's data. nil: this store cannot tell.
    func areaGenerations() throws(StoreError) -> [StoreArea: Int64]?
}
