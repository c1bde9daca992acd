import Foundation

/// What the server a connection reached says about replication: whether it is a standby, whether
/// a commit waits for a synchronous standby, and how far each standby is behind.
///
/// Only with a synchronous standby connected (`synchronous_standby_names` naming it,
/// `synchronous_commit` `on`, `remote_write` or `remote_apply`) is an acknowledged write on two
/// machines; with asynchronous standbys a failover loses what they had not received.
///
/// ```swift
/// let state = try ReplicationState.read(connection)
/// print(state.summary)   // "primary; synchronous standby: standby1 (sync, replay lag 0.0 s, 0 bytes behind)"
/// ```
public struct ReplicationState: Sendable, Hashable, Codable {
    /// One standby streaming from the server, as `pg_stat_replication` shows it.
    public struct Standby: Sendable, Hashable, Codable {
        /// Its `application_name`.
        public var name: String
        /// `streaming`, `catchup`, `startup` …; `nil` when this login may not see it.
        public var state: String?
        /// `sync`, `quorum`, `potential` or `async`; `nil` when this login may not see it.
        public var syncState: String?
        /// Seconds between a commit here and its replay there; `nil` when idle or not visible.
        public var replayLagSeconds: Double?
        /// Bytes of WAL written here and not yet replayed there; `nil` when not visible.
        public var bytesBehind: Int64?
    }

    /// Whether the server reached is itself a standby (in recovery: it only reads).
    public var isStandby: Bool
    /// Its `synchronous_standby_names` (empty: no commit waits for a standby).
    public var synchronousStandbyNames: String
    /// Its `synchronous_commit`.
    public var synchronousCommit: String
    /// The standbys streaming from it (a primary's).
    public var standbys: [Standby]
    /// For a standby: seconds since the last transaction it replayed was committed on the primary.
    public var replayDelaySeconds: Double?

    /// Whether this login could read the standbys' state (superusers and `pg_monitor` members can).
    public var standbysVisible: Bool { standbys.allSatisfy { $0.state != nil } }

    /// Whether an acknowledged commit here is on a synchronous standby too: one is named, it is
    /// streaming as `sync` or `quorum`, and commits wait for it. `nil` when this login may not see
    /// the standbys' state.
    public var hasSynchronousStandby: Bool? {
        guard !isStandby else { return false }
        let waits = ["on", "remote_write", "remote_apply"].contains(synchronousCommit)
        guard waits, !synchronousStandbyNames.trimmingCharacters(in: .whitespaces).isEmpty else { return false }
        guard standbysVisible else { return nil }
        return standbys.contains { $0.state == "streaming" && ["sync", "quorum"].contains($0.syncState ?? "") }
    }

    /// One line for a person: what the server is and what its acknowledgements are worth.
    public var summary: String {
        if isStandby {
            let delay = replayDelaySeconds.map { String(format: "%.1f s", $0) } ?? "unknown"
            return "standby (read-only); last replayed transaction committed \(delay) ago on the primary"
        }
        let list = standbys.map { standby in
            var parts = [standby.syncState ?? "state not visible"]
            if let lag = standby.replayLagSeconds { parts.append(String(format: "replay lag %.1f s", lag)) }
            if let bytes = standby.bytesBehind { parts.append("\(bytes) bytes behind") }
            return "\(standby.name) (\(parts.joined(separator: ", ")))"
        }
        let standbysText = list.isEmpty ? "no standby connected" : list.joined(separator: "; ")
        if list.isEmpty && synchronousStandbyNames.trimmingCharacters(in: .whitespaces).isEmpty {
            return "primary, no standby: this machine's disk holds the only copy (between backups)"
        }
        switch hasSynchronousStandby {
        case true?:
            return "primary; synchronous standby: \(standbysText) — an acknowledged write is on two machines"
        case false?:
            return
                "primary; no synchronous standby (synchronous_standby_names '\(synchronousStandbyNames)', synchronous_commit \(synchronousCommit)); standbys: \(standbysText) — a failover can lose the last acknowledged writes"
        case nil:
            return
                "primary; synchronous_standby_names '\(synchronousStandbyNames)', synchronous_commit \(synchronousCommit); whether a synchronous standby is connected is not visible to this login (grant it pg_monitor)"
        }
    }

    /// Reads the state of the server `connection` reached.
    public static func read(_ connection: Connection) throws(PostgresError) -> ReplicationState {
        let settings = try connection.query(
            """
            SELECT pg_is_in_recovery() AS recovery, current_setting('synchronous_standby_names') AS names,
                   current_setting('synchronous_commit') AS commit,
                   extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS delay
            """)[0]
        let isStandby = try settings.decode(Bool.self, "recovery")
        var standbys: [Standby] = []
        if !isStandby {
            for row in try connection.query(
                """
                SELECT application_name, state, sync_state, extract(epoch FROM replay_lag)::float8 AS lag,
                       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::int8 AS behind
                FROM pg_stat_replication ORDER BY application_name
                """)
            {
                standbys.append(
                    Standby(
                        name: try row.decode(String?.self, "application_name") ?? "",
                        state: try row.decode(String?.self, "state"),
                        syncState: try row.decode(String?.self, "sync_state"),
                        replayLagSeconds: try row.decode(Double?.self, "lag"),
                        bytesBehind: try row.decode(Int64?.self, "behind")))
            }
        }
        return ReplicationState(
            isStandby: isStandby, synchronousStandbyNames: try settings.decode(String.self, "names"),
            synchronousCommit: try settings.decode(String.self, "commit"), standbys: standbys,
            replayDelaySeconds: isStandby ? try settings.decode(Double?.self, "delay") : nil)
    }
}
