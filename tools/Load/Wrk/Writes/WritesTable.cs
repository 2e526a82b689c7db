using System.Globalization;
using System.Text;

namespace Platform.Load.Wrk.Writes;

/// <summary>The writes bench's two Markdown tables, with the columns BENCHMARKS.md's write-path records have.</summary>
public static class WritesTable
{
    public const string OneReplica = "single";
    public const string All = "all";
    public const string DbStatements = "db-statements";
    public const string DbBatch = "db-batch";

    private static readonly string[] Keys = [OneReplica, All, DbStatements, DbBatch];

    /// <summary>The rows per (scenario key, concurrency), then the ratios per concurrency.</summary>
    public static string Render(IReadOnlyList<int> concurrencies, int replicas, IReadOnlyDictionary<(string Key, int Concurrency), WritesRow> rows)
    {
        var n = replicas.ToString(CultureInfo.InvariantCulture);
        var table = new StringBuilder()
            .Append("| scenario | concurrency | req/s (tx/s) | p50 ms | p95 ms | p99 ms | non-2xx | statuses | socket errors/timeouts |\n")
            .Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n");
        foreach (var c in concurrencies)
        {
            foreach (var key in Keys)
            {
                var label = key switch
                {
                    OneReplica => $"API, 1 replica (wrk -t2 -c{c})",
                    All => $"API, {n} replicas ({n} × wrk -t1, {c} conns in all; worst p of {n})",
                    DbStatements => "MariaDB ceiling, 6 statements = 6 round trips (mariadb-slap)",
                    _ => "MariaDB ceiling, one batch = 1 round trip, as the API sends it",
                };
                var row = rows.GetValueOrDefault((key, c)) ?? new WritesRow("", "", "", "", "", "", "");
                table.Append(CultureInfo.InvariantCulture,
                    $"| {label} | {c} | {row.Rps} | {row.P50} | {row.P95} | {row.P99} | {row.Non2xx} | {row.Statuses} | {row.Errors} |\n");
            }
        }

        table.Append(CultureInfo.InvariantCulture, $"\n| concurrency | {n} replicas / 1 replica | 1 replica / DB batch | {n} replicas / DB batch | {n} replicas / DB statements |\n")
            .Append("| ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var c in concurrencies)
        {
            string Rps(string key) => rows.GetValueOrDefault((key, c))?.Rps ?? "";
            table.Append(CultureInfo.InvariantCulture,
                $"| {c} | {Ratio(Rps(All), Rps(OneReplica))} | {Ratio(Rps(OneReplica), Rps(DbBatch))} | {Ratio(Rps(All), Rps(DbBatch))} | {Ratio(Rps(All), Rps(DbStatements))} |\n");
        }
        return table.ToString();
    }

    /// <summary>a / b to two decimals, or "-" when b is not above 0.</summary>
    public static string Ratio(string a, string b) =>
        WritesRow.Number(b) > 0 ? (WritesRow.Number(a) / WritesRow.Number(b)).ToString("F2", CultureInfo.InvariantCulture) : "-";
}
