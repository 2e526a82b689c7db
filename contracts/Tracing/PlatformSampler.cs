using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Platform.Contracts.Tracing;

/// <summary>
/// Which spans are recorded. A span with a parent follows the parent's decision (the W3C sampled
/// flag), so one trace is kept or dropped whole across the processes. A root is kept when it is a
/// request (a server span) whose trace id falls in <see cref="TracingOptions.SampleRatio"/>, or when it
/// links to a kept trace (the outbox relay publishing a traced create's event). Any other root (a
/// statement of a background loop, a probe's connection) is dropped: those would be traces of
/// nothing anyone asked for.
/// </summary>
/// <remarks>
/// A dropped span still exists (OpenTelemetry's "propagation only"), so the trace context reaches the
/// next process with its sampled flag off, and a span can still be kept when its outcome is known
/// (<see cref="KeptTraces"/>).
/// </remarks>
public sealed class PlatformSampler(double ratio) : Sampler
{
    private static readonly SamplingResult Keep = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    private readonly TraceIdRatioBasedSampler _ratio = new(ratio);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var parent = samplingParameters.ParentContext;
        if (parent.TraceId != default)
            return (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? Keep : Drop;

        if (samplingParameters.Links is { } links)
        {
            foreach (var link in links)
            {
                if ((link.Context.TraceFlags & ActivityTraceFlags.Recorded) != 0)
                    return Keep;
            }
        }

        return samplingParameters.Kind == ActivityKind.Server ? _ratio.ShouldSample(samplingParameters) : Drop;
    }
}
