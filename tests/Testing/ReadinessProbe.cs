using System.Diagnostics;

namespace Platform.Testing;

/// <summary>Waits for a started process to answer 200 on its readiness URL, or says why it did not.</summary>
public static class ReadinessProbe
{
    /// <summary>
    /// Polls <paramref name="url"/> until it answers 200. Throws with the process's last output if the
    /// process exits first or <paramref name="timeout"/> passes.
    /// </summary>
    public static async Task WaitAsync(ChildProcess process, Uri url, TimeSpan timeout, string name)
    {
        var stopwatch = Stopwatch.StartNew();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var lastAnswer = "no answer yet";
        while (stopwatch.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode} while starting:{Environment.NewLine}{process.Output}");
            }

            try
            {
                using var response = await client.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                lastAnswer = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                lastAnswer = e.Message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{name} did not answer 200 on {url} within {timeout.TotalSeconds:0} s (last: {lastAnswer}):{Environment.NewLine}{process.Output}");
    }
}
