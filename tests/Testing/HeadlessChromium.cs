using PuppeteerSharp;

namespace Platform.Testing;

/// <summary>
/// Debian's chromium, headless, driven by PuppeteerSharp: a UI checked as a person sees it, from the page
/// the browser renders. The browser is a required program like the servers (<see cref="RequiredServer.Locate(string)"/>):
/// missing, it skips the test on a workstation and fails it under <c>CI=true</c>; <c>./platform test</c> installs
/// it. PuppeteerSharp is handed its path and never downloads a browser of its own. Every wait of a page
/// it opens is bounded (<see cref="Timeout"/>); disposing closes the browser and deletes its profile.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>The program, from the Debian package of the same name.</summary>
    public const string Program = "chromium";

    /// <summary>How long a launch, a navigation or a wait for a selector may take unless told otherwise.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly IBrowser _browser;

    private HeadlessChromium(IBrowser browser) => _browser = browser;

    /// <summary>Starts a headless browser whose pages are <paramref name="width"/>×<paramref name="height"/> CSS pixels.</summary>
    public static async Task<HeadlessChromium> StartAsync(int width = 1400, int height = 900)
    {
        var program = RequiredServer.Locate(Program);
        var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = program,
            Headless = true,
            // The tests run as root, where Chromium refuses its sandbox; the pages it opens are the tests' own, on loopback.
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--lang=en-US"],
            DefaultViewport = new ViewPortOptions { Width = width, Height = height },
            Timeout = (int)Timeout.TotalMilliseconds,
            ProtocolTimeout = (int)Timeout.TotalMilliseconds,
        });
        return new HeadlessChromium(browser);
    }

    /// <summary>A new tab sharing this browser's cookies, its waits bounded by <see cref="Timeout"/>.</summary>
    public Task<IPage> NewPageAsync() => Bounded(_browser.NewPageAsync());

    /// <summary>A new tab in a fresh incognito context: no cookie of the other tabs, so no login either.</summary>
    public async Task<IPage> NewPrivatePageAsync()
    {
        var context = await _browser.CreateBrowserContextAsync();
        return await Bounded(context.NewPageAsync());
    }

    public async ValueTask DisposeAsync() => await _browser.DisposeAsync();

    private static async Task<IPage> Bounded(Task<IPage> opening)
    {
        var page = await opening;
        page.DefaultTimeout = (int)Timeout.TotalMilliseconds;
        page.DefaultNavigationTimeout = (int)Timeout.TotalMilliseconds;
        return page;
    }
}
