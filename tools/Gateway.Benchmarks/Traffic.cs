namespace Platform.Gateway.Benchmarks;

/// <summary>Which clients the acquiring threads play.</summary>
public enum Traffic
{
    /// <summary>Every thread is the same client, under a limit it never reaches: all threads write one bucket.</summary>
    HotPartition,

    /// <summary>Each acquire is the next of 100,000 distinct clients, under a limit none reaches.</summary>
    ManyPartitions,

    /// <summary>Every thread is the same client, whose bucket is empty: the refusal path.</summary>
    Refused,
}
