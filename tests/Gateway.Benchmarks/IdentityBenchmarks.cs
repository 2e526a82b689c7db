using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Forwarder;
using Platform.Gateway.Identity;
using Platform.Identity;

namespace Platform.Gateway.Benchmarks;

/// <summary>
/// What identity adds to a proxied request: the gateway signs <c>X-Client-Identity</c>
/// (<see cref="IdentityToken.Sign"/>), the replica verifies it (<see cref="IdentityToken.TryVerify"/>);
/// for scale, the gateway's other per-request identity work, the key lookup and the query-string scan,
/// and all of it together: the identification middleware on a keyed and a keyless request (the
/// same HttpContext each time; the next middleware does nothing). One thread; Mean is ns per call,
/// Allocated bytes per call.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class IdentityBenchmarks
{
    private const string Client = "acme";
    private const string Scopes = "reservations:create,reservations:read,reservations:manage";
    private const string Method = "GET";
    private const string Path = "/api/v1/reservations";
    private const string Query = "?guestPhone=%2B5491155550000";
    private const string PathAndQuery = Path + Query;
    private const string Key = "acme-7d1f0c2a-9b1e-4c55-a7de-2f0e8b6c1d93";

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(IdentityToken.MinKeyBytes);
    private long _now;
    private string _token = "";
    private ApiKeyDirectory.ClientSnapshot? _clients;
    private ClientIdentification? _middleware;
    private DefaultHttpContext? _keyed;
    private DefaultHttpContext? _keyless;

    [GlobalSetup]
    public void SetUp()
    {
        _now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _token = IdentityToken.Sign(_key, Client, Scopes, _now, Method, PathAndQuery);
        if (!IdentityToken.TryVerify(_key, _token, Method, PathAndQuery, _now, 30_000, out _, out _))
            throw new InvalidOperationException("The benchmark's token does not verify.");
        var (directory, signingKey) = IdentityDirectory.Build(Client, Key, _key);
        _clients = directory.Current;
        _middleware = new ClientIdentification(static _ => Task.CompletedTask, directory, signingKey, TimeProvider.System, new IdentityMetrics());
        _keyed = ProxiedRequest();
        _keyed.Request.Headers[ClientIdentification.ApiKeyHeader] = Key;
        _keyless = ProxiedRequest();
    }

    [Benchmark(Baseline = true)]
    public string Sign() => IdentityToken.Sign(_key, Client, Scopes, _now, Method, PathAndQuery);

    [Benchmark]
    public bool TryVerify() => IdentityToken.TryVerify(_key, _token, Method, PathAndQuery, _now, 30_000, out _, out _);

    /// <summary>The gateway's key lookup: SHA-256 of the presented key on the stack, then a frozen dictionary.</summary>
    [Benchmark]
    public bool FindApiKey() => _clients!.TryFind(Key, out _);

    [Benchmark]
    public Task IdentifyKeyed() => _middleware!.InvokeAsync(_keyed!);

    [Benchmark]
    public Task IdentifyKeyless() => _middleware!.InvokeAsync(_keyless!);

    [Benchmark]
    public bool ScanQueryForKeys() => QueryStringKeys.ContainsApiKey(_query);

    private readonly string _query = Query;

    /// <summary>A GET routed to the proxy's route, as the gateway's routing leaves it.</summary>
    private static DefaultHttpContext ProxiedRequest()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = Method;
        context.Request.Path = Path;
        context.Request.QueryString = new QueryString(Query);
        var route = new RouteModel(new RouteConfig { RouteId = "api", ClusterId = "replicas", Match = new RouteMatch { Path = "/api/{**rest}" } },
            cluster: null, HttpTransformer.Default);
        context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(route), "api"));
        return context;
    }
}
