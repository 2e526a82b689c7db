namespace Platform.Load.Faults;

/// <summary>Outbox events not yet published to the Redis stream, at one moment of the run.</summary>
public sealed record BacklogSample(double AtMs, long Backlog);
