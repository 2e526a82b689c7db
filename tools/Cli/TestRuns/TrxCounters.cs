using System.Globalization;
using System.Xml.Linq;

namespace Platform.Cli.TestRuns;

/// <summary>
/// The totals of a test run, from the <c>ResultSummary/Counters</c> element of each TRX file the test
/// platform wrote. Errors, timeouts and aborts count as failures. A skipped test counts in <c>total</c> but
/// not in <c>executed</c> (and <c>notExecuted</c> stays 0 for it), so skipped = total − executed. A run
/// whose summary is not a success while no test failed (its test host crashed or was aborted: the test
/// platform reports that as a run-level error, not as a failed test) is one failure, never none.
/// </summary>
public sealed record TrxCounters(int Passed, int Failed, int Skipped)
{
    public static TrxCounters Zero { get; } = new(0, 0, 0);

    /// <exception cref="InvalidDataException">The file is not a TRX file with counters.</exception>
    public static TrxCounters Read(string trxFile)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(trxFile);
        }
        catch (System.Xml.XmlException e)
        {
            throw new InvalidDataException($"{trxFile} is not XML: {e.Message}", e);
        }

        var counters = document.Descendants().FirstOrDefault(element => element.Name.LocalName == "Counters")
            ?? throw new InvalidDataException($"{trxFile} has no Counters element");
        int Count(string name) => counters.Attribute(name) is not { } attribute
            ? 0
            : int.TryParse(attribute.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                ? count
                : throw new InvalidDataException($"{trxFile}: Counters {name}=\"{attribute.Value}\" is not a count");
        var failed = Count("failed") + Count("error") + Count("timeout") + Count("aborted");
        var outcome = document.Descendants().FirstOrDefault(element => element.Name.LocalName == "ResultSummary")?.Attribute("outcome")?.Value;
        if (failed == 0 && outcome is not (null or "Completed" or "Passed"))
            failed = 1;
        return new TrxCounters(Count("passed"), failed, Count("total") - Count("executed"));
    }

    /// <summary>
    /// The totals of every .trx file under <paramref name="directory"/>, and how many there were. With
    /// <paramref name="emptyRunFails"/> (no filter chose the tests), a file without a single result is one
    /// failure: its project found no test to run, which is not a passing project.
    /// </summary>
    public static (TrxCounters Totals, int Files) Sum(string directory, bool emptyRunFails = false)
    {
        var files = Directory.EnumerateFiles(directory, "*.trx", SearchOption.AllDirectories).ToList();
        var totals = files.Select(Read)
            .Select(one => emptyRunFails && one == Zero ? Zero with { Failed = 1 } : one)
            .Aggregate(Zero, (sum, one) => sum + one);
        return (totals, files.Count);
    }

    /// <summary>
    /// The run's totals from what its files say, what they cannot say and how <c>dotnet test</c> exited:
    /// each test project that left no file (<paramref name="projects"/> less <paramref name="files"/>) is
    /// one failure, a run with no file at all is at least one, and a failed exit the files do not explain
    /// (e.g. a project did not build) is one.
    /// </summary>
    public static TrxCounters Judge(TrxCounters totals, int files, int projects, int exitCode)
    {
        var failed = totals.Failed + Math.Max(0, projects - files);
        if (files == 0 || (exitCode != 0 && failed == 0))
            failed = Math.Max(failed, 1);
        return totals with { Failed = failed };
    }

    public static TrxCounters operator +(TrxCounters left, TrxCounters right) =>
        new(left.Passed + right.Passed, left.Failed + right.Failed, left.Skipped + right.Skipped);

    /// <summary>The run's last line: <c>N passed, N failed</c>, and <c>, N skipped</c> when any was.</summary>
    public override string ToString() => Skipped > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{Passed} passed, {Failed} failed, {Skipped} skipped")
        : string.Create(CultureInfo.InvariantCulture, $"{Passed} passed, {Failed} failed");
}
