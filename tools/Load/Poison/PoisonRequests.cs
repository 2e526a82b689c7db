using System.Text;

namespace Platform.Load.Poison;

/// <summary>
/// The corpus of malformed and hostile requests (issue 23, part 1): header encodings and sizes,
/// duplicate and conflicting headers, methods, paths, bodies cut short or slow, client aborts and
/// HTTP/1.1 smuggling shapes. One list, used by the gateway's tests and by the bench scenario
/// <c>fault-poison-requests</c>. Every request is anonymous. Whatever each gets, it is never a 5xx,
/// never more than one answer on its connection, and never takes a healthy replica out of rotation.
/// </summary>
/// <remarks>
/// Sizes are against Kestrel's defaults, which the gateway and the replicas both keep: request line
/// 8 KiB, headers 32 KiB in all, 100 headers. A smuggled request, where there is one, asks for
/// <see cref="SmuggledPath"/>, so a second answer on the connection would show it was heard.
/// </remarks>
public static class PoisonRequests
{
    public const string SmuggledPath = "/api/v1/health?smuggled=1";
    private const string Health = "/api/v1/health";
    private const string Create = "/api/v1/reservations";
    private const string Crlf = "\r\n";

    /// <summary>Every request of the corpus, in a fixed order.</summary>
    public static IReadOnlyList<PoisonRequest> All { get; } = Build();

