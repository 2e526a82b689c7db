namespace Platform.Topology.Resources;

/// <summary>
/// What a resource is for. <c>status</c> lists its rows by kind in this order (the door clients call first,
/// then what keeps the data, the application, monitoring and alerting, and the exporters), and within a
/// kind in the order <c>up</c> starts them.
/// </summary>
public enum ResourceKind
{
    Entry,
    Data,
    Application,
    Monitoring,
    Alerting,
    Exporter,
}
