using System.Diagnostics;
using System.Text;
using OpenTelemetry;

namespace Platform.Contracts.Tracing;

/// <summary>
/// Takes personal data out of a span before it is exported. A query string carries what a guest or an
/// operator typed (a guest's phone in a back-office search, a name, a stay): <c>url.query</c> keeps its
/// parameter names and loses every value, and so does the query part of <c>url.full</c>. The client's
/// address and user agent are dropped. Statements are kept: every one is parameterised, so a
/// statement's text never holds a value. A test scans what reaches the viewer for the data it sent.
/// </summary>
public sealed class SpanPrivacy : BaseProcessor<Activity>
{
    public const string Redacted = "Redacted"; // as OpenTelemetry's own url.query redaction writes it

    private static readonly string[] DroppedTags = ["client.address", "client.port", "user_agent.original", "http.client_ip", "enduser.id"];

    public override void OnEnd(Activity data)
    {
        foreach (var name in DroppedTags)
        {
            if (data.GetTagItem(name) is not null)
                data.SetTag(name, null);
        }

        if (data.GetTagItem("url.query") is string query)
            data.SetTag("url.query", RedactQuery(query));
        if (data.GetTagItem("url.full") is string full && full.IndexOf('?', StringComparison.Ordinal) is var mark and >= 0)
            data.SetTag("url.full", string.Concat(full.AsSpan(0, mark), RedactQuery(full[mark..])));
    }

    /// <summary><c>?phone=555&amp;limit=5</c> becomes <c>?phone=Redacted&amp;limit=Redacted</c>: which parameters, never their values.</summary>
    public static string RedactQuery(string query)
    {
        var text = new StringBuilder(query.Length + 16);
        var rest = query.AsSpan();
        if (rest.StartsWith("?"))
        {
            text.Append('?');
            rest = rest[1..];
        }

        var first = true;
        foreach (var range in rest.Split('&'))
        {
            var pair = rest[range];
            if (pair.IsEmpty)
                continue;
            if (!first)
                text.Append('&');
            first = false;
            var equals = pair.IndexOf('=');
            text.Append(equals < 0 ? pair : pair[..equals]).Append('=').Append(Redacted);
        }

        return text.ToString();
    }
}
