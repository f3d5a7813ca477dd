using System.Globalization;
using System.Text;
using System.Text.Json;
using Fast.Cli.CommandLine;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;

namespace Fast.Cli.Commands;

/// <summary>The one-screen report printed after a merge (text or JSON).</summary>
internal sealed record MergeSummary(MergePlan Plan, string Output, TimeSpan Elapsed)
{
    private int PositionIdsReset => Plan.Tensors.Count(t => t.Action == TensorAction.ResetPositionIds);

    public string ToText()
    {
        var s = new StringBuilder();
        MergeRecipe r = Plan.Recipe;
        s.AppendLine(CultureInfo.InvariantCulture, $"merged {Output}");
        s.AppendLine(CultureInfo.InvariantCulture, $"  architecture   {Plan.Architecture}");
        s.AppendLine(CultureInfo.InvariantCulture, $"  mode           {RecipeNames.ReferenceName(r.Mode)} ({RecipeNames.Name(r.CalcMode)}), alpha {r.Alpha.ToString(CultureInfo.InvariantCulture)}, beta {r.Beta.ToString(CultureInfo.InvariantCulture)}");
        if (r.WeightsAlpha is not null)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  weights alpha  {r.WeightsAlpha}");
        }

        s.AppendLine(CultureInfo.InvariantCulture, $"  tensors        {Plan.Tensors.Count}: {Plan.MergedCount} merged, {Plan.CopiedCount} kept from A, {PositionIdsReset} position ids reset to int64 [0..n-1]");
        s.AppendLine(CultureInfo.InvariantCulture, $"  size           {Format.Bytes(new FileInfo(Output).Length)} in {Format.Duration(Elapsed)}");
        return s.ToString();
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("output", Output);
            w.WriteString("architecture", Plan.Architecture.ToString());
            w.WriteNumber("tensors", Plan.Tensors.Count);
            w.WriteNumber("merged", Plan.MergedCount);
            w.WriteNumber("kept", Plan.CopiedCount);
            w.WriteNumber("position_ids_reset", PositionIdsReset);
            w.WriteNumber("bytes", new FileInfo(Output).Length);
            w.WriteNumber("seconds", Elapsed.TotalSeconds);
            w.WritePropertyName("recipe");
            w.WriteRawValue(RecipeJson.Serialize(Plan.Recipe));
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
