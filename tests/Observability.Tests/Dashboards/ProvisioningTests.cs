namespace Platform.Observability.Tests.Dashboards;

public sealed class ProvisioningTests
{
    [Fact]
    public void The_datasource_file_provisions_Prometheus_with_uid_prometheus()
    {
        var file = ProvisioningFiles.Read(ProvisioningFiles.DatasourcesPath);
        var datasource = Assert.Single(ProvisioningFiles.Maps(file.GetValueOrDefault("datasources")));

        Assert.Equal("Prometheus", ProvisioningFiles.Text(datasource, "name"));
        Assert.Equal("prometheus", ProvisioningFiles.Text(datasource, "uid"));
        Assert.Equal("prometheus", ProvisioningFiles.Text(datasource, "type"));
        Assert.Equal("http://prometheus:9090", ProvisioningFiles.Text(datasource, "url"));
        Assert.Equal("true", ProvisioningFiles.Text(datasource, "isDefault"));
        Assert.Equal("false", ProvisioningFiles.Text(datasource, "editable"));

        var jsonData = ProvisioningFiles.Map(datasource.GetValueOrDefault("jsonData"));
        Assert.Equal("5s", ProvisioningFiles.Text(jsonData, "timeInterval"));
        Assert.Equal("true", ProvisioningFiles.Text(jsonData, "manageAlerts"));
    }

    [Fact]
    public void The_datasource_links_an_exemplars_trace_id_to_its_trace_in_the_trace_viewer()
    {
        var datasource = Assert.Single(ProvisioningFiles.Maps(ProvisioningFiles.Read(ProvisioningFiles.DatasourcesPath).GetValueOrDefault("datasources")));
        var jsonData = ProvisioningFiles.Map(datasource.GetValueOrDefault("jsonData"));
        var destination = Assert.Single(ProvisioningFiles.Maps(jsonData?.GetValueOrDefault("exemplarTraceIdDestinations")));

        // prometheus-net names the exemplar's label trace_id. The viewer's address comes from the environment
        // (compose sets it); $$ is Grafana's literal $, left for the link's own ${__value.raw}, the trace id.
        Assert.Equal("trace_id", ProvisioningFiles.Text(destination, "name"));
        Assert.Equal("${PLATFORM_TRACE_VIEWER_URL}/traces/detail/$${__value.raw}", ProvisioningFiles.Text(destination, "url"));
        Assert.False(string.IsNullOrWhiteSpace(ProvisioningFiles.Text(destination, "urlDisplayLabel")));
    }

    [Fact]
    public void The_dashboard_provider_loads_the_mounted_dashboards_directory()
    {
        var file = ProvisioningFiles.Read(ProvisioningFiles.DashboardProvidersPath);
        var provider = Assert.Single(ProvisioningFiles.Maps(file.GetValueOrDefault("providers")));

        Assert.Equal("file", ProvisioningFiles.Text(provider, "type"));
        Assert.Equal("Platform", ProvisioningFiles.Text(provider, "folder"));
        Assert.Equal("false", ProvisioningFiles.Text(provider, "allowUiUpdates"));

        var options = ProvisioningFiles.Map(provider.GetValueOrDefault("options"));
        var path = ProvisioningFiles.Text(options, "path");
        Assert.NotNull(path);
        Assert.EndsWith("dashboards", path.TrimEnd('/'), StringComparison.Ordinal);
        Assert.Equal("false", ProvisioningFiles.Text(options, "foldersFromFilesStructure"));
    }

    [Fact]
    public void Every_alert_names_a_dashboard_panel()
    {
        var panels = ProvisioningFiles.AlertPanels();

        Assert.NotEmpty(panels);
        Assert.All(panels, panel => Assert.False(
            string.IsNullOrWhiteSpace(panel.Dashboard) || string.IsNullOrWhiteSpace(panel.Panel),
            $"{panel.Alert}: its dashboard annotation must read \"Dashboard / Panel\""));
    }
}
