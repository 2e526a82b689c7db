using System.Diagnostics;
using Platform.Testing;
using PuppeteerSharp;

namespace Platform.Gateway.Tests.Tracing;

/// <summary>
/// The viewer's page of one trace (<c>/traces/detail/{traceId}</c>) as a browser renders it: a grid with a row
/// per span, read from the DOM the way a person reads the screen. Each row shows the span's name (a database
/// span as <c>DATA mysql Execute</c>: the viewer's badge, <c>db.system</c>, then the span's own name) and its
/// resource: <c>gateway</c>, and a replica as <c>api</c> or, once several replicas have exported,
/// <c>api-</c> followed by its instance (<c>api-api-2</c>).
/// </summary>
public sealed class TraceDetailPage(IPage page, Uri url)
{
    /// <summary>How long the page may take to show what a test waits for: every process exports in its own batches (every 5 s at most).</summary>
    public static readonly TimeSpan Wait = TraceViewer.DefaultWait;

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    // The page updates itself as spans arrive, but a reload every few seconds does not depend on it.
    private static readonly TimeSpan Reload = TimeSpan.FromSeconds(5);

    // Each grid row as rendered: the span's name (without the peer the viewer appends to a call into no traced
    // service), its resource, that peer, and whether the row's label says its status is an error.
    private const string ReadRows = """
        () => Array.from(document.querySelectorAll('tr.fluent-data-grid-row')).flatMap(row => {
            const label = row.querySelector('td[col-index="1"]');
            const name = row.querySelector('.span-name-container');
            const resource = row.querySelector('.resource-name');
            if (!label || !name || !resource) return [];
            const peer = name.querySelector('.uninstrumented-peer');
            const own = Array.from(name.childNodes)
                .filter(node => node !== peer && (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.ELEMENT_NODE))
                .map(node => node.textContent).join('');
            const error = (label.getAttribute('title') || '').split('\n').some(line => line.trim() === 'Status = Error');
            return [[own.trim(), resource.innerText.trim(), peer ? peer.innerText.trim() : '', error ? 'error' : '']];
        })
        """;

    // The open span's details as the panel lists them: each property's name and value (attributes, context, resource).
    private const string ReadDetails = """
        () => Array.from(document.querySelectorAll('.details-container tr.fluent-data-grid-row')).flatMap(row => {
            const name = row.querySelector('td.nameColumn .grid-value');
            const value = row.querySelector('td.valueColumn .grid-value');
            return name && value ? [[name.innerText.trim(), value.innerText.trim()]] : [];
        })
        """;

    public IPage Page => page;

    /// <summary>The page of <paramref name="traceId"/> on <paramref name="viewer"/>'s UI (not yet opened).</summary>
    public static TraceDetailPage Of(IPage page, TraceViewer viewer, string traceId) =>
        new(page, new Uri(viewer.UiBaseUrl, "traces/detail/" + traceId));

    public Uri Url => url;

    /// <summary>Opens the page; the browser shows the login form instead when it has not logged in.</summary>
    public async Task OpenAsync() => await page.GoToAsync(url.ToString(), WaitUntilNavigation.Networkidle2);

    /// <summary>The spans the page shows now, top to bottom.</summary>
    public async Task<IReadOnlyList<SpanRow>> RowsAsync()
    {
        var rows = await page.EvaluateFunctionAsync<string[][]>(ReadRows);
        return [.. rows.Select(row => new SpanRow(row[0], row[1], row[2] is { Length: > 0 } peer ? peer : null, row[3] == "error"))];
    }

    /// <summary>Everything the page shows as text, for a failure's message.</summary>
    public Task<string> TextAsync() => page.EvaluateExpressionAsync<string>("document.body.innerText");

    /// <summary>
    /// Opens the page and waits, at most <see cref="Wait"/>, until its rows satisfy <paramref name="complete"/>; returns them.
    /// </summary>
    /// <exception cref="Xunit.Sdk.FailException">They never did; the message has what the page showed.</exception>
    public async Task<IReadOnlyList<SpanRow>> WaitForRowsAsync(Func<IReadOnlyList<SpanRow>, bool> complete, string expected)
    {
        await OpenAsync();
        var waited = Stopwatch.StartNew();
        var opened = Stopwatch.StartNew();
        while (true)
        {
            var rows = await RowsAsync();
            if (complete(rows))
                return rows;
            if (waited.Elapsed > Wait)
                Assert.Fail($"{url} never showed {expected} within {Wait.TotalSeconds:0} s; it showed:\n{await TextAsync()}");
            if (opened.Elapsed > Reload)
            {
                await page.ReloadAsync(new ReloadOptions { WaitUntil = [WaitUntilNavigation.Networkidle2] });
                opened.Restart();
            }
            await Task.Delay(Poll, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Opens the details of the span on <paramref name="row"/> (a click on its name), laid out below the grid so
    /// the grid keeps every column, and returns its properties as the panel lists them: attributes, context, resource.
    /// </summary>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> OpenDetailsAsync(SpanRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var label = $"{row.Resource}: {row.Name}";
        await page.ClickAsync($"td[col-index=\"1\"][title^=\"{label}\"]");
        await page.WaitForSelectorAsync($".details-container .pane-details-title[title^=\"{label} (\"]");
        // The panel opens beside the grid, whose columns it squeezes; its button lays it out below instead.
        if (await page.QuerySelectorAsync("fluent-button[title=\"Split horizontal\"]") is { } below)
        {
            await below.ClickAsync();
            await page.WaitForSelectorAsync("fluent-button[title=\"Split vertical\"]");
        }
        var details = await page.EvaluateFunctionAsync<string[][]>(ReadDetails);
        return [.. details.Select(pair => KeyValuePair.Create(pair[0], pair[1]))];
    }

    /// <summary>Saves what the browser shows (its viewport; a headless browser has no address bar) as a PNG.</summary>
    public Task ScreenshotAsync(string path) => page.ScreenshotAsync(path);
}
