using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Platform.Api.BackOffice;

/// <summary>
/// Where the next page starts: the last row's key in the page's order (its created_at or check-in, then
/// its id). Opaque to clients and bound to what it was given for: an HMAC over the key, the search's
/// canonical filters and the caller's client id, with a key derived from the identity signing key the
/// replicas already share (so any replica continues any other's search). A cursor edited, made up, or
/// carried over to other filters or another client fails its check: a 400, never a page of something else.
/// </summary>
public sealed class SearchCursor(byte[] signingKey)
{
    private const int KeyBytes = 1 + 8 + 8;
    private const int TagBytes = 16;

    private readonly byte[] _key = HMACSHA256.HashData(signingKey, "platform/back-office/search-cursor/v1"u8);

    /// <summary>The cursor for the page after the row with <paramref name="position"/> and <paramref name="id"/>.</summary>
    public string Create(SearchFilters filters, string client, long position, long id)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var data = new byte[KeyBytes + TagBytes];
        data[0] = (byte)filters.Order;
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(1), position);
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(9), id);
        Tag(data.AsSpan(0, KeyBytes), filters, client).CopyTo(data.AsSpan(KeyBytes));
        return WebEncoders.Base64UrlEncode(data);
    }

    /// <summary>The key a cursor holds, if it is one this search gave this client.</summary>
    public bool TryRead(string text, SearchFilters filters, string client, out long position, out long id)
    {
        ArgumentNullException.ThrowIfNull(filters);
        position = id = 0;
        byte[] data;
        try
        {
            data = WebEncoders.Base64UrlDecode(text);
        }
        catch (FormatException)
        {
            return false;
        }
        if (data.Length != KeyBytes + TagBytes || data[0] != (byte)filters.Order
            || !CryptographicOperations.FixedTimeEquals(data.AsSpan(KeyBytes), Tag(data.AsSpan(0, KeyBytes), filters, client)))
            return false;
        position = BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(1));
        id = BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(9));
        return true;
    }

    private byte[] Tag(ReadOnlySpan<byte> key, SearchFilters filters, string client)
    {
        var bound = Encoding.UTF8.GetBytes(filters.Canonical() + "\n" + client);
        var message = new byte[key.Length + bound.Length];
        key.CopyTo(message);
        bound.CopyTo(message.AsSpan(key.Length));
        return HMACSHA256.HashData(_key, message)[..TagBytes];
    }
}
