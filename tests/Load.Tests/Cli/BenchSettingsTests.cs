using Platform.Load.Cli;
using Platform.Topology;
using Platform.Topology.Files;

namespace Platform.Load.Tests.Cli;

/// <summary>
/// The generator reads the platform itself: its ports from the PLATFORM_* variables and its keys and
/// password from the state directory. A throwaway state directory with no pid files stands in for a
/// platform that is not running, so every server is taken to be on its configured port.
/// </summary>
public sealed class BenchSettingsTests : IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("bench-settings-");

    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    public BenchSettingsTests() => _variables["PLATFORM_STATE_DIR"] = _state.FullName;

    private PlatformSettings Platform() => PlatformSettings.FromEnvironment(RepositoryRoot.Path, name => _variables.GetValueOrDefault(name));

    private void WriteKeys(IEnumerable<string> names)
    {
        var layout = Platform().Layout;
        Directory.CreateDirectory(Path.GetDirectoryName(layout.BenchKeysFile)!);
        File.WriteAllText(layout.BenchKeysFile, System.Text.Json.JsonSerializer.Serialize(names.ToDictionary(name => name, name => "key-of-" + name)));
    }

    [Fact]
    public void The_ports_come_from_the_platform_variables_and_the_keys_and_password_from_the_state_directory()
    {
        _variables["PLATFORM_GATEWAY_PORT"] = "18181";
        _variables["PLATFORM_METRICS_BASE_PORT"] = "19300";
        _variables["PLATFORM_DB_PORT"] = "13307";
        _variables["PLATFORM_REDIS_PORT"] = "16380";
        _variables["PLATFORM_REPLICAS"] = "2";
        WriteKeys(BenchClients.Names);
        File.WriteAllText(Path.Combine(_state.FullName, "db-password"), "stored-password\n");

        var settings = BenchSettings.From(Platform());

        Assert.Equal(new Uri("http://127.0.0.1:18181/"), settings.Gateway);
        Assert.Equal(new Uri("http://127.0.0.1:19300/"), settings.GatewayMetrics);
        Assert.Equal(new Uri("http://127.0.0.1:19301/"), settings.ReplicaMetrics(1));
        Assert.Equal(new Uri("http://127.0.0.1:19302/"), settings.ReplicaMetrics(2));
        Assert.Equal(2, settings.Replicas);
        Assert.StartsWith("127.0.0.1:16380,user=operator,password=", settings.Redis, StringComparison.Ordinal);
        Assert.Contains("Port=13307", settings.DbConnection, StringComparison.Ordinal);
        Assert.Contains("User ID=platform", settings.DbConnection, StringComparison.Ordinal);
        Assert.Contains("Password=stored-password", settings.DbConnection, StringComparison.Ordinal);
        Assert.Equal("key-of-" + BenchClients.Load, settings.ApiKey(BenchClients.Load));
        Assert.Equal(Path.Combine(_state.FullName, "reports"), settings.ReportsDir);
    }

    [Fact]
    public void Without_variables_the_default_ports_and_the_state_directorys_replica_count_apply()
    {
        File.WriteAllText(Path.Combine(_state.FullName, "replicas"), "4\n");

        var settings = BenchSettings.From(Platform());

        Assert.Equal(new Uri("http://127.0.0.1:8080/"), settings.Gateway);
        Assert.Equal(new Uri("http://127.0.0.1:9104/"), settings.ReplicaMetrics(4));
        Assert.Equal(4, settings.Replicas);
        Assert.StartsWith("127.0.0.1:6379,user=operator,password=", settings.Redis, StringComparison.Ordinal);
        Assert.Empty(settings.ApiKeys);
        Assert.Throws<InvalidOperationException>(() => settings.ApiKey(BenchClients.Load));
    }

    [Fact]
    public void A_platform_that_is_not_running_is_refused_with_the_command_that_starts_it()
    {
        WriteKeys(BenchClients.Names);

        var error = Assert.Throws<PlatformException>(() => BenchSettings.ForRunningPlatform(Platform()));

        Assert.Contains("mariadb is not running", error.Message, StringComparison.Ordinal);
        Assert.Contains("'./platform up'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _state.Delete(recursive: true);
}
