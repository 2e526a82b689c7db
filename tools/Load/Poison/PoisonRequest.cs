namespace Platform.Load.Poison;

/// <summary>How a poison request's bytes go on the wire.</summary>
public enum Delivery
{
    /// <summary>All at once; then every answer is read until the connection goes quiet.</summary>
    Whole,

    /// <summary>All at once, then the connection is closed at once: a client that aborts mid-request.</summary>
    CutShort,

    /// <summary>The head at once, then one body byte a second: a body slower than Kestrel's MinRequestBodyDataRate.</summary>
    Trickle,

    /// <summary>All at once, then reset (RST) as soon as the first bytes of the answer arrive: a client that goes away mid-response.</summary>
    AbortMidAnswer,
}

/// <summary>
/// One malformed or hostile HTTP/1.1 request, as bytes a client library would refuse to send.
/// </summary>
/// <param name="Name">What it is, for test names and reports.</param>
/// <param name="Group">Its family (encoding, size, duplicate, method, path, body, abort, smuggling).</param>
/// <param name="Text">The request with <c>{host}</c> for the gateway's host:port; each char is one byte (Latin-1), so raw UTF-8 is written pre-encoded.</param>
/// <param name="Expected">The one status it must get when it is known in advance; null when only "no 5xx" is asserted (e.g. a replica's own 4xx or 2xx).</param>
public sealed record PoisonRequest(string Name, string Group, string Text, Delivery Delivery = Delivery.Whole, int? Expected = null)
{
    /// <summary>The bytes to send to <paramref name="host"/> (<c>127.0.0.1:8080</c>).</summary>
    public byte[] Bytes(string host) => System.Text.Encoding.Latin1.GetBytes(Text.Replace("{host}", host, StringComparison.Ordinal));

    public override string ToString() => $"{Group}: {Name}";
}
