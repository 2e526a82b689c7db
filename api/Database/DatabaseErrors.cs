using MySqlConnector;

namespace Platform.Api.Database;

/// <summary>Server error numbers the API acts on, and which failures mean "the database is out of reach".</summary>
public static class DatabaseErrors
{
    public const int DuplicateKey = 1062;          // ER_DUP_ENTRY
    public const int ForeignKeyMissing = 1452;     // ER_NO_REFERENCED_ROW_2
    public const int LockWaitTimeout = 1205;       // ER_LOCK_WAIT_TIMEOUT
    public const int Deadlock = 1213;              // ER_LOCK_DEADLOCK

    public static bool IsRetryableConflict(MySqlException ex) =>
        ex.Number is Deadlock or LockWaitTimeout;

    /// <summary>
    /// Pool wait timed out, connection refused or lost, command timed out, server shutting down:
    /// the client should come back later (503), nothing it sent was wrong.
    /// </summary>
    public static bool IsUnavailable(Exception ex) => ex switch
    {
        MySqlException my => my.ErrorCode is MySqlErrorCode.UnableToConnectToHost
            or MySqlErrorCode.CommandTimeoutExpired
            or MySqlErrorCode.ServerShutdown
            or MySqlErrorCode.ConnectionCountError
            or MySqlErrorCode.TooManyUserConnections
            or MySqlErrorCode.LockWaitTimeout
            || my.IsTransient
            || my.InnerException is System.Net.Sockets.SocketException or IOException,
        System.Net.Sockets.SocketException => true,
        _ => false,
    };
}
