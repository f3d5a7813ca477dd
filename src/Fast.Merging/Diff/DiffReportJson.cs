using System.Text.Json;
using Fast.Kernels;

namespace Fast.Merging.Diff;

/// <summary>
/// The diff report as JSON for scripts: totals, every section with its groups (for the denoiser every block of the
/// layout, in list order), every compared tensor, and the keys that were not compared. A statistic that is not finite
/// (NaN in a model) is <c>null</c>.
/// </summary>
public static class DiffReportJson
{
    /// <summary>Writes <paramref name="report"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter w, DiffReport report)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(report);
        w.WriteStartObject();
        w.WriteString("a", report.PathA);
        w.WriteString("b", report.PathB);
        w.WriteString("architecture_a", report.ArchitectureA);
        w.WriteString("architecture_b", report.ArchitectureB);
        w.WriteString("layout", report.Layout);
        w.WriteString("device", report.Device);
        w.WriteNumber("bytes_read", report.BytesRead);
        w.WriteStartObject("total");
        Statistics(w, report.Total);
        w.WriteEndObject();
        w.WriteStartArray("sections");
        foreach (DiffSection section in report.Sections)
        {
            w.WriteStartObject();
            w.WriteString("label", section.Label);
            w.WriteBoolean("denoiser", section.IsDenoiser);
            w.WriteStartObject("total");
            Statistics(w, section.Sums);
            w.WriteEndObject();
            w.WriteStartArray("groups");
            foreach (DifferenceGroup group in section.Groups)
            {
                w.WriteStartObject();
                w.WriteString("name", group.Name);
                w.WriteNumber("tensors", group.Tensors);
                Statistics(w, group.Sums);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("tensors");
        foreach (TensorDifference t in report.Tensors)
        {
            w.WriteStartObject();
            w.WriteString("key", t.Key);
            w.WriteString("section", t.Section);
            w.WriteString("group", t.Group);
            w.WriteStartArray("shape");
            foreach (long d in t.Shape)
            {
                w.WriteNumberValue(d);
            }

            w.WriteEndArray();
            w.WriteString("dtype_a", t.DTypeA);
            w.WriteString("dtype_b", t.DTypeB);
            Statistics(w, t.Sums);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        Strings(w, "only_in_a", report.OnlyInA);
        Strings(w, "only_in_b", report.OnlyInB);
        Strings(w, "shape_mismatches", report.ShapeMismatches);
        Strings(w, "not_compared", report.NotCompared);
        w.WriteEndObject();
    }

    private static void Statistics(Utf8JsonWriter w, DifferenceSums s)
    {
        w.WriteNumber("elements", s.Count);
        Number(w, "l2_diff", s.L2Difference);
        Number(w, "relative_l2_diff", s.RelativeL2Difference);
        Number(w, "cosine", s.Count == 0 ? double.NaN : s.Cosine);
        Number(w, "max_abs_diff", s.MaxAbsDifference);
        Number(w, "l2_a", Math.Sqrt(s.SquaresA));
        Number(w, "l2_b", Math.Sqrt(s.SquaresB));
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
