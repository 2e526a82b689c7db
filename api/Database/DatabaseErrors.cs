using MySqlConnector;

namespace Platform.Api.Database;

/// <summary>Server error numbers the API acts on, and which failures mean "the database is out of reach".</summary>
public static class DatabaseErrors
{
    public const int DuplicateKey = 1062;          // ER_DUP_ENTRY
    public const int ForeignKeyMissing = 1452;     // ER_NO_REFERENCED_ROW_2
    public const int LockWaitTimeout = 1205;       // ER_LOCK_WAIT_TIMEOUT
    public const int Deadlock = 1213;              // ER_LOCK_DEADLOCK
    public const int QueryInterrupted = 1317;      // ER_QUERY_INTERRUPTED: KILL QUERY, which is how MySqlConnector cancels
    public const int StatementTimeout = 1969;
    // ER_UNKNOWN_COM_ERROR, as a Galera node outside the primary component (quorum lost, still joining)
    // answers every statement: "WSREP has not yet prepared node for application use".
    public const int WsrepNotReady = 1047;      // ER_STATEMENT_TIMEOUT: max_statement_time ran out (MariaDB)
    public const int ConstraintFailed = 4025;      // ER_CONSTRAINT_FAILED: a CHECK constraint refused the row (MariaDB)
    public const int CheckConstraintViolated = 3819; // ER_CHECK_CONSTRAINT_VIOLATED: the same, as MySQL 8 numbers it

    public static bool IsRetryableConflict(MySqlException ex) =>
        ex.Number is Deadlock or LockWaitTimeout;

    /// <summary>
    /// The server stopped a statement because its time ran out: the limits a request's deadline or
    /// background work set (max_statement_time, lock waits) or a command that was cancelled.
    /// </summary>
    public static bool IsCutOff(Exception ex) => ex switch
    {
        OperationCanceledException => true,
        MySqlException my => my.Number is StatementTimeout or QueryInterrupted or LockWaitTimeout
            || my.ErrorCode is MySqlErrorCode.CommandTimeoutExpired,
        _ => false,
    };

    /// <summary>
    /// Pool wait timed out, connection refused or lost, command timed out or interrupted, server
    /// shutting down: the client should come back later (503), nothing it sent was wrong.
    /// </summary>
    public static bool IsUnavailable(Exception ex) => ex switch
    {
        MySqlException my => my.ErrorCode is MySqlErrorCode.UnableToConnectToHost
            or MySqlErrorCode.CommandTimeoutExpired
            or MySqlErrorCode.ServerShutdown
            or MySqlErrorCode.ConnectionCountError
            or MySqlErrorCode.TooManyUserConnections
            or MySqlErrorCode.LockWaitTimeout
            || my.Number is StatementTimeout or QueryInterrupted or WsrepNotReady
            || my.IsTransient
            || my.InnerException is System.Net.Sockets.SocketException or IOException,
        System.Net.Sockets.SocketException => true,
        _ => false,
    };
}
