namespace Platform.Testing;

/// <summary>
/// The checkout the tests were built from, as <see cref="Platform.Topology.RepositoryRoot"/> finds it.
/// Kept under this name because tests outside this library name it <c>Platform.Testing.RepositoryRoot</c>;
/// where the checkout is, is decided there only.
/// </summary>
public static class RepositoryRoot
{
    public static string Path => Platform.Topology.RepositoryRoot.Path;

    /// <summary>A path inside the repository, e.g. <c>Combine("api", "Database", "mariadb.cnf")</c>.</summary>
    public static string Combine(params string[] parts) => Platform.Topology.RepositoryRoot.Combine(parts);
}
