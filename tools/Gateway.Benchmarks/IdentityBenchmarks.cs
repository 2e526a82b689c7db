using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Platform.Contracts.Http;
using Platform.Contracts.Identity;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Forwarder;
using Platform.Gateway.Identity;

namespace Platform.Gateway.Benchmarks;

/// <summary>
/// What identity adds to a proxied request: the gateway signs <c>X-Client-Identity</c>
/// (<see cref="IdentityToken.Sign"/>), the replica verifies it (<see cref="IdentityToken.TryVerify"/>);
/// v2 (bound to the Idempotency-Key and the body's digest, as for a create) side by side with v1
/// (<see cref="IdentityTokenV1"/>, method and path only), the body's SHA-256 that v2 adds on each side
/// for a create's ~250-byte body, and the anonymous holder's keyed hash;
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

    private const string CreatePath = "/api/v1/reservations";
    private const string IdempotencyKey = "bench-0000000000000001";

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(IdentityToken.MinKeyBytes);
    private readonly byte[] _body = System.Text.Encoding.UTF8.GetBytes(
        """{"accommodationId":417,"guestName":"Load Test 1","guestEmail":"load.test@example.com","guestPhone":"+5491100417000","checkIn":"2100-01-02","checkOut":"2100-01-03","guests":1}""");
    private readonly byte[] _address = new byte[16];
    private IdentityClaims _claims;
    private SignedRequest _create;
    private long _now;
    private string _token = "";
    private string _tokenV1 = "";
    private string _createToken = "";
    private ApiKeyDirectory.ClientSnapshot? _clients;
    private ClientIdentification? _middleware;
    private DefaultHttpContext? _keyed;
    private DefaultHttpContext? _keyless;

    [GlobalSetup]
    public void SetUp()
    {
        _now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _claims = new IdentityClaims(Client, Scopes, Client, HoldLimits.None.Format());
        _create = new SignedRequest("POST", CreatePath, IdempotencyKey, IdentityToken.ContentDigest(_body));
        _tokenV1 = IdentityTokenV1.Sign(_key, Client, Scopes, _now, Method, PathAndQuery);
        _token = IdentityToken.Sign(_key, _claims, _now, new SignedRequest(Method, PathAndQuery));
        _createToken = IdentityToken.Sign(_key, _claims, _now, _create);
        if (!IdentityTokenV1.TryVerify(_key, _tokenV1, Method, PathAndQuery, _now, 30_000, out _, out _)
            || !IdentityToken.TryVerify(_key, _token, new SignedRequest(Method, PathAndQuery), _now, 30_000, 2_000, out _, out _)
            || !IdentityToken.TryVerify(_key, _createToken, _create, _now, 30_000, 2_000, out _, out _))
            throw new InvalidOperationException("The benchmark's tokens do not verify.");
        var (directory, _) = IdentityDirectory.Build(Client, Key, _key);
        _clients = directory.Current;
        _middleware = new ClientIdentification(static _ => Task.CompletedTask, directory, new IdentityMetrics());
        _keyed = ProxiedRequest();
        _keyed.Request.Headers[PlatformHeaders.ApiKey] = Key;
        _keyless = ProxiedRequest();
    }

    [Benchmark(Baseline = true)]
    public string SignV1() => IdentityTokenV1.Sign(_key, Client, Scopes, _now, Method, PathAndQuery);

    [Benchmark]
    public string Sign() => IdentityToken.Sign(_key, _claims, _now, new SignedRequest(Method, PathAndQuery));

    /// <summary>A create's header: v2 bound to its Idempotency-Key and body digest (the digest computed apart, below).</summary>
    [Benchmark]
    public string SignCreate() => IdentityToken.Sign(_key, _claims, _now, _create);

    [Benchmark]
    public bool TryVerifyV1() => IdentityTokenV1.TryVerify(_key, _tokenV1, Method, PathAndQuery, _now, 30_000, out _, out _);

    [Benchmark]
    public bool TryVerify() => IdentityToken.TryVerify(_key, _token, new SignedRequest(Method, PathAndQuery), _now, 30_000, 2_000, out _, out _);

    [Benchmark]
    public bool TryVerifyCreate() => IdentityToken.TryVerify(_key, _createToken, _create, _now, 30_000, 2_000, out _, out _);

    /// <summary>What v2 adds on each side of a create: SHA-256 of the body, as Content-Digest.</summary>
    [Benchmark]
    public string DigestCreateBody() => IdentityToken.ContentDigest(_body);

    /// <summary>What v2 adds to an anonymous request at the gateway: the holder's keyed hash of its address.</summary>
    [Benchmark]
    public string AnonymousHolder() => IdentityToken.AnonymousHolder(_key, _address);

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
