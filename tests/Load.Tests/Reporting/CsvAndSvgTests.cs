using System.Xml.Linq;
using Platform.Load.Reporting;
using Platform.Load.Traffic;

namespace Platform.Load.Tests.Reporting;

public sealed class CsvAndSvgTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Fields_are_quoted_only_when_needed_and_quotes_doubled(string? value, string expected) =>
        Assert.Equal(expected, Csv.Field(value));

    [Fact]
    public void A_request_line_keeps_its_seven_columns_even_with_commas_in_a_field()
    {
        var line = ReportWriter.RequestLine(new RequestRecord(1000.5, 12.25, "GET /x?a=1,2", "load", 200, null, "api-1", false));
        Assert.Equal("1000.5,12.25,\"GET /x?a=1,2\",load,200,,api-1", line);
        Assert.Equal(7, ReportWriter.RequestsHeader.Split(',').Length);
    }

    [Fact]
    public void Timeline_svg_is_well_formed_with_both_charts_axes_labels_and_a_legend()
    {
        var records = Enumerable.Range(0, 300).Select(i => new RequestRecord(i * 10, i % 7 * 3.5, "e", "c", i % 50 == 0 ? 503 : 200, null, null, i % 50 == 0)).ToList();
        var timeline = Timeline.Of(records, 5_000);
        Assert.Equal(5, timeline.Count);
        var svg = XDocument.Parse(TimelineSvg.Render("title <&> \"quoted\"", timeline));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("requests per second", texts);
        Assert.Contains("latency (ms)", texts);
        Assert.Contains("p99", texts);
        Assert.Contains("title <&> \"quoted\"", texts);
        Assert.True(svg.Descendants(ns + "path").Count() >= 5);
    }

    [Fact]
    public void An_empty_run_still_renders_a_well_formed_svg_and_a_csv_header()
    {
        var timeline = Timeline.Of([], 2_000);
        XDocument.Parse(TimelineSvg.Render("empty", timeline));
        Assert.StartsWith("second,requests,failures,p50_ms,p95_ms,p99_ms\n0,0,0,,,", Timeline.ToCsv(timeline), StringComparison.Ordinal);
    }
}
