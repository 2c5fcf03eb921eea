import InventoryModel

/// Says which traffic series were written since a console last read them: every counter poll
/// (and every sFlow counter sample) of a series rewrites its stored state (its last reading,
/// its open buckets) in the poll's transaction, so an unchanged state means the series' raw
/// intervals and samples are unchanged too. The dashboard reads the series of the PDs'
/// uplinks again only when this says so.
public protocol TrafficStateMarking: Sendable {
    /// Each of `keys`' stored state as it is written (opaque text, compared for equality only);
    /// a series without a state is absent. Read it before the series' data.
    func trafficStateMarks(_ keys: [TrafficSeriesKey]) throws(StoreError) -> [TrafficSeriesKey: String]
    /// The stored states of `keys` (as `TrafficStorage.trafficStates(device:)` gives them), in one
    /// read; a series without a state is absent. What a console needs of a few interfaces of many
    /// devices (the PDs' uplinks) without decoding every interface's state.
    func trafficStates(_ keys: [TrafficSeriesKey]) throws(StoreError) -> [TrafficSeriesKey: TrafficSeriesState]
}