    private static IReadOnlyList<PoisonRequest> Build()
    {
        var ru = Utf8("ключ");
        var smuggled = $"GET {SmuggledPath} HTTP/1.1{Crlf}Host: {{host}}{Crlf}{Crlf}";
        // Inside a chunk its length must not depend on the host; without a Host it would still be answered (400) if heard.
        var inChunk = $"GET {SmuggledPath} HTTP/1.1{Crlf}X-Smuggled: 1{Crlf}{Crlf}";
        const string body = "{\"accommodationId\":1}";
        return
        [
            // Header encodings: what the forwarder cannot encode is the gateway's 400, before any replica.
            new("UTF-8 header value (X-Note: ключ)", "encoding", Get(Health, $"X-Note: {ru}"), Expected: 400),
            new("UTF-8 Idempotency-Key on a create", "encoding", Post(Create, body, $"Idempotency-Key: {ru}", "Content-Type: application/json"), Expected: 400),
            new("UTF-8 X-Api-Key", "encoding", Get(Health, $"X-Api-Key: {ru}"), Expected: 400),
            new("UTF-8 X-Forwarded-For", "encoding", Get(Health, $"X-Forwarded-For: {ru}"), Expected: 400),
            new("UTF-8 traceparent", "encoding", Get(Health, $"traceparent: {ru}"), Expected: 400),
            new("UTF-8 content type charset", "encoding", Post(Create, body, $"Content-Type: application/json; charset={ru}"), Expected: 400),
            new("Latin-1 byte (é as 0xE9)", "encoding", Get(Health, "X-Note: caf\u00e9")),
            new("NUL in a value", "encoding", Get(Health, "X-Note: a\0b")),
            new("bare CR in a value", "encoding", Get(Health, "X-Note: a\rb")),
            new("obs-fold (a value continued on the next line)", "encoding", Get(Health, $"X-Note: a{Crlf} folded")),
            new("control character 0x01 in a value", "encoding", Get(Health, "X-Note: a\u0001b")),
            new("DEL (0x7F) in a value", "encoding", Get(Health, "X-Note: a\u007fb")),
            new("ESC sequence in a value", "encoding", Get(Health, "X-Note: \u001b[31mred")),
            new("UTF-8 header name", "encoding", Get(Health, $"{ru}: v")),
            new("space inside a header name", "encoding", Get(Health, "X Note: v")),
            new("tab inside a value (allowed)", "encoding", Get(Health, "X-Note: a\tb"), Expected: 200),

            // Sizes, against Kestrel's limits (headers 32 KiB in all, 100 of them, request line 8 KiB).
            new("one 30 KiB header (under the total)", "size", Get(Health, $"X-Note: {new string('a', 30 * 1024)}")),
            new("one 40 KiB header (over the total)", "size", Get(Health, $"X-Note: {new string('a', 40 * 1024)}"), Expected: 431),
            new("one 1 MiB header", "size", Get(Health, $"X-Note: {new string('a', 1024 * 1024)}")),
            new("90 headers (under the count)", "size", Get(Health, [.. Enumerable.Range(0, 90).Select(i => $"X-N{i}: v")])),
            new("120 headers (over the count)", "size", Get(Health, [.. Enumerable.Range(0, 120).Select(i => $"X-N{i}: v")]), Expected: 431),
            new("request line just under 8 KiB", "size", Get($"{Health}?pad={new string('a', 8 * 1024 - 64)}")),
            new("request line over 8 KiB", "size", Get($"{Health}?pad={new string('a', 9 * 1024)}"), Expected: 414),
            new("empty header value", "size", Get(Health, "X-Note:"), Expected: 200),

            // Duplicate and conflicting headers.
            new("two different Content-Length", "duplicate", Raw("POST", Create, "Content-Length: 2", "Content-Length: 3", "", "{}x"), Expected: 400),
            new("two equal Content-Length", "duplicate", Raw("POST", Create, "Content-Length: 2", "Content-Length: 2", "", "{}")),
            new("Content-Length: -1", "duplicate", Raw("POST", Create, "Content-Length: -1", "", "{}"), Expected: 400),
            new("Content-Length: 1e3", "duplicate", Raw("POST", Create, "Content-Length: 1e3", "", "{}"), Expected: 400),
            new("two Host", "duplicate", $"GET {Health} HTTP/1.1{Crlf}Host: {{host}}{Crlf}Host: evil.example{Crlf}{Crlf}", Expected: 400),
            new("no Host on HTTP/1.1", "duplicate", $"GET {Health} HTTP/1.1{Crlf}{Crlf}", Expected: 400),
            new("UTF-8 Host", "duplicate", $"GET {Health} HTTP/1.1{Crlf}Host: {ru}{Crlf}{Crlf}", Expected: 400),
            new("two X-Api-Key", "duplicate", Get(Health, "X-Api-Key: guess-1", "X-Api-Key: guess-2"), Expected: 401),
            new("two Idempotency-Key on a create", "duplicate", Post(Create, body, "Idempotency-Key: poison-a", "Idempotency-Key: poison-b", "Content-Type: application/json")),
            new("a 4 KiB Idempotency-Key", "duplicate", Post(Create, body, $"Idempotency-Key: {new string('k', 4096)}", "Content-Type: application/json")),
            new("Expect: 100-continue with a body", "duplicate", Post(Create, body, "Expect: 100-continue", "Content-Type: application/json")),
            new("Expect: something else", "duplicate", Post(Create, body, "Expect: bogus", "Content-Type: application/json")),
            new("Upgrade: websocket to the API", "duplicate", Get(Health, "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==")),
            new("Upgrade: h2c", "duplicate", Get(Health, "Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA")),

            // Methods.
            new("unknown method BREW", "method", $"BREW {Health} HTTP/1.1{Crlf}Host: {{host}}{Crlf}{Crlf}"),
            new("lowercase get", "method", $"get {Health} HTTP/1.1{Crlf}Host: {{host}}{Crlf}{Crlf}"),
            new("CONNECT to another host", "method", $"CONNECT evil.example:443 HTTP/1.1{Crlf}Host: evil.example:443{Crlf}{Crlf}"),
            new("TRACE", "method", $"TRACE {Health} HTTP/1.1{Crlf}Host: {{host}}{Crlf}{Crlf}"),
            new("OPTIONS *", "method", $"OPTIONS * HTTP/1.1{Crlf}Host: {{host}}{Crlf}{Crlf}"),
            new("UTF-8 method", "method", $"{ru} {Health} HTTP/1.1{Crlf}Host: {{host}}{Crlf}{Crlf}", Expected: 400),
            new("HTTP/1.0 without Host", "method", $"GET {Health} HTTP/1.0{Crlf}{Crlf}"),

            // Paths.
            new("dot segments", "path", Get("/api/v1/../v1/health")),
            new("dot segments out of the API", "path", Get("/api/../../etc/passwd")),
            new("encoded dot segments (%2e%2e)", "path", Get("/api/v1/%2e%2e/%2e%2e/metrics")),
            new("encoded slash (%2F)", "path", Get("/api/v1/reservations%2F..%2F..%2Fhealth")),
            new("encoded NUL (%00)", "path", Get("/api/v1/reservations/%00")),
            new("invalid percent-encoding", "path", Get("/api/v1/reservations/%zz?q=%")),
            new("raw UTF-8 path", "path", Get($"/api/v1/reservations/{ru}")),
            new("raw UTF-8 query", "path", Get($"{Health}?q={ru}")),
            new("very long path (7 KiB)", "path", Get($"/api/v1/reservations/{new string('a', 7 * 1024)}")),
            new("7 KiB of raw UTF-8 in the path", "path", Get($"/api/v1/{Utf8(new string('ж', 3 * 1024))}")),
            new("absolute-form target naming another host", "path", $"GET http://evil.example{Health} HTTP/1.1{Crlf}Host: evil.example{Crlf}{Crlf}"),
            new("absolute-form target, matching Host", "path", $"GET http://{{host}}{Health} HTTP/1.1{Crlf}Host: {{host}}{Crlf}{Crlf}"),
            new("backslashes", "path", Get("/api\\v1\\health")),

            // Bodies cut short, slow, and client aborts.
            new("body shorter than its Content-Length, then close", "body", Raw("POST", Create, "Content-Type: application/json", "Content-Length: 100", "", "{\"accommodationId\""), Delivery.CutShort),
            new("chunked body cut mid-chunk, then close", "body", Raw("POST", Create, "Content-Type: application/json", "Transfer-Encoding: chunked", "", "64\r\n{\"accommodationId\""), Delivery.CutShort),
            new("invalid chunk size", "body", Raw("POST", Create, "Content-Type: application/json", "Transfer-Encoding: chunked", "", "zz\r\n{}\r\n0\r\n\r\n"), Expected: 400),
            new("UTF-8 in a chunked trailer", "body", Raw("POST", Create, "Content-Type: application/json", "Transfer-Encoding: chunked", "", $"2\r\n{{}}\r\n0\r\nX-Trailer: {ru}\r\n\r\n")),
            new("body slower than Kestrel's minimum rate", "body", Raw("POST", Create, "Content-Type: application/json", "Content-Length: 40", "", "{\"accommodationId\":1,\"guestName\":\"slow\"}"), Delivery.Trickle, Expected: 408),
            new("keyed-create shape with a slow body", "body", Raw("POST", Create, "Content-Type: application/json", "Idempotency-Key: poison-slow", "Content-Length: 40", "", "{\"accommodationId\":1,\"guestName\":\"slow\"}"), Delivery.Trickle, Expected: 408),
            new("a body on a GET", "body", Raw("GET", Health, "Content-Length: 5", "", "hello")),
            new("client resets mid-answer", "abort", Get("/api/v1/accommodations"), Delivery.AbortMidAnswer),
            new("client closes right after sending", "abort", Get(Health), Delivery.CutShort),

            // HTTP/1.1 smuggling shapes: at most one answer on the connection; the smuggled request is never heard.
            new("CL.TE", "smuggling", Raw("POST", Create, "Content-Length: 6", "Transfer-Encoding: chunked", "", $"0\r\n\r\n{smuggled}")),
            new("TE.CL", "smuggling", Raw("POST", Create, "Transfer-Encoding: chunked", "Content-Length: 4", "", $"{inChunk.Length:x}\r\n{inChunk}\r\n0\r\n\r\n")),
            new("Transfer-Encoding: xchunked", "smuggling", Raw("POST", Create, "Content-Length: 5", "Transfer-Encoding: xchunked", "", $"0\r\n\r\n{smuggled}"), Expected: 400),
            new("Transfer-Encoding: chunked, identity", "smuggling", Raw("POST", Create, "Transfer-Encoding: chunked, identity", "", $"0\r\n\r\n{smuggled}"), Expected: 400),
            new("Transfer-Encoding with a space before the colon", "smuggling", Raw("POST", Create, "Content-Length: 5", "Transfer-Encoding : chunked", "", $"0\r\n\r\n{smuggled}"), Expected: 400),
            // With a valid chunked body alone, what follows the last chunk is a pipelined request, rightly answered; so each shape here also carries a Content-Length.
            new("CL.TE, Transfer-Encoding with a tab before the value", "smuggling", Raw("POST", Create, "Content-Length: 5", "Transfer-Encoding:\tchunked", "", $"0\r\n\r\n{smuggled}")),
            new("two Transfer-Encoding headers", "smuggling", Raw("POST", Create, "Transfer-Encoding: chunked", "Transfer-Encoding: identity", "", $"0\r\n\r\n{smuggled}"), Expected: 400),
            new("Transfer-Encoding on HTTP/1.0", "smuggling", $"POST {Create} HTTP/1.0{Crlf}Host: {{host}}{Crlf}Transfer-Encoding: chunked{Crlf}{Crlf}0{Crlf}{Crlf}{smuggled}"),
            new("chunk size with an extension and a bare LF", "smuggling", Raw("POST", Create, "Transfer-Encoding: chunked", "", $"0;ext=1\n\r\n{smuggled}")),
            new("bare LF line endings", "smuggling", $"GET {Health} HTTP/1.1\nHost: {{host}}\nX-Note: v\n\n"),
        ];
    }

    /// <summary>Raw UTF-8 bytes as the Latin-1 characters that <see cref="PoisonRequest.Bytes"/> turns back into those bytes.</summary>
    private static string Utf8(string text) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(text));

    private static string Get(string target, params string[] headers) =>
        $"GET {target} HTTP/1.1{Crlf}Host: {{host}}{Crlf}{string.Concat(headers.Select(h => h + Crlf))}{Crlf}";

    private static string Post(string target, string body, params string[] headers) =>
        $"POST {target} HTTP/1.1{Crlf}Host: {{host}}{Crlf}{string.Concat(headers.Select(h => h + Crlf))}Content-Length: {body.Length}{Crlf}{Crlf}{body}";

    /// <summary>A request with its headers as given, an empty string ending them, then the body as given.</summary>
    private static string Raw(string method, string target, params string[] linesThenBody)
    {
        var end = Array.IndexOf(linesThenBody, "");
        var text = new StringBuilder($"{method} {target} HTTP/1.1{Crlf}Host: {{host}}{Crlf}");
        foreach (var line in linesThenBody[..end])
            text.Append(line).Append(Crlf);
        return text.Append(Crlf).Append(string.Concat(linesThenBody[(end + 1)..])).ToString();
    }
}
