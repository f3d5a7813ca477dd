using System.Globalization;
using System.Net;
using Fast.Kernels;

namespace Fast.Merging.Diff;

/// <summary>
/// The diff report as one self-contained HTML page: no script, no stylesheet, font or image from anywhere else. The
/// denoiser is drawn in inline SVG as block-merge studies draw it (SD/SDXL: IN00 at the top left down to M00 at the
/// bottom and up to OUT(n) at the top right, a U; Flux and SD3: a row per kind of block), each block coloured by its
/// relative difference ‖B − A‖ / ‖A‖ and labelled with it; then a table per section (the denoiser's blocks, the text
/// encoders, the VAE), the most changed tensors and the keys that were not compared.
/// </summary>
public static class DiffReportHtml
{
    private const int BoxWidth = 104;
    private const int BoxHeight = 38;
    private const int Gap = 6;
    private const int TopTensors = 25;

    /// <summary>Writes the page.</summary>
    public static void Write(TextWriter o, DiffReport report)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(report);
        o.Write("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>fastmerge diff</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fff}
            h1{font-size:20px;margin:0 0 8px} h2{font-size:16px;margin:28px 0 8px}
            table{border-collapse:collapse;font-size:13px} th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
            th:first-child,td:first-child{text-align:left} th{background:#f2f2f2}
            .meta td{border:none;text-align:left;padding:1px 8px 1px 0}
            svg text{font-family:system-ui,sans-serif} code{font-size:12px}
            </style></head><body>

            """);
        o.Write($"<h1>fastmerge diff</h1>\n<table class=\"meta\">");
        Meta(o, "A", $"{report.PathA} ({report.ArchitectureA})");
        Meta(o, "B", $"{report.PathB} ({report.ArchitectureB})");
        Meta(o, "layout", report.Layout);
        Meta(o, "compared", Invariant($"{report.Tensors.Count} tensors, {report.Total.Count:N0} elements, {report.BytesRead:N0} bytes read on {report.Device}"));
        Meta(o, "total", Invariant($"‖B−A‖ {Value(report.Total.L2Difference)}, ‖B−A‖/‖A‖ {Value(report.Total.RelativeL2Difference)}, cosine {Cosine(report.Total)}, max |Δ| {Value(report.Total.MaxAbsDifference)}"));
        o.Write("</table>\n");

        foreach (DiffSection section in report.Sections.Where(s => s.IsDenoiser))
        {
            o.Write($"<h2>{Html(section.Label)}: relative difference ‖B−A‖/‖A‖ per block</h2>\n");
            double scale = section.Groups.Where(g => g.Tensors > 0).Select(g => g.Sums.RelativeL2Difference).Where(double.IsFinite).DefaultIfEmpty(0).Max();
            if (IsUNet(section))
            {
                UNetFigure(o, section, scale);
            }
            else
            {
                RowsFigure(o, section, scale);
            }

            Legend(o, scale);
        }

        foreach (DiffSection section in report.Sections)
        {
            o.Write($"<h2>{Html(section.Label)}</h2>\n");
            Table(o, section);
        }

        o.Write($"<h2>Most changed tensors (by ‖B−A‖/‖A‖)</h2>\n<table><tr><th>key</th><th>section</th><th>group</th><th>dtype</th><th>elements</th><th>‖B−A‖/‖A‖</th><th>cosine</th><th>max |Δ|</th></tr>\n");
        foreach (TensorDifference t in report.Tensors.OrderByDescending(t => double.IsNaN(t.Sums.RelativeL2Difference) ? double.MaxValue : t.Sums.RelativeL2Difference).Take(TopTensors))
        {
            o.Write(Invariant($"<tr><td><code>{Html(t.Key)}</code></td><td>{Html(t.Section)}</td><td>{Html(t.Group)}</td><td>{Html(t.DTypeA)}/{Html(t.DTypeB)}</td><td>{t.Sums.Count:N0}</td><td>{Value(t.Sums.RelativeL2Difference)}</td><td>{Cosine(t.Sums)}</td><td>{Value(t.Sums.MaxAbsDifference)}</td></tr>\n"));
        }

        o.Write("</table>\n");
        Keys(o, "Only in A", report.OnlyInA);
        Keys(o, "Only in B", report.OnlyInB);
        Keys(o, "Different shapes (not compared)", report.ShapeMismatches);
        Keys(o, "Not floating point (not compared)", report.NotCompared);
        o.Write("</body></html>\n");
    }

    private static bool IsUNet(DiffSection section) => section.Groups.Any(g => g.Name == "M00");

    /// <summary>IN00..IN(n−1) down the left, M00 at the bottom, OUT00..OUT(n−1) up the right: each OUT beside the IN it skips to.</summary>
    private static void UNetFigure(TextWriter o, DiffSection section, double scale)
    {
        List<DifferenceGroup> inputs = [.. section.Groups.Where(g => g.Name.StartsWith("IN", StringComparison.Ordinal))];
        List<DifferenceGroup> outputs = [.. section.Groups.Where(g => g.Name.StartsWith("OUT", StringComparison.Ordinal))];
        int n = Math.Max(inputs.Count, outputs.Count);
        const int Step = 16;
        int width = (2 * (BoxWidth + (n * Step))) + 60;
        int height = ((n + 1) * (BoxHeight + Gap)) + 20;
        o.Write(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"U-Net blocks\">\n"));
        for (int i = 0; i < inputs.Count; i++)
        {
            Box(o, inputs[i], 10 + (i * Step), 10 + (i * (BoxHeight + Gap)), BoxWidth, scale, inputs[i].Name);
        }

        for (int j = 0; j < outputs.Count; j++)
        {
            int depth = n - 1 - j;
            Box(o, outputs[j], width - 10 - BoxWidth - (depth * Step), 10 + (depth * (BoxHeight + Gap)), BoxWidth, scale, outputs[j].Name);
        }

        foreach (DifferenceGroup g in section.Groups.Where(g => g.Name == "M00" || g.Name == "BASE"))
        {
            int x = g.Name == "M00" ? (width - BoxWidth) / 2 : 10;
            Box(o, g, x, 10 + (n * (BoxHeight + Gap)), BoxWidth, scale, g.Name);
        }

        o.Write("</svg>\n");
    }

    /// <summary>Flux and SD3: the single modules in one row, each numbered stack in rows of up to 19 boxes.</summary>
    private static void RowsFigure(TextWriter o, DiffSection section, double scale)
    {
        const int PerRow = 19;
        const int Narrow = 58;
        const int Caption = 110;

        // Runs of consecutive blocks of one stack (double_blocks.0-18) or of single modules (img_in..txt_in, then
        // final_layer after the stacks), in model order; a stack wraps after PerRow boxes.
        var runs = new List<(string Stem, List<DifferenceGroup> Boxes)>();
        foreach (DifferenceGroup g in section.Groups)
        {
            string stem = Stem(g.Name);
            if (runs.Count > 0 && runs[^1].Stem == stem)
            {
                runs[^1].Boxes.Add(g);
            }
            else
            {
                runs.Add((stem, [g]));
            }
        }

        var merged = new List<(string Caption, List<DifferenceGroup> Boxes)>();
        foreach ((string stem, List<DifferenceGroup> boxes) in runs)
        {
            for (int start = 0; start < boxes.Count; start += PerRow)
            {
                merged.Add((start == 0 ? stem : string.Empty, boxes.GetRange(start, Math.Min(PerRow, boxes.Count - start))));
            }
        }

        int width = Caption + (PerRow * (Narrow + Gap)) + 20;
        int height = (merged.Count * (BoxHeight + Gap)) + 20;
        o.Write(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"transformer blocks\">\n"));
        for (int r = 0; r < merged.Count; r++)
        {
            int y = 10 + (r * (BoxHeight + Gap));
            if (merged[r].Caption.Length > 0)
            {
                o.Write(Invariant($"<text x=\"10\" y=\"{y + 23}\" font-size=\"12\">{Html(merged[r].Caption)}</text>\n"));
            }

            bool singles = merged[r].Boxes.All(b => Stem(b.Name).Length == 0);
            int x = Caption;
            foreach (DifferenceGroup g in merged[r].Boxes)
            {
                int w = singles ? (2 * Narrow) + Gap : Narrow;
                string label = singles ? g.Name : g.Name[(g.Name.LastIndexOf('.') + 1)..];
                Box(o, g, x, y, w, scale, label);
                x += w + Gap;
            }
        }

        o.Write("</svg>\n");
    }

    // "double_blocks.12" → "double_blocks"; a single module → "".
    private static string Stem(string block)
    {
        int dot = block.LastIndexOf('.');
        return dot > 0 && block[(dot + 1)..].All(char.IsAsciiDigit) ? block[..dot] : string.Empty;
    }

    private static void Box(TextWriter o, DifferenceGroup g, int x, int y, int width, double scale, string label)
    {
        double value = g.Sums.RelativeL2Difference;
        string text = g.Tensors == 0 ? "—" : Value(value);
        string fill = g.Tensors == 0 ? "#e6e6e6" : Colour(value, scale);
        string title = g.Tensors == 0
            ? $"{g.Name}: no tensors compared"
            : Invariant($"{g.Name}: {g.Tensors} tensors, {g.Sums.Count:N0} elements; ‖B−A‖/‖A‖ {Value(value)}, ‖B−A‖ {Value(g.Sums.L2Difference)}, cosine {Cosine(g.Sums)}, max |Δ| {Value(g.Sums.MaxAbsDifference)}");
        o.Write(Invariant($"<g class=\"block\" data-block=\"{Html(g.Name)}\" data-value=\"{text}\"><title>{Html(title)}</title>"));
        o.Write(Invariant($"<rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{BoxHeight}\" rx=\"4\" fill=\"{fill}\" stroke=\"#555\"/>"));
        o.Write(Invariant($"<text x=\"{x + (width / 2)}\" y=\"{y + 15}\" font-size=\"12\" font-weight=\"bold\" text-anchor=\"middle\">{Html(label)}</text>"));
        o.Write(Invariant($"<text x=\"{x + (width / 2)}\" y=\"{y + 31}\" font-size=\"11\" text-anchor=\"middle\">{text}</text></g>\n"));
    }

    private static void Legend(TextWriter o, double scale)
    {
        o.Write("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"420\" height=\"34\" role=\"img\" aria-label=\"colour scale\">");
        for (int i = 0; i < 20; i++)
        {
            o.Write(Invariant($"<rect x=\"{10 + (i * 15)}\" y=\"4\" width=\"15\" height=\"14\" fill=\"{Colour(scale * i / 19, scale)}\"/>"));
        }

        o.Write(Invariant($"<text x=\"10\" y=\"31\" font-size=\"11\">0</text><text x=\"310\" y=\"31\" font-size=\"11\" text-anchor=\"end\">{Value(scale)}</text>"));
        o.Write("<text x=\"320\" y=\"15\" font-size=\"11\">‖B−A‖/‖A‖</text></svg>\n");
    }

    private static void Table(TextWriter o, DiffSection section)
    {
        double scale = section.Groups.Where(g => g.Tensors > 0).Select(g => g.Sums.RelativeL2Difference).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        o.Write("<table><tr><th>group</th><th>tensors</th><th>elements</th><th>‖B−A‖</th><th>‖B−A‖/‖A‖</th><th>cosine</th><th>max |Δ|</th></tr>\n");
        foreach (DifferenceGroup g in section.Groups)
        {
            DifferenceSums s = g.Sums;
            string relative = g.Tensors == 0 ? "—" : Value(s.RelativeL2Difference);
            string fill = g.Tensors == 0 ? "#f6f6f6" : Colour(s.RelativeL2Difference, scale);
            o.Write(Invariant($"<tr><td>{Html(g.Name)}</td><td>{g.Tensors}</td><td>{s.Count:N0}</td><td>{(g.Tensors == 0 ? "—" : Value(s.L2Difference))}</td><td style=\"background:{fill}\">{relative}</td><td>{(g.Tensors == 0 ? "—" : Cosine(s))}</td><td>{(g.Tensors == 0 ? "—" : Value(s.MaxAbsDifference))}</td></tr>\n"));
        }

        DifferenceSums t = section.Sums;
        o.Write(Invariant($"<tr><th>all</th><th>{section.Groups.Sum(g => g.Tensors)}</th><th>{t.Count:N0}</th><th>{Value(t.L2Difference)}</th><th>{Value(t.RelativeL2Difference)}</th><th>{Cosine(t)}</th><th>{Value(t.MaxAbsDifference)}</th></tr>\n</table>\n"));
    }

    private static void Keys(TextWriter o, string title, IReadOnlyList<string> keys)
    {
        if (keys.Count == 0)
        {
            return;
        }

        o.Write(Invariant($"<h2>{Html(title)}: {keys.Count}</h2>\n<details><summary>show</summary><ul>\n"));
        foreach (string key in keys)
        {
            o.Write($"<li><code>{Html(key)}</code></li>\n");
        }

        o.Write("</ul></details>\n");
    }

    private static void Meta(TextWriter o, string name, string value) => o.Write($"<tr><td><b>{Html(name)}</b></td><td>{Html(value)}</td></tr>");

    /// <summary>White (no difference) through yellow to red (the largest block), so the eye finds the changed blocks first.</summary>
    private static string Colour(double value, double scale)
    {
        if (!double.IsFinite(value))
        {
            return "#7a00a8";
        }

        double t = scale > 0 ? Math.Clamp(value / scale, 0, 1) : 0;
        int hue = (int)Math.Round(60 * (1 - t));
        int lightness = (int)Math.Round(97 - (47 * t));
        return Invariant($"hsl({hue},95%,{lightness}%)");
    }

    private static string Value(double value) => double.IsNaN(value) ? "NaN" : double.IsInfinity(value) ? "∞" : value.ToString("G4", CultureInfo.InvariantCulture);

    private static string Cosine(DifferenceSums s) => s.Count == 0 ? "—" : s.Cosine.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Html(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
