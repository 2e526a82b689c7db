using System.Threading.RateLimiting;

namespace Platform.Api.Bulkheads;

/// <summary>A granted lease that carries no metadata; what its end gives back is the subclass's.</summary>
internal abstract class GrantedLease : RateLimitLease
{
    public sealed override bool IsAcquired => true;

    public sealed override IEnumerable<string> MetadataNames => [];

    public sealed override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        return false;
    }
}

/// <summary>
/// A refusal, with the reason (<see cref="MetadataName.ReasonPhrase"/>) when one is given. It holds
/// nothing, so one instance per reason is shared and disposing it does nothing.
/// </summary>
internal sealed class RefusedLease(string? reason = null) : RateLimitLease
{
    public override bool IsAcquired => false;

    public override IEnumerable<string> MetadataNames => reason is null ? [] : [MetadataName.ReasonPhrase.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = reason is not null && metadataName == MetadataName.ReasonPhrase.Name ? reason : null;
        return metadata is not null;
    }
}
