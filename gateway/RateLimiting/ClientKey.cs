using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Gateway.RateLimiting;

/// <summary>
/// Who a bucket belongs to, in 128 bits so that looking a partition up never allocates or hashes a
/// string: an IPv4 client as its IPv4-mapped IPv6 address, an IPv6 client as its /64 prefix (one
/// subscriber line; a client rotating addresses inside it gets no new bucket), and an API-key client
/// as 64 bits of the SHA-256 of its name under <c>ff00::/8</c>: the same bucket after the clients are
/// reloaded, and on every gateway of a global-mode fleet. The three never collide: IPv4 keys have High = 0, IPv6 keys
/// have Low = 0, API-client keys have neither.
/// </summary>
internal readonly struct ClientKey(ulong high, ulong low) : IEquatable<ClientKey>
{
    private const ulong ApiClientPrefix = 0xFF00_0000_0000_0000;
    private const ulong IPv4MappedPrefix = 0x0000_FFFF_0000_0000;

    public ulong High { get; } = high;

    public ulong Low { get; } = low;

    /// <summary>Requests without a peer address (in-process test hosts) share one anonymous bucket.</summary>
    public static ClientKey FromAddress(IPAddress? address)
    {
        if (address is null)
        {
            return default;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        if (written == 4)
        {
            return new ClientKey(0, IPv4MappedPrefix | BinaryPrimitives.ReadUInt32BigEndian(bytes));
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return new ClientKey(0, IPv4MappedPrefix | BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]));
        }
        return new ClientKey(BinaryPrimitives.ReadUInt64BigEndian(bytes), 0);
    }

    public static ClientKey ForApiClient(string name)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        var low = BinaryPrimitives.ReadUInt64BigEndian(hash);
        return new ClientKey(ApiClientPrefix, low == 0 ? 1 : low);
    }

    /// <summary>An API-key client's key; every other key is an address (or no address): an anonymous client.</summary>
    public bool IsApiClient => High == ApiClientPrefix && Low != 0;

    public bool Equals(ClientKey other) => High == other.High && Low == other.Low;

    public override bool Equals(object? obj) => obj is ClientKey other && Equals(other);

    // HashCode is seeded per process, so a flood of chosen keys cannot aim at one hash chain.
    public override int GetHashCode() => HashCode.Combine(High, Low);

    /// <summary>32 hex digits: the key's name in Redis for global mode.</summary>
    public override string ToString() => $"{High:x16}{Low:x16}";

    public static bool operator ==(ClientKey left, ClientKey right) => left.Equals(right);

    public static bool operator !=(ClientKey left, ClientKey right) => !left.Equals(right);
}
