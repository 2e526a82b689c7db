namespace Platform.Topology.Faults;

/// <summary>How a stop-and-go freeze really went: cycles done, and time stopped out of the time it ran.</summary>
public sealed record DutyCycle(int Cycles, double StoppedMs, double ElapsedMs)
{
    public double StoppedShare => ElapsedMs <= 0 ? 0 : StoppedMs / ElapsedMs;
}
