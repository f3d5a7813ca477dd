using System.Globalization;
using System.Text;
using System.Text.Json;
using Fast.Merging.Graphs;

namespace Fast.Cli.Commands;

/// <summary>What <c>fastmerge merge --mode METHOD|--recipe</c> prints: counts, the recipe, output hashes.</summary>
internal static class GraphMergeSummary
{
    public static string ToText(GraphMergeResult result)
    {
        GraphPlan plan = result.Plan;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"merged {plan.MergedCount} tensors through {string.Join(" -> ", plan.Order.Select(m => $"{m.Name} ({m.Method})"))}; copied {plan.CopiedCount} from input '{plan.Primary}'; architecture {plan.Architecture}");
        foreach (GraphInput input in plan.Recipe.Inputs)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"input {input.Name}: {input.Path}{(input.Sha256 is null ? string.Empty : $" (sha256 {input.Sha256[..10]})")}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"output: {result.OutputPath}");
        if (result.OutputHashes is { } hashes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"sha256: {hashes.Sha256} (AutoV2 {hashes.AutoV2})");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"recipe ({GraphRecipeJson.MetadataKey}): {GraphRecipeJson.Serialize(plan.Recipe)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"device: {result.Device}; {result.Elapsed.TotalSeconds:F2} s");
        return text.ToString();
    }

    public static string ToJson(GraphMergeResult result)
    {
        GraphPlan plan = result.Plan;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("output", result.OutputPath);
            w.WriteNumber("merged", plan.MergedCount);
            w.WriteNumber("copied", plan.CopiedCount);
            w.WriteString("primary", plan.Primary);
            w.WriteString("architecture", plan.Architecture.ToString());
            w.WriteString("sha256", result.OutputHashes?.Sha256);
            w.WriteString("device", result.Device);
            w.WriteNumber("seconds", result.Elapsed.TotalSeconds);
            w.WritePropertyName("recipe");
            w.WriteRawValue(GraphRecipeJson.Serialize(plan.Recipe));
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
