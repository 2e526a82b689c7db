using System.Globalization;
using System.Xml.Linq;

namespace Platform.Cli.TestRuns;

/// <summary>
/// The totals of a test run, from the <c>ResultSummary/Counters</c> element of each TRX file the test
/// platform wrote. Errors, timeouts and aborts count as failures. A skipped test counts in <c>total</c> but
/// not in <c>executed</c> (and <c>notExecuted</c> stays 0 for it), so skipped = total − executed.
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
        return new TrxCounters(
            Count("passed"),
            Count("failed") + Count("error") + Count("timeout") + Count("aborted"),
            Count("total") - Count("executed"));
    }

    /// <summary>The totals of every .trx file under <paramref name="directory"/>, and how many there were.</summary>
    public static (TrxCounters Totals, int Files) Sum(string directory)
    {
        var files = Directory.EnumerateFiles(directory, "*.trx", SearchOption.AllDirectories).ToList();
        return (files.Select(Read).Aggregate(Zero, (sum, one) => sum + one), files.Count);
    }

    public static TrxCounters operator +(TrxCounters left, TrxCounters right) =>
        new(left.Passed + right.Passed, left.Failed + right.Failed, left.Skipped + right.Skipped);

    /// <summary>The run's last line: <c>N passed, N failed</c>, and <c>, N skipped</c> when any was.</summary>
    public override string ToString() => Skipped > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{Passed} passed, {Failed} failed, {Skipped} skipped")
        : string.Create(CultureInfo.InvariantCulture, $"{Passed} passed, {Failed} failed");
}
