/// A store operation failed. The description names the store and the action; query
/// arguments are never included (they may hold tokens or addresses).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var action: String
    public var message: String
    /// What kind of failure: callers stop at once on `.unusable` (the store as a whole
    /// cannot be used: missing, corrupt, from a newer Pantau) rather than trying the next item.
    public var kind: Kind

    public enum Kind: Sendable, Equatable {
        /// One operation failed (a full disk, a busy database); others may still succeed.
        case operation
        /// The store cannot be used at all; nothing was written.
        case unusable
    }

    public init(path: String, action: String, message: String, kind: Kind = .operation) {
        self.path = path
        self.action = action
        self.message = message
        self.kind = kind
    }

    public var description: String { path.isEmpty ? "\(action): \(message)" : "\(path): \(action): \(message)" }
}

/// How a command opens the store.
public enum StoreAccess: Sendable, Equatable {
    /// Reads only: the store must exist; it is never created, migrated or written.
    case readOnly
    /// Reads and writes: the store (and its directory) is created when missing and its
    /// schema brought up to date.
    case readWrite
}
