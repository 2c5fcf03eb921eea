/// Says cheaply whether anything was committed to a store: a front end that reads the same
/// things every few seconds (the dashboard) reads them again only when something changed.
public protocol ChangeMarking: Sendable {
    /// A value that differs after anything is committed to the store, by any process; equal
    /// values from two calls (on any objects opened on the same store) mean nothing was
    /// committed between them. It may also differ when nothing the store holds did (a
    /// checkpoint, another database's writes on the same server). nil: it cannot tell, read again.
    func changeMarker() throws(StoreError) -> String?
}
