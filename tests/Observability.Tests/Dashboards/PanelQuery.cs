namespace Platform.Observability.Tests.Dashboards;

/// <summary>One query target of one panel, as written in the dashboard (Grafana variables unexpanded).</summary>
public sealed record PanelQuery(string Dashboard, string Panel, string RefId, string Expression);
