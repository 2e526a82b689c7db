using System.Security.Cryptography;

namespace Platform.Topology.Files;

/// <summary>The platform's generated secrets: created once, kept under the state directory, readable by this user only.</summary>
public static class Secrets
{
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>32 letters and digits: safe in SQL, connection strings, JSON and HTTP headers without escaping.</summary>
    public static string RandomKey() => RandomNumberGenerator.GetString(Alphanumeric, 32);

    /// <summary>The identity signing key (32 random bytes, base64), created once.</summary>
    public static void EnsureIdentityKey(string path)
    {
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            return;
        }

        AtomicFile.Write(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n", secret: true);
    }

    /// <summary>
    /// The 'platform' user's password: <paramref name="given"/> (PLATFORM_DB_PASSWORD), which then replaces
    /// the stored one, else the stored one, else a new random one; always stored in <paramref name="path"/>.
    /// </summary>
    /// <exception cref="PlatformException">The given password is unusable.</exception>
    public static string DatabasePassword(string path, string? given)
    {
        string password;
        if (!string.IsNullOrEmpty(given))
        {
            // Kept out: characters that would need escaping in SQL or in the connection string.
            if (given.IndexOfAny(['\'', '"', '\\', ';']) >= 0)
            {
                throw new PlatformException($"{PlatformVariables.DatabasePassword} must not contain quotes, backslashes or semicolons");
            }

            password = given;
        }
        else
        {
            password = StoredDatabasePassword(path) ?? RandomKey();
        }

        if (password.Length < 8)
        {
            throw new PlatformException("the database password must be at least 8 characters");
        }

        if (StoredDatabasePassword(path) != password)
        {
            AtomicFile.Write(path, password + "\n", secret: true);
        }

        return password;
    }

    /// <summary>The stored 'platform' password, or null when none is.</summary>
    public static string? StoredDatabasePassword(string path) =>
        File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } stored ? stored : null;

    /// <summary>
    /// A generated password kept in <paramref name="path"/> (MariaDB's root, a Redis user): the stored one,
    /// else a new <see cref="RandomKey"/>, stored on the spot. Never replaced once made: the server holds it.
    /// </summary>
    public static string EnsurePassword(string path)
    {
        if (StoredDatabasePassword(path) is { } stored)
        {
            return stored;
        }

        var password = RandomKey();
        AtomicFile.Write(path, password + "\n", secret: true);
        return password;
    }
}
