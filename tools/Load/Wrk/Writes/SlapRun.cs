using System.Diagnostics;
using System.Globalization;
using Platform.Topology;

namespace Platform.Load.Wrk.Writes;

/// <summary>
/// The database ceiling: mariadb-slap running the API's own create transaction (tools/Bench/create-transaction.sql)
/// straight against MariaDB as root over the platform's socket, either one round trip per statement or the
/// whole transaction in one round trip as the API sends it (a multi-statement batch).
/// </summary>
public static class SlapRun
{
    public const string Program = "mariadb-slap";

    /// <summary>The API's batch as separate statements; <c>SELECT 1</c> is the API's stage marker.</summary>
    public const int StatementsPerTransaction = 6;

    /// <summary>Whole transactions per client: mariadb-slap stops each client after its share of the queries, and a client must not stop with its transaction open.</summary>
    public static int PerClient(int transactions, int concurrency) => (transactions + concurrency - 1) / concurrency;

    /// <summary>mariadb-slap's command line for <paramref name="transactions"/> over <paramref name="concurrency"/> clients.</summary>
    public static IReadOnlyList<string> Arguments(string socket, string queryFile, bool batch, int concurrency, int transactions)
    {
        var perClient = PerClient(transactions, concurrency);
        var queries = batch ? perClient * concurrency : perClient * StatementsPerTransaction * concurrency;
        return
        [
            "--no-defaults", "--protocol=socket", "--socket=" + socket, "--user=root", "--create-schema=platform", "--no-drop",
            "--iterations=1", "--delimiter=" + (batch ? "$$" : ";"), "--query=" + queryFile,
            "--concurrency=" + concurrency.ToString(CultureInfo.InvariantCulture),
            "--number-of-queries=" + queries.ToString(CultureInfo.InvariantCulture),
        ];
    }

    /// <summary>The seconds of "Average number of seconds to run all queries: 1.234 seconds", or null.</summary>
    public static double? Seconds(string output) =>
        output.ReplaceLineEndings("\n").Split('\n')
            .Where(line => line.Contains("Average number of seconds to run all queries", StringComparison.Ordinal))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(words => words.Length >= 2)
            .Select(words => double.TryParse(words[^2], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : (double?)null)
            .FirstOrDefault();

    /// <summary>The batch form of the transaction: the file on one line (its comments and statements allow it).</summary>
    public static string Batch(string transactionSql) => transactionSql.Replace('\n', ' ');

    /// <summary>Runs mariadb-slap, its output kept in <paramref name="outputFile"/>.</summary>
    /// <exception cref="PlatformException">It failed or did not finish within 600 s.</exception>
    public static async Task<string> RunAsync(IReadOnlyList<string> arguments, string outputFile)
    {
        var start = new ProcessStartInfo(Program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var slap = Process.Start(start) ?? throw new PlatformException($"could not start {Program}");
        var output = slap.StandardOutput.ReadToEndAsync();
        var errors = slap.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(600));
        try
        {
            await slap.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            slap.Kill(entireProcessTree: true);
            throw new PlatformException($"{Program} did not finish within 600 s; killed it");
        }
        var text = await output + await errors;
        await File.WriteAllTextAsync(outputFile, text);
        return slap.ExitCode == 0 ? text : throw new PlatformException($"{Program} failed; see {outputFile}");
    }
}
