namespace Platform.Load.Scenarios;

/// <summary>What a scenario does besides sending its users' traffic.</summary>
public enum ScenarioKind
{
    Load,
    Stress,
    Endurance,
    NoisyNeighbour,
    FaultKillReplica,
    FaultStopMariaDb,
    FaultStopRedis,
    FaultPoolExhaustion,
    FaultFlood,
    FaultFreezeReplica,
    FaultSlowReplica,
    FaultStallDatabase,
}
