namespace Platform.Observability.Tests.Dashboards;

/// <summary>One query target of one panel, as written in the dashboard (Grafana variables unexpanded).</summary>
/// <param name="Exemplar">Whether the panel draws the query's exemplars (<c>"exemplar": true</c>).</param>
public sealed record PanelQuery(string Dashboard, string Panel, string RefId, string Expression, bool Exemplar = false);
