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

    [Fact]
    public void With_tls_the_nginx_configuration_keeps_its_tls_lines_with_the_port_and_files_and_without_it_drops_them()
    {
        const string template = "listen 127.0.0.1:@PORT@ reuseport;\n    #tls listen 127.0.0.1:@TLS_PORT@ ssl http2;\n    #tls ssl_certificate @CERTIFICATE@;\n    #tls ssl_certificate_key @KEY@;\n";

        Assert.Equal(
            "listen 127.0.0.1:23090 reuseport;\n    listen 127.0.0.1:23453 ssl http2;\n    ssl_certificate /s/tls/server.crt;\n    ssl_certificate_key /s/tls/server.key;\n",
            NginxConfig.Render(template, 23090, [], new NginxConfig.Tls(23453, "/s/tls/server.crt", "/s/tls/server.key")));
        Assert.Equal("listen 127.0.0.1:23090 reuseport;\n", NginxConfig.Render(template, 23090, []));
    }

    [Fact]
    public void The_repositorys_nginx_configuration_serves_tls_only_with_the_gateways_protocols_and_resumption()
    {
        var template = File.ReadAllText(Platform.Topology.RepositoryRoot.Combine("tools", "Bench", "nginx-gateway.conf"));
        var rendered = NginxConfig.Render(template, 23090, [25001], new NginxConfig.Tls(23453, "/c.pem", "/k.pem"));

        Assert.Contains("listen 127.0.0.1:23453 ssl http2 reuseport;", rendered, StringComparison.Ordinal);
        Assert.Contains("ssl_protocols TLSv1.2 TLSv1.3;", rendered, StringComparison.Ordinal);
        Assert.Contains("ssl_session_cache", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain(rendered.Split('\n'), line => line.TrimStart().StartsWith("#tls ", StringComparison.Ordinal));
        Assert.DoesNotContain("ssl", NginxConfig.Render(template, 23090, [25001]).Split('\n').Where(line => !line.TrimStart().StartsWith('#')).Aggregate("", string.Concat), StringComparison.Ordinal);
    }

    [Fact]
    public void H2load_and_s_time_summaries_are_read_and_a_run_that_did_not_speak_http2_is_not()
    {
        const string h2 = """
            TLS Protocol: TLSv1.3
            Cipher: TLS_AES_128_GCM_SHA256
            Application protocol: h2
            finished in 10.00s, 50492.30 req/s, 3.28MB/s
            requests: 504923 total, 504923 started, 504923 done, 504920 succeeded, 3 failed, 0 errored, 0 timeout
            status codes: 504910 2xx, 0 3xx, 10 4xx, 0 5xx
            """;

        Assert.Equal((504923L, 50492.30, 13L), TlsClients.ParseH2Load(h2));
        Assert.Null(TlsClients.ParseH2Load(h2.Replace("Application protocol: h2", "No protocol negotiated. Aborted", StringComparison.Ordinal)));
        Assert.Null(TlsClients.ParseH2Load("finished in 39.61ms, 50492.30 req/s, 3.28MB/s"));
        Assert.Equal(1921, TlsClients.ParseSTime("1921 connections in 0.93s; 2065.59 connections/user sec, bytes read 276624\n1921 connections in 4 real seconds, 144 bytes read per connection\n"));
        Assert.Null(TlsClients.ParseSTime("connect: Connection refused"));
    }

    [Fact]
    public void The_tls_table_gives_each_figure_and_the_gateway_over_nginx()
    {
        var rows = new Dictionary<string, GatewayTable.Row>
        {
            [GatewayArguments.GatewayTls] = new("1000", "1", "2", "400", 0, "200", 0, "-"),
            [GatewayArguments.NginxTls] = new("2000", "1", "2", "100", 0, "200", 0, "-"),
        };
        var rounds = new Dictionary<string, IReadOnlyList<TlsTable.Round>>
        {
            [GatewayArguments.GatewayTls] = [new(new(3000, 300, 0), new(500, 2000, 0), new(1000, 800, 0))],
            [GatewayArguments.NginxTls] = [new(new(6000, 100, 1), new(1000, 1000, 0), new(2000, 400, 0))],
        };

        var table = TlsTable.Render([GatewayArguments.GatewayTls, GatewayArguments.NginxTls], rows, rounds);

        Assert.Contains("| gateway-tls | 1000 | 400 | 3000 | 300 | 500 | 2000 | 1000 | 800 | 0 |", table, StringComparison.Ordinal);
        Assert.Contains("| nginx-tls | 2000 | 100 | 6000 | 100 | 1000 | 1000 | 2000 | 400 | 1 |", table, StringComparison.Ordinal);
        Assert.Contains("| gateway-tls / nginx-tls | 0.50 | 4.00 | 0.50 | 3.00 | 0.50 | 2.00 | 0.50 | 2.00 | |", table, StringComparison.Ordinal);
        Assert.Equal("", TlsTable.Render([GatewayArguments.GatewayOn], rows, new Dictionary<string, IReadOnlyList<TlsTable.Round>>()));
    }

    [Fact]
    public void The_ladder_prices_each_step_against_the_floor_and_against_the_step_before()
    {
        var rows = new Dictionary<string, GatewayTable.Row>
        {
            ["yarp-floor"] = GatewayTable.Summarise([Sample("8000.0", "3.0", "9.0", 100.0)]),
            ["gateway+identity"] = GatewayTable.Summarise([Sample("7000.0", "3.0", "9.0", 113.0)]),
            ["gateway+limiter"] = GatewayTable.Summarise([Sample("6400.0", "3.0", "9.0", 120.0)]),
        };

        // Steps are ordered as the ladder climbs, whatever order BENCH_CONFIGS named them in.
        var table = GatewayTable.Ladder(["gateway+limiter", "yarp-floor", "gateway+identity"], rows);

        Assert.Equal("""

            | step | CPU µs/req | CPU / floor | added µs/req | req/s / floor |
            | --- | ---: | ---: | ---: | ---: |
            | yarp-floor | 100 | 1.00 | - | 1.00 |
            | gateway+identity | 113 | 1.13 | 13.0 | 0.88 |
            | gateway+limiter | 120 | 1.20 | 7.0 | 0.80 |

            """.Replace("\r\n", "\n", StringComparison.Ordinal), table);
        Assert.Equal("", GatewayTable.Ladder(["gateway+identity"], rows.Where(r => r.Key != "yarp-floor").ToDictionary()));
    }

    [Fact]
    public void At_a_fixed_rate_the_ladder_gives_each_steps_cpu_beside_and_a_table_gives_every_configuration()
    {
        var rows = new Dictionary<string, GatewayTable.Row>
        {
            ["yarp-floor"] = GatewayTable.Summarise([Sample("8000.0", "3.0", "9.0", 100.0)]),
            ["gateway+identity"] = GatewayTable.Summarise([Sample("7000.0", "3.0", "9.0", 113.0)]),
        };
        var atRate = new Dictionary<string, GatewayTable.Row>
        {
            ["yarp-floor"] = GatewayTable.Summarise([Sample("2000.0", "0.5", "1.0", 150.0), Sample("1999.0", "0.6", "1.2", 160.0)]),
            ["gateway+identity"] = GatewayTable.Summarise([Sample("2000.0", "0.7", "1.5", 180.0)]),
            ["nginx"] = GatewayTable.Summarise([Sample("2000.0", "0.3", "0.9", 50.0)]),
        };

        Assert.Equal("""

            | step | CPU µs/req | CPU / floor | added µs/req | req/s / floor | CPU µs/req at 2000/s | CPU / floor at 2000/s | added µs/req at 2000/s |
            | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
            | yarp-floor | 100 | 1.00 | - | 1.00 | 155 | 1.00 | - |
            | gateway+identity | 113 | 1.13 | 13.0 | 0.88 | 180 | 1.16 | 25.0 |

            """.Replace("\r\n", "\n", StringComparison.Ordinal), GatewayTable.Ladder(["yarp-floor", "gateway+identity"], rows, atRate, 2000));
        Assert.Equal("""

            At a fixed offered rate of 2000 req/s (hey, the same connections):

            | configuration | served req/s | p50 ms | p99 ms | proxy CPU µs/req | CPU / yarp-floor | CPU / nginx | non-2xx | errors |
            | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
            | yarp-floor | 1999.5 | 0.55 | 1.1 | 155 | 1.00 | 3.10 | 0 | 2 |
            | gateway+identity | 2000 | 0.7 | 1.5 | 180 | 1.16 | 3.60 | 0 | 1 |
            | nginx | 2000 | 0.3 | 0.9 | 50 | 0.32 | 1.00 | 0 | 1 |

            """.Replace("\r\n", "\n", StringComparison.Ordinal), GatewayTable.FixedRate(["yarp-floor", "gateway+identity", "nginx", "direct"], atRate, 2000));
        // Without a rate, or with a step that did not run at it, the ladder is the saturation one alone.
        Assert.DoesNotContain("2000/s", GatewayTable.Ladder(["yarp-floor", "gateway+identity"], rows, atRate.Where(r => r.Key != "gateway+identity").ToDictionary(), 2000), StringComparison.Ordinal);
        Assert.Equal("", GatewayTable.FixedRate(["nginx"], atRate, 0));
    }
}
