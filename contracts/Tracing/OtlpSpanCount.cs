namespace Platform.Contracts.Tracing;

/// <summary>
/// Counts the spans in an OTLP trace export (an <c>ExportTraceServiceRequest</c> in protobuf): field 1
/// resource spans, each with field 2 scope spans, each with field 2 spans. Only the lengths are read;
/// no span is decoded.
/// </summary>
public static class OtlpSpanCount
{
    public static int Of(Stream content)
    {
        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        if (content.CanSeek)
            content.Position = 0;
        return Count(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), depth: 0);
    }

    /// <summary>Depth 0: the request; 1: a resource's spans; 2: a scope's spans, whose field 2 entries are counted.</summary>
    private static int Count(ReadOnlySpan<byte> message, int depth)
    {
        var count = 0;
        while (!message.IsEmpty)
        {
            var key = ReadVarint(ref message);
            var field = key >> 3;
            switch (key & 7)
            {
                case 0:
                    ReadVarint(ref message);
                    break;
                case 1:
                    message = message[8..];
                    break;
                case 5:
                    message = message[4..];
                    break;
                case 2:
                    var length = (int)ReadVarint(ref message);
                    var inner = message[..length];
                    message = message[length..];
                    count += (depth, field) switch
                    {
                        (0, 1) or (1, 2) => Count(inner, depth + 1),
                        (2, 2) => 1,
                        _ => 0,
                    };
                    break;
                default:
                    throw new InvalidDataException("Not an OTLP trace export: unknown protobuf wire type.");
            }
        }

        return count;
    }

    private static ulong ReadVarint(ref ReadOnlySpan<byte> message)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = message[0];
            message = message[1..];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }

        throw new InvalidDataException("Not an OTLP trace export: a varint runs over 10 bytes.");
    }
}
