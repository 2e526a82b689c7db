using System.Diagnostics;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// Waits, bounded in time, for something the tests cannot await directly (a health check, a metric, a row, a notification):
/// polls a condition every <see cref="DefaultPollInterval"/> (or the interval given) and checks it once more when the time is up.
/// </summary>
public static class Eventually
{
    /// <summary>The poll interval when none is given.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; false when it still does not hold then.
    /// The waits between polls end with the running test (its cancellation token).
    /// </summary>
    public static async Task<bool> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? pollInterval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            if (await condition())
                return true;
            await Task.Delay(pollInterval ?? DefaultPollInterval, TestContext.Current.CancellationToken);
        }
        return await condition();
    }

    /// <summary>As <see cref="HoldsAsync"/>, and fails the test with <paramref name="failureMessage"/> when the condition never held.</summary>
    public static Task AssertAsync(Func<Task<bool>> condition, TimeSpan timeout, string failureMessage, TimeSpan? pollInterval = null) =>
        AssertAsync(condition, timeout, () => failureMessage, pollInterval);

    /// <summary>As <see cref="HoldsAsync"/>, and fails the test with the message <paramref name="failureMessage"/> makes (after the last poll) when the condition never held.</summary>
    public static async Task AssertAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> failureMessage, TimeSpan? pollInterval = null)
    {
        ArgumentNullException.ThrowIfNull(failureMessage);
        if (!await HoldsAsync(condition, timeout, pollInterval))
            Assert.Fail(failureMessage());
    }
}
