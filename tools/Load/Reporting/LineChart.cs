using System.Globalization;
using System.Security;
using System.Text;

namespace Platform.Load.Reporting;

/// <summary>A named line of (x, y) points; NaN y values break the line.</summary>
public sealed record Series(string Name, string Color, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// Hand-written SVG line charts: one panel per call, with labelled axes, tick values and a legend,
/// stacked by the caller. No packages.
/// </summary>
public static class LineChart
{
    public const int Width = 960;
    public const int PanelHeight = 300;
    private const int Left = 80, Right = 20, Top = 40, Bottom = 50;

    /// <summary>A complete SVG document of panels stacked top to bottom.</summary>
    public static string Document(string title, params (string Title, string XLabel, string YLabel, IReadOnlyList<Series> Series)[] panels)
    {
        var height = 30 + panels.Length * PanelHeight;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");
        for (var i = 0; i < panels.Length; i++)
            Panel(svg, 30 + i * PanelHeight, panels[i].Title, panels[i].XLabel, panels[i].YLabel, panels[i].Series);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, int top, string title, string xLabel, string yLabel, IReadOnlyList<Series> series)
    {
        var points = series.SelectMany(s => s.Points).Where(p => !double.IsNaN(p.Y) && !double.IsInfinity(p.Y)).ToList();
        var xMax = Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.X));
        var yMax = Nice(points.Count == 0 ? 1 : points.Max(p => p.Y));
        double plotW = Width - Left - Right, plotH = PanelHeight - Top - Bottom;
        double X(double x) => Left + x / xMax * plotW;
        double Y(double y) => top + Top + plotH - y / yMax * plotH;

        svg.Append(CultureInfo.InvariantCulture, $"<g>\n<text x=\"{Left}\" y=\"{top + 25}\" font-size=\"13\" font-weight=\"bold\">{Escape(title)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{F(Y(0))}\" x2=\"{Left + plotW}\" y2=\"{F(Y(0))}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{top + Top}\" x2=\"{Left}\" y2=\"{F(Y(0))}\" stroke=\"black\"/>\n");
        for (var t = 0; t <= 4; t++)
        {
            var yv = yMax * t / 4;
            var xv = xMax * t / 4;
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{Left}\" y1=\"{F(Y(yv))}\" x2=\"{Left + plotW}\" y2=\"{F(Y(yv))}\" stroke=\"#ddd\"/><text x=\"{Left - 6}\" y=\"{F(Y(yv) + 4)}\" text-anchor=\"end\">{Label(yv)}</text>\n");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{F(X(xv))}\" y=\"{F(Y(0) + 16)}\" text-anchor=\"middle\">{Label(xv)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Left + plotW / 2)}\" y=\"{F(Y(0) + 36)}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture,
            $"<text transform=\"translate(18 {F(top + Top + plotH / 2)}) rotate(-90)\" text-anchor=\"middle\">{Escape(yLabel)}</text>\n");

        foreach (var line in series)
        {
            var path = new StringBuilder();
            var pen = 'M';
            foreach (var (x, y) in line.Points)
            {
                if (double.IsNaN(y) || double.IsInfinity(y))
                {
                    pen = 'M';
                    continue;
                }

                path.Append(CultureInfo.InvariantCulture, $"{pen}{F(X(x))},{F(Y(y))} ");
                pen = 'L';
            }

            if (path.Length > 0)
                svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{line.Color}\" stroke-width=\"1.5\"/>\n");
        }

        for (var i = 0; i < series.Count; i++)
        {
            var lx = Left + plotW - 150;
            var ly = top + Top + 8 + i * 16;
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{F(lx)}\" y1=\"{ly}\" x2=\"{F(lx + 20)}\" y2=\"{ly}\" stroke=\"{series[i].Color}\" stroke-width=\"3\"/><text x=\"{F(lx + 26)}\" y=\"{ly + 4}\">{Escape(series[i].Name)}</text>\n");
        }

        svg.Append("</g>\n");
    }

    /// <summary>A round axis maximum at or above <paramref name="value"/>: 1, 2 or 5 times a power of ten.</summary>
    public static double Nice(double value)
    {
        if (value <= 0 || double.IsNaN(value))
            return 1;
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1.0, 2, 5, 10 })
        {
            if (step * power >= value)
                return step * power;
        }

        return 10 * power;
    }

    private static string Label(double value) => value.ToString(value >= 100 || value == Math.Floor(value) ? "0" : "0.##", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
