using System.Globalization;
using Platform.Topology;
using Platform.Topology.Operations;

namespace Platform.Load.Faults;

/// <summary>
/// Starts again whatever of the platform a fault stopped, as <c>./platform up</c> does, in this process.
/// What it said is kept, so that a failed restart's report shows why.
/// </summary>
public static class PlatformRestart
{
    /// <summary>0 and the progress when everything runs again; 1 and the progress with the error when not.</summary>
    public static async Task<(int ExitCode, string Output)> UpAsync(PlatformSettings settings)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        var narrator = new Narrator(output, output);
        try
        {
            await new PlatformOperations(settings, narrator).UpAsync();
            return (0, output.ToString());
        }
        catch (PlatformException ex)
        {
            output.WriteLine($"error: {ex.Message}");
            return (1, output.ToString());
        }
    }
}
