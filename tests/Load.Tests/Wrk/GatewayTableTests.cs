using Platform.Load.Wrk;
using Platform.Load.Wrk.Gateway;

namespace Platform.Load.Tests.Wrk;

/// <summary>The gateway bench's table from canned BENCH lines, in the columns and number forms BENCHMARKS.md records.</summary>
public sealed class GatewayTableTests
{
    private static GatewaySample Sample(string rps, string p50, string p99, double cpu, string statuses = "200:1000", int non2xx = 0, double? allocated = null) =>
        GatewaySample.From(BenchLine.Parse($"BENCH requests=1000 duration_s=15.000 rps={rps} p50_ms={p50} p90_ms=1.000 p99_ms={p99} max_ms=9.00 "
            + $"non2xx={non2xx} statuses={statuses} socket_errors=1 timeouts=0"), cpu, allocated);

    [Theory]
    [InlineData(1234.5, "1234.5")]
    [InlineData(139.0, "139")]
    [InlineData(13025.55, "13025.5")] // %.6g of 13025.5499…
    [InlineData(0.8655, "0.8655")]
    [InlineData(3029.95, "3029.95")]
    [InlineData(1234567.5, "1.23457e+06")]
    public void Numbers_print_as_awk_prints_them(double value, string expected) => Assert.Equal(expected, GatewayTable.Number(value));

    [Fact]
    public void Rows_are_medians_with_counts_summed_and_statuses_joined_and_the_ratios_follow()
    {
        var rows = new Dictionary<string, GatewayTable.Row>
        {
            ["direct"] = GatewayTable.Summarise([Sample("30000.0", "0.900", "3.600", 45.04), Sample("32000.0", "0.800", "3.700", 44.96)]),
            ["gateway-on"] = GatewayTable.Summarise([Sample("3000.0", "9.800", "23.000", 400.0, "200:990,429:10", non2xx: 10), Sample("3100.0", "9.600", "24.000", 390.0), Sample("2900.0", "9.900", "25.000", 410.0)]),
            ["nginx"] = GatewayTable.Summarise([Sample("20000.0", "1.300", "21.000", 25.0, allocated: 7), Sample("22000.0", "1.400", "22.000", 24.0, allocated: 8)]),
        };

        var table = GatewayTable.Render(["direct", "gateway-on", "gateway-off", "nginx"], rows, rounds: 2);

        Assert.Equal(
            """

            | configuration | req/s | p50 ms | p99 ms | proxy CPU µs/req | allocated B/req | non-2xx | statuses | socket errors/timeouts |
            | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |
            | direct | 31000 | 0.85 | 3.65 | 45 | - | 0 | 200:1000,200:1000 | 2 |
            | gateway-on | 3000 | 9.8 | 24 | 400 | - | 10 | 200:990,429:10,200:1000,200:1000 | 3 |
            | nginx | 21000 | 1.35 | 21.5 | 24.5 | 7.5 | 0 | 200:1000,200:1000 | 2 |

            | req/s | gateway-on / gateway-off | gateway-on / nginx | gateway-off / nginx | yarp-floor / nginx | gateway-on / yarp-floor | gateway-on / gateway-baseline | gateway-on / direct | nginx / direct |
            | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
            | ratio | - | 0.14 | - | - | - | - | 0.10 | 0.68 |

            | proxy CPU per request | gateway-on / nginx | gateway-off / nginx | yarp-floor / nginx | gateway-on / yarp-floor | gateway-on / gateway-baseline |
            | --- | ---: | ---: | ---: | ---: | ---: |
            | ratio | 16.33 | - | - | - | - |

            (medians of 2 round(s); "proxy CPU" is the CPU time of the gateway, the floor or nginx processes, or of replica 1 for direct, per request)

            """.ReplaceLineEndings("\n"),
            table);
    }

    [Fact]
    public void The_allocated_bytes_per_request_are_the_runs_sum_over_its_requests()
    {
        const string csv = """
            Timestamp,Provider,Counter Name,Counter Type,Mean/Increment
            12/06/2026 23:40:01,System.Runtime,dotnet.gc.heap.total_allocated (By / 1 sec),Rate,1000
            12/06/2026 23:40:01,System.Runtime,dotnet.gc.collections (Count / 1 sec),Rate,3
            12/06/2026 23:40:02,System.Runtime,dotnet.gc.heap.total_allocated (By / 1 sec),Rate,2000
            """;

        Assert.Equal(30, GatewaySample.AllocatedPerRequest(csv, 100));
        Assert.Equal(0, GatewaySample.AllocatedPerRequest(csv, 0));
    }

    [Fact]
    public void The_nginx_configuration_gets_its_port_and_one_server_line_per_replica()
    {
        const string template = "upstream replicas {\n    @REPLICAS@\n    keepalive 64;\n}\nlisten 127.0.0.1:@PORT@ reuseport;\n";

        Assert.Equal(
            "upstream replicas {\n    server 127.0.0.1:25001;\n    server 127.0.0.1:25002;\n    keepalive 64;\n}\nlisten 127.0.0.1:23090 reuseport;\n",
            NginxConfig.Render(template, 23090, [25001, 25002]));
    }

    [Fact]
    public void The_repositorys_nginx_configuration_keeps_both_placeholders()
    {
        var template = File.ReadAllText(Platform.Topology.RepositoryRoot.Combine("tools", "Bench", "nginx-gateway.conf"));
        var rendered = NginxConfig.Render(template, 23090, [25001]);

        Assert.Contains("listen 127.0.0.1:23090 reuseport;", rendered, StringComparison.Ordinal);
        Assert.Contains("server 127.0.0.1:25001;", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("@", rendered.Split('\n').Where(line => !line.TrimStart().StartsWith('#')).Aggregate("", string.Concat), StringComparison.Ordinal);
    }
}
