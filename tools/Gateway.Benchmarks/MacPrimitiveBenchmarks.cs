using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace Platform.Gateway.Benchmarks;

/// <summary>
/// Where <see cref="IdentityBenchmarks"/>' time goes: the MAC primitive alone over an input the size
/// of a signed request (claims, method, path and query), one-shot as <c>IdentityToken</c> calls it
/// (a new keyed context per call), against a keyed context kept and reset (what a per-thread cache
/// would cost), and SHA-256 of an API key one-shot against a kept context. Not a token
/// implementation: the bytes hashed are the same in each pair; only the context's lifetime differs.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class MacPrimitiveBenchmarks : IDisposable
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _input = Encoding.UTF8.GetBytes(
        "v1;acme;reservations:create,reservations:read,reservations:manage;1796000000000\nGET\n/api/v1/reservations?guestPhone=%2B5491155550000");
    private readonly byte[] _apiKey = Encoding.UTF8.GetBytes("acme-7d1f0c2a-9b1e-4c55-a7de-2f0e8b6c1d93");
    private readonly byte[] _output = new byte[32];
    private IncrementalHash? _hmac;
    private IncrementalHash? _sha256;

    [GlobalSetup]
    public void SetUp()
    {
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }

    [Benchmark(Baseline = true)]
    public int HmacOneShot() => HMACSHA256.HashData(_key, _input, _output);

    [Benchmark]
    public int HmacKeptContext()
    {
        _hmac!.AppendData(_input);
        return _hmac.GetHashAndReset(_output);
    }

    [Benchmark]
    public int Sha256OneShot() => SHA256.HashData(_apiKey, _output);

    [Benchmark]
    public int Sha256KeptContext()
    {
        _sha256!.AppendData(_apiKey);
        return _sha256.GetHashAndReset(_output);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _hmac?.Dispose();
        _sha256?.Dispose();
        GC.SuppressFinalize(this);
    }
}
